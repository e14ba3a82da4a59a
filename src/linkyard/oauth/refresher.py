"""The background refresher: runs the keeper's idle-account refresh periodically, with jitter, as one task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType

from linkyard.oauth.keeper import IDLE_HORIZON, TokenKeeper

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 900.0


class Refresher:
    """Calls `keeper.refresh_idle(horizon=...)` every `interval` seconds ± `jitter` (a fraction).

    Every worker may run one: the keeper's row lock makes concurrent runs refresh each account once. The first
    run waits a random part of an interval so that workers started together do not run in step. Start and
    stop it in the API's lifespan (`async with Refresher(keeper):`), before closing the keeper.
    """

    def __init__(
        self,
        keeper: TokenKeeper,
        *,
        interval: float = DEFAULT_INTERVAL,
        jitter: float = 0.2,
        horizon: timedelta = IDLE_HORIZON,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        if interval <= 0 or not 0 <= jitter < 1:
            raise ValueError("interval must be positive and jitter in [0, 1)")
        self._keeper = keeper
        self._interval = interval
        self._jitter = jitter
        self._horizon = horizon
        self._random = random_fraction
        self._task: asyncio.Task[None] | None = None
        self.runs = 0
        """Completed runs, for tests and the operator's status page."""

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="linkyard-token-refresher")

    async def stop(self) -> None:
        """Stop the loop; a refresh already started finishes inside the keeper (see `TokenKeeper.aclose`)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def __aenter__(self) -> Refresher:
        self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _loop(self) -> None:
        delay = self._interval * self._random()
        while True:
            await asyncio.sleep(delay)
            try:
                refreshed = await self._keeper.refresh_idle(horizon=self._horizon)
            except Exception as exc:  # the loop outlives a bad run (say, the database restarting)
                logger.warning("idle token refresh failed (%s)", type(exc).__name__)
            else:
                if refreshed:
                    logger.info("refreshed %d idle account(s)", refreshed)
            self.runs += 1
            delay = self._interval * (1 + self._jitter * (2 * self._random() - 1))
