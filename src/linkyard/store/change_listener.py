"""PostgreSQL's change feed: `pg_notify` inside the writing transaction, one LISTEN connection per process.

PostgreSQL delivers a notification only when (and if) its transaction commits, to every session listening on
the channel, on every host. Each serving process keeps one such session (`follow()`, started by the platform's
lifespan) and hands each change to the read caches as it arrives, so a revocation committed anywhere is refused
everywhere as soon as the notification lands: one network hop after the commit, with no work on the hot path.

While the session is down, changes may be missed: the caches are emptied and keep nothing (`live` is False)
until it is back, and emptied again once it listens, since notifications sent in between are lost. A peer that
vanishes without closing the connection is noticed by TCP keepalives; until then the caches' `READ_TTL` bounds
what could be missed. The channel is named after the schema (`linkyard_` + md5 of `current_schema()`), so that
deployments sharing a database through separate schemas do not hear each other.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from linkyard.store.changes import Change, ChangeFeed

logger = logging.getLogger(__name__)

CHANNEL_SQL = "'linkyard_' || md5(coalesce(current_schema(), ''))"
"""The channel of this deployment, computed the same way by writers and listeners (search_path included)."""

_NOTIFY = text(f"SELECT pg_notify({CHANNEL_SQL}, :payload)")

# A connection that stays idle for days: notice a dead peer within about 30 s, never wait long to connect.
_LISTENER_DEFAULTS: dict[str, Any] = {
    "application_name": "linkyard-changes",
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}

Pause = Callable[[int], Awaitable[None]]
"""Waits before reconnection attempt `n` (1, 2, ...)."""


async def backoff(attempt: int) -> None:
    """0.1 s, doubling up to 5 s, each scaled by a random 50-100% so that workers do not reconnect in step."""
    await asyncio.sleep(min(5.0, 0.1 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0))


class PostgresChangeFeed(ChangeFeed):
    """Changes shared by every process on the database through LISTEN/NOTIFY (see the module's docstring)."""

    def __init__(self, connect_args: Mapping[str, Any], *, pause: Pause = backoff) -> None:
        super().__init__()
        self._connect_args = {**_LISTENER_DEFAULTS, **connect_args, "autocommit": True}
        self._pause = pause
        self._live = False
        self._followers = 0
        self._task: asyncio.Task[None] | None = None
        self._started: asyncio.Future[None] | None = None
        self._outage = False
        self.backend_pid: int | None = None
        """The listening session's server process (`pg_stat_activity.pid`) while connected."""

    @classmethod
    def for_engine(cls, engine: AsyncEngine, *, pause: Pause = backoff) -> PostgresChangeFeed:
        """A feed that listens with the engine's own connection parameters (host, credentials, search_path)."""
        _, params = engine.dialect.create_connect_args(engine.url)
        params.pop("context", None)  # SQLAlchemy's adapters for its own connections
        return cls(params, pause=pause)

    @property
    def live(self) -> bool:
        return self._live

    async def publish(self, connection: AsyncConnection, change: Change) -> None:
        # In the writer's transaction: PostgreSQL sends it on commit and drops it on rollback.
        await connection.execute(_NOTIFY, {"payload": change.encode()})

    @asynccontextmanager
    async def follow(self) -> AsyncIterator[None]:
        """Listen for the length of the block (nested blocks share one listener). Entering waits for the first
        connection attempt: on success the caches are live from the start; otherwise it retries meanwhile."""
        self._followers += 1
        try:
            if self._task is None:
                self._started = asyncio.get_running_loop().create_future()
                self._task = asyncio.create_task(self._listen(self._started), name="linkyard-change-listener")
            assert self._started is not None
            await asyncio.wait({self._started, self._task}, return_when=asyncio.FIRST_COMPLETED)
            yield
        finally:
            self._followers -= 1
            if self._followers == 0:
                await self.aclose()

    async def aclose(self) -> None:
        task, self._task, self._started = self._task, None, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _listen(self, started: asyncio.Future[None]) -> None:
        attempt = 0
        while True:
            try:
                await self._listen_once(started)
                reason = "the server closed the connection"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a dropped connection, a refused one, a server restarting
                reason = type(exc).__name__
            finally:
                self._go_dark()
            if not started.done():
                started.set_result(None)
            if not self._outage:
                self._outage = True
                logger.warning(
                    "not hearing other processes' changes (%s): read caches are off until reconnected", reason
                )
            attempt += 1
            await self._pause(attempt)

    async def _listen_once(self, started: asyncio.Future[None]) -> None:
        async with await psycopg.AsyncConnection.connect(**self._connect_args) as conn:
            row = await (await conn.execute(f"SELECT {CHANNEL_SQL}")).fetchone()
            assert row is not None
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(row[0])))
            # Listening from here on: whatever was cached or loaded before may have missed a change.
            self.backend_pid = conn.info.backend_pid
            self._live = True
            self.deliver(None)
            if self._outage:
                self._outage = False
                logger.info("hearing other processes' changes again: read caches are back on")
            if not started.done():
                started.set_result(None)
            async for notify in conn.notifies():
                self.deliver(Change.decode(notify.payload))

    def _go_dark(self) -> None:
        self.backend_pid = None
        self._live = False
        self.deliver(None)
