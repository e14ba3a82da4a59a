"""What a store sends its database, counted at the driver: PostgreSQL's round trips, SQLite's statements; and
what a statement reads (SQLite's virtual machine steps, PostgreSQL's `EXPLAIN ANALYZE` rows).

On PostgreSQL, libpq's own protocol trace of every connection of the store's pool: each simple `Query` message
and each `Sync` (the end of an extended query: Parse/Bind/Execute go in one flight) is one round trip, so a
pool's pre-ping, a `BEGIN` and a `COMMIT` are all counted. On SQLite, the statements SQLite itself runs (its
trace callback), `BEGIN` and `COMMIT` included. Both the engine's pool and the connections of the store's point
reads (`Database.fetch`) are counted. A connection is watched from its first checkout inside the block, before
it sends anything; the pool is never emptied for it (a connection a background job holds while a pool is
disposed would come back to the old pool and be dropped unclosed).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event

from linkyard.config import Settings
from linkyard.store import Store

_ROUND_TRIP = re.compile(r"^F\t\d+\t(Query|Sync)\b", re.MULTILINE)
# A statement prepared on its own (psycopg's first execution of a prepared statement on a connection): `Parse`
# (its SQL may run over several lines of the trace) then `Sync`, before the `Bind`/`Execute` flight that runs it.
_PREPARATION = re.compile(r"^F\t\d+\tParse\b[^\n]*(?:\n(?![FB]\t)[^\n]*)*\nF\t\d+\tSync\b", re.MULTILINE)


def without_background_queries(settings: Settings) -> Settings:
    """`settings` for an app whose counted windows must hold only the request's own work: the request log
    flusher (every second: it writes the logs of the requests before) waits a minute, the most it may, longer
    than a test; the webhook deliverer is off, and with it the provider events' subscriber. The counting here
    sees every connection of the store, a background job's included."""
    return settings.model_copy(
        update={"request_log_flush_seconds": 60.0, "webhook_delivery_interval_seconds": 0.0}
    )


@dataclass
class Traffic:
    """The counting so far: `reset()` before the part to measure, `count()` after it."""

    backend: str
    statements: list[str] = field(default_factory=list)
    _traced: list[tuple[Any, Path]] = field(default_factory=list)
    _offsets: dict[Path, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.statements.clear()
        self._flush()
        self._offsets = {path: len(path.read_text()) for _, path in self._traced}

    def count(self) -> int:
        """Round trips (PostgreSQL) or statements (SQLite) since the last `reset()`."""
        if self.backend == "sqlite":
            return len(self.statements)
        return self._occurrences(_ROUND_TRIP)

    def preparations(self) -> int:
        """Of those round trips, how many only prepared a statement (PostgreSQL; none on SQLite)."""
        return 0 if self.backend == "sqlite" else self._occurrences(_PREPARATION)

    def _occurrences(self, pattern: re.Pattern[str]) -> int:
        self._flush()
        return sum(
            len(pattern.findall(path.read_text()[self._offsets.get(path, 0) :])) for _, path in self._traced
        )

    def _flush(self) -> None:
        # libpq writes its trace through a buffered stdio stream: re-opening it flushes what was written.
        for index, (pgconn, path) in enumerate(self._traced):
            if pgconn.status == psycopg.pq.ConnStatus.OK:
                pgconn.untrace()
                pgconn.trace(os.open(path, os.O_WRONLY | os.O_APPEND))
                pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE)
            self._traced[index] = (pgconn, path)

    def _close(self) -> None:
        for pgconn, _ in self._traced:
            if pgconn.status == psycopg.pq.ConnStatus.OK:
                pgconn.untrace()


@asynccontextmanager
async def traffic(store: Store) -> AsyncIterator[Traffic]:
    """Count what `store` sends its database for the length of the block."""
    engine = store.database.engine.sync_engine
    counted = Traffic(store.backend)
    folder = Path(tempfile.mkdtemp(prefix="lk-trace-"))
    counting = True

    def statement(text: str) -> None:
        if counting:
            counted.statements.append(text)

    def trace(pgconn: Any) -> None:
        path = folder / f"{len(counted._traced)}.trace"
        path.touch()
        pgconn.trace(os.open(path, os.O_WRONLY | os.O_APPEND))
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE)
        counted._traced.append((pgconn, path))

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # `record.info` belongs to this DBAPI connection (a reconnect starts a new one): trace each one once.
        if record.info.get("traffic") is counted:
            return
        record.info["traffic"] = counted
        if store.backend == "sqlite":
            dbapi_connection.run_async(lambda driver: driver.set_trace_callback(statement))
        else:
            trace(dbapi_connection.driver_connection.pgconn)

    point_connections: list[Any] = []  # the point reads' connections traced so far (kept alive meanwhile)

    async def on_point_read(connection: Any) -> None:
        if any(connection is seen for seen in point_connections):
            return
        point_connections.append(connection)
        if store.backend == "sqlite":
            await connection.set_trace_callback(statement)
        else:
            trace(connection.pgconn)

    point_reads = store.database.point_reads
    point_reads.listeners.append(on_point_read)
    event.listen(engine, "checkout", on_checkout)
    try:
        yield counted
    finally:
        event.remove(engine, "checkout", on_checkout)
        point_reads.listeners.remove(on_point_read)
        counting = False
        counted._close()


@dataclass
class Sent:
    """The statements a store sent, with their parameters, and SQLite's virtual machine steps meanwhile."""

    statements: list[tuple[str, Any]] = field(default_factory=list)
    vm_steps: int = 0


@asynccontextmanager
async def watched(store: Store) -> AsyncIterator[Sent]:
    """Record what `store` sends; on SQLite, count the steps of SQLite's virtual machine (its progress handler
    called at every step): the work a statement does, rows read included."""
    engine = store.database.engine.sync_engine
    sent = Sent()
    watching = True

    def step() -> int:
        if watching:
            sent.vm_steps += 1
        return 0

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if store.backend == "sqlite" and record.info.get("watched") is not sent:
            record.info["watched"] = sent
            dbapi_connection.run_async(lambda driver: driver.set_progress_handler(step, 1))

    def on_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.statements.append((statement, parameters))

    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "checkout", on_checkout)
        watching = False


async def rows_read(store: Store, statement: str, parameters: Any) -> int:
    """PostgreSQL's own count of the rows a statement read: every plan node's rows, and those its filters threw
    away, from `EXPLAIN ANALYZE` of the very statement and parameters the store sent."""
    async with store.database.engine.connect() as conn:
        result = await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters)
        document = result.scalar_one()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]

    def total(node: dict[str, Any]) -> int:
        here = int(node.get("Actual Rows", 0)) + int(node.get("Rows Removed by Filter", 0))
        return here + sum(total(child) for child in node.get("Plans", []))

    return total(plan)
