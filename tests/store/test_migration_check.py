"""The schema check on open: a current database is recognised without Alembic, anything else goes through it.

`open_store` reads Alembic's version table and compares it with the heads read from the migration scripts'
source; only a database that is not current (new, behind) loads Alembic and migrates.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from linkyard.config import DatabaseUrls, resolve_database_url
from linkyard.store import KeyRing, generate_key_entry
from linkyard.store.database import create_migration_engine
from linkyard.store.migrate import alembic_config, current_revision, head_revision, script_heads
from tests.store.conftest import OpenStore

# Runs in a fresh process (this one has Alembic loaded already): open the store, use it, say which of
# Alembic's modules the open loaded.
_OPEN_AND_REPORT = """
import asyncio, os, sys
from linkyard.store import KeyRing, open_store

async def main():
    store = await open_store(sys.argv[1], KeyRing.parse(os.environ["KEY_ENTRY"]))
    try:
        await store.projects.list_all()
    finally:
        await store.close()

asyncio.run(main())
print(sorted(name for name in sys.modules if name.split(".")[0] == "alembic"))
"""


def alembic_modules_loaded_by_an_open(database_url: str, key_entry: str) -> str:
    child = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", _OPEN_AND_REPORT, database_url],
        env={**os.environ, "KEY_ENTRY": key_entry},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    return child.stdout.strip()


def upgrade_to(urls: DatabaseUrls, revision: str) -> None:
    config = alembic_config()
    engine = create_migration_engine(urls)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


async def test_the_first_open_migrates_with_alembic_and_later_opens_leave_it_unloaded(
    database_url: str,
) -> None:
    key_entry = generate_key_entry("k1")
    urls = resolve_database_url(database_url)
    first = await asyncio.to_thread(alembic_modules_loaded_by_an_open, database_url, key_entry)
    assert "'alembic.command'" in first
    assert await asyncio.to_thread(current_revision, urls) == head_revision()
    assert await asyncio.to_thread(alembic_modules_loaded_by_an_open, database_url, key_entry) == "[]"


async def test_a_database_a_migration_behind_is_brought_to_head_on_open(
    database_url: str, keyring: KeyRing, open_stores: OpenStore
) -> None:
    urls = resolve_database_url(database_url)
    head = head_revision()
    assert head is not None
    script = ScriptDirectory.from_config(alembic_config()).get_revision(head)
    assert script is not None and isinstance(script.down_revision, str)
    await asyncio.to_thread(upgrade_to, urls, script.down_revision)
    assert await asyncio.to_thread(current_revision, urls) == script.down_revision

    store = await open_stores(database_url, keyring)
    assert await asyncio.to_thread(current_revision, urls) == head
    project = await store.projects.create("Acme")
    assert (await store.projects.get(project.id)).name == "Acme"


def test_the_heads_read_from_the_shipped_scripts_are_alembics() -> None:
    expected = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert script_heads() == frozenset(expected)


def write_scripts(folder: Path, sources: dict[str, str]) -> Path:
    versions = folder / "versions"
    versions.mkdir()
    (versions / "__init__.py").write_text("")
    for name, source in sources.items():
        (versions / name).write_text(source)
    return versions


def script(revision: str, down: str | tuple[str, ...] | None) -> str:
    return f'"""A migration."""\n\nrevision = {revision!r}\ndown_revision = {down!r}\nbranch_labels = None\n'


@pytest.mark.parametrize(
    "graph",
    [
        pytest.param({"a": None}, id="one"),
        pytest.param({"a": None, "b": "a", "c": "b"}, id="a line"),
        pytest.param({"a": None, "b": "a", "c": "a"}, id="two heads"),
        pytest.param({"a": None, "b": "a", "c": "a", "d": ("b", "c")}, id="a merge"),
    ],
)
def test_heads_read_from_source_are_the_heads_alembic_finds(
    tmp_path: Path, graph: dict[str, str | tuple[str, ...] | None]
) -> None:
    write_scripts(
        tmp_path, {f"r{i}_{rev}.py": script(rev, down) for i, (rev, down) in enumerate(graph.items())}
    )
    expected = ScriptDirectory(str(tmp_path)).get_heads()
    assert script_heads(tmp_path / "versions") == frozenset(expected)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('revision = "b" + "2"\ndown_revision = "a"\n', id="an id that is not a literal"),
        pytest.param('down_revision = "a"\n', id="no revision"),
        pytest.param('revision = "b"\ndown_revision = "a"\ndepends_on = "x"\n', id="depends_on"),
        pytest.param('revision = "b"\ndown_revision = "a"\nbranch_labels = ("x",)\n', id="a branch label"),
        pytest.param('revision = "b"\ndown_revision = "z"\n', id="a down_revision no script has"),
        pytest.param('revision = "a"\ndown_revision = None\n', id="an id twice"),
        pytest.param('revision = "b"\ndown_revision = "a"\ndef upgrade(:\n', id="not Python"),
    ],
)
def test_scripts_this_reading_cannot_follow_are_left_to_alembic(tmp_path: Path, source: str) -> None:
    versions = write_scripts(tmp_path, {"r0_a.py": script("a", None), "r1_b.py": source})
    assert script_heads(versions) is None
