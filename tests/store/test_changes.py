"""The change feeds that keep every process's read caches honest: SQLite's change file, PostgreSQL's
LISTEN/NOTIFY (sent only on commit, heard again after the connection drops), and the payload between them."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
import pytest

from linkyard.config import resolve_database_url
from linkyard.domain import ManualClock, Project
from linkyard.errors import StoreError
from linkyard.store import KeyRing, Store
from linkyard.store.api_keys import ApiKeyRepository
from linkyard.store.change_file import SqliteChangeFeed, change_file_of
from linkyard.store.change_listener import CHANNEL_SQL, PostgresChangeFeed
from linkyard.store.changes import Change
from linkyard.store.database import Database, create_serving_engine
from linkyard.store.digests import digest
from tests.store.conftest import BACKENDS, Tenant

postgresql_only = pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
sqlite_only = pytest.mark.parametrize("backend", [BACKENDS[0]], indirect=True)

DELIVERY_TIMEOUT = 30.0  # a failure bound: every wait below ends on an event


class Heard:
    """What a feed delivered, in order, with a way to wait for one delivery."""

    def __init__(self) -> None:
        self.changes: list[Change | None] = []
        self._arrived = asyncio.Event()

    def __call__(self, change: Change | None) -> None:
        self.changes.append(change)
        self._arrived.set()

    async def until(self, wanted: Callable[[Change | None], bool]) -> None:
        while not any(wanted(change) for change in self.changes):
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), DELIVERY_TIMEOUT)


def test_a_change_reads_back_from_its_payload_and_anything_else_reads_as_everything() -> None:
    for change in (
        Change("project", "prj_1"),
        Change("api_keys", "prj_1"),
        Change("account", "prj_1", "acc_2"),
        Change("connector_profiles", "prj_1"),
    ):
        assert Change.decode(change.encode()) == change
    for garbage in (
        "",
        "not json",
        "[]",
        '{"kind": "rows", "project": "p"}',
        '{"kind": "account", "project": "p"}',
    ):
        assert Change.decode(garbage) is None


@sqlite_only
async def test_a_write_outside_a_write_transaction_cannot_be_announced(store: Store) -> None:
    async with store.database.read() as conn:
        with pytest.raises(StoreError):
            await store.database.announce(conn, Change("api_keys", "prj_1"))


@sqlite_only
async def test_the_change_file_sits_beside_the_database_and_is_private(
    store: Store, database_url: str
) -> None:
    database = Path(resolve_database_url(database_url).sync_url.removeprefix("sqlite:///"))
    changes = change_file_of(database)

    assert changes == database.with_name("linkyard.db-changes")
    assert stat.S_IMODE(changes.stat().st_mode) & 0o077 == 0


def test_another_process_sees_each_change_marked_in_the_file_once(tmp_path: Path) -> None:
    path = tmp_path / "linkyard.db-changes"
    writer, reader = SqliteChangeFeed(path), SqliteChangeFeed(path)
    heard = Heard()
    reader.subscribe(heard)

    reader.check()
    assert heard.changes == []
    for round_ in range(1, 4):
        writer.settle([Change("api_keys", "prj_1")])
        reader.check()
        reader.check()  # nothing new since: nothing delivered
        assert heard.changes == [None] * round_
    assert path.stat().st_size == 8


def test_a_process_started_later_is_not_told_of_changes_made_before_it(tmp_path: Path) -> None:
    path = tmp_path / "linkyard.db-changes"
    SqliteChangeFeed(path).settle([Change("api_keys", "prj_1")])
    later = SqliteChangeFeed(path)
    heard = Heard()
    later.subscribe(heard)

    later.check()

    assert heard.changes == []


@postgresql_only
async def test_a_notification_is_sent_only_when_its_transaction_commits(
    store: Store, worker: Store, tenant: Tenant
) -> None:
    heard = Heard()
    store.changes.subscribe(heard)
    rolled_back, committed = Change("account", tenant.project.id, "acc_rolled_back"), Change("api_keys", "p")

    async with store.follow_changes():
        with pytest.raises(RuntimeError):
            async with worker.database.write() as conn:
                await worker.database.announce(conn, rolled_back)
                raise RuntimeError("the write fails before its commit")
        async with worker.database.write() as conn:
            await worker.database.announce(conn, committed)
        # Notifications arrive in commit order: once the second is here, the first would have been too.
        await heard.until(lambda change: change == committed)

    assert rolled_back not in heard.changes


@postgresql_only
async def test_an_unknown_notification_on_the_channel_empties_the_caches(
    store: Store, tenant: Tenant, database_url: str
) -> None:
    async with store.follow_changes():
        await store.accounts.get_recent(tenant.project.id, tenant.account.id)
        assert len(store.read_caches.accounts) == 1
        heard = Heard()
        store.changes.subscribe(heard)

        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
            await conn.execute(f"SELECT pg_notify({CHANNEL_SQL}, 'from a newer version')")
        await heard.until(lambda change: change is None)

        assert len(store.read_caches.accounts) == 0


@asynccontextmanager
async def gated_store(database_url: str, keyring: KeyRing, clock: ManualClock) -> AsyncIterator[GatedStore]:
    """A store whose listener, once its connection drops, waits for the test's word before reconnecting."""
    gated = GatedStore()
    engine = create_serving_engine(resolve_database_url(database_url))
    feed = PostgresChangeFeed.for_engine(engine, pause=gated.pause)
    gated.store = Store(Database(engine, "postgresql", changes=feed), keyring, clock)
    gated.feed = feed
    feed.subscribe(gated.heard)
    try:
        yield gated
    finally:
        gated.reconnect.set()
        await gated.store.close()


class GatedStore:
    store: Store
    feed: PostgresChangeFeed

    def __init__(self) -> None:
        self.heard = Heard()
        self.waiting = asyncio.Event()
        self.reconnect = asyncio.Event()

    async def pause(self, attempt: int) -> None:
        self.waiting.set()
        await self.reconnect.wait()


@postgresql_only
async def test_after_its_connection_drops_a_store_keeps_nothing_and_serves_nothing_it_missed(
    store: Store, tenant: Tenant, database_url: str, keyring: KeyRing, clock: ManualClock
) -> None:
    project = tenant.project.id
    key, raw = await store.api_keys.create(project, "ci")
    async with gated_store(database_url, keyring, clock) as gated, gated.store.follow_changes():
        served = gated.store
        assert gated.feed.live and await served.api_keys.find_project_by_key(raw) == tenant.project
        assert len(served.read_caches.keys) == 1

        # The listening session is killed (a server restart, a proxy timing out an idle connection).
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
            await admin.execute("SELECT pg_terminate_backend(%s)", [gated.feed.backend_pid])
        await gated.waiting.wait()
        assert not gated.feed.live and len(served.read_caches.keys) == 0
        assert await served.api_keys.find_project_by_key(raw) == tenant.project
        assert len(served.read_caches.keys) == 0  # read, not kept: a change now would go unheard

        # A read starts while deaf, a revocation commits unheard, the listener comes back, the read ends.
        has_read, release = asyncio.Event(), asyncio.Event()

        async def read_then_linger() -> Project | None:
            found = await ApiKeyRepository(served.database, clock).find_project_by_key(raw)
            has_read.set()
            await release.wait()
            return found

        lingering = asyncio.create_task(served.read_caches.keys.get_or_load(digest(raw), read_then_linger))
        await has_read.wait()
        await store.api_keys.revoke(project, key.id)
        heard_before = len(gated.heard.changes)
        gated.reconnect.set()
        await gated.heard.until(lambda change: change is None and gated.feed.live)
        assert len(gated.heard.changes) > heard_before
        release.set()
        assert await lingering == tenant.project  # what it read before the revocation, handed to its caller

        assert await served.api_keys.find_project_by_key(raw) is None

        # Listening again: what is read is kept, and the next change is heard.
        second, raw_second = await store.api_keys.create(project, "second")
        assert await served.api_keys.find_project_by_key(raw_second) == tenant.project
        assert len(served.read_caches.keys) == 1
        await store.api_keys.revoke(project, second.id)
        await gated.heard.until(lambda change: change == Change("api_keys", project))
        assert await served.api_keys.find_project_by_key(raw_second) is None
