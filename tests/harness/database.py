"""The database of a test: SQLite (a file of its own) and PostgreSQL (a schema of its own) when configured.

Migrating is most of an in-process test's set-up, so the suite migrates once per session into a template and
gives each test a copy: on SQLite the template file (its write-ahead log checkpointed into it first), on
PostgreSQL the template schema replayed from `pg_dump` into a new schema (measured faster than migrating, and
than `CREATE DATABASE ... TEMPLATE`, which costs a checkpoint or a full WAL copy; figures in
docs/benchmarks.md). A copy is the test's alone and is dropped afterwards, so tests stay isolated and repeatable.
`empty_database_url` is a database never migrated, for the tests of migrating itself.

PostgreSQL runs when LINKYARD_TEST_DATABASE_URL is set (CI sets it).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from sqlalchemy import event, inspect, select, text, update

from linkyard.config import resolve_database_url
from linkyard.domain import ManualClock
from linkyard.files import PRIVATE_FILE
from linkyard.store import KeyRing, Store, generate_key_entry, open_store
from linkyard.store.files import prepare_sqlite_files
from linkyard.store.migrate import upgrade_database
from linkyard.store.tables import ACCESS_TOKEN, credentials

PG_URL = os.environ.get("LINKYARD_TEST_DATABASE_URL")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not PG_URL,
                reason="PostgreSQL run skipped: LINKYARD_TEST_DATABASE_URL is not set (CI sets it)",
            ),
        ],
    ),
]

# Modules whose behaviour depends on the database (atomic state use, locks, isolation, what is stored) run on
# both backends; the rest (input validation, pages) on SQLite only, to keep the suite quick.
ON_BOTH_BACKENDS = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

OpenStore = Callable[..., Awaitable[Store]]

WAIT = 30.0
"""A bound on waiting for an event that comes within milliseconds; reached only when something is broken."""

_SCHEMA_PLACEHOLDER = "lk_template_schema_placeholder"


def _with_search_path(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _new_schema_name() -> str:
    return f"lk_test_{os.getpid()}_{secrets.token_hex(4)}"


@contextmanager
def _postgres_schema(ddl: str | None) -> Iterator[str]:
    """A new schema, made by `ddl` (the template's, with the placeholder for its name) or empty; its URL. Dropped
    afterwards."""
    assert PG_URL is not None
    schema = _new_schema_name()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        if ddl is None:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        else:
            with conn.transaction():
                conn.execute(ddl.replace(_SCHEMA_PLACEHOLDER, schema))
    try:
        yield _with_search_path(PG_URL, schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A SQLite database migrated to head, as bytes: one file, its write-ahead log checkpointed into it."""
    path = tmp_path_factory.mktemp("template") / "linkyard.db"
    prepare_sqlite_files(path)
    upgrade_database(resolve_database_url(f"sqlite:///{path}"))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


@pytest.fixture(scope="session")
def postgres_template() -> str | None:
    """The DDL of a PostgreSQL schema migrated to head (its name a placeholder), taken with `pg_dump` once.

    Without `pg_dump` on the PATH, None: each test's schema is then migrated when its store opens.
    """
    assert PG_URL is not None
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    with _postgres_schema(None) as url:
        schema = dict(parse_qsl(urlsplit(url).query))["options"].removeprefix("-csearch_path=")
        upgrade_database(resolve_database_url(url))
        dump = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, our arguments
            [pg_dump, "--no-owner", "--no-privileges", "--inserts", "--schema", schema, "--dbname", PG_URL],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    # Lines starting with a backslash are psql meta-commands (`\restrict`), not SQL.
    statements = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
    return statements.replace(schema, _SCHEMA_PLACEHOLDER)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite unless the module is marked `ON_BOTH_BACKENDS` (then PostgreSQL too, when configured)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database migrated to head, the test's own: a copy of the template (a file, or a schema dropped after
    the test)."""
    if backend == "sqlite":
        path = tmp_path / "linkyard.db"
        # Owner-only, as the store creates it (it would tighten a looser copy, with a warning in the log).
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), PRIVATE_FILE)
            file.write(request.getfixturevalue("sqlite_template"))
        yield f"sqlite:///{path}"
        return
    with _postgres_schema(request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated: a new SQLite file name, or a new PostgreSQL schema dropped after the
    test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _postgres_schema(None) as url:
        yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing.parse(generate_key_entry("k1"))


@pytest.fixture
async def open_stores() -> AsyncIterator[OpenStore]:
    """Open more stores (think: more workers) on a database; all are closed after the test."""
    opened: list[Store] = []

    async def _open(url: str, keyring: KeyRing, clock: ManualClock | None = None) -> Store:
        store = await open_store(url, keyring, clock or ManualClock())
        opened.append(store)
        return store

    yield _open
    for store in opened:
        await store.close()


@pytest.fixture
async def store(database_url: str, keyring: KeyRing, clock: ManualClock, open_stores: OpenStore) -> Store:
    return await open_stores(database_url, keyring, clock)


@pytest.fixture
async def worker(
    database_url: str, keyring: KeyRing, clock: ManualClock, open_stores: OpenStore, store: Store
) -> Store:
    """A second store (its own engine and pool) on the same database, as another worker process has."""
    return await open_stores(database_url, keyring, clock)


@contextmanager
def lock_requests(store: Store, *, updating: str | None = None) -> Iterator[asyncio.Event]:
    """Set once `store` asks the database for a write lock (`BEGIN IMMEDIATE` on SQLite, `SELECT ... FOR UPDATE`
    on PostgreSQL; with `updating`, an `UPDATE` of that table too, which waits for the row's lock on
    PostgreSQL): from then on that caller waits for whoever holds the lock, whatever the scheduling."""
    requested = asyncio.Event()
    update_prefix = None if updating is None else f"UPDATE {updating} "

    def watch(*args: Any) -> None:
        statement = str(args[2])
        updates = update_prefix is not None and statement.startswith(update_prefix)
        if statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement or updates:
            requested.set()

    # SQLAlchemy's asyncio layer runs these hooks in the event loop's thread: setting the event is safe.
    engine = store.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield requested
    finally:
        event.remove(engine, "before_cursor_execute", watch)


async def dump_database(store: Store) -> str:
    """Every row of every table, as text; plus the raw SQLite files when the backend is SQLite."""
    chunks: list[str] = []
    async with store.database.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert "credentials" in names
        for name in names:
            rows = (await conn.execute(text(f'SELECT * FROM "{name}"'))).all()  # noqa: S608 - reflected names
            chunks.append(f"{name}: {rows!r}")
    if store.backend == "sqlite":
        database = store.database.engine.url.database
        assert database is not None
        for path in (Path(database), Path(f"{database}-wal")):
            if path.exists():
                chunks.append(path.read_bytes().decode("latin-1"))
    return "\n".join(chunks)


CORRUPTIONS = [
    pytest.param("tampered", id="tampered"),
    pytest.param("moved", id="moved-from-another-column"),
    pytest.param("unknown_key", id="key-not-in-the-ring"),
]
"""Ways a stored access token stops decrypting: a changed byte, a ciphertext moved from another column (the
refresh token's: a user token is needed), a ciphertext sealed under a key the key ring does not have."""


async def corrupt(store: Store, project_id: str, account_id: str, how: str) -> None:
    """Change an account's stored access token in the database directly, as a bad restore or a lost key would.

    Read and write are two transactions: on SQLite a read transaction that turns into a write fails at once
    ("database is locked", no busy wait) when another writer, such as the request log flusher, committed since."""
    async with store.database.engine.connect() as conn:
        row = (
            await conn.execute(
                select(credentials.c.access_token_encrypted, credentials.c.refresh_token_encrypted).where(
                    credentials.c.account_id == account_id, credentials.c.project_id == project_id
                )
            )
        ).one()
        sealed = row.access_token_encrypted
        if how == "tampered":
            value = sealed[:-8] + ("A" if sealed[-8] != "A" else "B") + sealed[-7:]
        elif how == "moved":
            value = row.refresh_token_encrypted  # a valid ciphertext, bound to another column
        else:
            stranger = KeyRing.parse(generate_key_entry("k9"))
            value = stranger.encrypt("at-sealed-elsewhere", ACCESS_TOKEN.context(project_id, account_id))
        assert value is not None and value != sealed
    async with store.database.engine.begin() as conn:
        await conn.execute(
            update(credentials)
            .where(credentials.c.account_id == account_id, credentials.c.project_id == project_id)
            .values(access_token_encrypted=value)
        )
