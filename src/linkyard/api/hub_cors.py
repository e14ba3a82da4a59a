"""CORS for the embedded connect UI's calls (`/hub/...`), and for nothing else of the platform.

Every call of `@stackone/hub` sends `x-hub-session-token` and `x-hub-version` (and a JSON content type), so a
browser asks first (a preflight `OPTIONS`, which carries no token). A preflight is answered for an origin that
some project lists among its allowed origins (or the platform's own, its preview page), for exactly the
headers and methods the UI uses; any other origin gets a 403 without CORS headers, and the browser stops there.
The call itself is checked against its own session's project (`linkyard.services.hub.open_hub_session`, 403),
and its answer, errors included, carries `Access-Control-Allow-Origin` for an admitted origin so that the UI can
read it (a 401 is how the UI learns that its token expired). No credentials (cookies) are involved.
"""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkyard.domain import Clock
from linkyard.services import Platform
from linkyard.services.hub import origin_admitted_anywhere

from .errors import envelope

HUB_PREFIX = "/hub/"
ALLOWED_HEADERS = "content-type, x-hub-session-token, x-hub-version"
ALLOWED_METHODS = "GET, POST, PATCH, DELETE"
PREFLIGHT_MAX_AGE = "600"
HUB_CHALLENGE = 'HubSessionToken realm="linkyard", header="x-hub-session-token"'


class HubCors:
    """Answers preflights of `/hub/...` and adds the CORS headers to its answers, for admitted origins."""

    def __init__(self, app: ASGIApp, *, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(HUB_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        admitted = False
        if origin is not None:
            platform: Platform = scope["app"].state.platform
            admitted = await origin_admitted_anywhere(platform, origin)
            if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
                await (self._preflight(send, origin) if admitted else self._refuse(send))
                return
        # Not admitted: the call refuses the origin itself (403), and the browser lets the page read nothing.

        async def send_for_hub(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                # A session token is no password: a 401's Basic challenge would make a browser ask for one, so
                # the challenge names the hub's own scheme, which no browser prompts for.
                if "www-authenticate" in answer:
                    answer["WWW-Authenticate"] = HUB_CHALLENGE
                if admitted and origin is not None:
                    answer["Access-Control-Allow-Origin"] = origin
                    answer.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_for_hub)

    async def _preflight(self, send: Send, origin: str) -> None:
        headers = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
            (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            (b"vary", b"Origin"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, send: Send) -> None:
        body = orjson.dumps(
            envelope(
                403,
                "This origin is not one of the allowed origins of any project",
                "origin_not_allowed",
                clock=self.clock,
            )
        )
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"vary", b"Origin"),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})
