"""Pure ASGI middleware: a cap on request bodies, the rate limit headers, a debug line per request that cannot
carry a secret, and the recording of each call for the project's request logs."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkyard.domain import Clock
from linkyard.oauth.recording import Recording, recording

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
    (the API key), never a body. Paths carry only ids, which are not secrets, but for an inbound delivery's
    (`/inbound/{connector}/{token}`), whose token is shown as `[redacted]`.
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
                shown_path(scope.get("path", "?")),
                status["code"],
                (time.perf_counter() - started) * 1000,
            )


def shown_path(path: str) -> str:
    """A path as a log may show it: an inbound delivery's URL token left out."""
    if not path.startswith(INBOUND_PREFIX):
        return path
    connector, _, _ = path[len(INBOUND_PREFIX) :].partition("/")
    return f"{INBOUND_PREFIX}{connector}/[redacted]"


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


# Paths whose calls are not recorded: reading the logs themselves, the API's documentation, health checks and
# the dashboard's assets. (A call is kept only once its project is known: by its API key, or an action it ran.)
# Nor the providers' deliveries of changes (`/inbound/`): no project's caller made them, and their URL is a token.
INBOUND_PREFIX = "/inbound/"
_UNRECORDED = ("/requests/", "/static/", "/docs", "/openapi.json", "/healthz", "/favicon.ico", INBOUND_PREFIX)
_API_CATEGORIES = frozenset(
    {"accounts", "actions", "connect_sessions", "connector_profiles", "connectors", "mcp", "unified", "ai"}
)


class RequestRecorder:
    """Record each call (`oauth.recording`): who called, what, the status, the provider steps taken on the way
    and, when the project keeps them, the bodies; the finished recording goes to the platform's request log
    queue (`services.request_logs`) just before the last byte of the answer is sent, so a caller that reads
    its logs next finds the call. Costs a few microseconds; nothing is written on the request path.
    """

    def __init__(self, app: ASGIApp, *, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        book = getattr(scope["app"].state, "platform", None)
        book = book.request_logs if book is not None else None
        if book is None or not book.enabled or path.startswith(_UNRECORDED):
            await self.app(scope, receive, send)
            return
        category = path.split("/", 2)[1] if path.count("/") else ""
        client = scope.get("client")
        entry = Recording(
            started_at=self.clock(),
            category=category or None,
            source_type=("mcp" if category == "mcp" else "api")
            if category in _API_CATEGORIES
            else "dashboard",
            source_value=path,
            source_ip=client[0] if client else None,
            http_method=scope["method"],
            path=path,
            query_string=scope.get("query_string", b""),
            headers=scope.get("headers", ()),
        )
        submitted = False

        async def receive_recorded() -> Message:
            message = await receive()
            if entry.bodies and message["type"] == "http.request":
                entry.keep_request_chunk(message.get("body", b""))
            return message

        async def send_recorded(message: Message) -> None:
            nonlocal submitted
            kind = message["type"]
            if kind == "http.response.start":
                if entry.status is None:
                    entry.status = message["status"]
                entry.response_headers = message.get("headers", ())
            elif kind == "http.response.body":
                entry.keep_response_chunk(message.get("body", b""))
                if not message.get("more_body", False) and not submitted:
                    submitted = True
                    entry.finish()
                    book.submit(entry)
            await send(message)

        try:
            with recording(entry):
                await self.app(scope, receive_recorded, send_recorded)
        except BaseException as exc:
            if entry.failure is None:
                entry.failure = exc
            raise
        finally:
            if not submitted:
                entry.finish()
                book.submit(entry)
