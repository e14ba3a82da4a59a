"""When a call to a provider may be sent again, and how long to wait first: the retry policy as a value object.

What may be resent depends on what the provider can have done with the first attempt:

| the attempt ended with                            | GET | PUT, DELETE | POST |
|---------------------------------------------------|-----|-------------|------|
| 429 (the rate limiter turned it away)             | yes | yes         | yes  |
| 502, 503, 504                                     | yes | yes         | no   |
| 500                                               | yes | no          | no   |
| no connection (connect error or timeout, no slot) | yes | yes         | yes  |
| an answer lost or late (read error, timeout)      | yes | yes         | no   |

A POST is resent only when the provider provably did not act on it: the connection was never made, or the
provider answered 429, which most APIs decide at their gate, before any work. A 503 proves
nothing (a gateway may answer it after forwarding the request) and a timeout leaves the outcome unknown, so
such a POST is never resent: the caller gets 502 or 408 and decides. PUT and DELETE are idempotent: resending
changes nothing that the first attempt did not (a resent DELETE may answer 404 when the first one landed).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

Failure = Literal["not_sent", "lost", "timeout"]
"""How an attempt failed without an answer: never sent (no connection), sent but the answer lost, too slow."""

_SAFE = frozenset({"GET"})
_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})
_GATEWAY = frozenset({502, 503, 504})


def _real_random() -> float:
    return random.random()


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How often, how patiently and for how long one action call is tried.

    `budget` bounds the whole call (every attempt and every wait); no wait ends past it and each attempt's
    timeout is `attempt_timeout` or what is left of the budget, whichever is less. Backoff doubles from
    `base_backoff` up to `max_backoff`; `jitter` is the random share of it (0: none, 1: full jitter).
    `sleep`, `monotonic` and `random` are the seams tests replace.
    """

    max_attempts: int = 3
    base_backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.5
    budget: float = 30.0
    attempt_timeout: float = 10.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False, compare=False)
    monotonic: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    random: Callable[[], float] = field(default=_real_random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        if min(self.base_backoff, self.max_backoff) < 0 or self.base_backoff > self.max_backoff:
            raise ValueError("backoffs must be non-negative, the base no larger than the maximum")
        if self.budget <= 0 or self.attempt_timeout <= 0:
            raise ValueError("budget and attempt_timeout must be positive")

    def retries_status(self, method: str, status: int) -> bool:
        """Whether an attempt the provider answered with `status` may be sent again (see the module's table)."""
        method = method.upper()
        if status == 429:
            return True
        if status in _GATEWAY:
            return method in _IDEMPOTENT
        return status == 500 and method in _SAFE

    def retries_failure(self, method: str, failure: Failure) -> bool:
        """Whether an attempt that got no answer may be sent again (see the module's table)."""
        return failure == "not_sent" or method.upper() in _IDEMPOTENT

    def backoff(self, retry: int) -> float:
        """Seconds to wait before the `retry`-th resend (1 for the first): exponential, capped, jittered."""
        ceiling = min(self.max_backoff, self.base_backoff * 2.0 ** max(0, retry - 1))
        return ceiling * (1 - self.jitter) + ceiling * self.jitter * self.random()


DEFAULT_RETRY_POLICY = RetryPolicy()


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds from `now` that a `Retry-After` header asks for (delay-seconds or an HTTP date); `None` when
    absent or unreadable. A date in the past means now (0)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # `-0000`: an HTTP date is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
