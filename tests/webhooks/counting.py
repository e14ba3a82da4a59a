"""A receiver for process-level webhook tests: counts what it answered 200 per `webhook-id` (duplicates and all),
the requests in flight per path and their peak, and can hold requests unanswered until told."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from linkyard.domain.events import Delivery
from linkyard.store import Store
from tests.live_server import served

WAIT_SECONDS = 180.0


class CountingReceiver:
    def __init__(self, *, answer_first: int | None = None, work_seconds: float = 0.0) -> None:
        self.answered: Counter[str] = Counter()
        """200s given per `webhook-id`."""
        self.held = 0
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self._answer_first = answer_first
        self._work = work_seconds
        self._released = asyncio.Event()
        self._changed = asyncio.Condition()
        self.url = ""

    async def handle(self, request: Request) -> Response:
        path = request.url.path
        message_id = request.headers["webhook-id"]
        await request.body()
        async with self._changed:
            self.in_flight[path] += 1
            self.peak[path] = max(self.peak[path], self.in_flight[path])
            hold = self._answer_first is not None and sum(self.answered.values()) >= self._answer_first
            if hold:
                self.held += 1
            self._changed.notify_all()
        try:
            if hold:
                await self._released.wait()
                return Response(b"too late", status_code=503)  # its sender is gone: counted as not delivered
            if self._work:
                await asyncio.sleep(self._work)  # the receiver's own work, which makes deliveries overlap
            async with self._changed:
                self.answered[message_id] += 1
                self._changed.notify_all()
            return Response(b"ok")
        finally:
            async with self._changed:
                self.in_flight[path] -= 1

    def answer_all(self) -> None:
        """Stop holding: requests held so far are let go (503), later ones answered at once."""
        self._answer_first = None
        self._released.set()

    async def wait_until(self, ready: object) -> None:
        async with asyncio.timeout(WAIT_SECONDS), self._changed:
            await self._changed.wait_for(ready)  # type: ignore[arg-type]

    @property
    def duplicates(self) -> int:
        return sum(self.answered.values()) - len(self.answered)


@asynccontextmanager
async def counting_receiver(**options: float | int | None) -> AsyncIterator[CountingReceiver]:
    receiver = CountingReceiver(**options)  # type: ignore[arg-type]
    app = Starlette(routes=[Route("/{path:path}", receiver.handle, methods=["POST"])])
    async with served(app) as running:
        receiver.url = running.url.rstrip("/")
        try:
            yield receiver
        finally:
            receiver.answer_all()


async def recorded_as_delivered(store: Store, project_id: str) -> list[Delivery]:
    """Until the servers have recorded every delivery of the project as delivered (they record just after the
    receiver answers, in another process: the store is looked at every 50 ms, for `WAIT_SECONDS` at most);
    the project's deliveries then."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            if not await store.deliveries.list(project_id, status="pending", limit=1):
                break
            await asyncio.sleep(0.05)  # another process's commit: nothing here to wait on
    return await store.deliveries.list(project_id, limit=100)
