"""The hot path's read caches: a write through the same store is seen at once, one through another store (another
worker or process) within `READ_TTL`, and a read that raced a write is not kept."""

from __future__ import annotations

import asyncio

from linkyard.domain import ManualClock
from linkyard.store import Store
from linkyard.store.read_cache import READ_TTL, ReadCache
from tests.store.conftest import Tenant

ALMOST = READ_TTL * 0.9


async def test_a_key_revoked_through_this_store_stops_at_once(store: Store, tenant: Tenant) -> None:
    key, raw = await store.api_keys.create(tenant.project.id, "ci")
    assert await store.api_keys.find_project_by_key(raw) == tenant.project

    await store.api_keys.revoke(tenant.project.id, key.id)

    assert await store.api_keys.find_project_by_key(raw) is None


async def test_a_key_revoked_by_another_worker_works_here_for_at_most_the_ttl(
    store: Store, worker: Store, tenant: Tenant, clock: ManualClock
) -> None:
    key, raw = await store.api_keys.create(tenant.project.id, "ci")
    assert await store.api_keys.find_project_by_key(raw) is not None

    await worker.api_keys.revoke(tenant.project.id, key.id)
    clock.advance(ALMOST)
    still = await store.api_keys.find_project_by_key(raw)
    clock.advance(READ_TTL - ALMOST)
    gone = await store.api_keys.find_project_by_key(raw)

    assert still == tenant.project and gone is None


async def test_an_unknown_key_is_looked_up_every_time(store: Store, tenant: Tenant) -> None:
    assert await store.api_keys.find_project_by_key("lk_not-a-key") is None
    assert len(store.read_caches.keys) == 0


async def test_a_project_change_reaches_the_key_cache_at_once(store: Store, tenant: Tenant) -> None:
    _, raw = await store.api_keys.create(tenant.project.id, "ci")
    await store.api_keys.find_project_by_key(raw)

    await store.projects.update(tenant.project.id, allowed_origins=["https://new.example"])

    found = await store.api_keys.find_project_by_key(raw)
    assert found is not None and found.allowed_origins == ("https://new.example",)


async def test_a_recent_account_is_served_from_memory_until_this_store_changes_it(
    store: Store, worker: Store, tenant: Tenant, clock: ManualClock
) -> None:
    project, account = tenant.project.id, tenant.account.id
    await store.accounts.get_recent(project, account)

    await worker.accounts.set_status(project, account, "suspended")
    elsewhere = await store.accounts.get_recent(project, account)
    clock.advance(READ_TTL)
    later = await store.accounts.get_recent(project, account)
    await store.accounts.set_status(project, account, "active")
    here = await store.accounts.get_recent(project, account)

    assert (elsewhere.status, later.status, here.status) == ("active", "suspended", "active")


async def test_a_profile_change_through_this_store_is_seen_at_once(store: Store, tenant: Tenant) -> None:
    await store.connector_profiles.get_recent(tenant.project.id, tenant.profile.id)

    await store.connector_profiles.update(tenant.project.id, tenant.profile.id, disabled=True)

    assert (await store.connector_profiles.get_recent(tenant.project.id, tenant.profile.id)).disabled


async def test_a_read_that_raced_an_eviction_is_not_kept(clock: ManualClock) -> None:
    cache: ReadCache[str, str] = ReadCache(clock)
    reading = asyncio.Event()
    release = asyncio.Event()

    async def slow_read() -> str:
        reading.set()
        await release.wait()
        return "before the write"

    pending = asyncio.ensure_future(cache.get_or_load("k", slow_read))
    await reading.wait()
    cache.forget("k")  # a write committed while the read was in flight
    release.set()

    assert await pending == "before the write"
    assert await cache.get_or_load("k", lambda: asyncio.sleep(0, "after the write")) == "after the write"


async def test_concurrent_misses_of_one_entry_share_one_read(clock: ManualClock) -> None:
    cache: ReadCache[str, str] = ReadCache(clock)
    reads = 0
    release = asyncio.Event()

    async def load() -> str:
        nonlocal reads
        reads += 1
        await release.wait()
        return "value"

    waiting = [asyncio.create_task(cache.get_or_load("k", load)) for _ in range(32)]
    await asyncio.sleep(0)
    release.set()

    assert await asyncio.gather(*waiting) == ["value"] * 32
    assert reads == 1


async def test_a_failed_shared_read_fails_its_waiters_and_the_next_call_reads_again(
    clock: ManualClock,
) -> None:
    cache: ReadCache[str, str] = ReadCache(clock)
    release = asyncio.Event()
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        await release.wait()
        if attempts == 1:
            raise ConnectionError("database went away")
        return "value"

    waiting = [asyncio.create_task(cache.get_or_load("k", flaky)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)

    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)
    assert await cache.get_or_load("k", flaky) == "value"
    assert attempts == 2


async def test_a_cancelled_read_does_not_cancel_the_calls_that_joined_it(clock: ManualClock) -> None:
    cache: ReadCache[str, str] = ReadCache(clock)
    first_started = asyncio.Event()
    reads = 0

    async def load() -> str:
        nonlocal reads
        reads += 1
        if reads == 1:
            first_started.set()
            await asyncio.sleep(3600)  # its caller goes away before this ends
        return "value"

    first = asyncio.create_task(cache.get_or_load("k", load))
    await first_started.wait()
    joined = asyncio.create_task(cache.get_or_load("k", load))
    await asyncio.sleep(0)
    first.cancel()

    assert await joined == "value"
    assert reads == 2


async def test_a_call_after_an_eviction_does_not_join_a_read_that_started_before_it(
    clock: ManualClock,
) -> None:
    cache: ReadCache[str, str] = ReadCache(clock)
    release = asyncio.Event()
    values = iter(["before the write", "after the write"])

    async def load() -> str:
        value = next(values)
        if value == "before the write":
            await release.wait()
        return value

    stale = asyncio.create_task(cache.get_or_load("k", load))
    await asyncio.sleep(0)
    cache.forget("k")  # a write through this store, while the first read is in flight
    fresh = await cache.get_or_load("k", load)
    release.set()

    assert fresh == "after the write"
    assert await stale == "before the write"
    assert await cache.get_or_load("k", load) == "after the write"  # the stale read was not kept
