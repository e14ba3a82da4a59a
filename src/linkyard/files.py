"""Private files and folders: created owner-only (0600 files, 0700 folders), looser ones tightened with a log line.

No umask change (it would reach every file the process writes): a file is created with its mode, and one made by
an earlier version, or by hand, with a looser mode is tightened when Linkyard next opens it. The store's SQLite
files and the sandbox's key and state files both use these.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


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
