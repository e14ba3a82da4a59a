"""SQLite's change feed: the workers of one host learn of each other's writes from a file next to the database.

`<database>-changes` holds 8 bytes that every process maps into memory (as SQLite maps its own `-shm` file). A
writer puts 8 new random bytes there after its transaction; every cache hit first compares them with what this
process last saw (a memory read, no system call, no database access: some 0.3 µs per hit) and, if they differ,
drops every cached entry. Changes that reach the read caches (revocations, status changes, profile edits, links) are
rare next to the reads they serve, so knowing *that* something changed is enough.

Why this is correct: a writer marks the file only after its commit, before its command or request returns; a
reader checks before each hit and again before it keeps what it loaded. So an entry read before a commit is
either refused when it would be kept or dropped by the first hit after the mark. Two marks at once may leave one
value, but each writer committed before it marked, so the value a reader notices covers both. (SQLite's
`PRAGMA data_version` would tell the same, but costs a query on a pooled connection per check and changes on
every write, token refreshes and request logs included; a `stat` of a file costs some 4 µs per hit here.)

Like SQLite's `-shm`, the file must stay while servers run: one deleted under them would leave each process
watching its old copy, and their caches would fall back to `READ_TTL`.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Sequence
from pathlib import Path

from linkyard.store.changes import Change, ChangeFeed

MARK_BYTES = 8


def change_file_of(database: Path) -> Path:
    """`linkyard.db` → `linkyard.db-changes`, beside SQLite's own `-wal` and `-shm` files."""
    return database.with_name(f"{database.name}-changes")


class SqliteChangeFeed(ChangeFeed):
    """Changes shared by the processes of one host through the mark in `path` (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            # Grown, never shrunk: a mapping past the end of a file would crash its reader.
            if os.fstat(descriptor).st_size < MARK_BYTES:
                os.ftruncate(descriptor, MARK_BYTES)
            self._mark = mmap.mmap(descriptor, MARK_BYTES)
        finally:
            os.close(descriptor)  # the mapping keeps the file
        self._seen = self._mark[:MARK_BYTES]

    def check(self) -> None:
        mark = self._mark[:MARK_BYTES]
        if mark != self._seen:
            self._seen = mark
            self.deliver(None)

    def settle(self, changes: Sequence[Change]) -> None:
        self._mark[:MARK_BYTES] = os.urandom(MARK_BYTES)
        super().settle(changes)
