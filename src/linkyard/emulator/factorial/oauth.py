"""The OAuth token and revocation endpoints over HTTP (`POST /oauth/token`, `POST /oauth/revoke`).

Parameters come from the form body (or a JSON body), with query-string parameters accepted as Factorial's docs
show them; the body wins when both carry a name. Clients authenticate with `client_id`/`client_secret` in the
parameters or with HTTP Basic. The rules themselves live in `tokens.py`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .state import OAuthApplication, World
from .tokens import (
    GRANT_TYPES,
    OAuthError,
    authenticate_client,
    exchange_code,
    principal_for_access_token,
    refresh_tokens,
    revoke_company_tokens,
    revoke_token,
)

__all__ = ["oauth_routes", "principal_for_access_token", "revoke_company_tokens", "revoke_token"]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MISSING_GRANT_TYPE = "missing"  # the stats key for a token request without grant_type


async def _params(request: Request) -> dict[str, str]:
    """Query-string parameters overlaid with the body's (form, multipart or a JSON object)."""
    params = {key: value for key, value in request.query_params.items()}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise OAuthError("invalid_request", "The JSON body must be an object.")
        params.update({key: str(value) for key, value in body.items() if value is not None})
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """`Authorization: Basic` client credentials (each part form-urlencoded, RFC 6749 2.3.1), or None."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401) from None
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401)
    return unquote(client_id.replace("+", " ")), unquote(client_secret.replace("+", " "))


def _uses_basic(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("basic")


def _authenticate(world: World, request: Request, params: dict[str, str]) -> OAuthApplication:
    basic = _basic_credentials(request)
    if basic is not None:
        client_id, client_secret = basic
        if params.get("client_id") not in (None, client_id):
            raise OAuthError("invalid_client", "The client_id differs from the HTTP Basic credentials.", 401)
        return authenticate_client(world, client_id, client_secret)
    return authenticate_client(world, params.get("client_id"), params.get("client_secret"))


def _error_response(request: Request, error: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if error.status == 401 and _uses_basic(request):
        headers["WWW-Authenticate"] = 'Basic realm="factorial"'
    body = {"error": error.error, "error_description": error.description}
    return JSONResponse(body, status_code=error.status, headers=headers)


def oauth_routes(world: World) -> list[BaseRoute]:
    """`POST /oauth/token` and `POST /oauth/revoke` bound to `world`."""

    async def token(request: Request) -> Response:
        if world.settings.token_latency_ms > 0:
            await asyncio.sleep(world.settings.token_latency_ms / 1000)
        try:
            params = await _params(request)
        except OAuthError as error:
            return _failed(request, request.query_params.get("grant_type"), error)
        grant_type = params.get("grant_type")
        try:
            body = _token(world, request, params, grant_type)
        except OAuthError as error:
            return _failed(request, grant_type, error)
        world.stats.token_requests[grant_type or MISSING_GRANT_TYPE] += 1
        return JSONResponse(body, headers=NO_STORE)

    def _failed(request: Request, grant_type: str | None, error: OAuthError) -> JSONResponse:
        world.stats.token_requests[(grant_type or MISSING_GRANT_TYPE)[:100]] += 1
        world.stats.token_errors[error.error] += 1
        return _error_response(request, error)

    async def revoke(request: Request) -> Response:
        try:
            params = await _params(request)
            application = _authenticate(world, request, params)
            token = params.get("token")
            if not token:
                raise OAuthError("invalid_request", "The token parameter is missing.")
            revoke_token(world, token, client_id=application.client_id)
        except OAuthError as error:
            return _error_response(request, error)
        return JSONResponse({}, headers=NO_STORE)

    return [
        Route("/oauth/token", token, methods=["POST"], name="oauth_token"),
        Route("/oauth/revoke", revoke, methods=["POST"], name="oauth_revoke"),
    ]


def _token(world: World, request: Request, params: dict[str, str], grant_type: str | None) -> dict[str, Any]:
    if not grant_type:
        raise OAuthError("invalid_request", "The grant_type parameter is missing.")
    if grant_type not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type", f"The grant type {grant_type[:100]!r} is not supported.")
    application = _authenticate(world, request, params)
    if grant_type == "authorization_code":
        return exchange_code(
            world,
            application,
            code=params.get("code"),
            redirect_uri=params.get("redirect_uri"),
            code_verifier=params.get("code_verifier"),
        )
    return refresh_tokens(world, application, refresh_token=params.get("refresh_token"))
