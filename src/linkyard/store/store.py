"""The store: one database, its repositories, and `open_store`, which migrates and checks the key ring."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType

from linkyard.config import Settings, resolve_database_url
from linkyard.domain import Clock, utc_now
from linkyard.errors import KeyRingError
from linkyard.store.canaries import check_key_ring
from linkyard.store.change_file import SqliteChangeFeed, change_file_of
from linkyard.store.change_listener import PostgresChangeFeed
from linkyard.store.changes import ChangeFeed
from linkyard.store.connect_sessions import ConnectSessionRepository
from linkyard.store.connection_attempts import ConnectionAttemptRepository
from linkyard.store.credentials import CredentialRepository
from linkyard.store.crypto import KeyRing
from linkyard.store.dashboard_sessions import DashboardSessionRepository
from linkyard.store.database import Database, create_serving_engine, sqlite_file
from linkyard.store.deliveries import DeliveryRepository
from linkyard.store.event_subscriptions import EventSubscriptionRepository
from linkyard.store.exclusive import exclusively
from linkyard.store.files import prepare_sqlite_files
from linkyard.store.migrate import schema_is_current, upgrade_database
from linkyard.store.oauth_states import OAuthStateRepository
from linkyard.store.projects import ProjectRepository
from linkyard.store.read_cache import (
    CachedAccountRepository,
    CachedApiKeyRepository,
    CachedConnectorProfileRepository,
    ReadCaches,
)
from linkyard.store.request_logs import RequestLogRepository
from linkyard.store.statistics import refresh_statistics
from linkyard.store.tool_feedback import ToolFeedbackRepository
from linkyard.store.webhooks import WebhookRepository


class Store:
    """The repositories over one database. Every tenant-owned row is reached through a project id."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self.database = database
        self.keyring = keyring
        self.clock = clock
        # Short-lived read caches for the request hot path; every write through any store on this database
        # evicts what it changed (here at once, elsewhere as the database's change feed delivers it).
        self.read_caches = ReadCaches(clock, changes=database.changes)
        self.projects = ProjectRepository(database, clock)
        self.api_keys = CachedApiKeyRepository(database, clock, self.read_caches)
        self.connector_profiles = CachedConnectorProfileRepository(database, keyring, clock, self.read_caches)
        self.connect_sessions = ConnectSessionRepository(database, clock)
        self.oauth_states = OAuthStateRepository(database, keyring, clock)
        self.connection_attempts = ConnectionAttemptRepository(database, clock)
        self.accounts = CachedAccountRepository(
            database, keyring, clock, self.read_caches, self.connector_profiles
        )
        self.credentials = CredentialRepository(database, keyring, clock)
        self.dashboard_sessions = DashboardSessionRepository(database, clock)
        self.request_logs = RequestLogRepository(database, clock)
        self.tool_feedback = ToolFeedbackRepository(database, clock)
        self.webhooks = WebhookRepository(database, keyring, clock)
        self.deliveries = DeliveryRepository(database, keyring, clock)
        self.event_subscriptions = EventSubscriptionRepository(database, clock)

    @property
    def backend(self) -> str:
        return self.database.backend

    @property
    def changes(self) -> ChangeFeed:
        """The database's change feed: what other processes change reaches this store's caches through it."""
        return self.database.changes

    @asynccontextmanager
    async def follow_changes(self) -> AsyncIterator[None]:
        """Hear other processes' changes for the length of the block: a serving process does (the platform's
        lifespan); a one-off command need not (on PostgreSQL, its caches then keep nothing)."""
        async with self.database.changes.follow():
            yield

    def exclusively(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Whether this worker holds the job `name` for the length of the block, across every worker of the
        database (PostgreSQL) or of the host (SQLite); False when another one does."""
        return exclusively(self.database, name)

    async def refresh_statistics(self) -> tuple[str, ...]:
        """PostgreSQL: analyse the tables that changed much since their last analysis; their names."""
        return await refresh_statistics(self.database)

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
    engine = create_serving_engine(urls)
    changes: ChangeFeed
    if urls.backend == "postgresql":
        changes = PostgresChangeFeed.for_engine(engine)
    elif path is not None:
        changes = SqliteChangeFeed(change_file_of(path))
    else:
        changes = ChangeFeed()  # a database no other process can open
    database = Database(engine, urls.backend, changes=changes)
    try:
        if not await schema_is_current(database):  # the usual open: one read, and Alembic stays unloaded
            await asyncio.to_thread(upgrade_database, urls)
        await check_key_ring(database, keyring, clock)
    except BaseException:
        await database.dispose()
        raise
    return Store(database, keyring, clock)
