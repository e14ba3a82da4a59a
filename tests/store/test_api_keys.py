"""API keys: 256-bit random, shown once, stored as digests, revocable."""

from __future__ import annotations

from linkyard.store import Store
from tests.store.conftest import Tenant, dump_database


async def test_a_new_key_finds_its_project_and_is_never_stored(store: Store, tenant: Tenant) -> None:
    key, raw = await store.api_keys.create(tenant.project.id, "production")
    assert raw.startswith("lk_") and len(raw) >= 3 + 43
    assert key.prefix == raw[:7]
    found = await store.api_keys.find_project_by_key(raw)
    assert found is not None and found.id == tenant.project.id
    dump = await dump_database(store)
    assert raw not in dump
    assert raw[7:] not in dump
    assert not key.revoked


async def test_keys_that_are_almost_right_find_nothing(store: Store, tenant: Tenant) -> None:
    _, raw = await store.api_keys.create(tenant.project.id, "production")
    last = "A" if raw[-1] != "A" else "B"
    for wrong in (raw[:-1] + last, raw[:-1], raw + "x", raw.upper(), raw[3:], "", "lk_"):
        assert await store.api_keys.find_project_by_key(wrong) is None


async def test_a_revoked_key_finds_nothing_and_others_keep_working(store: Store, tenant: Tenant) -> None:
    revoked, raw_revoked = await store.api_keys.create(tenant.project.id, "leaked")
    _, raw_kept = await store.api_keys.create(tenant.project.id, "kept")
    after = await store.api_keys.revoke(tenant.project.id, revoked.id)
    assert after.revoked
    assert await store.api_keys.find_project_by_key(raw_revoked) is None
    assert await store.api_keys.find_project_by_key(raw_kept) is not None
    again = await store.api_keys.revoke(tenant.project.id, revoked.id)
    assert again.revoked_at == after.revoked_at


async def test_keys_are_listed_per_project_without_the_raw_key(store: Store, tenant: Tenant) -> None:
    _, raw = await store.api_keys.create(tenant.project.id, "one")
    keys = await store.api_keys.list(tenant.project.id)
    assert [key.name for key in keys] == ["one"]
    assert raw not in repr(keys)
