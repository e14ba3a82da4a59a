"""Latency and injected faults, applied in front of every emulated Factorial route.

A pure ASGI middleware (no `BaseHTTPMiddleware`): it sits in front of every benchmarked request, so the path
without latency and without faults costs a few attribute reads. The control API (`/_emulator/`) is never
delayed or faulted, so a test can always clear what it injected.
"""

from __future__ import annotations

import asyncio
import json
from fnmatch import fnmatchcase
from http import HTTPStatus

from starlette.types import ASGIApp, Receive, Scope, Send

from .state import Fault, World

CONTROL_PREFIX = "/_emulator/"
API_PREFIX = "/api/"


def default_error_body(status: int) -> dict[str, list[str]]:
    """A Factorial-like error body (`{"errors": [...]}`) for a fault that did not bring its own."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return {"errors": [phrase]}


def take_fault(world: World, method: str, path: str) -> Fault | None:
    """The first fault matching the request, with one use consumed (dropped from the world at zero)."""
    faults = world.faults
    for index, fault in enumerate(faults):
        if fault.method != "*" and fault.method.upper() != method.upper():
            continue
        if not fnmatchcase(path, fault.path):
            continue
        fault.times -= 1
        if fault.times <= 0:
            del faults[index]
        return fault
    return None


class TrafficMiddleware:
    """Applies `settings.latency_ms` to `/api/` requests, then the first matching fault of `world.faults`."""

    def __init__(self, app: ASGIApp, *, world: World) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        world = self.world  # read the world's fields per request: `World.reset()` replaces them
        is_api = path.startswith(API_PREFIX)
        latency_ms = world.settings.latency_ms
        if is_api and latency_ms > 0:
            await asyncio.sleep(latency_ms / 1000)
        if world.faults:
            fault = take_fault(world, scope["method"], path)
            if fault is not None:
                if fault.delay_ms > 0:
                    await asyncio.sleep(fault.delay_ms / 1000)
                if fault.status is not None:
                    if is_api:
                        world.stats.api_requests += 1
                    await self._answer(fault, fault.status, send)
                    return
        await self.app(scope, receive, send)

    @staticmethod
    async def _answer(fault: Fault, status: int, send: Send) -> None:
        payload = fault.body if fault.body is not None else default_error_body(status)
        body = json.dumps(payload).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if fault.retry_after is not None:
            headers.append((b"retry-after", str(fault.retry_after).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
