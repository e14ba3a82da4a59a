"""Short-lived read caches for the request hot path: API keys, accounts and connector profiles.

A call to `/actions/rpc` needs the caller's project (from its API key), the account and its connector profile.
Read from the database each time, those three reads cost more than everything else the gateway does. So this
process keeps what it read for at most `READ_TTL` (5 s, the token keeper's revalidation bound), and:

- any write through this store (revoking a key, changing or deleting a project, an account or a profile, linking
  again) evicts what it touched at once, and a read that was in flight during such a write is not kept;
- a change made by another process (another worker, `linkyard api-keys revoke`) is seen within `READ_TTL`: until
  then a revoked key, a suspended account or a disabled profile keeps working here (the token keeper re-checks
  the account's status on the same bound, so a call never outlives it);
- only what was found is kept: an unknown key or account is read again every time;
- concurrent misses of one entry share one read: when an entry expires under load, the calls in flight wait
  for the first one's read instead of each sending the same query (which stalled every call at 32 concurrent);
- the cache holds the SHA-256 digest of a key, never the key.

The repositories below are the store's own, with the same methods; `find_project_by_key` is cached, and
`get_recent` is the cached read of an account or a profile for the hot path (`get` still reads the database,
for the callers that decide something from what they read).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar, Unpack

from linkyard.domain import (
    Account,
    AccountStatus,
    ApiKey,
    AuthType,
    Clock,
    ConnectorProfile,
    Environment,
    Project,
    ProviderAccount,
    TokenSet,
    TokenType,
)
from linkyard.errors import NotFound
from linkyard.store.accounts import AccountChanges, AccountRepository
from linkyard.store.api_keys import ApiKeyRepository
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.digests import digest
from linkyard.store.profiles import ConnectorProfileRepository, ProfileChanges
from linkyard.store.projects import ProjectRepository

READ_TTL = timedelta(seconds=5)
MAX_ENTRIES = 10_000

K = TypeVar("K")
V = TypeVar("V")


class ReadCache(Generic[K, V]):
    """Values read from the database, each served for at most `ttl` after it was read; the oldest go first
    beyond `max_entries`."""

    def __init__(self, clock: Clock, *, ttl: timedelta = READ_TTL, max_entries: int = MAX_ENTRIES) -> None:
        self._clock = clock
        self._ttl = ttl
        self._max_entries = max_entries
        self._entries: dict[K, tuple[V, datetime]] = {}
        # Bumped by every eviction: a load that started before it may have read what the write replaced.
        self._generation = 0
        # Reads in flight, with the generation they started in: a later miss of the same key joins one.
        self._loading: dict[K, tuple[asyncio.Future[V | None], int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The cached value of `key` while it is fresh; otherwise what `load` reads, kept unless it is None or
        an eviction happened while it was reading."""
        found = self._entries.get(key)
        if found is not None:
            value, read_at = found
            age = self._clock() - read_at
            if timedelta(0) <= age < self._ttl:
                return value
            del self._entries[key]
        pending = self._loading.get(key)
        if pending is not None and pending[1] == self._generation:
            try:
                return await asyncio.shield(pending[0])
            except asyncio.CancelledError:
                if not pending[0].cancelled():
                    raise  # this call was cancelled, not the read it waited for
                # That read's caller went away before it finished: read again.
        return await self._load(key, load)

    async def _load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        generation = self._generation
        read_at = self._clock()
        pending: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        # A failure reaches every waiter; if none waits, it is still "retrieved" (no asyncio warning).
        pending.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._loading[key] = (pending, generation)
        try:
            loaded = await load()
        except asyncio.CancelledError:
            pending.cancel()
            raise
        except BaseException as error:
            pending.set_exception(error)
            raise
        else:
            pending.set_result(loaded)
        finally:
            if self._loading.get(key, (None, 0))[0] is pending:
                del self._loading[key]
        if loaded is not None and generation == self._generation:
            if len(self._entries) >= self._max_entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (loaded, read_at)
        return loaded

    def forget(self, key: K) -> None:
        self._generation += 1
        self._entries.pop(key, None)

    def forget_where(self, matches: Callable[[K, V], bool]) -> None:
        self._generation += 1
        for key in [key for key, (value, _) in self._entries.items() if matches(key, value)]:
            del self._entries[key]


class ReadCaches:
    """The store's three caches, shared by the repositories that read and write what they hold."""

    def __init__(self, clock: Clock, *, ttl: timedelta = READ_TTL) -> None:
        self.keys: ReadCache[str, Project] = ReadCache(clock, ttl=ttl)
        """Key digest → the key's project."""
        self.accounts: ReadCache[tuple[str, str], Account] = ReadCache(clock, ttl=ttl)
        self.profiles: ReadCache[tuple[str, str], ConnectorProfile] = ReadCache(clock, ttl=ttl)

    def forget_project(self, project_id: str) -> None:
        """Everything of one project: its keys (which carry the project), accounts and profiles."""
        self.keys.forget_where(lambda _, project: project.id == project_id)
        self.accounts.forget_where(lambda key, _: key[0] == project_id)
        self.profiles.forget_where(lambda key, _: key[0] == project_id)


class CachedProjectRepository(ProjectRepository):
    """Projects; a change evicts the project from the key cache (it holds the project, allowed origins too)."""

    def __init__(self, database: Database, clock: Clock, caches: ReadCaches) -> None:
        super().__init__(database, clock)
        self._caches = caches

    async def update(
        self, project_id: str, *, name: str | None = None, allowed_origins: Sequence[str] | None = None
    ) -> Project:
        try:
            return await super().update(project_id, name=name, allowed_origins=allowed_origins)
        finally:
            self._caches.forget_project(project_id)

    async def delete(self, project_id: str) -> None:
        try:
            await super().delete(project_id)
        finally:
            self._caches.forget_project(project_id)


class CachedApiKeyRepository(ApiKeyRepository):
    """API keys; `find_project_by_key` is cached by the key's digest, and a revocation evicts at once."""

    def __init__(self, database: Database, clock: Clock, caches: ReadCaches) -> None:
        super().__init__(database, clock)
        self._keys = caches.keys

    async def find_project_by_key(self, raw_key: str) -> Project | None:
        """The project of a live key (as of at most `READ_TTL` ago), or None for an unknown or revoked key."""
        load = super().find_project_by_key
        return await self._keys.get_or_load(digest(raw_key), lambda: load(raw_key))

    async def revoke(self, project_id: str, key_id: str) -> ApiKey:
        # The cache knows keys by digest, not by id: forgetting every key of the project is as exact as needed.
        try:
            return await super().revoke(project_id, key_id)
        finally:
            self._keys.forget_where(lambda _, project: project.id == project_id)


class CachedAccountRepository(AccountRepository):
    """Accounts; `get_recent` is the cached read, and every write evicts the account."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock, caches: ReadCaches) -> None:
        super().__init__(database, keyring, clock)
        self._accounts = caches.accounts

    async def get_recent(self, project_id: str, account_id: str) -> Account:
        """The account as read at most `READ_TTL` ago (`NotFound` as `get`): for the hot path only."""
        found = await self._accounts.get_or_load(
            (project_id, account_id), lambda: self._get_or_none(project_id, account_id)
        )
        if found is None:
            raise NotFound("account not found")
        return found

    async def upsert(
        self,
        project_id: str,
        *,
        profile_id: str,
        origin_owner_id: str,
        origin_owner_name: str,
        provider_account: ProviderAccount,
        token: TokenSet,
        origin_username: str | None = None,
        label: str | None = None,
        metadata: dict[str, Any] | None = None,
        account_id: str | None = None,
    ) -> tuple[Account, bool]:
        try:
            account, created = await super().upsert(
                project_id,
                profile_id=profile_id,
                origin_owner_id=origin_owner_id,
                origin_owner_name=origin_owner_name,
                provider_account=provider_account,
                token=token,
                origin_username=origin_username,
                label=label,
                metadata=metadata,
                account_id=account_id,
            )
        finally:
            # The account linked again may be one chosen by owner, not by id: forget the project's accounts.
            self._accounts.forget_where(lambda key, _: key[0] == project_id)
        return account, created

    async def update(self, project_id: str, account_id: str, **changes: Unpack[AccountChanges]) -> Account:
        try:
            return await super().update(project_id, account_id, **changes)
        finally:
            self._accounts.forget((project_id, account_id))

    async def set_status(
        self,
        project_id: str,
        account_id: str,
        status: AccountStatus,
        *,
        reason_code: str | None = None,
        description: str = "",
    ) -> Account:
        try:
            return await super().set_status(
                project_id, account_id, status, reason_code=reason_code, description=description
            )
        finally:
            self._accounts.forget((project_id, account_id))

    async def delete(self, project_id: str, account_id: str) -> None:
        try:
            await super().delete(project_id, account_id)
        finally:
            self._accounts.forget((project_id, account_id))

    async def _get_or_none(self, project_id: str, account_id: str) -> Account | None:
        try:
            return await super().get(project_id, account_id)
        except NotFound:
            return None


class CachedConnectorProfileRepository(ConnectorProfileRepository):
    """Connector profiles; `get_recent` is the cached read, and every write evicts the project's profiles."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock, caches: ReadCaches) -> None:
        super().__init__(database, keyring, clock)
        self._profiles = caches.profiles

    async def get_recent(self, project_id: str, profile_id: str) -> ConnectorProfile:
        """The profile as read at most `READ_TTL` ago (`NotFound` as `get`): for the hot path only."""
        found = await self._profiles.get_or_load(
            (project_id, profile_id), lambda: self._get_or_none(project_id, profile_id)
        )
        if found is None:
            raise NotFound("connector profile not found")
        return found

    async def create(
        self,
        project_id: str,
        *,
        connector: str,
        client_id: str,
        client_secret: str | None,
        environment: Environment,
        auth_type: AuthType = "oauth2",
        label: str | None = None,
        scopes: Sequence[str] | None = None,
        token_type: TokenType = "user",  # noqa: S107 - a token kind, not a secret
        actions: Sequence[str] | None = None,
        is_default: bool = False,
    ) -> ConnectorProfile:
        try:
            return await super().create(
                project_id,
                connector=connector,
                client_id=client_id,
                client_secret=client_secret,
                environment=environment,
                auth_type=auth_type,
                label=label,
                scopes=scopes,
                token_type=token_type,
                actions=actions,
                is_default=is_default,
            )
        finally:
            # A new default clears the old one's flag.
            self._forget_project(project_id)

    async def update(
        self, project_id: str, profile_id: str, **changes: Unpack[ProfileChanges]
    ) -> ConnectorProfile:
        try:
            return await super().update(project_id, profile_id, **changes)
        finally:
            self._forget_project(project_id)

    async def delete(self, project_id: str, profile_id: str) -> None:
        try:
            await super().delete(project_id, profile_id)
        finally:
            self._forget_project(project_id)

    def _forget_project(self, project_id: str) -> None:
        self._profiles.forget_where(lambda key, _: key[0] == project_id)

    async def _get_or_none(self, project_id: str, profile_id: str) -> ConnectorProfile | None:
        try:
            return await super().get(project_id, profile_id)
        except NotFound:
            return None
