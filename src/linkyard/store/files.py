"""Private files: the SQLite database and the files SQLite makes beside it are 0600, Linkyard's folder 0700.

No umask change (it would reach every file the process writes): the database file is created 0600 before SQLite
first opens it, and SQLite's unix VFS gives the files it creates itself (`-wal`, `-shm`, `-journal`) the mode of
the database file. Files and folders made by an earlier version, or by hand, with looser modes are tightened when
the store opens, with one log line.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from linkyard.config import DATA_DIR

logger = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
"""What SQLite keeps next to `<database>`: its write-ahead log, shared-memory index and rollback journal."""


def private_folder(path: Path) -> bool:
    """Create `path` (and missing parents) owner-only, or tighten it; True when it had to be tightened."""
    try:
        path.mkdir(mode=PRIVATE_FOLDER, parents=True)
    except FileExistsError:
        return _tighten(path, PRIVATE_FOLDER)
    os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode passes through the umask
    return False


def create_private_file(path: Path) -> bool:
    """Create an empty owner-only file at `path` unless something is there already; True when created."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        os.fchmod(descriptor, PRIVATE_FILE)  # exactly 0600, whatever the umask
    finally:
        os.close(descriptor)
    return True


def tighten_file(path: Path) -> bool:
    """Take group and other permissions away from an existing file; True when there were some."""
    return _tighten(path, PRIVATE_FILE)


def prepare_sqlite_files(database: Path) -> None:
    """Before SQLite opens `database`: its folder exists (made 0700), the file exists 0600, and existing
    companions are 0600.

    A folder the operator chose (`/var/lib/linkyard`) is theirs to set up, and left as it is when it exists;
    Linkyard's own `.linkyard/` folder is tightened too.
    """
    folder = database.parent
    tightened: list[Path] = []
    if not folder.exists():
        private_folder(folder)
    elif folder.name == DATA_DIR and private_folder(folder):
        tightened.append(folder)
    create_private_file(database)
    for path in (database, *(database.with_name(database.name + suffix) for suffix in SQLITE_COMPANIONS)):
        if tighten_file(path):
            tightened.append(path)
    report_tightened(tightened)


def report_tightened(paths: list[Path]) -> None:
    """One log line for the files and folders just made private (none: no line)."""
    if paths:
        logger.warning(
            "made %s private to their owner (they were open to other users)", ", ".join(map(str, paths))
        )


def _tighten(path: Path, private: int) -> bool:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if not mode & ~private:
        return False
    try:
        os.chmod(path, mode & private)
    except PermissionError:  # another user's file: say so and go on; the operator can fix it
        logger.warning("%s is open to other users and could not be made private (not its owner)", path)
        return False
    return True
