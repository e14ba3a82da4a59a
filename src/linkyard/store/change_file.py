"""SQLite's change feed: the workers of one host learn of each other's writes from a file next to the database.

A writer appends one byte to `<database>-changes` after its transaction; every cache hit first `stat`s the file
(about a microsecond, no database access) and, if it changed since the last look, drops every cached entry:
changes that reach the read caches (revocations, status changes, profile edits, links) are rare next to the
reads they serve, so knowing *that* something changed is enough. The file only grows (its size is part of what
is compared, so two appends never look like one); past `ROTATE_AT` bytes a writer replaces it with an empty one,
a new inode, which readers see as a change too.

Why this is correct: a reader that loads an entry checks the file again before keeping it, and a writer appends
only after its commit; so an entry read before a commit is either refused when it is stored or dropped by the
first hit after the append, and the append happens before the writer's command or request returns.
(SQLite's `PRAGMA data_version` would tell the same, but costs a query on a connection of the pool per check
and changes on every write, token refreshes and request logs included.)
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from linkyard.store.changes import Change, ChangeFeed

logger = logging.getLogger(__name__)

ROTATE_AT = 1 << 20
"""Bytes (one per write that touched cached rows) after which the file is replaced by an empty one."""

Stamp = tuple[int, int, int] | None


def change_file_of(database: Path) -> Path:
    """`linkyard.db` → `linkyard.db-changes`, beside SQLite's own `-wal` and `-shm` files."""
    return database.with_name(f"{database.name}-changes")


def _stamp(path: str) -> Stamp:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


class SqliteChangeFeed(ChangeFeed):
    """Changes shared by the processes of one host through `path` (see the module's docstring)."""

    def __init__(self, path: Path, *, rotate_at: int = ROTATE_AT) -> None:
        super().__init__()
        self._path = path
        self._rotate_at = rotate_at
        self._file = str(path)  # `stat` of a str skips a Path's conversion on the hot path
        # Created private and empty if absent; existing content says nothing about this process's caches.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        self._seen = _stamp(self._file)

    @property
    def path(self) -> Path:
        return self._path

    def check(self) -> None:
        stamp = _stamp(self._file)
        if stamp != self._seen:
            self._seen = stamp
            self.deliver(None)

    def settle(self, changes: Sequence[Change]) -> None:
        try:
            self._append()
        except OSError as exc:
            # The change is committed; other workers now see it only when their entries expire (READ_TTL).
            logger.error(
                "could not tell the other workers of a change (%s: %s)", type(exc).__name__, exc.errno
            )
        finally:
            super().settle(changes)

    def _append(self) -> None:
        descriptor = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            # One write(2) with O_APPEND: appends of concurrent writers never overwrite each other.
            os.write(descriptor, b".")
            size = os.fstat(descriptor).st_size
        finally:
            os.close(descriptor)
        if size >= self._rotate_at:
            self._rotate()

    def _rotate(self) -> None:
        # A new empty file moved over the old one: readers see a new inode (a change). An append that lands in
        # the old file after the move is lost, but its commit came before the move, which readers do see.
        descriptor, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=f".{self._path.name}.")
        os.close(descriptor)
        try:
            os.replace(temporary, self._path)
        except OSError:
            os.unlink(temporary)
            raise
