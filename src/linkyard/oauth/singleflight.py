"""In-process single-flight: concurrent callers with the same key share one task and its outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class SingleFlight:
    """One running task per key; every caller awaits it, and a caller's cancellation does not cancel it.

    The shared work must run to completion even when the caller that started it goes away: a token refresh
    cancelled after the provider rotated the refresh token, but before the new one was stored, would lose
    the account.
    """

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task[Any]] = {}

    async def run(self, key: Hashable, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """The outcome of the task running under `key`, starting `work()` if none is."""
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(work())
            self._running[key] = task
            task.add_done_callback(lambda done: self._settle(key, done))
        result: T = await asyncio.shield(task)
        return result

    def _settle(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have gone, the outcome is not an orphan

    def __len__(self) -> int:
        return len(self._running)

    async def wait(self) -> None:
        """Wait for every running task to finish (at shutdown: do not cut a refresh in half)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
