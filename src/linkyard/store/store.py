"""The store: one database, its repositories, and `open_store`, which migrates and checks the key ring."""

from __future__ import annotations

import asyncio
from types import TracebackType

from linkyard.config import Settings, resolve_database_url
from linkyard.domain import Clock, utc_now
from linkyard.errors import KeyRingError
from linkyard.store.canaries import check_key_ring
from linkyard.store.connect_sessions import ConnectSessionRepository
from linkyard.store.credentials import CredentialRepository
from linkyard.store.crypto import KeyRing
from linkyard.store.dashboard_sessions import DashboardSessionRepository
from linkyard.store.database import Database, create_serving_engine, sqlite_file
from linkyard.store.files import prepare_sqlite_files
from linkyard.store.migrate import schema_is_current, upgrade_database
from linkyard.store.oauth_states import OAuthStateRepository
from linkyard.store.read_cache import (
    CachedAccountRepository,
    CachedApiKeyRepository,
    CachedConnectorProfileRepository,
    CachedProjectRepository,
    ReadCaches,
)


class Store:
    """The repositories over one database. Every tenant-owned row is reached through a project id."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self.database = database
        self.keyring = keyring
        self.clock = clock
        # Short-lived read caches for the request hot path; every write through this store evicts at once.
        self.read_caches = ReadCaches(clock)
        self.projects = CachedProjectRepository(database, clock, self.read_caches)
        self.api_keys = CachedApiKeyRepository(database, clock, self.read_caches)
        self.connector_profiles = CachedConnectorProfileRepository(database, keyring, clock, self.read_caches)
        self.connect_sessions = ConnectSessionRepository(database, clock)
        self.oauth_states = OAuthStateRepository(database, keyring, clock)
        self.accounts = CachedAccountRepository(database, keyring, clock, self.read_caches)
        self.credentials = CredentialRepository(database, keyring, clock)
        self.dashboard_sessions = DashboardSessionRepository(database, clock)

    @property
    def backend(self) -> str:
        return self.database.backend

    async def close(self) -> None:
        await self.database.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


async def open_store(
    source: Settings | str,
    keyring: KeyRing | None = None,
    clock: Clock = utc_now,
) -> Store:
    """Open the database of `source` (settings or a URL): migrate it, check the key ring, return the store.

    Without `keyring`, it is parsed from `settings.encryption_keys`; no key at all is a `KeyRingError`, and so
    is a key ring that cannot read the secrets already stored. A SQLite database and its companions are made
    private to their owner (0600, and 0700 for a folder created for it).
    """
    if isinstance(source, Settings):
        urls = source.database
        if keyring is None:
            keyring = KeyRing.parse(source.encryption_keys)
    else:
        urls = resolve_database_url(source)
    if keyring is None:
        raise KeyRingError("no encryption key configured: set LINKYARD_ENCRYPTION_KEYS")
    path = sqlite_file(urls)
    if path is not None:
        prepare_sqlite_files(path)  # 0600 before SQLite first opens it (and its WAL copies the mode)
    database = Database(create_serving_engine(urls), urls.backend)
    try:
        if not await schema_is_current(database):  # the usual open: one read, and Alembic stays unloaded
            await asyncio.to_thread(upgrade_database, urls)
        await check_key_ring(database, keyring, clock)
    except BaseException:
        await database.dispose()
        raise
    return Store(database, keyring, clock)
