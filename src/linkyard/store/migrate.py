"""Bring the schema to the latest Alembic revision, safely when several processes start at once."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from linkyard.config import DatabaseUrls
from linkyard.store.database import create_migration_engine

MIGRATIONS = Path(__file__).parent / "migrations"
# Arbitrary but fixed: every Linkyard process on a PostgreSQL database queues on this advisory lock.
_ADVISORY_LOCK_KEY = 0x4C4B_5944_4D49_4752  # "LKYDMIGR"


def alembic_config() -> Config:
    """Alembic's configuration for the migrations shipped inside the package (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_database(urls: DatabaseUrls) -> None:
    """Apply every pending migration in one transaction (sync; run it in a thread from async code).

    PostgreSQL: a transaction-scoped advisory lock makes concurrent starters queue; the later ones find the
    schema current and do nothing. SQLite: the migration engine begins with `BEGIN IMMEDIATE`, which does
    the same with the database's write lock.
    """
    config = alembic_config()
    engine = create_migration_engine(urls)
    try:
        with engine.begin() as connection:
            if urls.backend == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def current_revision(urls: DatabaseUrls) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    engine = create_migration_engine(urls)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision shipped with this version of Linkyard."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
