"""A webhook receiver for the tests: a real ASGI app on loopback that keeps what it receives and answers as told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.live_server import served

WAIT_SECONDS = 20.0


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Reply:
    """One scripted answer; `hang` makes the receiver never answer (until the test ends)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: bool = False


class Receiver:
    """Keeps every request; answers with the scripted replies in order, then 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.script: list[Reply] = []
        self._arrived = asyncio.Condition()
        self._released = asyncio.Event()
        self.url = ""

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        async with self._arrived:
            self.received.append(Received(dict(request.headers), body))
            self._arrived.notify_all()
        reply = self.script.pop(0) if self.script else Reply()
        if reply.hang:
            await self._released.wait()
        return Response(reply.body, status_code=reply.status, headers=reply.headers)

    async def wait_for(self, count: int) -> list[Received]:
        """Until `count` requests have arrived (a condition, not a poll)."""
        async with asyncio.timeout(WAIT_SECONDS), self._arrived:
            await self._arrived.wait_for(lambda: len(self.received) >= count)
        return self.received

    async def wait_for_type(self, event_type: str, count: int = 1) -> list[Received]:
        """Until `count` events of `event_type` have arrived (a condition, not a poll); those events."""
        async with asyncio.timeout(WAIT_SECONDS), self._arrived:
            await self._arrived.wait_for(lambda: len(self.of_type(event_type)) >= count)
        return self.of_type(event_type)

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.received if r.json["type"] == event_type]

    def release(self) -> None:
        self._released.set()


@asynccontextmanager
async def receiving(path: str = "/hook") -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route(path, receiver.handle, methods=["POST"])])
    async with served(app) as running:
        receiver.url = f"{running.url.rstrip('/')}{path}"
        try:
            yield receiver
        finally:
            receiver.release()
