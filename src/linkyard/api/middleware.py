"""Pure ASGI middleware: a cap on request bodies, the rate limit headers, and a request log that cannot carry a
secret."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkyard.domain import Clock

from .errors import envelope

logger = logging.getLogger("linkyard.requests")

DEFAULT_MAX_BODY_BYTES = 1_000_000
QUOTA = "linkyard.quota"
"""The scope key under which authentication leaves the request's `Quota` (`linkyard.services.rate_limits`)."""


class BodySizeLimit:
    """Refuse a request body over `max_bytes` with 413 before any handler reads it.

    A declared `Content-Length` is checked at once; any other body (chunked, or a protocol that declares no
    length) is read up to the cap first and replayed to the app, so nothing is stored from a body that turns
    out too large.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, clock: Clock) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await self._refuse(send, 400, "Invalid Content-Length")
                return
            if int(declared) > self.max_bytes:
                await self._refuse(send, 413, f"The request body is larger than {self.max_bytes} bytes")
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, 413, f"The request body is larger than {self.max_bytes} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replay(b"".join(chunks), receive), send)

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        code = "payload_too_large" if status == 413 else "bad_request"
        payload = orjson.dumps(envelope(status, message, code, clock=self.clock))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class QuotaHeaders:
    """`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` on the answer to a request that spent a
    rate-limited quota, whatever the answer (a 429 included); nothing on others."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                quota = scope.get(QUOTA)
                if quota is not None:
                    message["headers"] = [*message.get("headers", ()), *quota.headers()]
            await send(message)

        await self.app(scope, receive, send_with_quota)


class RequestLog:
    """One DEBUG line per request: method, path, status, milliseconds.

    Never the query string (connect links carry a session token, callbacks a code and a state), never a header
    (the API key), never a body. Paths carry only ids, which are not secrets.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.DEBUG):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            logger.debug(
                "%s %s -> %s (%.1f ms)",
                scope.get("method", "?"),
                scope.get("path", "?"),
                status["code"],
                (time.perf_counter() - started) * 1000,
            )


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands an app the body someone already read, then whatever `receive` has next (the
    client's disconnect)."""
    replayed = False

    async def replaying() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1").strip())
    return None
