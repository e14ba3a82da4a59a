"""Store fixtures: every test that takes `store` runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL runs when LINKYARD_TEST_DATABASE_URL is set (CI sets it); each test gets a fresh schema, dropped
afterwards, so runs are repeatable and leave nothing behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from sqlalchemy import inspect, select, text, update

from linkyard.domain import Account, ConnectorProfile, ManualClock, Project, ProviderAccount, TokenSet
from linkyard.store import KeyRing, Store, generate_key_entry, open_store
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

OpenStore = Callable[..., Awaitable[Store]]


def _with_search_path(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped after the test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'linkyard.db'}"
        return
    assert PG_URL is not None
    schema = f"lk_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_search_path(PG_URL, schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


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
    """A second store on the same database, as another worker process would have."""
    return await open_stores(database_url, keyring, clock)


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


def tokens(
    access: str, refresh: str | None, clock: ManualClock, *, lifetime: timedelta | None = None
) -> TokenSet:
    now = clock()
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=now + (lifetime or timedelta(hours=1)),
        issued_at=now,
        scopes=("employees",),
    )


@dataclass(frozen=True)
class Tenant:
    """A project with a connector profile and one linked account (tokens AT-0 / RT-0)."""

    project: Project
    profile: ConnectorProfile
    account: Account


async def make_tenant(store: Store, clock: ManualClock, name: str = "Acme", owner: str = "org-1") -> Tenant:
    project = await store.projects.create(name, allowed_origins=["https://app.example"])
    profile = await store.connector_profiles.create(
        project.id,
        connector="factorialhr",
        client_id=f"client-{name}",
        client_secret=f"client-secret-of-{name}-0123456789",
        environment="sandbox",
        scopes=["employees"],
    )
    account, _ = await store.accounts.upsert(
        project.id,
        profile_id=profile.id,
        origin_owner_id=owner,
        origin_owner_name=f"{name} Ltd",
        provider_account=ProviderAccount(company_id="1", employee_id="7", email="admin@example.com"),
        token=tokens("AT-0", "RT-0", clock),
    )
    return Tenant(project, profile, account)


@pytest.fixture
async def tenant(store: Store, clock: ManualClock) -> Tenant:
    return await make_tenant(store, clock)


CORRUPTIONS = [
    pytest.param("tampered", id="tampered"),
    pytest.param("moved", id="moved-from-another-column"),
    pytest.param("unknown_key", id="key-not-in-the-ring"),
]
"""Ways a stored access token stops decrypting: a changed byte, a ciphertext moved from another column (the
refresh token's: a user token is needed), a ciphertext sealed under a key the key ring does not have."""


async def corrupt(store: Store, project_id: str, account_id: str, how: str) -> None:
    """Change an account's stored access token in the database directly, as a bad restore or a lost key would."""
    async with store.database.engine.begin() as conn:
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
        await conn.execute(
            update(credentials)
            .where(credentials.c.account_id == account_id, credentials.c.project_id == project_id)
            .values(access_token_encrypted=value)
        )
