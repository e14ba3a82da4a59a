"""Repository behaviour: profiles, accounts (re-link in place), connect sessions and projects."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from linkyard.domain import ManualClock, ProviderAccount
from linkyard.errors import Conflict, NotFound
from linkyard.store import Store
from tests.store.conftest import Tenant, dump_database, make_tenant, tokens


async def test_the_first_profile_of_a_connector_is_its_default_and_a_new_default_replaces_it(
    store: Store, tenant: Tenant
) -> None:
    project = tenant.project.id
    assert tenant.profile.is_default
    second = await store.connector_profiles.create(
        project,
        connector="factorialhr",
        client_id="c2",
        client_secret=None,
        environment="demo",
        is_default=True,
    )
    assert (await store.connector_profiles.get_default(project, "factorialhr")) == second
    assert not (await store.connector_profiles.get(project, tenant.profile.id)).is_default
    await store.connector_profiles.update(project, tenant.profile.id, is_default=True)
    default = await store.connector_profiles.get_default(project, "factorialhr")
    assert default is not None and default.id == tenant.profile.id


async def test_a_profile_secret_is_write_only_and_replaceable(store: Store, tenant: Tenant) -> None:
    project, profile = tenant.project.id, tenant.profile
    assert profile.has_client_secret and profile.client_secret_hint == "…6789"
    assert "client-secret-of" not in repr(profile)
    assert (
        await store.connector_profiles.client_secret(project, profile.id)
        == "client-secret-of-Acme-0123456789"
    )

    updated = await store.connector_profiles.update(
        project,
        profile.id,
        client_secret="a-brand-new-secret-wxyz",
        scopes=["employees", "time_off"],
        actions=None,
    )
    assert updated.client_secret_hint == "…wxyz"
    assert updated.scopes == ("employees", "time_off") and updated.actions is None
    assert await store.connector_profiles.client_secret(project, profile.id) == "a-brand-new-secret-wxyz"

    public = await store.connector_profiles.update(project, profile.id, client_secret=None)
    assert not public.has_client_secret and public.client_secret_hint is None
    assert await store.connector_profiles.client_secret(project, profile.id) is None


async def test_a_short_secret_shows_nothing_of_itself(store: Store, tenant: Tenant) -> None:
    profile = await store.connector_profiles.create(
        tenant.project.id, connector="factorialhr", client_id="c", client_secret="short", environment="demo"
    )
    assert profile.client_secret_hint == "…"


async def test_a_profile_with_linked_accounts_cannot_be_deleted(store: Store, tenant: Tenant) -> None:
    project = tenant.project.id
    with pytest.raises(Conflict):
        await store.connector_profiles.delete(project, tenant.profile.id)
    await store.accounts.delete(project, tenant.account.id)
    await store.connector_profiles.delete(project, tenant.profile.id)
    with pytest.raises(NotFound):
        await store.connector_profiles.get(project, tenant.profile.id)


async def test_the_same_owner_linking_again_updates_the_same_account(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project = tenant.project.id
    await store.accounts.set_status(project, tenant.account.id, "error", reason_code="invalid_grant")
    clock.advance(timedelta(minutes=1))
    relinked, created = await store.accounts.upsert(
        project,
        profile_id=tenant.profile.id,
        origin_owner_id=tenant.account.origin_owner_id,
        origin_owner_name="Acme Renamed",
        provider_account=ProviderAccount(company_id="1", employee_id="8"),
        token=tokens("AT-9", "RT-9", clock),
        label="main",
    )
    assert not created and relinked.id == tenant.account.id
    assert relinked.status == "active" and relinked.status_reasons == ()
    assert relinked.origin_owner_name == "Acme Renamed" and relinked.label == "main"
    assert relinked.provider_account.employee_id == "8"
    assert relinked.created_at == tenant.account.created_at < relinked.updated_at
    assert await store.accounts.count(project) == 1
    token = await store.credentials.get(project, relinked.id)
    assert token is not None and token.refresh_token == "RT-9"


async def test_an_explicit_account_id_relinks_that_account(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    relinked, created = await store.accounts.upsert(
        tenant.project.id,
        profile_id=tenant.profile.id,
        origin_owner_id="org-1",
        origin_owner_name="Acme Ltd",
        provider_account=ProviderAccount(company_id="1"),
        token=tokens("AT-5", None, clock),
        account_id=tenant.account.id,
    )
    assert (relinked.id, created) == (tenant.account.id, False)
    token = await store.credentials.get(tenant.project.id, relinked.id)
    assert token is not None and token.refresh_token is None


async def test_two_workers_linking_the_same_owner_at_once_make_one_account(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    async def link(on: Store, n: int) -> str:
        account, _ = await on.accounts.upsert(
            tenant.project.id,
            profile_id=tenant.profile.id,
            origin_owner_id="org-new",
            origin_owner_name="New Org",
            provider_account=ProviderAccount(company_id="2"),
            token=tokens(f"AT-{n}", f"RT-{n}", clock),
        )
        return account.id

    ids = await asyncio.gather(*(link(store if n % 2 else worker, n) for n in range(6)))
    assert len(set(ids)) == 1
    assert len(await store.accounts.list(tenant.project.id, origin_owner_id="org-new")) == 1


async def test_accounts_are_filtered_paged_and_updated(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project = tenant.project.id
    for n in range(3):
        clock.advance(timedelta(seconds=1))
        await store.accounts.upsert(
            project,
            profile_id=tenant.profile.id,
            origin_owner_id=f"org-{n + 2}",
            origin_owner_name=f"Org {n + 2}",
            provider_account=ProviderAccount(company_id=str(n)),
            token=tokens("AT", "RT", clock),
        )
    page = await store.accounts.list(project, offset=1, limit=2)
    assert [account.origin_owner_id for account in page] == ["org-2", "org-3"]
    suspended = await store.accounts.set_status(
        project, page[0].id, "suspended", reason_code="paused", description="Paused by the integrator"
    )
    assert [(r.code, r.description, r.timestamp) for r in suspended.status_reasons] == [
        ("paused", "Paused by the integrator", clock())
    ]
    assert [a.id for a in await store.accounts.list(project, status="suspended")] == [page[0].id]
    changed = await store.accounts.update(project, page[0].id, label="HR", metadata={"tier": "gold"})
    assert (changed.label, changed.metadata) == ("HR", {"tier": "gold"})
    assert await store.accounts.list(project, provider="personio") == []


async def test_deleting_an_account_deletes_its_credentials(store: Store, tenant: Tenant) -> None:
    await store.accounts.delete(tenant.project.id, tenant.account.id)
    with pytest.raises(NotFound):
        await store.credentials.get(tenant.project.id, tenant.account.id)
    assert "credentials: []" in await dump_database(store)


async def test_a_connect_session_is_found_by_its_token_until_it_expires(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    session, token = await store.connect_sessions.create(
        tenant.project.id,
        profile_id=tenant.profile.id,
        origin_owner_id="org-5",
        origin_owner_name="Org 5",
        metadata={"plan": "pro"},
        ttl=timedelta(minutes=30),
    )
    assert session.status == "pending" and session.connector == "factorialhr"
    assert token not in await dump_database(store)
    assert await store.connect_sessions.find_by_token(token) == session
    assert await store.connect_sessions.find_by_token(token + "x") is None
    clock.advance(timedelta(minutes=30))
    assert await store.connect_sessions.find_by_token(token) is None


async def test_a_connect_session_records_its_outcome(store: Store, tenant: Tenant) -> None:
    project = tenant.project.id
    first, _ = await store.connect_sessions.create(
        project, profile_id=tenant.profile.id, origin_owner_id="o", origin_owner_name="O"
    )
    second, _ = await store.connect_sessions.create(
        project, profile_id=tenant.profile.id, origin_owner_id="o", origin_owner_name="O"
    )
    done = await store.connect_sessions.complete(project, first.id, tenant.account.id)
    failed = await store.connect_sessions.fail(project, second.id, "access_denied")
    assert (done.status, done.linked_account_id) == ("completed", tenant.account.id)
    assert (failed.status, failed.failure_code) == ("failed", "access_denied")
    assert await store.connect_sessions.get(project, first.id) == done


async def test_deleting_a_project_deletes_everything_it_owns(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    other = await make_tenant(store, clock, name="Other", owner="org-2")
    renamed = await store.projects.update(
        tenant.project.id, name="Acme 2", allowed_origins=["https://b.example"]
    )
    assert renamed.allowed_origins == ("https://b.example",)
    await store.projects.delete(tenant.project.id)
    with pytest.raises(NotFound):
        await store.projects.get(tenant.project.id)
    with pytest.raises(NotFound):
        await store.credentials.get(tenant.project.id, tenant.account.id)
    assert [p.id for p in await store.projects.list_all()] == [other.project.id]
    assert await store.credentials.get(other.project.id, other.account.id) is not None
