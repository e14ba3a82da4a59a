"""The REST API: `/api/{version}/resources/{namespace}/{resource}[/{id}|/{action}]` over the resource table."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .caller import Caller, resolve_caller
from .errors import ApiError, forbidden, not_found
from .oauth import principal_for_access_token
from .pagination import paginate
from .query import parse_id, parse_ids
from .resources import Resource, build_resources
from .serialize import FastJSONResponse, to_json
from .state import Principal, Row, World
from .webhooks import WebhookDispatcher

STRING_IDS_FROM = "2026-07-01"  # from this API version on, every id is a JSON string
MAX_BODY_BYTES = 1_000_000
_DATED_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def uses_string_ids(version: str) -> bool:
    """`v2` (legacy) and every dated version before 2026-07-01 use integer ids.

    Factorial serves unsupported dated versions with its oldest supported schema; any real date is accepted.
    """
    if version == "v2":
        return False
    if not _DATED_VERSION.match(version):
        raise not_found(f"Unknown API version {version[:20]!r}")
    try:
        date.fromisoformat(version)
    except ValueError:
        raise not_found(f"Unknown API version {version[:20]!r}") from None
    return version >= STRING_IDS_FROM


def error_response(error: ApiError) -> FastJSONResponse:
    return FastJSONResponse({"errors": error.errors}, status_code=error.status, headers=error.headers)


class RestApi:
    """Authenticates, authorises, rate-limits and dispatches one REST request."""

    def __init__(self, world: World, webhooks: WebhookDispatcher) -> None:
        self.world = world
        self.webhooks = webhooks
        self.resources = build_resources()

    # --- routing -------------------------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/{version}/resources/{namespace}/{name}", self.collection, methods=_METHODS),
            Route("/api/{version}/resources/{namespace}/{name}/{tail}", self.member, methods=_METHODS),
        ]

    async def collection(self, request: Request) -> Response:
        try:
            caller, resource = self._enter(request, "")
            if request.method == "GET":
                return self._list(request, caller, resource)
            if request.method == "POST" and resource.create is not None:
                row = resource.create(caller, await _json_body(request))
                return self._written(caller, resource, "create", row, status=201)
            raise _method_not_allowed(resource, request.method)
        except ApiError as error:
            return error_response(error)

    async def member(self, request: Request) -> Response:
        tail = request.path_params["tail"]
        try:
            caller, resource = self._enter(request, tail)
            if request.method == "POST":
                action = resource.actions.get(tail)
                if action is None:
                    raise not_found(f"Unknown action {tail[:40]!r}")
                return self._written(caller, resource, tail, action(caller, await _json_body(request)))
            supported = {"GET": resource.gettable, "PUT": resource.update, "DELETE": resource.delete}
            if not supported.get(request.method):
                raise _method_not_allowed(resource, request.method)
            row = self._find(caller, resource, tail)
            if request.method == "PUT" and resource.update is not None:
                payload = await _json_body(request)
                return self._written(caller, resource, "update", resource.update(caller, row, payload))
            if request.method == "DELETE" and resource.delete is not None:
                return self._written(caller, resource, "delete", resource.delete(caller, row))
            return FastJSONResponse(self._present(caller, resource, row))
        except ApiError as error:
            return error_response(error)

    # --- the steps of every request ------------------------------------------------------------------------

    def _enter(self, request: Request, tail: str) -> tuple[Caller, Resource]:
        world = self.world
        params = request.path_params
        path = f"{params['namespace']}/{params['name']}"
        world.stats.api_requests += 1
        resource = self.resources.get(path)
        # An action's name labels its route; anything else after the resource is an id, well-formed or not
        # (so that hostile paths do not each add a counter).
        is_action = resource is not None and tail in resource.actions
        route = f"{path}/{tail}" if is_action else f"{path}/{{id}}" if tail else path
        world.stats.requests_by_route[f"{request.method} {route}"] += 1
        string_ids = uses_string_ids(params["version"])
        principal = self._authenticate(request)
        caller = resolve_caller(world, principal, string_ids) if principal else None
        if caller is None:
            raise ApiError(
                401,
                ["Unauthorized: missing, invalid, expired or revoked credentials"],
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if resource is None:
            raise not_found(f"Unknown resource {path[:60]!r}")
        if not caller.principal.has_scope(resource.scope):
            raise forbidden(f"The credential lacks the scope this resource needs: {resource.scope}")
        self._rate_limit(caller.company_id, request.method)
        return caller, resource

    def _authenticate(self, request: Request) -> Principal | None:
        """`x-api-key` wins over `Authorization: Bearer` when both are sent, as Factorial documents."""
        api_key = request.headers.get("x-api-key")
        if api_key:
            key = self.world.api_keys.get(api_key)
            return Principal(company_id=key.company_id, kind="api_key", scopes=None) if key else None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return principal_for_access_token(self.world, token.strip())

    def _rate_limit(self, company_id: int, method: str) -> None:
        settings = self.world.settings
        limit = settings.rate_limit_post_per_minute if method == "POST" else None
        if method == "GET":
            limit = settings.rate_limit_get_per_minute
        if limit is None:
            return
        now = self.world.clock.time()
        window = self.world.rate_windows.setdefault((company_id, method), [])
        while window and window[0] <= now - 60:
            window.pop(0)
        if len(window) >= limit:
            retry_after = max(1, math.ceil(window[0] + 60 - now))
            raise ApiError(
                429, ["Too many requests: rate limit exceeded"], headers={"Retry-After": str(retry_after)}
            )
        window.append(now)

    def _find(self, caller: Caller, resource: Resource, tail: str) -> Row:
        """The row `tail` names, or Factorial's 404: for an unknown id and for anything that is not an id."""
        row_id = parse_id(tail)
        if row_id is None or resource.listing is not None:
            raise not_found()
        row = caller.world.table(resource.path).get(caller.company_id, row_id)
        if row is None or (resource.visible is not None and not resource.visible(caller, row)):
            raise not_found()
        return row

    def _list(self, request: Request, caller: Caller, resource: Resource) -> Response:
        params = request.query_params
        rows = resource.rows(caller)
        predicates = [p for f in resource.filters if (p := f.predicate(caller, params)) is not None]
        ids = params.getlist("ids[]") + params.getlist("ids")
        if ids:
            predicates.append(_in_ids(ids))
        visible = resource.visible
        if visible is not None and not caller.admin:
            predicates.append(lambda row: visible(caller, row))
        if predicates:
            rows = [row for row in rows if all(p(row) for p in predicates)]
        page = paginate(rows, params)
        data = [self._present(caller, resource, row) for row in page.rows]
        return FastJSONResponse({"data": data, "meta": page.meta})

    def _present(self, caller: Caller, resource: Resource, row: Row) -> dict[str, Any]:
        if resource.present is not None:
            row = resource.present(caller, row)
        return to_json(row, string_ids=caller.string_ids)

    def _written(
        self, caller: Caller, resource: Resource, verb: str, row: Row, *, status: int = 200
    ) -> Response:
        self.webhooks.publish(caller.company_id, f"{resource.event}/{verb}", row)
        return FastJSONResponse(self._present(caller, resource, row), status_code=status)


def _in_ids(raw: list[str]) -> Any:

    wanted = parse_ids("ids", raw)
    return lambda row: row["id"] in wanted


def _method_not_allowed(resource: Resource, method: str) -> ApiError:
    return ApiError(405, [f"{method} is not supported on {resource.path}"])


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, ["Request body too large"])
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, ["The request body is not valid JSON"]) from None


def rest_routes(world: World, webhooks: WebhookDispatcher) -> list[BaseRoute]:
    return RestApi(world, webhooks).routes()
