"""Background jobs stop without cutting a run midway: a run in progress finishes (a database call cut midway
would leave its connection to the garbage collector), unless it outlasts the job's grace."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from linkyard.periodic import PeriodicJob


class Gated(PeriodicJob):
    """A job whose run waits for the test to open its gate."""

    name: ClassVar[str] = "gated"
    description: ClassVar[str] = "gated test run"

    def __init__(self) -> None:
        super().__init__(interval=0.001, random_fraction=lambda: 0.0)
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()
        self.finished = 0
        self.cancelled = 0

    async def run_once(self) -> None:
        self.entered.set()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        self.finished += 1


async def test_a_run_in_progress_finishes_before_the_job_stops() -> None:
    job = Gated()
    job.start()
    await job.entered.wait()
    stopping = asyncio.create_task(job.stop())
    await asyncio.sleep(0)  # let stop() begin waiting on the run
    assert not stopping.done()
    job.gate.set()
    await stopping
    assert (job.finished, job.cancelled, job.runs) == (1, 0, 1)
    assert not job.running


class Hasty(Gated):
    stop_grace: ClassVar[float] = 0.01


async def test_a_run_that_outlasts_the_grace_is_cancelled() -> None:
    job = Hasty()
    job.start()
    await job.entered.wait()
    await job.stop()
    assert (job.finished, job.cancelled) == (0, 1)
    assert not job.running


async def test_a_job_waiting_between_runs_stops_at_once() -> None:
    job = Gated()
    job.interval = 3600.0
    job.gate.set()
    job.start()
    await job.entered.wait()
    await job.wait_for_runs(1)
    await job.stop()  # in its hour-long wait: cancelled there, no run cut
    assert (job.finished, job.cancelled) == (1, 0)
