"""One holder at a time of a named job: a PostgreSQL advisory lock (every host), a file lock (one SQLite host).

For periodic jobs that every worker runs but only one should (the idle refresher's sweep): the others skip
their turn instead of repeating the same reads. Both locks belong to a session or an open file, so a worker that
dies (even by `kill -9`) releases its lock with it: nothing to expire, nothing to clean up.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy import text

from linkyard.files import PRIVATE_FILE
from linkyard.store.database import Database

# The schema is part of the key: databases that share a PostgreSQL database in separate schemas (tests, or
# several installations) do not exclude each other.
_KEY = "hashtext(current_schema() || ':linkyard:' || :name)"


@asynccontextmanager
async def exclusively(database: Database, name: str) -> AsyncIterator[bool]:
    """Whether this caller holds `name` for the length of the block (False: another worker does; skip)."""
    if database.backend == "postgresql":
        async with _advisory_lock(database, name) as held:
            yield held
        return
    path = database.engine.url.database
    if not path or path == ":memory:":
        yield True  # a database no other process can open
        return
    with _file_lock(Path(f"{path}-{name}.lock")) as held:
        yield held


@asynccontextmanager
async def _advisory_lock(database: Database, name: str) -> AsyncIterator[bool]:
    # A session lock on a connection in autocommit: held without keeping a transaction open meanwhile.
    async with database.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        held = bool(await conn.scalar(text(f"SELECT pg_try_advisory_lock({_KEY})"), {"name": name}))
        try:
            yield held
        finally:
            if held:
                await conn.execute(text(f"SELECT pg_advisory_unlock({_KEY})"), {"name": name})


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    """`flock` on a 0600 file beside the database, without waiting; closing the file releases it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_FILE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = False
        else:
            held = True
        yield held
    finally:
        os.close(descriptor)
