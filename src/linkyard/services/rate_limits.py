"""Request rate limits per API key and per project, counted by the `limits` library.

`limits` has no token bucket; its sliding window counter is the closest: a window's allowance may be spent in a
burst, and it comes back gradually as the previous window's requests weigh less (docs/limits.md). Counters live
in this process's memory by default (`memory://`: the library's synchronous store, a dictionary lookup and no
await, with its expired counters swept as `SweptMemoryStorage` says; the library's asynchronous store sweeps
every key on each hit) or in Redis for several hosts (`redis://...`, the
library's asynchronous Redis store over `coredis`, installed with `linkyard[redis]`: a round trip per count).

An API key is counted under a digest of it, never the key itself, so a shared store holds nothing usable.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from limits import RateLimitItem, WindowStats, parse_many
from limits.aio.storage import Storage as AsyncStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter as AsyncSlidingWindow
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter as SlidingWindow

from linkyard.config import Settings
from linkyard.errors import ConfigError, RateLimited


@dataclass(frozen=True, slots=True)
class Quota:
    """What the `RateLimit-*` headers say: the limit, what is left of it, and seconds until more is allowed."""

    limit: int
    remaining: int
    reset: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The headers of the IETF draft's first form (draft-ietf-httpapi-ratelimit-headers-06)."""
        return [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset).encode()),
        ]


@dataclass(frozen=True, slots=True)
class Spent:
    """One request counted: the quota for the headers, and the refusal to raise when a rate is spent."""

    quota: Quota | None
    refusal: RateLimited | None


class SweptMemoryStorage(MemoryStorage):
    """`limits`' in-memory store, its expired counters dropped at most once a second by the request that comes
    due, rather than by the library's sweeper thread.

    The library starts a `threading.Timer` on a count whenever the last one (10 ms) has ended: at a sequential
    client's pace, a thread per request or so, ~0.2 ms of CPU and ~0.6 ms of wall time each (the new thread
    and the loop's thread trading the GIL), a tenth of a unified list page's time in the platform
    (docs/benchmarks.md). Counting is the library's own (`get` already drops an expired counter before it is
    read); only the sweep of the counters nobody reads again (a past window's) moves here, so memory stays
    bounded by the counters of the last two windows and a second. The sliding window counter uses `incr`,
    `decr` and `get` only; the moving window's events (unused here) keep the library's thread.
    """

    def __init__(self, *, sweep_every: float = 1.0) -> None:
        super().__init__()
        self._sweep_every = sweep_every
        self._next_sweep = time.time() + sweep_every

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.get(key)
        self._sweep_if_due()
        with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
        return self.storage.get(key, 0)

    def decr(self, key: str, amount: int = 1) -> int:
        self.get(key)
        with self.locks[key]:
            self.storage[key] = max(self.storage[key] - amount, 0)
        return self.storage.get(key, 0)

    def _sweep_if_due(self) -> None:
        now = time.time()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._sweep_every
        for key, expires in list(self.expirations.items()):
            if expires <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


class Counters:
    """Sliding window counters in the configured store; the store is opened on first use, so a CLI command that
    never counts opens nothing."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._sync: SlidingWindow | None = None
        self._async: AsyncSlidingWindow | None = None
        self._pool: Any = None  # coredis's ConnectionPool, when counting in Redis

    def check(self) -> None:
        """Open the store now: an unusable URL (or a missing Redis client) is a `ConfigError` at start-up."""
        self._open()

    def _open(self) -> None:
        if self._sync is not None or self._async is not None:
            return
        scheme = urlsplit(self._url).scheme.lower().removeprefix("async+")
        if scheme == "memory":
            self._sync = SlidingWindow(SweptMemoryStorage())
            return
        url = self._url.split("://", 1)[1]
        try:
            # The Redis client `limits` counts with; its pool is ours, so that closing the platform closes it.
            from coredis import ConnectionPool
        except ImportError:
            raise ConfigError(
                "rate_limit_storage_url names Redis, whose client is not installed: install linkyard[redis]"
            ) from None
        try:
            # `Any`: limits types its storage options as scalars, though it takes a pool for Redis.
            pool: Any = ConnectionPool.from_url(f"{scheme}://{url}")
            storage = storage_from_string(f"async+{scheme}://{url}", connection_pool=pool)
        except (ConfigurationError, ValueError, TypeError):
            # Not the library's message: it may quote the URL, password included.
            raise ConfigError(
                "rate_limit_storage_url cannot be used: check the Redis URL, and that linkyard[redis] is installed"
            ) from None
        assert isinstance(storage, AsyncStorage)
        self._pool = pool
        self._async = AsyncSlidingWindow(storage)

    def close(self) -> None:
        """Close the store's connections, if it has any."""
        if self._pool is not None:
            self._pool.disconnect()
            self._pool = None
        self._async = None

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one request; `False` (and nothing counted) when the window is spent."""
        self._open()
        if self._sync is not None:
            return self._sync.hit(item, *identifiers)
        assert self._async is not None
        return await self._async.hit(item, *identifiers)

    async def spent(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Whether the window is spent, counting nothing."""
        self._open()
        if self._sync is not None:
            return not self._sync.test(item, *identifiers)
        assert self._async is not None
        return not await self._async.test(item, *identifiers)

    async def quota(self, item: RateLimitItem, *identifiers: str) -> Quota:
        self._open()
        if self._sync is not None:
            stats = self._sync.get_window_stats(item, *identifiers)
        else:
            assert self._async is not None
            stats = await self._async.get_window_stats(item, *identifiers)
        return _quota(item, stats)


def _quota(item: RateLimitItem, stats: WindowStats) -> Quota:
    # The library measures its windows with `time.time()`, so the reset is read against the same clock.
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    return Quota(limit=item.amount, remaining=max(0, stats.remaining), reset=reset)


def rates(notation: str | None) -> tuple[RateLimitItem, ...]:
    """The rates of a setting (`50/second; 3000/minute`); none for an unset one."""
    return tuple(parse_many(notation)) if notation else ()


def key_digest(raw_key: str) -> str:
    """What an API key is counted under: enough of its SHA-256 to tell keys apart, nothing to use."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()[:32]


class RequestLimits:
    """The rates of each API key and of each project (`rate_limit_per_key`, `rate_limit_per_project`)."""

    def __init__(
        self,
        counters: Counters,
        *,
        per_key: Sequence[RateLimitItem],
        per_project: Sequence[RateLimitItem],
    ) -> None:
        self._counters = counters
        self._scopes = (("key", tuple(per_key)), ("project", tuple(per_project)))
        self.enabled = bool(per_key or per_project)

    def check(self) -> None:
        self._counters.check()

    def close(self) -> None:
        self._counters.close()

    @classmethod
    def from_settings(cls, settings: Settings, counters: Counters) -> RequestLimits:
        return cls(
            counters,
            per_key=rates(settings.rate_limit_per_key),
            per_project=rates(settings.rate_limit_per_project),
        )

    async def spend(self, raw_key: str, project_id: str) -> Spent:
        """Count one request of `raw_key` (of `project_id`).

        The quota closest to running out is returned for the headers (none when no limit is set), with a
        `RateLimited` to raise (429, with the seconds until the spent rate allows a request again) when the
        key's or the project's rate is spent. A request refused by the key's rate is not counted against the
        project's.
        """
        if not self.enabled:
            return Spent(None, None)
        identities = {"key": key_digest(raw_key), "project": project_id}
        tightest: Quota | None = None
        for scope, items in self._scopes:
            identity = identities[scope]
            for item in items:
                allowed = await self._counters.hit(item, scope, identity)
                quota = await self._counters.quota(item, scope, identity)
                if not allowed:
                    owner = "API key" if scope == "key" else "project"
                    refusal = RateLimited(
                        f"The {owner} made more than {item.amount} requests in {_window(item)}: "
                        "slow down and try again after Retry-After",
                        retry_after=max(1, quota.reset),
                    )
                    return Spent(quota, refusal)
                if tightest is None or quota.remaining < tightest.remaining:
                    tightest = quota
        return Spent(tightest, None)


def _window(item: RateLimitItem) -> str:
    seconds = item.get_expiry()
    return "1 second" if seconds == 1 else f"{seconds} seconds"
