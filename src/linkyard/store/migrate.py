"""Bring the schema to the latest Alembic revision, safely when several processes start at once.

Most opens find the schema current. That is checked without Alembic (whose import alone costs more than a CLI
command's whole database work): the revision ids are read from the migration scripts' source, and compared with
Alembic's version table. Anything else (a new database, pending migrations, scripts this reading cannot follow)
goes through Alembic itself.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from linkyard.config import DatabaseUrls
from linkyard.errors import StoreError
from linkyard.store.database import Database, create_migration_engine
from linkyard.store.tables import metadata

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
# What `script_heads` reads in each script: the names Alembic's revision graph is made of.
_GRAPH_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
_UNREADABLE = object()
# Arbitrary but fixed: every Linkyard process on a PostgreSQL database queues on this advisory lock.
_ADVISORY_LOCK_KEY = 0x4C4B_5944_4D49_4752  # "LKYDMIGR"


def alembic_config() -> Config:
    """Alembic's configuration for the migrations shipped inside the package (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_database(urls: DatabaseUrls) -> None:
    """Apply every pending migration in one transaction (sync; run it in a thread from async code).

    PostgreSQL: a transaction-scoped advisory lock makes concurrent starters queue; the later ones find the
    schema current and do nothing. SQLite: the migration engine begins with `BEGIN IMMEDIATE`, which does
    the same with the database's write lock.
    """
    from alembic import command

    config = alembic_config()
    engine = create_migration_engine(urls)
    try:
        with engine.begin() as connection:
            if urls.backend == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if urls.backend == "postgresql":
                # Fresh statistics for the new schema: plans are then made from what the tables hold
                # (`linkyard.store.statistics` keeps them fresh as the tables grow).
                for table in metadata.sorted_tables:
                    connection.exec_driver_sql(f'ANALYZE "{table.name}"')
    finally:
        engine.dispose()


async def schema_is_current(database: Database) -> bool:
    """True when the database is at the newest revision shipped: one read, no Alembic.

    False sends the caller to `upgrade_database`, which decides under its lock (so a false "not current" costs
    time, never correctness): no version table yet, a revision behind (or ahead of) the scripts, or scripts
    whose ids `script_heads` cannot read.
    """
    heads = script_heads()
    if heads is None:
        return False
    try:
        async with database.read() as connection:
            # Alembic's version table (its default name, which env.py keeps): one row per head.
            stored = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars()
            return frozenset(stored) == heads
    except StoreError:  # no version table: a database never migrated
        return False


@functools.cache
def script_heads(versions: Path = VERSIONS) -> frozenset[str] | None:
    """The head revisions of the migration scripts in `versions`, read from their source as Alembic would
    find them after importing each (revisions that no other script names as its `down_revision`).

    None when a script is not plain enough to read this way (an id that is not a literal, `depends_on`,
    branch labels): Alembic then decides.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    # Alembic's own filter: every `*.py` but `__init__.py` (and editor backups `.#*`) is a revision script.
    for path in sorted(versions.glob("*.py")):
        if path.name == "__init__.py" or path.name.startswith(".#"):
            continue
        try:
            facts = _module_constants(path)
        except SyntaxError:  # Alembic's import will say where
            return None
        revision = facts.get("revision")
        down = facts.get("down_revision")
        if not isinstance(revision, str) or facts.get("branch_labels") or facts.get("depends_on"):
            return None
        if revision in revisions:  # the same id twice: Alembic warns and keeps one
            return None
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple) and all(isinstance(item, str) for item in down):
            parents.update(down)
        elif down is not None:
            return None
        revisions.add(revision)
    if not revisions or not parents <= revisions:  # a dangling down_revision: Alembic refuses it
        return None
    return frozenset(revisions - parents)


def _module_constants(path: Path) -> dict[str, object]:
    """The literal values a migration script assigns at module level to Alembic's names (`_GRAPH_NAMES`).

    A name bound to something that is not a literal maps to a marker no caller accepts.
    """
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in _GRAPH_NAMES:
            try:
                constant = ast.literal_eval(value)
            except ValueError:
                constant = _UNREADABLE
            found[target.id] = tuple(constant) if isinstance(constant, list) else constant
    return found


def current_revision(urls: DatabaseUrls) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = create_migration_engine(urls)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision shipped with this version of Linkyard."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
