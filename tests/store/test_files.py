"""Private files: a SQLite database, its WAL and shared-memory files are 0600 and Linkyard's folder 0700, under a
permissive umask too; loose modes left from before are tightened when the store opens, with one log line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from linkyard.store import KeyRing, open_store

# Opens a store on `<folder>/linkyard.db`, writes, and prints the mode of the folder and of every file in it while
# the store is still open (SQLite removes the WAL when the last connection closes).
_OPEN_AND_WRITE = """
import asyncio, json, stat, sys
from pathlib import Path
from linkyard.store import KeyRing, generate_key_entry, open_store

async def main(folder: Path) -> None:
    store = await open_store(f"sqlite:///{folder / 'linkyard.db'}", KeyRing.parse(generate_key_entry("k1")))
    try:
        await store.projects.create("Acme")
        paths = [folder, *folder.iterdir()]
        print(json.dumps({path.name: stat.S_IMODE(path.stat().st_mode) for path in paths}))
    finally:
        await store.close()

asyncio.run(main(Path(sys.argv[1])))
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_its_wal_and_shm_and_its_folder_are_private_under_a_permissive_umask(
    tmp_path: Path,
) -> None:
    folder = tmp_path / ".linkyard"

    child = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", _OPEN_AND_WRITE, str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        umask=0o002,  # group-writable: looser than most defaults
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )

    assert child.returncode == 0, child.stderr
    modes = json.loads(child.stdout)
    assert {"linkyard.db", "linkyard.db-wal", "linkyard.db-shm"} <= set(modes), modes
    assert modes.pop(".linkyard") == 0o700
    assert {name: oct(value) for name, value in modes.items()} == {name: "0o600" for name in modes}


async def test_loose_modes_from_an_earlier_version_are_tightened_at_open_with_one_log_line(
    tmp_path: Path, keyring: KeyRing, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / ".linkyard"
    database = folder / "linkyard.db"
    await (await open_store(f"sqlite:///{database}", keyring)).close()
    folder.chmod(0o755)
    database.chmod(0o644)
    wal = folder / "linkyard.db-wal"
    wal.touch(0o664)  # an empty WAL, as a crash can leave one
    wal.chmod(0o664)
    caplog.set_level(logging.WARNING, logger="linkyard.files")

    store = await open_store(f"sqlite:///{database}", keyring)
    await store.projects.create("Acme")
    await store.close()
    again = await open_store(f"sqlite:///{database}", keyring)
    await again.close()

    assert (mode(folder), mode(database)) == (0o700, 0o600)
    assert all(mode(path) == 0o600 for path in folder.iterdir())
    [line] = [record.getMessage() for record in caplog.records]
    assert str(database) in line and str(wal) in line and str(folder) in line


async def test_a_folder_the_operator_chose_is_left_as_it_is_and_the_files_in_it_are_private(
    tmp_path: Path, keyring: KeyRing
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o750)

    store = await open_store(f"sqlite:///{folder / 'linkyard.db'}", keyring)
    try:
        await store.projects.create("Acme")
        files = sorted(path.name for path in folder.iterdir())
        modes = {path.name: mode(path) for path in folder.iterdir()}
    finally:
        await store.close()

    assert mode(folder) == 0o750
    assert files == ["linkyard.db", "linkyard.db-changes", "linkyard.db-shm", "linkyard.db-wal"]
    assert set(modes.values()) == {0o600}


async def test_workers_opening_a_new_database_together_all_open_it_private(
    tmp_path: Path, keyring: KeyRing
) -> None:
    database = tmp_path / "new" / "linkyard.db"

    stores = await asyncio.gather(*(open_store(f"sqlite:///{database}", keyring) for _ in range(4)))
    for store in stores:
        await store.close()

    assert (mode(database.parent), mode(database)) == (0o700, 0o600)
