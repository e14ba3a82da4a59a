"""A plain-HTTP forward proxy for tests (scaffolding, not product code): no CONNECT, so http:// targets only."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Hop-by-hop headers, and what the relay recomputes.
_NOT_RELAYED = {"host", "proxy-authorization", "content-length", "connection", "accept-encoding"}
_NOT_RETURNED = {"content-length", "content-encoding", "transfer-encoding"}


@dataclass
class ForwardProxy:
    """Relays each request to the host it names (or to `to`, an origin standing in for every host) and
    records `(method, absolute URL, Proxy-Authorization)` for each."""

    to: str | None = None
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[Route("/{rest:path}", self._relay, methods=["GET", "POST", "PUT", "DELETE"])]
        )

    async def _relay(self, request: Request) -> Response:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        named = f"http://{request.headers['host']}{path}"
        self.seen.append((request.method, named, request.headers.get("proxy-authorization")))
        headers = {name: value for name, value in request.headers.items() if name not in _NOT_RELAYED}
        target = named if self.to is None else self.to + path
        headers["host"] = request.headers["host"]
        async with httpx.AsyncClient(trust_env=False) as http:
            answer = await http.request(request.method, target, headers=headers, content=await request.body())
        kept = {name: value for name, value in answer.headers.items() if name not in _NOT_RETURNED}
        return Response(answer.content, status_code=answer.status_code, headers=kept)
