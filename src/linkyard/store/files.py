"""The SQLite database and the files SQLite makes beside it are 0600, Linkyard's folder 0700.

The database file is created 0600 before SQLite first opens it, and SQLite's unix VFS gives the files it creates
itself (`-wal`, `-shm`, `-journal`) the mode of the database file. Files and folders made by an earlier version,
or by hand, with looser modes are tightened when the store opens, with one log line (`linkyard.files`).
"""

from __future__ import annotations

from pathlib import Path

from linkyard.config import DATA_DIR
from linkyard.files import create_private_file, private_folder, report_tightened, tighten_file

SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
"""What SQLite keeps next to `<database>`: its write-ahead log, shared-memory index and rollback journal."""


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
