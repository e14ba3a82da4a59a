"""The hot path's read caches: a change made through any store on the database (this process, another worker,
another host, a CLI command) evicts what it touched from every store's caches at once, and a read that raced a
change is not kept (security.md, property 22).

"At once" is backend-specific: on SQLite the next cache access checks the change file itself, so nothing is
waited for; on PostgreSQL a change reaches another process with its NOTIFY, a network hop after the commit, and
the tests wait for that delivery (on an event, never a sleep) before asserting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import pytest

from linkyard.domain import ManualClock, Project
from linkyard.errors import NotFound
from linkyard.store import Store
from linkyard.store.api_keys import ApiKeyRepository
from linkyard.store.changes import Change
from linkyard.store.digests import digest
from linkyard.store.read_cache import ReadCache
from tests.store.conftest import BACKENDS, Tenant

DELIVERY_TIMEOUT = 30.0  # a failure bound, not a synchronisation: the wait ends on the delivery itself


@pytest.fixture
async def following(store: Store, worker: Store) -> AsyncIterator[None]:
    """Both stores hear each other's changes, as the workers of `linkyard up` do."""
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(store.follow_changes())
        await stack.enter_async_context(worker.follow_changes())
        yield


@asynccontextmanager
async def heard_by(store: Store, change: Change) -> AsyncIterator[None]:
    """Run the block (a write through another store), then wait until `store` has been told of `change`.

    On SQLite there is nothing to wait for: the next cache access reads the change file itself.
    """
    delivered = asyncio.Event()

    def hear(heard: Change | None) -> None:
        if heard is None or heard == change:
            delivered.set()

    store.changes.subscribe(hear)
    yield
    if store.backend == "postgresql":
        await asyncio.wait_for(delivered.wait(), DELIVERY_TIMEOUT)


async def test_a_key_revoked_through_this_store_stops_at_once(store: Store, tenant: Tenant) -> None:
    key, raw = await store.api_keys.create(tenant.project.id, "ci")
    assert await store.api_keys.find_project_by_key(raw) == tenant.project

    await store.api_keys.revoke(tenant.project.id, key.id)

    assert await store.api_keys.find_project_by_key(raw) is None


async def test_a_key_revoked_by_another_worker_is_refused_here_at_once(
    store: Store, worker: Store, tenant: Tenant, following: None
) -> None:
    key, raw = await store.api_keys.create(tenant.project.id, "ci")
    assert await store.api_keys.find_project_by_key(raw) == tenant.project
    assert len(store.read_caches.keys) == 1  # served from memory from now on

    async with heard_by(store, Change("api_keys", tenant.project.id)):
        await worker.api_keys.revoke(tenant.project.id, key.id)

    assert await store.api_keys.find_project_by_key(raw) is None


async def test_an_account_suspended_by_another_worker_is_seen_here_at_once(
    store: Store, worker: Store, tenant: Tenant, following: None
) -> None:
    project, account = tenant.project.id, tenant.account.id
    assert (await store.accounts.get_recent(project, account)).status == "active"

    async with heard_by(store, Change("account", project, account)):
        await worker.accounts.set_status(project, account, "suspended")
    elsewhere = await store.accounts.get_recent(project, account)
    await store.accounts.set_status(project, account, "active")
    here = await store.accounts.get_recent(project, account)

    assert (elsewhere.status, here.status) == ("suspended", "active")


async def test_an_account_put_in_error_under_the_credentials_lock_is_seen_by_every_worker(
    store: Store, worker: Store, tenant: Tenant, following: None
) -> None:
    """The token keeper marks an account `error` inside its credentials transaction: that write tells too."""
    project, account = tenant.project.id, tenant.account.id
    await store.accounts.get_recent(project, account)
    await worker.accounts.get_recent(project, account)

    async with (
        heard_by(store, Change("account", project, account)),
        worker.credentials.lock(project, account) as held,
    ):
        await held.set_account_status("error", reason_code="refresh_failed")

    assert (await store.accounts.get_recent(project, account)).status == "error"
    assert (await worker.accounts.get_recent(project, account)).status == "error"


async def test_a_profile_disabled_by_another_worker_is_seen_here_at_once(
    store: Store, worker: Store, tenant: Tenant, following: None
) -> None:
    project, profile = tenant.project.id, tenant.profile.id
    assert not (await store.connector_profiles.get_recent(project, profile)).disabled

    async with heard_by(store, Change("connector_profiles", project)):
        await worker.connector_profiles.update(project, profile, disabled=True)

    assert (await store.connector_profiles.get_recent(project, profile)).disabled


async def test_a_project_deleted_by_another_worker_leaves_nothing_of_it_here(
    store: Store, worker: Store, tenant: Tenant, following: None
) -> None:
    project = tenant.project.id
    _, raw = await store.api_keys.create(project, "ci")
    await store.api_keys.find_project_by_key(raw)
    await store.accounts.get_recent(project, tenant.account.id)
    await store.connector_profiles.get_recent(project, tenant.profile.id)

    async with heard_by(store, Change("project", project)):
        await worker.projects.delete(project)

    assert await store.api_keys.find_project_by_key(raw) is None
    with pytest.raises(NotFound):
        await store.accounts.get_recent(project, tenant.account.id)
    with pytest.raises(NotFound):
        await store.connector_profiles.get_recent(project, tenant.profile.id)


async def test_a_change_heard_while_a_read_is_in_flight_keeps_that_read_out_of_the_cache(
    store: Store, worker: Store, tenant: Tenant, clock: ManualClock, following: None
) -> None:
    key, raw = await store.api_keys.create(tenant.project.id, "ci")
    has_read, release = asyncio.Event(), asyncio.Event()

    async def read_then_linger() -> Project | None:
        found = await ApiKeyRepository(store.database, clock).find_project_by_key(raw)  # before the revoke
        has_read.set()
        await release.wait()
        return found

    loading = asyncio.create_task(store.read_caches.keys.get_or_load(digest(raw), read_then_linger))
    await has_read.wait()
    async with heard_by(store, Change("api_keys", tenant.project.id)):
        await worker.api_keys.revoke(tenant.project.id, key.id)
    release.set()

    assert await loading == tenant.project  # the call that was in flight got what it read...
    assert await store.api_keys.find_project_by_key(raw) is None  # ...but it was not kept


@pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
async def test_a_store_that_does_not_follow_changes_on_postgresql_keeps_nothing(
    store: Store, worker: Store, tenant: Tenant
) -> None:
    """A one-off command (the CLI) hears no NOTIFY: it must read the database every time."""
    key, raw = await store.api_keys.create(tenant.project.id, "ci")
    assert await store.api_keys.find_project_by_key(raw) == tenant.project
    assert len(store.read_caches.keys) == 0

    await worker.api_keys.revoke(tenant.project.id, key.id)

    assert await store.api_keys.find_project_by_key(raw) is None


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


async def test_beyond_its_bound_the_cache_lets_the_oldest_entries_go_first(clock: ManualClock) -> None:
    cache: ReadCache[int, str] = ReadCache(clock, max_entries=3)
    reads: list[int] = []

    def loader(key: int) -> Callable[[], Awaitable[str]]:
        async def load() -> str:
            reads.append(key)
            return f"value {key}"

        return load

    for key in range(1, 6):  # 1 and 2 go, to make room for 4 and 5
        await cache.get_or_load(key, loader(key))
    assert len(cache) == 3
    reads.clear()
    for key in (3, 4, 5, 1):  # kept, kept, kept, then read again (and 3, the oldest now, goes)
        assert await cache.get_or_load(key, loader(key)) == f"value {key}"
    assert reads == [1]
    await cache.get_or_load(3, loader(3))
    assert reads == [1, 3]
