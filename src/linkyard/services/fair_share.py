"""Fair sharing of provider calls (security property 19): each project, and each linked account, has a bounded
share of the calls in progress at once, so that one tenant's slow calls cannot take every connection.

The share is held around everything a call sends upstream (its token, its attempts and the waits between them),
at the service layer: whichever HTTP client sends the calls, the fairness holds. A call beyond its share waits
for a free place, first come first served, at most `queue_seconds` and behind at most `WAITING_PER_PLACE` others
per place of the share; beyond that it is refused at once with 429 and `Retry-After`. (So calls of a few
milliseconds, 32 at once on a share of 8, are only queued briefly; slow ones are refused after the wait.)
Shares are counted per worker process, as the connection pool is; the settings keep one project's share below
the pool's size, so other projects always find free connections.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from linkyard.config import Settings
from linkyard.errors import RateLimited

WAITING_PER_PLACE = 10
"""How many callers may wait for each place of a share: a bound on what a flood holds in memory."""
RETRY_AFTER = 1.0
"""Seconds a refused caller is told to wait: a place frees as soon as one of the share's calls ends."""


class _Share:
    """The calls in progress under one project or one account, and the callers waiting for a place."""

    __slots__ = ("in_use", "waiting")

    def __init__(self) -> None:
        self.in_use = 0
        self.waiting: deque[asyncio.Future[None]] = deque()


class UpstreamShares:
    """Places for provider calls, per project and per account; take one with `place(project, account)`."""

    def __init__(self, *, per_project: int, per_account: int, queue_seconds: float) -> None:
        if per_project < 1 or per_account < 1 or queue_seconds < 0:
            raise ValueError("shares must be positive and the queue time not negative")
        self.per_project = per_project
        self.per_account = per_account
        self.queue_seconds = queue_seconds
        self._shares: dict[tuple[str, ...], _Share] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> UpstreamShares:
        return cls(
            per_project=settings.upstream_calls_per_project,
            per_account=settings.upstream_calls_per_account,
            queue_seconds=settings.upstream_queue_seconds,
        )

    @asynccontextmanager
    async def place(self, project_id: str, account_id: str) -> AsyncIterator[None]:
        """Hold a place of the account's share and of its project's for the block.

        Raises `RateLimited` (429, `concurrency_limited`) when no place frees within `queue_seconds`, or when
        too many callers wait already.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.queue_seconds
        account = ("account", project_id, account_id)
        project = ("project", project_id)
        # Always the account first, then the project: one order, so two calls never wait for each other.
        await self._take(account, self.per_account, deadline, "linked account")
        try:
            await self._take(project, self.per_project, deadline, "project")
        except BaseException:
            self._give_back(account)
            raise
        try:
            yield
        finally:
            self._give_back(project)
            self._give_back(account)

    async def _take(self, key: tuple[str, ...], size: int, deadline: float, owner: str) -> None:
        share = self._shares.get(key)
        if share is None:
            share = self._shares[key] = _Share()
        if share.in_use < size and not share.waiting:
            share.in_use += 1
            return
        loop = asyncio.get_running_loop()
        remaining = deadline - loop.time()
        if remaining <= 0 or len(share.waiting) >= size * WAITING_PER_PLACE:
            self._forget_if_idle(key, share)
            raise _refusal(owner, size)
        turn: asyncio.Future[None] = loop.create_future()
        share.waiting.append(turn)
        try:
            async with asyncio.timeout(remaining):
                await turn
        except BaseException as exc:
            if turn.done() and not turn.cancelled():
                if isinstance(exc, TimeoutError):
                    return  # the place was handed over just as the wait ran out: take it
                self._give_back(key)  # cancelled while being handed a place: pass it on, or it is lost
                raise
            turn.cancel()
            if turn in share.waiting:
                share.waiting.remove(turn)
            self._forget_if_idle(key, share)
            if isinstance(exc, TimeoutError):
                raise _refusal(owner, size) from None
            raise
        # A place handed over by `_give_back`: `in_use` already counts it.

    def _give_back(self, key: tuple[str, ...]) -> None:
        share = self._shares[key]
        while share.waiting:
            turn = share.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the place goes straight to the next caller in line
                return
        share.in_use -= 1
        self._forget_if_idle(key, share)

    def _forget_if_idle(self, key: tuple[str, ...], share: _Share) -> None:
        if share.in_use == 0 and not share.waiting and self._shares.get(key) is share:
            del self._shares[key]


def _refusal(owner: str, size: int) -> RateLimited:
    calls = "call" if size == 1 else "calls"
    return RateLimited(
        f"The {owner} has {size} provider {calls} in progress, its share: "
        "try again when one has finished (after Retry-After)",
        retry_after=RETRY_AFTER,
        code="concurrency_limited",
    )
