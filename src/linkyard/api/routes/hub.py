"""The embedded connect UI's API (StackOne's `@stackone/hub`), authenticated by a connect session's token in
`x-hub-session-token` (never in the URL):

    GET    /hub/settings                          the session's account to re-link, if any
    GET    /hub/connectors[?provider=]            the session's integration (its connector profile)
    GET    /hub/connectors/{integration_id}       how to link with it (OAuth 2.0: a popup, no form)
    GET    /hub/accounts/{account_id}             the account the session re-links
    POST   /hub/accounts, PATCH /hub/accounts/{id}  a credentials form: refused (accounts link through OAuth)
    POST   /hub/connection_attempts               a new attempt; the popup's flow reports to it
    GET    /hub/connection_attempts/{id}          what the UI polls: pending, authenticated, error, ...
    DELETE /hub/connection_attempts/{id}          the person cancelled
    GET    /hub/logos/{connector}.svg             a connector's logo (public: an <img> sends no token)

Errors are StackOne's envelope (with `statusCode`, which the UI reads); 401 and 403 are what the UI takes for
an expired token. CORS is `linkyard.api.hub_cors`'s.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from linkyard.api.bodies import declares_json, parse_json
from linkyard.api.deps import PlatformDep
from linkyard.connectors import get_connector
from linkyard.errors import BadRequest
from linkyard.services import hub_views as views
from linkyard.services.hub import (
    HubSession,
    cancel_attempt,
    hub_profile,
    open_hub_session,
    read_attempt,
    refuse_credentials,
    relinked_account,
    relinked_account_id,
    start_attempt,
)
from linkyard.services.platform import Platform

TokenHeader = Annotated[str | None, Header(alias="x-hub-session-token")]
OriginHeader = Annotated[str | None, Header(alias="origin")]
MAX_ID = 64


async def _hub(
    platform: Platform, token: str | None, origin: str | None, *, ended: bool = False
) -> HubSession:
    return await open_hub_session(platform, token, origin, ended=ended)


async def _json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (an empty body is an empty object), read after the token was checked."""
    raw = await request.body()
    if not raw:
        return {}
    if not declares_json(request.headers.get("content-type")):
        raise BadRequest("The request body must be JSON (Content-Type: application/json)")
    value = parse_json(raw)
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object")
    return value


def _logo(name: str) -> bytes:
    """A plain monogram: the connector's initial on a rounded square (declarations carry no images)."""
    initial = (name[:1] or "?").upper()
    if not initial.isalnum():
        initial = "?"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img">'
        '<rect width="64" height="64" rx="14" fill="#2f5d50"/>'
        '<text x="32" y="43" font-family="system-ui, sans-serif" font-size="32" font-weight="700" '
        f'fill="#ffffff" text-anchor="middle">{initial}</text></svg>'
    ).encode()


def add_routes(routes: APIRouter) -> None:
    @routes.get("/hub/settings", include_in_schema=False)
    async def hub_settings(
        platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        hub = await _hub(platform, token, origin)
        return views.settings_view(hub)

    @routes.get("/hub/connectors", include_in_schema=False)
    async def hub_connectors(
        platform: PlatformDep,
        token: TokenHeader = None,
        origin: OriginHeader = None,
        provider: Annotated[str | None, Query(max_length=MAX_ID)] = None,
    ) -> Any:
        hub = await _hub(platform, token, origin)
        return views.integrations_view(hub, platform.settings, provider)

    @routes.get("/hub/connectors/{integration_id}", include_in_schema=False)
    async def hub_connector(
        integration_id: str, platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        hub = await _hub(platform, token, origin)
        hub_profile(hub, integration_id)
        return views.connector_config_view(hub, platform.settings)

    @routes.get("/hub/accounts/{account_id}", include_in_schema=False)
    async def hub_account(
        account_id: str, platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        hub = await _hub(platform, token, origin)
        account = await relinked_account(platform, hub, account_id)
        return views.account_view(account, hub.profile)

    @routes.post("/hub/accounts", include_in_schema=False)
    async def hub_account_create(
        request: Request, platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        hub = await _hub(platform, token, origin)
        body = await _json_object(request)
        integration_id = body.get("integration_id")
        hub_profile(hub, integration_id if isinstance(integration_id, str) else "")
        raise refuse_credentials(hub)

    @routes.patch("/hub/accounts/{account_id}", include_in_schema=False)
    async def hub_account_update(
        account_id: str,
        request: Request,
        platform: PlatformDep,
        token: TokenHeader = None,
        origin: OriginHeader = None,
    ) -> Any:
        hub = await _hub(platform, token, origin)
        relinked_account_id(hub, account_id)
        await _json_object(request)
        raise refuse_credentials(hub)

    @routes.post("/hub/connection_attempts", status_code=201, include_in_schema=False)
    async def hub_attempt_create(
        request: Request, platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        hub = await _hub(platform, token, origin)
        body = await _json_object(request)
        if "token" in body and body["token"] != token:
            raise BadRequest("The body's token is not the session token of the x-hub-session-token header")
        attempt = await start_attempt(platform, hub)
        return views.attempt_view(attempt)

    @routes.get("/hub/connection_attempts/{attempt_id}", include_in_schema=False)
    async def hub_attempt(
        attempt_id: str, platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        # The session may have ended by now: through this very attempt's flow.
        hub = await _hub(platform, token, origin, ended=True)
        return views.attempt_view(await read_attempt(platform, hub, attempt_id[:MAX_ID]))

    @routes.delete("/hub/connection_attempts/{attempt_id}", include_in_schema=False)
    async def hub_attempt_cancel(
        attempt_id: str, platform: PlatformDep, token: TokenHeader = None, origin: OriginHeader = None
    ) -> Any:
        hub = await _hub(platform, token, origin, ended=True)
        return views.attempt_view(await cancel_attempt(platform, hub, attempt_id[:MAX_ID]))

    @routes.get("/hub/logos/{connector_key}.svg", include_in_schema=False)
    async def hub_logo(connector_key: str) -> Response:
        connector = get_connector(connector_key)
        return Response(
            _logo(connector.name),
            media_type="image/svg+xml",
            headers={
                "Cache-Control": "public, max-age=86400",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            },
        )
