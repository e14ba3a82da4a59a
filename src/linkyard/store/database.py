"""Engines and transactions: one place that knows how each backend begins, locks, fails and announces changes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Literal

import psycopg
from sqlalchemy import (
    ColumnElement,
    Engine,
    NullPool,
    PoolResetState,
    Select,
    Table,
    create_engine,
    delete,
    event,
    make_url,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from linkyard.config import DatabaseUrls
from linkyard.errors import Conflict, StoreError
from linkyard.store.changes import Change, ChangeFeed
from linkyard.store.driver_reads import DriverRead
from linkyard.store.point_reads import PointReads

_log = logging.getLogger(__name__)

# Seconds `Database.dispose` waits for connections still in use (a job's write finishing) before closing the pool.
DISPOSE_GRACE = 10.0
# Seconds a SQLite connection waits for another's write lock before giving up.
SQLITE_BUSY_TIMEOUT = 30.0
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE"}
# A single statement on SQLite runs in its own implicit transaction: no BEGIN, no COMMIT (see Database.fetch).
_NO_BEGIN = "NONE"

# PostgreSQL pool policy. No pre-ping: it would cost a `SELECT 1` round trip on every checkout, doubling the
# cost of a one-statement read. Dead connections are found otherwise: the kernel's TCP keepalives (libpq's
# settings below) break a connection whose peer vanished, connections older than `POOL_RECYCLE` are replaced
# at checkout (outliving a proxy's or firewall's idle timeout), and a statement that fails on a dropped
# connection makes SQLAlchemy invalidate the whole pool, so only the connections in use at that moment fail;
# `Database.fetch` (the hot path's reads) sends its read again once on a new connection.
POOL_RECYCLE = 1800.0
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
# What the drivers raise (sqlite3's errors through aiosqlite; psycopg's): `Database.fetch` sends the read again
# through SQLAlchemy then, which translates them.
_DRIVER_ERRORS = (sqlite3.Error, psycopg.Error)


def _prepare_sqlite(engine: Engine, *, default_begin: str) -> None:
    """Let SQLAlchemy, not the sqlite3 module, emit BEGIN, so a write transaction can be `BEGIN IMMEDIATE`."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        _enable_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("linkyard_begin", default_begin)
        if mode == _NO_BEGIN:
            return
        if mode not in _BEGIN_MODES:
            raise StoreError("unknown SQLite transaction mode")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _roll_back_if_open(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """A SQLite connection given back to the pool: rolled back if a transaction is still open (SQLite itself
    says whether one is), as SQLAlchemy's own reset would; not touched otherwise. Skipped, as SQLAlchemy's is,
    where the event loop cannot be used (a connection collected outside it is discarded anyway)."""
    if not state.asyncio_safe:
        return
    try:
        open_transaction = dbapi_connection.driver_connection.in_transaction
    except ValueError:  # aiosqlite's connection is closed already
        return
    if open_transaction:
        dbapi_connection.rollback()


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL once; the switch ignores the busy timeout, so retry it while others hold the lock.

    WAL is a property of the file: once one connection has switched it, the others find it already on.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    while True:
        try:
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except Exception as exc:  # the driver's OperationalError, whose class differs per sqlite adapter
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def sqlite_file(urls: DatabaseUrls) -> Path | None:
    """The database file of a SQLite URL (its folder is created on open), else None."""
    if urls.backend != "sqlite":
        return None
    database = make_url(urls.sync_url).database
    return Path(database) if database else None


def create_serving_engine(urls: DatabaseUrls) -> AsyncEngine:
    """The async engine the store serves with (aiosqlite or psycopg 3)."""
    if urls.backend == "sqlite":
        # The pool's reset on return is ours (`_roll_back_if_open`): SQLAlchemy's rolls back unconditionally,
        # a hop to aiosqlite's thread for every connection given back without a transaction open.
        engine = create_async_engine(
            urls.async_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}, pool_reset_on_return=None
        )
        _prepare_sqlite(engine.sync_engine, default_begin="DEFERRED")
        event.listen(engine.sync_engine, "reset", _roll_back_if_open)
        return engine
    # prepare_threshold=None: psycopg never prepares a statement on the server, so every execution is planned
    # with the table's current size and statistics; a prepared plan would be kept for the connection's life,
    # even one made while the table had 10 rows (68 ms per call at 100,000 accounts, issue 16). Planning our
    # primary-key and index-range statements costs tens of microseconds.
    return create_async_engine(
        urls.async_url,
        pool_pre_ping=False,
        pool_recycle=POOL_RECYCLE,
        connect_args={**_KEEPALIVES, "prepare_threshold": None},
    )


def create_migration_engine(urls: DatabaseUrls) -> Engine:
    """A sync, unpooled engine for Alembic; on SQLite every transaction takes the write lock up front."""
    if urls.backend == "sqlite":
        engine = create_engine(
            urls.sync_url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}
        )
        _prepare_sqlite(engine, default_begin="IMMEDIATE")
        return engine
    return create_engine(urls.sync_url, poolclass=NullPool)


class Database:
    """An async engine with read and write transactions; driver errors leave as `StoreError` / `Conflict`.

    A write that changes rows the read caches hold says so with `announce`; `changes` (the backend's feed)
    then tells every process (see `linkyard.store.changes`).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        backend: Literal["sqlite", "postgresql"],
        *,
        changes: ChangeFeed | None = None,
    ) -> None:
        self.engine = engine
        self.backend = backend
        self.changes = changes or ChangeFeed()
        # The changes announced in each write transaction in progress, settled when it ends.
        self._announced: dict[AsyncConnection, list[Change]] = {}
        self._in_use = _InUse(engine.sync_engine)
        self._driver_reads: dict[Select[Any], DriverRead] = {}
        self.point_reads = PointReads.for_engine(
            engine, busy_timeout=SQLITE_BUSY_TIMEOUT, keepalives=_KEEPALIVES
        )

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read transaction (a consistent snapshot on both backends)."""
        with _translated_errors():
            async with self.engine.connect() as connection, connection.begin():
                yield connection

    async def fetch(self, statement: Select[Any], parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The rows of one read statement by primary key, sent alone: one round trip on PostgreSQL, one step on
        SQLite; each row keyed by the statement's column keys (its labels). For the hot path's reads: `statement`
        must be built once (its compiled form is kept per statement), take plain parameters
        (`linkyard.store.driver_reads`) and read by primary key (on PostgreSQL it is prepared on connections
        that never scan a table sequentially).

        Sent on connections of its own (`linkyard.store.point_reads`), with no `BEGIN`/`COMMIT` around it (a
        single statement reads one consistent snapshot on its own). If the driver fails (a connection found
        dead: the database restarted), the read is sent again through SQLAlchemy, which replaces dead
        connections and sends it once more: a read is safe to repeat.
        """
        read = self._driver_reads.get(statement)
        if read is None:
            read = self._driver_reads[statement] = DriverRead.compile(statement, self.engine.dialect)
        try:
            return read.rows(await self.point_reads.fetch(read, read.parameters(parameters)))
        except _DRIVER_ERRORS:
            return await self._fetch_through_sqlalchemy(statement, parameters)

    async def _fetch_through_sqlalchemy(
        self, statement: Select[Any], parameters: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        options: dict[str, Any] = (
            {"isolation_level": "AUTOCOMMIT"}
            if self.backend == "postgresql"
            else {"linkyard_begin": _NO_BEGIN}
        )
        retried = False
        while True:
            try:
                async with self.engine.connect() as connection:
                    await connection.execution_options(**options)
                    result = await connection.execute(statement, parameters)
                    return [dict(row._mapping) for row in result]
            except DBAPIError as exc:
                if exc.connection_invalidated and not retried:
                    retried = True
                    continue
                with _translated_errors():
                    raise

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction. On SQLite it is `BEGIN IMMEDIATE`: writers queue for the database's write lock
        at the start instead of failing with SQLITE_BUSY when a read turns into a write mid-transaction."""
        announced: list[Change] = []
        try:
            with _translated_errors():
                async with self.engine.connect() as connection:
                    if self.backend == "sqlite":
                        await connection.execution_options(linkyard_begin="IMMEDIATE")
                    self._announced[connection] = announced
                    try:
                        async with connection.begin():
                            yield connection
                    finally:
                        del self._announced[connection]
        finally:
            # After the commit (or a failure that may have followed it): over-telling costs a cache miss,
            # under-telling would serve a revoked key.
            if announced:
                self.changes.settle(announced)

    async def announce(self, connection: AsyncConnection, change: Change) -> None:
        """Say, inside the write transaction of `connection`, that it changes rows the read caches hold."""
        announced = self._announced.get(connection)
        if announced is None:
            raise StoreError("changes are announced inside a write transaction of this database")
        with _translated_errors():
            await self.changes.publish(connection, change)
        if change not in announced:
            announced.append(change)

    async def delete_in_batches(
        self, table: Table, condition: ColumnElement[bool], *, batch_size: int
    ) -> int:
        """Delete the rows of `table` that meet `condition`, `batch_size` rows per transaction; how many.

        Short transactions: a large backlog never holds the write lock (SQLite) or many row locks (PostgreSQL)
        for long. Safe when other processes run the same delete: on PostgreSQL each batch skips the rows another
        has locked (it deletes them), on SQLite the write lock takes turns; a row is deleted once either way.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        key = next(iter(table.primary_key.columns))
        batch = select(key).where(condition).limit(batch_size).with_for_update(skip_locked=True)
        deleted = 0
        while True:
            async with self.write() as conn:
                result = await conn.execute(delete(table).where(key.in_(batch)))
            deleted += int(result.rowcount)
            if result.rowcount < batch_size:
                return deleted

    async def dispose(self, *, grace: float = DISPOSE_GRACE) -> None:
        """Close the pool once the connections in use are back (at most `grace` seconds), so that each is
        closed here: one still out when a pool is disposed would return to the discarded pool and be dropped
        unclosed (aiosqlite warns; PostgreSQL sees the session vanish)."""
        await self.changes.aclose()
        await self.point_reads.close(grace=grace)
        if not await self._in_use.none_within(grace):
            _log.warning("closing the database with %d connections still in use", self._in_use.count)
        await self.engine.dispose()


class _InUse:
    """How many connections of an engine's pool are checked out, told by the pool's own events."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._returned = asyncio.Event()
        event.listen(engine, "checkout", self._out)
        event.listen(engine, "checkin", self._back)

    def _out(self, *_: Any) -> None:
        self.count += 1

    def _back(self, *_: Any) -> None:
        self.count -= 1
        self._returned.set()

    async def none_within(self, seconds: float) -> bool:
        """Whether no connection is in use, waiting for returns up to `seconds`."""
        deadline = time.monotonic() + seconds
        while self.count > 0:
            self._returned.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self._returned.wait(), left)
            except TimeoutError:
                return self.count <= 0
        return True


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Translate driver errors once, most specific first; the SQL and its parameters stay out of messages."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict("the change conflicts with existing data") from exc
    except DBAPIError as exc:
        raise StoreError(f"database error ({type(exc.orig).__name__})") from exc
