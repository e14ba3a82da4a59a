"""OAuth tests: the store (SQLite, and PostgreSQL when configured: every test on both), the emulator sharing
the test's clock (served on loopback for the provider client, over ASGI for the test's own control calls), a
provider client, token keepers, and an account linked the way the platform links one. The database, clock and
emulator fixtures are `tests.harness`'s; this package's company is a smaller one.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from linkyard.connectors import get_connector
from linkyard.domain import (
    Account,
    ConnectorProfile,
    ManualClock,
    Project,
    ProviderAccount,
    TokenSet,
    TokenType,
)
from linkyard.oauth import ProviderClient, ProviderEndpoints, TokenKeeper, endpoints_for
from linkyard.store import KeyRing, Store
from tests.harness.database import BACKENDS, CORRUPTIONS, PG_URL, OpenStore, corrupt, lock_requests
from tests.harness.platform import FACTORIAL
from tests.live_server import Served

__all__ = ["BACKENDS", "CORRUPTIONS", "PG_URL", "corrupt", "lock_requests"]

BASE = FACTORIAL
REDIRECT_URI = "http://127.0.0.1:8000/connect/oauth2/factorialhr/callback"
CREDENTIALS_PATH = get_connector("factorialhr").action("factorialhr_get_credentials").path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every OAuth test on both backends."""
    return str(request.param)


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 5, 12


@pytest.fixture
async def control(emulator: Starlette) -> AsyncIterator[Control]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=BASE) as http:
        yield Control(http)


@pytest.fixture
async def provider(upstream_server: Served, clock: ManualClock) -> AsyncIterator[ProviderClient]:
    async with ProviderClient(pins=upstream_server.pins(), clock=clock) as client:
        yield client


@pytest.fixture
def endpoints() -> ProviderEndpoints:
    return endpoints_for(get_connector("factorialhr"), "sandbox", BASE)


@pytest.fixture
def worker_store(worker: Store) -> Store:
    """A second store (its own engine and pool) on the same database, as another worker process has."""
    return worker


MakeKeeper = Callable[..., Awaitable[TokenKeeper]]


@pytest.fixture
async def make_keeper(
    database_url: str, keyring: KeyRing, clock: ManualClock, open_stores: OpenStore, provider: ProviderClient
) -> AsyncIterator[MakeKeeper]:
    """A token keeper as one worker process has it: by default with its own store (engine) on the database."""
    keepers: list[TokenKeeper] = []

    async def _make(store: Store | None = None, **options: Any) -> TokenKeeper:
        own = store or await open_stores(database_url, keyring, clock)
        keeper = TokenKeeper(own, provider, clock, sandbox_urls={"factorialhr": BASE}, **options)
        keepers.append(keeper)
        return keeper

    yield _make
    for keeper in keepers:
        await keeper.aclose()


@pytest.fixture
async def keeper(store: Store, make_keeper: MakeKeeper) -> TokenKeeper:
    return await make_keeper(store)


@dataclass
class Control:
    """The emulator's control API."""

    http: httpx.AsyncClient

    async def settings(self, **changes: Any) -> None:
        response = await self.http.put("/_emulator/settings", json=changes)
        assert response.status_code == 200, response.text

    async def fault(self, **fault: Any) -> None:
        response = await self.http.post("/_emulator/faults", json=fault)
        assert response.status_code < 300, response.text

    async def stats(self) -> dict[str, Any]:
        return dict((await self.http.get("/_emulator/stats")).json())

    async def refreshes(self) -> int:
        return int((await self.stats())["token_requests"].get("refresh_token", 0))

    async def revoke(self, **body: Any) -> None:
        response = await self.http.post("/_emulator/revoke", json=body)
        assert response.status_code == 200, response.text

    async def company(self) -> dict[str, Any]:
        return dict((await self.http.get("/_emulator/companies")).json()[0])

    async def call(self, token: str, path: str = CREDENTIALS_PATH) -> int:
        """The status Factorial answers to a call made with `token`."""
        return (await self.http.get(path, headers={"authorization": f"Bearer {token}"})).status_code


@dataclass
class Linked:
    """A project, its connector profile (the emulator application's client) and one linked account."""

    project: Project
    profile: ConnectorProfile
    account: Account
    token: TokenSet
    client_secret: str

    @property
    def key(self) -> tuple[str, str]:
        return self.project.id, self.account.id


async def link_account(
    store: Store,
    control: Control,
    provider: ProviderClient,
    endpoints: ProviderEndpoints,
    *,
    token_type: TokenType = "user",  # noqa: S107 - a token kind
    owner: str = "org-1",
) -> Linked:
    """Link an account as the platform will: project → profile → authorize (PKCE) → exchange → who → upsert."""
    application = (
        await control.http.post(
            "/_emulator/oauth_applications",
            json={
                "name": "Linkyard",
                "redirect_uris": [REDIRECT_URI],
                "scopes": ["employees"],
                "confidential": True,
            },
        )
    ).json()
    project = await store.projects.create(f"Tenant {owner}", allowed_origins=["https://app.example"])
    profile = await store.connector_profiles.create(
        project.id,
        connector="factorialhr",
        client_id=application["client_id"],
        client_secret=application["client_secret"],
        environment="sandbox",
        scopes=["employees"],
        token_type=token_type,
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    company = await control.company()
    consent = await control.http.post(
        "/oauth/authorize",
        data={
            "client_id": profile.client_id,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "employees",
            "state": secrets.token_urlsafe(32),
            "resource_owner_type": "company" if token_type == "company" else "",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "login_email": company["admin"]["email"],
            "decision": "approve",
        },
    )
    assert consent.status_code == 302, consent.text
    code = httpx.URL(consent.headers["location"]).params["code"]
    token = await provider.exchange_code(
        endpoints,
        client_id=profile.client_id,
        client_secret=application["client_secret"],
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
        token_type=token_type,
    )
    who = await provider.request(endpoints.base_url, "GET", CREDENTIALS_PATH, access_token=token.access_token)
    assert who.status_code == 200, who.text
    me = who.json()["data"][0]
    account, created = await store.accounts.upsert(
        project.id,
        profile_id=profile.id,
        origin_owner_id=owner,
        origin_owner_name="Acme Ltd",
        provider_account=ProviderAccount(
            company_id=str(me["company_id"]), employee_id=str(me.get("employee_id") or "") or None
        ),
        token=token,
    )
    assert created
    return Linked(project, profile, account, token, application["client_secret"])


LinkAccount = Callable[..., Awaitable[Linked]]


@pytest.fixture
def link(
    store: Store, control: Control, provider: ProviderClient, endpoints: ProviderEndpoints
) -> LinkAccount:
    async def _link(**options: Any) -> Linked:
        return await link_account(store, control, provider, endpoints, **options)

    return _link


@pytest.fixture
async def linked(link: LinkAccount) -> Linked:
    """A user-token account (access token 1 hour, refresh token 1 week, strict rotation)."""
    return await link()


@contextmanager
def counted_statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements `store` sends while the block runs."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = store.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def expire(clock: ManualClock, token: TokenSet, *, after: timedelta = timedelta(seconds=1)) -> None:
    """Move the clock (the platform's and the emulator's) past the token's expiry."""
    assert token.expires_at is not None
    clock.advance(token.expires_at - clock() + after)
