"""Hold an ASGI app's answer to one chosen request: the app handles the request in full (Factorial rotates the
token, counts it in its stats), then its answer waits until the test releases it.

This is how a test stops a caller deterministically at "the provider has answered, the caller has not gone on
yet" (a refresh holding its row lock, say), without sleeping and without touching the caller's code.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class AnswerHold:
    """Wraps `app`; after `arm(method, path)`, the next request to that route is answered by `app`, then held.

    Every other request passes straight through (the emulator's control API included). Use it in the event loop
    that serves the app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.answered = asyncio.Event()
        """Set once the held request was handled in full: its answer is ready, not sent."""
        self._release = asyncio.Event()
        self._armed: tuple[str, str] | None = None
        self.client: str | None = None
        """The address the held request came from (which host made it, when several share the app)."""
        self._held: list[Message] = []

    def arm(self, method: str, path: str) -> None:
        self._armed = (method.upper(), path)
        self._held = []
        self.answered.clear()
        self._release.clear()

    def release(self) -> None:
        """Send the held answer on (to a caller that may be gone by now)."""
        self._release.set()

    @property
    def body(self) -> Any:
        """The held answer's JSON body."""
        assert self.answered.is_set()
        raw = b"".join(
            message.get("body", b"") for message in self._held if message["type"] == "http.response.body"
        )
        return json.loads(raw)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._armed != (scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        self._armed = None  # one request only
        self.client = scope["client"][0] if scope.get("client") else None

        async def keep(message: Message) -> None:
            self._held.append(message)

        await self.app(scope, receive, keep)
        self.answered.set()
        await self._release.wait()
        for message in self._held:
            await send(message)
