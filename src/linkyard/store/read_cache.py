"""Short-lived read caches for the request hot path: API keys, accounts and connector profiles.

A call to `/actions/rpc` needs the caller's project (from its API key), the account and its connector profile.
Read from the database each time, those three reads cost more than everything else the gateway does. So each
process keeps what it read, and:

- every write to what they hold (revoking a key; changing or deleting a project, an account or a profile;
  suspending or linking an account; the token keeper putting an account in error) is announced by the
  repository in its transaction, and the store's change feed (`linkyard.store.changes`) evicts it from every
  process's caches: in the writing process when the transaction ends, in the others on PostgreSQL when the
  commit's NOTIFY arrives (a network hop after the commit, on every host), on SQLite (one host) before the
  writer returns, since each hit first checks a file the writer touches after its commit;
- a read that was in flight when such a change arrived is not kept (it may have read what the change replaced);
- while the process cannot hear other processes' changes (its PostgreSQL listener is reconnecting, or it never
  started one: a one-off CLI command), nothing is kept, and everything is dropped when it hears them again;
- an entry is served for at most `READ_TTL` (5 s) in any case: the bound if a notification is lost without the
  connection being seen to drop;
- only what was found is kept: an unknown key or account is read again every time;
- concurrent misses of one entry share one read: when an entry expires under load, the calls in flight wait
  for the first one's read instead of each sending the same query (which stalled every call at 32 concurrent);
- the cache holds the SHA-256 digest of a key, never the key.

The repositories below are the store's own, with the same methods; `find_project_by_key` is cached, and
`get_recent` is the cached read of an account or a profile for the hot path (`get` still reads the database,
for the callers that decide something from what they read). A call's account and profile come from
`read_recent`: on a miss it reads the account, its profile and its sealed credentials in one statement
(`linkyard.store.account_reads`), keeps the first two here and hands the credentials to the caller, for the
token keeper, so that a cold call costs one round trip.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from linkyard.domain import Account, Clock, ConnectorProfile, Project
from linkyard.errors import NotFound
from linkyard.store.account_reads import AccountRead, account_read_from_row, account_read_statement
from linkyard.store.accounts import AccountRepository
from linkyard.store.api_keys import ApiKeyRepository
from linkyard.store.changes import Change, ChangeFeed
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.digests import digest
from linkyard.store.profiles import ConnectorProfileRepository

READ_TTL = timedelta(seconds=5)
MAX_ENTRIES = 10_000

K = TypeVar("K")
V = TypeVar("V")


class ReadCache(Generic[K, V]):
    """Values read from the database, each served for at most `ttl` after it was read and only until a change
    to it is heard of through `changes`; the oldest go first beyond `max_entries`."""

    def __init__(
        self,
        clock: Clock,
        *,
        ttl: timedelta = READ_TTL,
        max_entries: int = MAX_ENTRIES,
        changes: ChangeFeed | None = None,
    ) -> None:
        self._clock = clock
        self._ttl = ttl
        self._max_entries = max_entries
        self._changes = changes or ChangeFeed()
        # Oldest first: an OrderedDict pops its first entry in constant time; a dict's first entry, after many
        # such pops, is found by scanning the slots the pops emptied (5 us at 10,000 entries, 60 us at 100,000).
        self._entries: OrderedDict[K, tuple[V, datetime]] = OrderedDict()
        # Bumped by every eviction: a load that started before it may have read what the change replaced.
        self._generation = 0
        # Reads in flight, with the generation they started in: a later miss of the same key joins one.
        self._loading: dict[K, tuple[asyncio.Future[V | None], int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The cached value of `key` while it is fresh; otherwise what `load` reads, kept unless it is None or
        a change was heard of while it was reading."""
        # Changes other processes made (on SQLite, a `stat`): applied before anything is served.
        self._changes.check()
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
        # A change heard of meanwhile bumped the generation (on SQLite, this check is where it is heard of).
        self._changes.check()
        if loaded is not None and generation == self._generation and self._changes.live:
            if len(self._entries) >= self._max_entries:
                self._entries.popitem(last=False)
            self._entries[key] = (loaded, read_at)
        return loaded

    @property
    def generation(self) -> int:
        """Bumped by every eviction; pass the value from before a read to `offer`."""
        return self._generation

    def offer(self, key: K, value: V, read_at: datetime, generation: int) -> None:
        """Keep `value`, read at `read_at` by a read that started in `generation`, unless a fresh entry is kept
        already or a change was heard of since (the same rule as a load's)."""
        self._changes.check()
        found = self._entries.get(key)
        if found is not None and timedelta(0) <= self._clock() - found[1] < self._ttl:
            return
        if generation == self._generation and self._changes.live:
            self._entries.pop(key, None)
            if len(self._entries) >= self._max_entries:
                self._entries.popitem(last=False)
            self._entries[key] = (value, read_at)

    def forget(self, key: K) -> None:
        self._generation += 1
        self._entries.pop(key, None)

    def forget_where(self, matches: Callable[[K, V], bool]) -> None:
        self._generation += 1
        for key in [key for key, (value, _) in self._entries.items() if matches(key, value)]:
            del self._entries[key]

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()


class ReadCaches:
    """The store's three caches, evicted by the changes its feed delivers (this process's and the others')."""

    def __init__(self, clock: Clock, *, ttl: timedelta = READ_TTL, changes: ChangeFeed | None = None) -> None:
        feed = changes or ChangeFeed()
        self.keys: ReadCache[str, Project] = ReadCache(clock, ttl=ttl, changes=feed)
        """Key digest → the key's project."""
        self.accounts: ReadCache[tuple[str, str], Account] = ReadCache(clock, ttl=ttl, changes=feed)
        self.profiles: ReadCache[tuple[str, str], ConnectorProfile] = ReadCache(clock, ttl=ttl, changes=feed)
        feed.subscribe(self.apply)

    def apply(self, change: Change | None) -> None:
        """Evict what `change` touched; None (changes may have been missed) evicts everything."""
        if change is None:
            self.keys.clear()
            self.accounts.clear()
            self.profiles.clear()
        elif change.kind == "project":
            self.forget_project(change.project_id)
        elif change.kind == "api_keys":
            # The cache knows keys by digest, not by id: forgetting every key of the project is as exact as needed.
            self.keys.forget_where(lambda _, project: project.id == change.project_id)
        elif change.kind == "account":
            assert change.account_id is not None
            self.accounts.forget((change.project_id, change.account_id))
        else:
            self.profiles.forget_where(lambda key, _: key[0] == change.project_id)

    def forget_project(self, project_id: str) -> None:
        """Everything of one project: its keys (which carry the project), accounts and profiles."""
        self.keys.forget_where(lambda _, project: project.id == project_id)
        self.accounts.forget_where(lambda key, _: key[0] == project_id)
        self.profiles.forget_where(lambda key, _: key[0] == project_id)


class CachedApiKeyRepository(ApiKeyRepository):
    """API keys; `find_project_by_key` is cached by the key's digest (a revocation evicts it everywhere)."""

    def __init__(self, database: Database, clock: Clock, caches: ReadCaches) -> None:
        super().__init__(database, clock)
        self._keys = caches.keys

    async def find_project_by_key(self, raw_key: str) -> Project | None:
        """The project of a live key, or None for an unknown or revoked key (see the module's docstring)."""
        load = super().find_project_by_key
        return await self._keys.get_or_load(digest(raw_key), lambda: load(raw_key))


class CachedAccountRepository(AccountRepository):
    """Accounts; `get_recent` and `read_recent` are the cached reads (every write to the account evicts it
    everywhere), `read` the joined read of an account with its profile and sealed credentials."""

    def __init__(
        self,
        database: Database,
        keyring: KeyRing,
        clock: Clock,
        caches: ReadCaches,
        profiles: CachedConnectorProfileRepository,
    ) -> None:
        super().__init__(database, keyring, clock)
        self._accounts = caches.accounts
        self._profile_cache = caches.profiles
        self._profiles = profiles

    async def get_recent(self, project_id: str, account_id: str) -> Account:
        """The account as cached (`NotFound` as `get`): for the hot path only. A miss is `read_recent`'s one
        joined read."""
        account, _ = await self._recent(project_id, account_id)
        return account

    async def read(self, project_id: str, account_id: str) -> AccountRead:
        """The account, its profile and its sealed credentials, read now in one statement (`NotFound`)."""
        rows = await self._db.fetch(account_read_statement(), {"account_id": account_id})
        found = account_read_from_row(self._keyring, rows[0], project_id) if rows else None
        if found is None:
            raise NotFound("account not found")
        return found

    async def read_recent(self, project_id: str, account_id: str) -> AccountRead:
        """For a call: the account and its profile as cached; on a miss, one joined read that brings the sealed
        credentials too (then in `credentials`, for the token keeper). `NotFound` as `get`."""
        account, fresh = await self._recent(project_id, account_id)
        if fresh is not None:
            return fresh
        return AccountRead(account, await self._profiles.get_recent(project_id, account.profile_id))

    async def _recent(self, project_id: str, account_id: str) -> tuple[Account, AccountRead | None]:
        """The cached account, and the joined read when this call made it (its profile is then cached too)."""
        fresh: list[AccountRead] = []
        profile_generation = self._profile_cache.generation

        async def load() -> Account | None:
            try:
                found = await self.read(project_id, account_id)
            except NotFound:
                return None
            fresh.append(found)
            return found.account

        read_at = self._clock()
        account = await self._accounts.get_or_load((project_id, account_id), load)
        if account is None:
            raise NotFound("account not found")
        if not fresh:
            return account, None
        profile = fresh[0].profile
        self._profile_cache.offer((project_id, profile.id), profile, read_at, profile_generation)
        return account, fresh[0]


class CachedConnectorProfileRepository(ConnectorProfileRepository):
    """Connector profiles; `get_recent` is the cached read (every write evicts the project's profiles everywhere)."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock, caches: ReadCaches) -> None:
        super().__init__(database, keyring, clock)
        self._profiles = caches.profiles

    async def get_recent(self, project_id: str, profile_id: str) -> ConnectorProfile:
        """The profile as cached (`NotFound` as `get`): for the hot path only."""
        found = await self._profiles.get_or_load(
            (project_id, profile_id), lambda: self._get_or_none(project_id, profile_id)
        )
        if found is None:
            raise NotFound("connector profile not found")
        return found

    async def _get_or_none(self, project_id: str, profile_id: str) -> ConnectorProfile | None:
        try:
            return await super().get(project_id, profile_id)
        except NotFound:
            return None
