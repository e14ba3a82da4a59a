"""Tenant isolation: with project B's id, no repository method reads, changes or deletes project A's rows.

The matrix below must name every public repository method; a new method that is missing fails the test.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from linkyard.domain import ManualClock, ProviderAccount, TokenSet
from linkyard.domain.request_log import LogFilter, LogQuery, RequestLog
from linkyard.errors import NotFound
from linkyard.oauth.recording import Recording
from linkyard.services.request_logs import to_request_log
from linkyard.store import Store
from tests.store.conftest import Tenant, dump_database, make_tenant, tokens

# Methods that find their project from a bearer secret, or serve the operator: not scoped by a project id.
UNSCOPED = {
    "projects.create": "creates a project",
    "projects.list_all": "operator only (CLI, admin dashboard)",
    "api_keys.find_project_by_key": "the key decides the project",
    "api_keys.find_key": "the key decides the project (dashboard sign-in)",
    "connect_sessions.find_by_token": "the session token decides the project",
    "oauth_states.consume": "the state decides the project",
    "oauth_states.purge": "housekeeping; returns no rows",
    "dashboard_sessions.end": "a dashboard session's own id; the table holds no project data",
    "dashboard_sessions.has_ended": "a dashboard session's own id; answers yes or no",
    "dashboard_sessions.purge": "housekeeping; returns no rows",
    "connect_sessions.purge": "housekeeping; returns no rows",
    "credentials.idle": "the idle refresher's candidates across projects (ids only; each re-read in its project)",
    "request_logs.add": "writes the logs the platform recorded, each under the project it was recorded for",
    "request_logs.purge": "housekeeping; returns no rows",
}

Attempt = Callable[[Store, Any, Tenant, ManualClock], Awaitable[Any]]


def _relink(account_id_from: str) -> Attempt:
    async def attempt(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
        profile = b.profile.id if account_id_from == "a-account" else a.profile.id
        return await store.accounts.upsert(
            b.project.id,
            profile_id=profile,
            origin_owner_id="intruder",
            origin_owner_name="Intruder",
            provider_account=ProviderAccount(company_id="666"),
            token=tokens("AT-evil", "RT-evil", clock),
            account_id=a.account.id if account_id_from == "a-account" else None,
        )

    return attempt


async def _lock(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> None:
    async with store.credentials.lock(b.project.id, a.account.id) as held:
        await held.replace(tokens("AT-evil", "RT-evil", clock))


def _log_of(project_id: str, account_id: str, clock: ManualClock) -> RequestLog:
    entry = Recording(started_at=clock(), kind="request", project_id=project_id, account_id=account_id)
    entry.finish(200)
    return to_request_log(entry, lambda failure: 500)


async def _a_log(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
    log = _log_of(a.project.id, a.account.id, clock)
    await store.request_logs.add([log])
    return await store.request_logs.get(b.project.id, log.id)


async def _a_page(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
    await store.request_logs.add([_log_of(a.project.id, a.account.id, clock)])
    query = LogQuery(filter=LogFilter(account_ids=(a.account.id,)))
    found, more = await store.request_logs.page(b.project.id, "request", query)
    assert not more
    return found


async def _a_steps(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
    await store.request_logs.add([_log_of(a.project.id, a.account.id, clock)])
    found, more = await store.request_logs.steps_page(b.project.id, LogQuery())
    assert not more
    return found


async def _recent_account(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
    await store.accounts.get_recent(a.project.id, a.account.id)  # A's account in the read cache first
    return await store.accounts.get_recent(b.project.id, a.account.id)


async def _recent_read(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
    await store.accounts.read_recent(a.project.id, a.account.id)  # A's account in the read cache first
    return await store.accounts.read_recent(b.project.id, a.account.id)


async def _recent_profile(store: Store, a: Tenant, b: Tenant, clock: ManualClock) -> Any:
    await store.connector_profiles.get_recent(a.project.id, a.profile.id)
    return await store.connector_profiles.get_recent(b.project.id, a.profile.id)


# Each entry: B's attempt on A's object, and what B must get: NotFound, or an empty/absent answer.
RAISES: dict[str, list[Attempt]] = {
    "projects.get": [lambda s, a, b, c: s.projects.get("prj_unknown")],
    "projects.update": [lambda s, a, b, c: s.projects.update("prj_unknown", name="x")],
    "projects.delete": [lambda s, a, b, c: s.projects.delete("prj_unknown")],
    "api_keys.create": [lambda s, a, b, c: s.api_keys.create("prj_unknown", "x")],
    "api_keys.revoke": [lambda s, a, b, c: s.api_keys.revoke(b.project.id, a.key_id)],
    "connector_profiles.create": [
        lambda s, a, b, c: s.connector_profiles.create(
            "prj_unknown", connector="factorialhr", client_id="x", client_secret=None, environment="demo"
        )
    ],
    "connector_profiles.get": [lambda s, a, b, c: s.connector_profiles.get(b.project.id, a.profile.id)],
    "connector_profiles.get_recent": [_recent_profile],
    "accounts.read": [lambda s, a, b, c: s.accounts.read(b.project.id, a.account.id)],
    "accounts.read_recent": [_recent_read],
    "connector_profiles.client_secret": [
        lambda s, a, b, c: s.connector_profiles.client_secret(b.project.id, a.profile.id)
    ],
    "connector_profiles.update": [
        lambda s, a, b, c: s.connector_profiles.update(
            b.project.id, a.profile.id, client_secret="evil", label="x"
        )
    ],
    "connector_profiles.delete": [lambda s, a, b, c: s.connector_profiles.delete(b.project.id, a.profile.id)],
    "connect_sessions.create": [
        lambda s, a, b, c: s.connect_sessions.create(
            b.project.id, profile_id=a.profile.id, origin_owner_id="o", origin_owner_name="O"
        ),
        lambda s, a, b, c: s.connect_sessions.create(
            b.project.id,
            profile_id=b.profile.id,
            origin_owner_id="o",
            origin_owner_name="O",
            account_id=a.account.id,
        ),
    ],
    "connect_sessions.get": [lambda s, a, b, c: s.connect_sessions.get(b.project.id, a.session_id)],
    "connect_sessions.complete": [
        lambda s, a, b, c: s.connect_sessions.complete(b.project.id, a.session_id, b.account.id)
    ],
    "connect_sessions.fail": [lambda s, a, b, c: s.connect_sessions.fail(b.project.id, a.session_id, "x")],
    "oauth_states.create": [
        lambda s, a, b, c: s.oauth_states.create(
            b.project.id,
            session_id=a.session_id,
            browser_binding="c",
            authorize_url="https://evil.example/authorize",
            token_url="https://evil.example/token",
            redirect_uri="https://evil.example/cb",
            code_verifier="v",
            return_url=None,
        )
    ],
    "accounts.upsert": [_relink("a-account"), _relink("a-profile")],
    "accounts.get": [lambda s, a, b, c: s.accounts.get(b.project.id, a.account.id)],
    "accounts.get_recent": [_recent_account],
    "accounts.update": [lambda s, a, b, c: s.accounts.update(b.project.id, a.account.id, label="x")],
    "accounts.set_status": [
        lambda s, a, b, c: s.accounts.set_status(b.project.id, a.account.id, "suspended")
    ],
    "accounts.delete": [lambda s, a, b, c: s.accounts.delete(b.project.id, a.account.id)],
    "api_keys.get": [lambda s, a, b, c: s.api_keys.get(b.project.id, a.key_id)],
    "credentials.get": [lambda s, a, b, c: s.credentials.get(b.project.id, a.account.id)],
    "credentials.lock": [_lock],
    "credentials.wipe": [lambda s, a, b, c: s.credentials.wipe(b.project.id, a.account.id)],
    "request_logs.get": [_a_log],
    "request_logs.set_body_logging": [
        lambda s, a, b, c: s.request_logs.set_body_logging("prj_unknown", True)
    ],
}
EMPTY: dict[str, Attempt] = {
    "api_keys.list": lambda s, a, b, c: s.api_keys.list(b.project.id),
    "connector_profiles.list": lambda s, a, b, c: s.connector_profiles.list(
        b.project.id, connector="factorialhr"
    ),
    "connector_profiles.get_default": lambda s, a, b, c: s.connector_profiles.get_default(
        b.project.id, "factorialhr"
    ),
    "accounts.list": lambda s, a, b, c: s.accounts.list(
        b.project.id, origin_owner_id=a.account.origin_owner_id
    ),
    "accounts.count": lambda s, a, b, c: s.accounts.count(b.project.id, profile_id=a.profile.id),
    "credentials.facts": lambda s, a, b, c: s.credentials.facts(b.project.id, [a.account.id]),
    "request_logs.page": _a_page,
    "request_logs.steps_page": _a_steps,
}


@dataclass(frozen=True)
class Victim(Tenant):
    """Project A, with an API key and a connect session besides its profile and account."""

    key_id: str
    session_id: str


def _public_methods(store: Store) -> set[str]:
    names = set()
    for repository in ("projects", "api_keys", "connector_profiles", "connect_sessions", "oauth_states"):
        names |= _methods_of(repository, getattr(store, repository))
    names |= _methods_of("accounts", store.accounts) | _methods_of("credentials", store.credentials)
    names |= _methods_of("dashboard_sessions", store.dashboard_sessions)
    names |= _methods_of("request_logs", store.request_logs)
    return names


def _methods_of(prefix: str, repository: object) -> set[str]:
    return {
        f"{prefix}.{name}"
        for name, member in inspect.getmembers(type(repository), callable)
        if not name.startswith("_")
    }


async def test_the_isolation_matrix_names_every_repository_method(store: Store) -> None:
    covered = set(UNSCOPED) | set(RAISES) | set(EMPTY)
    assert _public_methods(store) == covered


async def _tenants(store: Store, clock: ManualClock) -> tuple[Victim, Tenant]:
    a = await make_tenant(store, clock, name="A", owner="org-a")
    b = await make_tenant(store, clock, name="B", owner="org-b")
    key, _ = await store.api_keys.create(a.project.id, "a-key")
    session, _ = await store.connect_sessions.create(
        a.project.id, profile_id=a.profile.id, origin_owner_id="org-a", origin_owner_name="A"
    )
    return Victim(a.project, a.profile, a.account, key.id, session.id), b


def _refresh_token(token: TokenSet | None) -> str | None:
    return None if token is None else token.refresh_token


async def _snapshot(store: Store, a: Victim) -> tuple[object, ...]:
    return (
        await store.connector_profiles.get(a.project.id, a.profile.id),
        await store.connector_profiles.client_secret(a.project.id, a.profile.id),
        await store.accounts.list(a.project.id),
        await store.credentials.get(a.project.id, a.account.id),
        _refresh_token(await store.credentials.get(a.project.id, a.account.id)),
        await store.api_keys.list(a.project.id),
        await store.connect_sessions.get(a.project.id, a.session_id),
    )


@pytest.mark.parametrize("method", sorted(RAISES))
async def test_project_b_gets_not_found_for_project_a_objects(
    store: Store, clock: ManualClock, method: str
) -> None:
    a, b = await _tenants(store, clock)
    before = await _snapshot(store, a)
    for attempt in RAISES[method]:
        with pytest.raises(NotFound):
            await attempt(store, a, b, clock)
    assert await _snapshot(store, a) == before
    assert "AT-evil" not in await dump_database(store)


@pytest.mark.parametrize("method", sorted(EMPTY))
async def test_project_b_sees_nothing_of_project_a(store: Store, clock: ManualClock, method: str) -> None:
    a, b = await _tenants(store, clock)
    # B has its own profile and account; give B's view a filter that only A's rows would match.
    answer = await EMPTY[method](store, a, b, clock)
    if method == "connector_profiles.list":
        assert [profile.id for profile in answer] == [b.profile.id]
    elif method == "connector_profiles.get_default":
        assert answer is not None and answer.id == b.profile.id
    else:
        assert answer in ([], 0, {})
