"""Key rotation, and the store refusing to open with a key ring that cannot read what is stored."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from linkyard.config import load_settings
from linkyard.domain import ManualClock, ProviderAccount
from linkyard.errors import KeyRingError
from linkyard.store import KeyRing, Store, generate_key_entry, open_store, rotate
from linkyard.store.tables import SECRET_COLUMNS
from tests.harness.database import WAIT, lock_requests
from tests.store.conftest import OpenStore, Tenant, make_tenant, tokens

OLD = generate_key_entry("old")
NEW = generate_key_entry("new")


async def _fill(store: Store, clock: ManualClock, accounts: int = 5) -> Tenant:
    tenant = await make_tenant(store, clock)
    for index in range(accounts):
        await store.accounts.upsert(
            tenant.project.id,
            profile_id=tenant.profile.id,
            origin_owner_id=f"owner-{index}",
            origin_owner_name=f"Owner {index}",
            provider_account=ProviderAccount(company_id=str(index)),
            token=tokens(f"AT-{index}", f"RT-{index}", clock),
        )
    session, _ = await store.connect_sessions.create(
        tenant.project.id, profile_id=tenant.profile.id, origin_owner_id="o", origin_owner_name="O"
    )
    await store.oauth_states.create(
        tenant.project.id,
        session_id=session.id,
        browser_binding="cookie",
        authorize_url="https://factorial.test/oauth/authorize",
        token_url="https://factorial.test/oauth/token",
        redirect_uri="http://127.0.0.1:8000/connect/oauth2/factorialhr/callback",
        code_verifier="pkce-verifier",
        return_url=None,
    )
    return tenant


async def _read_everything(store: Store, tenant: Tenant) -> list[object]:
    project = tenant.project.id
    seen: list[object] = [await store.connector_profiles.client_secret(project, tenant.profile.id)]
    for account in await store.accounts.list(project):
        token = await store.credentials.get(project, account.id)
        assert token is not None
        seen.append((token.access_token, token.refresh_token))
    return seen


async def _stored_kids(store: Store) -> set[str]:
    """The key ids of every stored secret (canaries aside)."""
    kids: set[str] = set()
    async with store.database.read() as conn:
        for secret in SECRET_COLUMNS:
            for (sealed,) in await conn.execute(select(secret.column).where(secret.column.is_not(None))):
                kids.add(sealed.split(".")[1])
    return kids


async def test_rotation_re_encrypts_everything_under_the_new_key_and_old_data_stays_readable(
    database_url: str, clock: ManualClock, open_stores: OpenStore
) -> None:
    before = await open_stores(database_url, KeyRing.parse(OLD), clock)
    tenant = await _fill(before, clock)
    expected = await _read_everything(before, tenant)

    serving = await open_stores(database_url, KeyRing.parse(f"{NEW},{OLD}"), clock)
    assert await _stored_kids(serving) == {"old"}
    assert await _read_everything(serving, tenant) == expected  # before rotation
    reads_during_rotation: list[list[object]] = []

    async def between_batches(total: int) -> None:
        reads_during_rotation.append(await _read_everything(serving, tenant))

    rotated = await rotate(serving, batch_size=2, on_batch=between_batches)

    assert rotated == 1 + 2 * 6 + 1  # client secret, 6 access+refresh pairs, 1 PKCE verifier
    assert len(reads_during_rotation) >= 3
    assert all(read == expected for read in reads_during_rotation)
    assert await _stored_kids(serving) == {"new"}
    assert await rotate(serving, batch_size=2) == 0

    after = await open_stores(database_url, KeyRing.parse(NEW), clock)
    assert await _read_everything(after, tenant) == expected


async def test_rotation_never_overwrites_a_token_refreshed_while_it_runs(
    database_url: str, clock: ManualClock, open_stores: OpenStore
) -> None:
    before = await open_stores(database_url, KeyRing.parse(OLD), clock)
    tenant = await _fill(before, clock, accounts=0)
    serving = await open_stores(database_url, KeyRing.parse(f"{NEW},{OLD}"), clock)
    # A worker whose configuration still lists the old key first: its writes stay under the old key.
    lagging = await open_stores(database_url, KeyRing.parse(f"{OLD},{NEW}"), clock)
    refreshing = asyncio.Event()

    async def refresh(rotation_waits: asyncio.Event) -> None:
        async with lagging.credentials.lock(tenant.project.id, tenant.account.id) as held:
            refreshing.set()
            await asyncio.wait_for(
                rotation_waits.wait(), WAIT
            )  # the provider call, until the rotation queues
            await held.replace(tokens("AT-fresh", "RT-fresh", clock))

    async def rotation() -> int:
        await refreshing.wait()
        return await rotate(serving, batch_size=1)

    with lock_requests(serving, updating="credentials") as rotation_waits:
        await asyncio.gather(refresh(rotation_waits), rotation())

    token = await serving.credentials.get(tenant.project.id, tenant.account.id)
    assert token is not None and token.refresh_token == "RT-fresh"
    await rotate(serving)  # a second pass picks up what was written under the old key meanwhile
    assert await _stored_kids(serving) == {"new"}
    only_new = await open_stores(database_url, KeyRing.parse(NEW), clock)
    token = await only_new.credentials.get(tenant.project.id, tenant.account.id)
    assert token is not None and token.refresh_token == "RT-fresh"


async def test_the_store_refuses_to_open_without_a_key(database_url: str) -> None:
    with pytest.raises(KeyRingError, match="no encryption key"):
        await open_store(database_url)
    with pytest.raises(KeyRingError, match="no encryption key"):
        await open_store(load_settings(database_url=database_url))


async def test_the_store_refuses_a_key_ring_that_lost_the_key_of_stored_data(
    database_url: str, clock: ManualClock, open_stores: OpenStore
) -> None:
    tenant = await _fill(await open_stores(database_url, KeyRing.parse(OLD), clock), clock, accounts=0)
    with pytest.raises(KeyRingError, match="not configured"):
        await open_store(database_url, KeyRing.parse(NEW), clock)
    # Nothing was changed by the refused attempt: the right key still reads everything.
    assert await _read_everything(await open_stores(database_url, KeyRing.parse(OLD), clock), tenant)


async def test_the_store_refuses_different_key_material_under_a_known_key_id(
    database_url: str, clock: ManualClock, open_stores: OpenStore
) -> None:
    await open_stores(database_url, KeyRing.parse(OLD), clock)
    impostor = generate_key_entry("old")
    with pytest.raises(KeyRingError, match="'old'") as caught:
        await open_store(database_url, KeyRing.parse(impostor), clock)
    assert impostor.split(":")[1] not in str(caught.value)


async def test_settings_supply_the_key_ring(database_url: str, open_stores: OpenStore) -> None:
    store = await open_store(load_settings(database_url=database_url, encryption_keys=OLD))
    try:
        assert store.keyring.kids == ("old",)
    finally:
        await store.close()
