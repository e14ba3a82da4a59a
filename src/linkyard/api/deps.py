"""Request dependencies: the platform, and the project of the caller's API key (as `Annotated` aliases), with the
failed-authentication throttle and the key's and project's rate limits applied on the way."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from linkyard.api.middleware import QUOTA
from linkyard.domain import Project
from linkyard.errors import BadRequest, Unauthenticated
from linkyard.oauth.recording import current_recording
from linkyard.services import Platform
from linkyard.services.auth_throttle import source_address, target_of

# Query parameter names a client might put a credential in; any of them, or a value shaped like a Linkyard API
# key, is refused: a URL ends up in logs, histories and Referer headers.
_CREDENTIAL_PARAMS = frozenset(
    {"api_key", "apikey", "api-key", "x-api-key", "key", "access_token", "token", "authorization", "auth"}
)
_KEY_PREFIX = "lk_"
_MIN_KEY_LENGTH = 40
_PROJECT = "linkyard.project"  # the request scope's key for the authenticated project


async def get_platform(request: Request) -> Platform:
    # A coroutine, not a function: FastAPI runs a plain function dependency in a worker thread, a hop that
    # cost about a millisecond per request.
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def api_key_of(authorization: str | None) -> str | None:
    """The API key in `Authorization: Basic base64(<key>:)` (StackOne's scheme) or `Bearer <key>`."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return credentials or None
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, _, _ = decoded.partition(":")
    return username or None


def refuse_credentials_in_query(request: Request) -> None:
    for name, value in request.query_params.multi_items():
        if name.lower() in _CREDENTIAL_PARAMS or (
            value.startswith(_KEY_PREFIX) and len(value) >= _MIN_KEY_LENGTH
        ):
            raise BadRequest(
                "Credentials are not accepted in the URL: send the API key in the Authorization header "
                "(and revoke a key that was put in a URL)",
                code="credentials_in_query",
            )


async def authenticated_project(request: Request) -> Project:
    """The project whose live API key the request carries; 401 otherwise (429 past a burst of failures from
    the address or with the key's prefix), 400 for a key in the URL; 429 when the key's or the project's rate
    limit is spent (`linkyard.services.rate_limits`).

    The lookup is served from the store's read cache (keys found in the last 5 s; a revocation anywhere evicts
    the key from every process's cache as soon as it is told, see `linkyard.store.read_cache`). The platform
    is taken from the app, not as a sub-dependency: FastAPI's dependency solving is the largest cost of a
    request after the provider's answer.
    The project is kept in the request's scope: a route that checks the key before reading its body
    (`KeyFirstRoute`) and the route's dependency then look it up once.
    """
    known: Project | None = request.scope.get(_PROJECT)
    if known is not None:
        return known
    refuse_credentials_in_query(request)
    key = api_key_of(request.headers.get("authorization"))
    platform = await get_platform(request)
    project = await platform.store.api_keys.find_project_by_key(key) if key else None
    guards = platform.guards
    if key is None or project is None:
        if key is not None:
            # A key that was tried and failed counts against its address and its prefix: 429 past a burst.
            refusal = await guards.auth_throttle.failed(source_address(request.client), target_of(key))
            if refusal is not None:
                raise refusal
        if key is None:
            raise Unauthenticated("A valid API key is required (Authorization: Basic base64(<api_key>:))")
        raise Unauthenticated("The API key is not valid: it is unknown or was revoked", presented=True)
    spent = await guards.limits.spend(key, project.id)
    if spent.quota is not None:
        request.scope[QUOTA] = spent.quota  # the `RateLimit-*` headers of the answer (`QuotaHeaders`)
    if spent.refusal is not None:
        raise spent.refusal
    request.scope[_PROJECT] = project
    entry = current_recording()
    if entry is not None:  # the call is now the project's: its request log is kept (`RequestRecorder`)
        entry.project_id = project.id
        entry.bodies = project.log_bodies
    return project


ProjectDep = Annotated[Project, Depends(authenticated_project)]
