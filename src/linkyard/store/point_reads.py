"""Connections of their own for the hot path's reads by primary key (`Database.fetch`): a cold call's one read.

Sent through the engine's pool, that read cost a cold call 0.4 to 0.5 ms on SQLite and 1.1 to 1.3 ms on
PostgreSQL at 100,000 accounts, for a statement the database answers in 0.05 to 0.45 ms (docs/benchmarks.md,
"Scale"). Most of the rest was the pool's checkout and return through SQLAlchemy's asyncio layer (a greenlet,
the pool's events) and, on PostgreSQL, parsing and planning the three-table join at every execution. So:

- **SQLite**: one aiosqlite connection, opened at the first read and kept, read-only (`PRAGMA query_only`). Each
  read is one hop to its thread. The reads are short primary-key probes in WAL mode, where readers never wait
  for the writer, so they take turns on that connection instead of each checking one out.
- **PostgreSQL**: psycopg's own pool (`psycopg_pool`), opened at the first read, with the engine's connection
  parameters. Its connections run in autocommit (a single statement needs no `BEGIN`) and prepare every
  statement once, so the join is planned once per connection and not at each execution. A plan kept that long
  must not depend on how big the tables were when it was made (a sequential scan chosen while `accounts` had
  ten rows would cost 68 ms a call at 100,000; issue 16): these connections have sequential scans disabled, so
  a read by primary key can only be an index scan, and use the generic plan, which depends on no parameter.
  They are only for such reads. No check at checkout (no extra round trip): a connection found dead fails its
  read, psycopg's pool discards it, and `Database.fetch` sends the read once more through the engine.

`listeners` are awaited with each driver connection at every checkout, before it is used: instrumentation (the
test harness traces what these connections send through it). The connections close with `close()`.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from linkyard.store.driver_reads import DriverRead

if TYPE_CHECKING:
    import aiosqlite
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

Listener = Callable[[Any], Awaitable[None]]

# The most connections the PostgreSQL pool opens (reads beyond wait for one); it keeps one open when idle.
POSTGRES_POINT_CONNECTIONS = 4
# Seconds a read waits for a connection of the pool (all in use, or the database unreachable) before it fails,
# and `Database.fetch` sends it through the engine instead (which fails at once if the database is down).
POSTGRES_POINT_WAIT = 5.0
# Connections older than this are replaced (as the engine's `POOL_RECYCLE`), idle ones after `MAX_IDLE`.
MAX_LIFETIME = 1800.0
MAX_IDLE = 600.0
_SESSION = ("SET enable_seqscan = off", "SET plan_cache_mode = force_generic_plan")


class PointReads(ABC):
    """The connections `Database.fetch` reads on; opened at the first read."""

    def __init__(self) -> None:
        self.listeners: list[Listener] = []

    @staticmethod
    def for_engine(engine: AsyncEngine, *, busy_timeout: float, keepalives: Mapping[str, int]) -> PointReads:
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            assert database  # the store refuses in-memory SQLite
            return SqlitePointReads(database, busy_timeout=busy_timeout)
        _, parameters = engine.dialect.create_connect_args(engine.url)
        return PostgresPointReads({**parameters, **keepalives})

    @abstractmethod
    async def fetch(self, read: DriverRead, parameters: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        """The driver's rows of `read` with the driver's `parameters` (`DriverRead.parameters`)."""

    @abstractmethod
    async def close(self, *, grace: float) -> None:
        """Close the connections, waiting up to `grace` seconds for those in use; a later read opens anew."""

    async def _tell(self, connection: Any) -> None:
        for listener in self.listeners:
            await listener(connection)


class SqlitePointReads(PointReads):
    def __init__(self, path: str, *, busy_timeout: float) -> None:
        super().__init__()
        self._path = path
        self._busy_timeout = busy_timeout
        self._connection: aiosqlite.Connection | None = None
        self._opening = asyncio.Lock()

    async def fetch(self, read: DriverRead, parameters: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        connection = self._connection or await self._open()
        if self.listeners:
            await self._tell(connection)
        return list(await connection.execute_fetchall(read.sql, parameters))

    async def _open(self) -> aiosqlite.Connection:
        import aiosqlite

        async with self._opening:
            if self._connection is None:
                connection = await aiosqlite.connect(
                    self._path, timeout=self._busy_timeout, isolation_level=None
                )
                try:
                    await connection.execute("PRAGMA query_only = ON")
                except BaseException:
                    await connection.close()
                    raise
                self._connection = connection
            return self._connection

    async def close(self, *, grace: float) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # aiosqlite runs the close after the reads queued before it: none is cut off.
            await asyncio.wait_for(connection.close(), grace)


class PostgresPointReads(PointReads):
    def __init__(self, parameters: Mapping[str, Any]) -> None:
        super().__init__()
        self._parameters = dict(parameters)
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] | None = None
        self._opening = asyncio.Lock()

    async def fetch(self, read: DriverRead, parameters: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        pool = self._pool or await self._open()
        async with pool.connection() as connection:
            if self.listeners:
                await self._tell(connection)
            cursor = await connection.execute(read.sql, parameters, prepare=True)
            return await cursor.fetchall()

    async def _open(self) -> AsyncConnectionPool[AsyncConnection[Any]]:
        from psycopg_pool import AsyncConnectionPool

        async with self._opening:
            if self._pool is None:
                pool = AsyncConnectionPool(
                    kwargs={**self._parameters, "autocommit": True},
                    min_size=1,
                    max_size=POSTGRES_POINT_CONNECTIONS,
                    timeout=POSTGRES_POINT_WAIT,
                    max_lifetime=MAX_LIFETIME,
                    max_idle=MAX_IDLE,
                    configure=_configure,
                    open=False,
                    name="linkyard-point-reads",
                )
                await pool.open()
                self._pool = pool
            return self._pool

    async def close(self, *, grace: float) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close(timeout=grace)


async def _configure(connection: AsyncConnection[Any]) -> None:
    for statement in _SESSION:
        await connection.execute(statement)
