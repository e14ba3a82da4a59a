"""Background jobs run every interval ± jitter for the length of an app's lifespan (token refresh, housekeeping)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import ClassVar, Self

logger = logging.getLogger(__name__)


class PeriodicJob(ABC):
    """Calls `run_once()` every `interval` seconds ± `jitter` (a fraction of it), as one asyncio task.

    Every worker of every host may run one: a job must be safe to run concurrently with itself elsewhere. The
    first run waits a random part of an interval, so that workers started together do not run in step. A run
    that raises is logged in one line and the loop goes on (say, the database restarting). `interval=None`
    turns the job off: `start()` then does nothing. Use it as `async with job:` inside the app's lifespan.
    """

    name: ClassVar[str]
    """The asyncio task's name."""
    description: ClassVar[str]
    """What a run does, for the log line of a failed run ("idle token refresh")."""
    stop_grace: ClassVar[float] = 5.0
    """How long `stop()` lets a run in progress finish before cancelling it (seconds)."""

    def __init__(
        self,
        *,
        interval: float | None,
        jitter: float = 0.2,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        if (interval is not None and interval <= 0) or not 0 <= jitter < 1:
            raise ValueError("interval must be positive (or None: off) and jitter in [0, 1)")
        self.interval = interval
        self._jitter = jitter
        self._random = random_fraction
        self._task: asyncio.Task[None] | None = None
        self._in_run = False
        self._stop_after_run = False
        self._ran = asyncio.Condition()
        self.runs = 0
        """Completed runs (failed ones included), for tests and the operator's status page."""

    @abstractmethod
    async def run_once(self) -> None:
        """One run of the job."""

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        if self._task is None and self.interval is not None:
            self._task = asyncio.create_task(self._loop(self.interval), name=self.name)

    async def stop(self) -> None:
        """Stop the loop: a wait between runs ends at once; a run in progress is given `stop_grace` seconds to
        finish, then cancelled (a database call cut midway would leave its connection to the garbage collector;
        each job still keeps its runs safe to interrupt)."""
        task, self._task = self._task, None
        if task is None:
            return
        if self._in_run:
            self._stop_after_run = True
            finished, _ = await asyncio.wait({task}, timeout=self.stop_grace)
            if finished:
                return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def wait_for_runs(self, count: int) -> None:
        """Until `count` runs have completed since the job was made (a condition, not a poll)."""
        async with self._ran:
            await self._ran.wait_for(lambda: self.runs >= count)

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _loop(self, interval: float) -> None:
        delay = interval * self._random()
        while True:
            await asyncio.sleep(delay)
            self._in_run = True
            try:
                await self.run_once()
            except Exception as exc:  # the loop outlives a bad run
                logger.warning("%s failed (%s)", self.description, type(exc).__name__)
            finally:
                self._in_run = False
            async with self._ran:
                self.runs += 1
                self._ran.notify_all()
            if self._stop_after_run:
                return
            delay = interval * (1 + self._jitter * (2 * self._random() - 1))
