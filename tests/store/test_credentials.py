"""Credentials: encrypted at rest and bound to their row; rotated and wiped under a lock across workers."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from linkyard.domain import ManualClock, ProviderAccount
from linkyard.errors import CredentialsWiped, DecryptionFailed
from linkyard.store import Store
from linkyard.store.tables import credentials
from tests.harness.database import WAIT, lock_requests
from tests.store.conftest import BACKENDS, Tenant, dump_database, make_tenant, tokens

SENTINEL_ACCESS = "SENTINEL-ACCESS-7d1c0a5e9b"
SENTINEL_REFRESH = "SENTINEL-REFRESH-3f2b8c6d4a"
SENTINEL_SECRET = "SENTINEL-CLIENT-SECRET-91ab"
SENTINEL_VERIFIER = "SENTINEL-PKCE-VERIFIER-55cd"


def _encodings(secret: str) -> list[str]:
    raw = secret.encode()
    found = [secret, raw.hex()]
    for shift in range(3):  # base64 of the secret at every alignment inside a longer value
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * shift + raw).decode().rstrip("=")
            found.append(encoded[4 if shift else 0 : -4])
    return found


async def test_no_secret_appears_in_a_dump_of_the_database(store: Store, clock: ManualClock) -> None:
    tenant = await make_tenant(store, clock)
    project = tenant.project.id
    profile = await store.connector_profiles.create(
        project, connector="factorialhr", client_id="c", client_secret=SENTINEL_SECRET, environment="demo"
    )
    await store.accounts.upsert(
        project,
        profile_id=profile.id,
        origin_owner_id="sentinel-owner",
        origin_owner_name="Sentinel",
        provider_account=ProviderAccount(company_id="9"),
        token=tokens(SENTINEL_ACCESS, SENTINEL_REFRESH, clock),
    )
    session, _ = await store.connect_sessions.create(
        project, profile_id=profile.id, origin_owner_id="o", origin_owner_name="O"
    )
    await store.oauth_states.create(
        project,
        session_id=session.id,
        browser_binding="cookie",
        authorize_url="https://factorial.test/oauth/authorize",
        token_url="https://factorial.test/oauth/token",
        redirect_uri="http://127.0.0.1:8000/connect/oauth2/factorialhr/callback",
        code_verifier=SENTINEL_VERIFIER,
        return_url=None,
    )

    dump = await dump_database(store)

    assert "credentials" in dump and "v1.k1." in dump  # the dump did see the ciphertexts
    for sentinel in (SENTINEL_ACCESS, SENTINEL_REFRESH, SENTINEL_SECRET, SENTINEL_VERIFIER):
        for form in _encodings(sentinel):
            assert form not in dump
    token = await store.credentials.get(
        project, (await store.accounts.list(project, origin_owner_id="sentinel-owner"))[0].id
    )
    assert token is not None and token.refresh_token == SENTINEL_REFRESH


async def test_a_token_ciphertext_copied_to_another_account_does_not_decrypt(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    other = await make_tenant(store, clock, name="Other", owner="org-2")
    async with store.database.write() as conn:
        stolen = (
            await conn.execute(
                select(credentials.c.access_token_encrypted, credentials.c.refresh_token_encrypted).where(
                    credentials.c.account_id == tenant.account.id
                )
            )
        ).one()
        await conn.execute(
            update(credentials)
            .where(credentials.c.account_id == other.account.id)
            .values(access_token_encrypted=stolen[0], refresh_token_encrypted=stolen[1])
        )
    with pytest.raises(DecryptionFailed):
        await store.credentials.get(other.project.id, other.account.id)


async def test_an_access_token_ciphertext_copied_into_the_refresh_column_does_not_decrypt(
    store: Store, tenant: Tenant
) -> None:
    async with store.database.write() as conn:
        await conn.execute(
            update(credentials)
            .where(credentials.c.account_id == tenant.account.id)
            .values(refresh_token_encrypted=credentials.c.access_token_encrypted)
        )
    with pytest.raises(DecryptionFailed):
        await store.credentials.get(tenant.project.id, tenant.account.id)


async def test_a_second_refresher_waits_for_the_first_and_sees_its_tokens(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id
    first_holds_lock = asyncio.Event()
    seen: list[tuple[str, str | None]] = []

    async def first_refresher(second_waits: asyncio.Event) -> None:
        async with store.credentials.lock(project, account) as held:
            assert held.token is not None
            seen.append(("first", held.token.refresh_token))
            first_holds_lock.set()
            await asyncio.wait_for(second_waits.wait(), WAIT)  # the provider call, until the second queues
            await held.replace(tokens("AT-1", "RT-1", clock))

    async def second_refresher() -> None:
        await first_holds_lock.wait()
        async with worker.credentials.lock(project, account) as held:
            assert held.token is not None
            seen.append(("second", held.token.refresh_token))
            if held.token.refresh_token == "RT-0":  # it would refresh only if nobody had
                await held.replace(tokens("AT-2", "RT-2", clock))

    with lock_requests(worker) as second_waits:
        await asyncio.gather(first_refresher(second_waits), second_refresher())

    assert seen == [("first", "RT-0"), ("second", "RT-1")]
    stored = await store.credentials.get(project, account)
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("AT-1", "RT-1")


async def test_many_concurrent_refreshers_rotate_exactly_once(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id
    refreshes = 0

    async def refresher(on: Store) -> None:
        nonlocal refreshes
        async with on.credentials.lock(project, account) as held:
            assert held.token is not None
            if held.token.refresh_token == "RT-0":
                refreshes += 1
                await asyncio.sleep(0.05)
                await held.replace(tokens("AT-1", "RT-1", clock))

    await asyncio.gather(*(refresher(store if i % 2 else worker) for i in range(8)))

    assert refreshes == 1
    stored = await worker.credentials.get(project, account)
    assert stored is not None and stored.refresh_token == "RT-1"


async def test_a_rotation_that_fails_before_commit_leaves_the_old_pair(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id
    with pytest.raises(RuntimeError):
        async with store.credentials.lock(project, account) as held:
            await held.replace(tokens("AT-1", "RT-1", clock, lifetime=timedelta(minutes=2)))
            raise RuntimeError("crashed before commit")
    stored = await store.credentials.get(project, account)
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("AT-0", "RT-0")


async def test_an_unlink_during_a_refresh_waits_and_wipes_the_rotated_tokens(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id
    refreshing = asyncio.Event()

    async def refresher(unlink_waits: asyncio.Event) -> None:
        async with store.credentials.lock(project, account) as held:
            refreshing.set()
            await asyncio.wait_for(unlink_waits.wait(), WAIT)  # the provider call, until the unlink queues
            await held.replace(tokens("AT-1", "RT-1", clock))

    async def unlink() -> str | None:
        await refreshing.wait()
        wiped = await worker.credentials.wipe(project, account)
        return None if wiped is None else wiped.refresh_token

    with lock_requests(worker) as unlink_waits:
        _, wiped_refresh_token = await asyncio.gather(refresher(unlink_waits), unlink())

    assert wiped_refresh_token == "RT-1"  # the unlink revokes the token that is live, not a stale one
    assert await store.credentials.get(project, account) is None
    dump = await dump_database(store)
    assert "AT-1" not in dump and "RT-1" not in dump


async def test_a_refresh_after_an_unlink_cannot_bring_the_credentials_back(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id
    token_read_before_unlink = await store.credentials.get(project, account)
    assert token_read_before_unlink is not None

    await worker.credentials.wipe(project, account)

    async with store.credentials.lock(project, account) as held:
        assert held.token is None
        with pytest.raises(CredentialsWiped):
            await held.replace(tokens("AT-1", "RT-1", clock))
    assert await store.credentials.get(project, account) is None
    assert await worker.credentials.get(project, account) is None


async def test_an_unlink_racing_a_refresh_never_leaves_credentials(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id

    async def refresher(round_: int) -> None:
        try:
            async with store.credentials.lock(project, account) as held:
                await asyncio.sleep(0.01)
                await held.replace(tokens(f"AT-{round_}", f"RT-{round_}", clock))
        except CredentialsWiped:
            pass

    await asyncio.gather(*(refresher(i) for i in range(5)), worker.credentials.wipe(project, account))
    assert await store.credentials.get(project, account) is None


async def test_a_relink_after_an_unlink_stores_fresh_credentials(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    project = tenant.project.id
    await store.credentials.wipe(project, tenant.account.id)
    account, created = await store.accounts.upsert(
        project,
        profile_id=tenant.profile.id,
        origin_owner_id=tenant.account.origin_owner_id,
        origin_owner_name="Acme Ltd",
        provider_account=ProviderAccount(company_id="1"),
        token=tokens("AT-new", "RT-new", clock),
    )
    assert (account.id, created) == (tenant.account.id, False)
    stored = await store.credentials.get(project, account.id)
    assert stored is not None and stored.refresh_token == "RT-new"


async def test_a_terminal_refresh_failure_marks_the_account_in_the_same_transaction(
    store: Store, tenant: Tenant
) -> None:
    project, account = tenant.project.id, tenant.account.id
    async with store.credentials.lock(project, account) as held:
        await held.set_account_status(
            "error", reason_code="invalid_grant", description="Factorial refused the refresh token"
        )
    marked = await store.accounts.get(project, account)
    assert marked.status == "error"
    assert [reason.code for reason in marked.status_reasons] == ["invalid_grant"]


# PostgreSQL only: SQLite has one write lock for the whole database, by design.
@pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
async def test_postgresql_locks_one_account_not_the_whole_database(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    other = await make_tenant(store, clock, name="Other", owner="org-2")
    async with (
        store.credentials.lock(tenant.project.id, tenant.account.id),
        asyncio.timeout(5),
        worker.credentials.lock(other.project.id, other.account.id) as held,
    ):
        assert held.token is not None


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
async def test_idle_lists_old_refreshable_user_tokens_of_active_accounts_across_projects_page_by_page(
    store: Store, clock: ManualClock
) -> None:
    old = [await make_tenant(store, clock, name=f"Old {n}", owner=f"org-{n}") for n in range(3)]
    suspended = await make_tenant(store, clock, name="Suspended", owner="org-s")
    await store.accounts.set_status(suspended.project.id, suspended.account.id, "suspended")
    wiped = await make_tenant(store, clock, name="Wiped", owner="org-w")
    await store.credentials.wipe(wiped.project.id, wiped.account.id)
    clock.advance(timedelta(days=6))
    fresh = await make_tenant(store, clock, name="Fresh", owner="org-f")
    cutoff = clock() - timedelta(days=5)

    first = await store.credentials.idle(cutoff, limit=2)
    rest = await store.credentials.idle(cutoff, after=first[-1], limit=2)

    # In due order (all three were issued at once: then by account id).
    expected = sorted(((t.project.id, t.account.id) for t in old), key=lambda key: key[1])
    assert [(c.project_id, c.account_id) for c in first + rest] == expected
    assert all(c.idle_since <= cutoff for c in first + rest)
    assert fresh.account.id not in {c.account_id for c in first + rest}
    assert await store.credentials.idle(cutoff, after=rest[-1], limit=2) == []
