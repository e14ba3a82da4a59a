"""`POST /inbound/{connector}/{token}`: a provider's delivery of a change to one of Linkyard's subscriptions.

No API key: the provider authenticates with the challenge its subscription was given (Factorial's
`x-factorial-wh-challenge` header), checked in constant time; the token in the URL only says which subscription
it is. A refused delivery is 401 and leaves nothing behind; an accepted one is recorded as an event (202).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from linkyard.api.deps import PlatformDep
from linkyard.services.provider_events import receive_delivery


def add_routes(routes: APIRouter) -> None:

    @routes.post("/inbound/{connector}/{token}", status_code=202, include_in_schema=False)
    async def receive(connector: str, token: str, request: Request, platform: PlatformDep) -> Response:
        await receive_delivery(platform, connector, token, request.headers, await request.body())
        return Response(status_code=202)
