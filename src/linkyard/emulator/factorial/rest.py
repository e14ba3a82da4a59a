"""The REST API: `/api/{version}/resources/{namespace}/{resource}[/{id}|/{action}]` over the resource table."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .caller import Caller, resolve_caller
from .errors import ApiError, forbidden, not_found
from .generic import complete_resources
from .oauth import principal_for_access_token
from .pagination import paginate
from .query import parse_id, parse_ids
from .resources import Resource, build_resources
from .serialize import FastJSONResponse, to_json
from .state import Principal, Row, World
from .webhooks import WebhookDispatcher
from .writes import MAX_FILE_BYTES, Upload

STRING_IDS_FROM = "2026-07-01"  # from this API version on, every id is a JSON string
RELEASED_VERSIONS = frozenset(
    (
        "2024-10-01",
        "2025-01-01",
        "2025-04-01",
        "2025-07-01",
        "2025-10-01",
        "2026-01-01",
        "2026-04-01",
        "2026-07-01",
        "2026-10-01",
    )
)
"""Factorial's quarterly versions, 2024-10-01 (the first dated one) to 2026-10-01; the 2027-01-01 beta is not out."""
LEGACY_VERSION = "v2"  # `/api/v2/resources/...`, integer ids
MAX_BODY_BYTES = 1_000_000
MAX_FILE_PARTS = 20
"""The most file parts one form takes (a message's attachments; a choice: Factorial documents no limit)."""
_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
DOWNLOAD_URL_SECONDS = 300
"""How long a document's download URL works (a choice: Factorial's are temporary, for how long is undocumented)."""
MAX_DOWNLOAD_IDS = 100


def uses_string_ids(version: str) -> bool:
    """Whether `version` types ids as strings (2026-07-01 on); any version Factorial never released is a 404.

    Released versions past their year of support stay served (Factorial answers them with its oldest supported
    schema, which, like theirs, has integer ids); `v2` is the legacy unversioned form. `v1`, a date that is no
    release (`2025-02-15`, the unreleased `2027-01-01`) and anything else name no API.
    """
    if version == LEGACY_VERSION:
        return False
    if version not in RELEASED_VERSIONS:
        raise not_found(f"Unknown API version {version[:20]!r}")
    return version >= STRING_IDS_FROM


def error_response(error: ApiError) -> FastJSONResponse:
    return FastJSONResponse({"errors": error.errors}, status_code=error.status, headers=error.headers)


class RestApi:
    """Authenticates, authorises, rate-limits and dispatches one REST request."""

    def __init__(self, world: World, webhooks: WebhookDispatcher) -> None:
        self.world = world
        self.webhooks = webhooks
        self.resources = complete_resources(build_resources())
        self._signing_key = secrets.token_bytes(32)  # download URLs are signed, as a storage service's are

    # --- routing -------------------------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route(
                "/api/{version}/resources/documents/download_urls/bulk_create",
                self.download_urls,
                methods=["POST"],
            ),
            Route("/documents/downloads/{document_id}", self.download, methods=["GET"]),
            Route("/api/{version}/resources/{namespace}/{name}", self.collection, methods=_METHODS),
            Route("/api/{version}/resources/{namespace}/{name}/{tail}", self.member, methods=_METHODS),
        ]

    async def collection(self, request: Request) -> Response:
        try:
            caller, resource = self._enter(request, "")
            if request.method == "GET" and resource.listable:
                return self._list(request, caller, resource)
            if request.method == "POST" and resource.create is not None:
                body = await (_form_body(request) if resource.multipart else _json_body(request))
                row = resource.create(caller, body)
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
                # A multipart update may come as JSON too (it then carries no file).
                json_sent = request.headers.get("content-type", "").startswith("application/json")
                multipart = resource.multipart_update and not json_sent
                payload = await (_form_body(request) if multipart else _json_body(request))
                return self._written(caller, resource, "update", resource.update(caller, row, payload))
            if request.method == "DELETE" and resource.delete is not None:
                return self._written(caller, resource, "delete", resource.delete(caller, row))
            return FastJSONResponse(self._present(caller, resource, row))
        except ApiError as error:
            return error_response(error)

    # --- document files --------------------------------------------------------------------------------------

    async def download_urls(self, request: Request) -> Response:
        """`POST documents/download_urls/bulk_create {ids}`: a temporary URL for each document the caller may
        read, on this host (a real Factorial hands out its storage's signed URLs)."""
        try:
            request.path_params.update(namespace="documents", name="download_urls")
            caller, _ = self._enter(request, "bulk_create")
            payload = await _json_body(request)
            raw = payload.get("ids") if isinstance(payload, dict) else None
            if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_DOWNLOAD_IDS:
                raise ApiError(422, {"ids": [f"must list 1 to {MAX_DOWNLOAD_IDS} document ids"]})
            documents = self.resources["documents/documents"]
            expires = int(self.world.clock.time()) + DOWNLOAD_URL_SECONDS
            base = str(request.base_url).rstrip("/")
            answer = []
            for document_id in sorted(parse_ids("ids", [str(item) for item in raw])):
                row = self._find(caller, documents, str(document_id))
                query = f"company={caller.company_id}&expires={expires}"
                signature = self._sign(f"{row['id']}?{query}")
                url = f"{base}/documents/downloads/{row['id']}?{query}&signature={signature}"
                answer.append(self._present(caller, documents, {"id": row["id"], "url": url}))
            return FastJSONResponse(answer)
        except ApiError as error:
            return error_response(error)

    async def download(self, request: Request) -> Response:
        """A document's bytes, by a URL `download_urls` made: no credential, the signature is the permission."""
        params = request.query_params
        document_id = parse_id(request.path_params["document_id"])
        query = f"company={params.get('company', '')}&expires={params.get('expires', '')}"
        signed = self._sign(f"{request.path_params['document_id']}?{query}")
        expires = params.get("expires", "")
        if (
            document_id is None
            or not hmac.compare_digest(signed, params.get("signature", ""))
            or not expires.isdigit()
            or int(expires) < self.world.clock.time()
        ):
            return Response("The download link is invalid or has expired", status_code=403)
        company_id = parse_id(params.get("company", ""))
        table = self.world.table("documents/documents")
        row = table.get(company_id, document_id) if company_id is not None else None
        if row is None:
            return Response("No such file", status_code=404)
        disposition = f"attachment; filename*=UTF-8''{quote(row['filename'], safe='')}"
        return Response(
            row["_content"],
            media_type=row.get("content_type") or "application/octet-stream",
            headers={"content-disposition": disposition},
        )

    def _sign(self, text: str) -> str:
        return hmac.new(self._signing_key, text.encode(), hashlib.sha256).hexdigest()

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
        if resource.prepare is not None:
            resource.prepare(caller)
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
        rows = resource.rows(caller, params)
        predicates = [p for f in resource.filters if (p := f.predicate(caller, params)) is not None]
        ids = params.getlist("ids[]") + params.getlist("ids")
        if ids:
            predicates.append(_in_ids(ids))
        visible = resource.visible
        if visible is not None and not caller.admin:
            predicates.append(lambda row: visible(caller, row))
        if predicates:
            rows = [row for row in rows if all(p(row) for p in predicates)]
        expansions = resource.expanding(caller, params)
        page = paginate(rows, params)
        data = [self._present(caller, resource, row, expansions) for row in page.rows]
        return FastJSONResponse({"data": data, "meta": page.meta})

    def _present(
        self, caller: Caller, resource: Resource, row: Row, expansions: Sequence[Callable[[Row], Row]] = ()
    ) -> dict[str, Any]:
        if resource.present is not None:
            row = resource.present(caller, row)
        for expand in expansions:
            row = {**row, **expand(row)}
        return to_json(row, string_ids=caller.string_ids)

    def _written(
        self, caller: Caller, resource: Resource, verb: str, answer: Row | list[Row], *, status: int = 200
    ) -> Response:
        """A write's answer (one row, or a list for the bulk actions), published to the webhooks."""
        rows = answer if isinstance(answer, list) else [answer]
        for row in rows:
            self.webhooks.publish(caller.company_id, f"{resource.event}/{verb}", row)
        presented = [self._present(caller, resource, row) for row in rows]
        return FastJSONResponse(presented if isinstance(answer, list) else presented[0], status_code=status)


def _in_ids(raw: list[str]) -> Any:

    wanted = parse_ids("ids", raw)
    return lambda row: row["id"] in wanted


def _method_not_allowed(resource: Resource, method: str) -> ApiError:
    return ApiError(405, [f"{method} is not supported on {resource.path}"])


async def _form_body(request: Request) -> dict[str, Any]:
    """A `multipart/form-data` body as fields and file parts (an `Upload` each); `name[]` ones as lists."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, ["Send the document as multipart/form-data"])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES + MAX_BODY_BYTES:
        raise ApiError(413, ["Request body too large"])
    payload: dict[str, Any] = {}
    try:
        async with request.form(max_files=MAX_FILE_PARTS, max_fields=100) as form:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    if name.endswith("[]"):
                        payload.setdefault(name[:-2], []).append(value)
                    else:
                        payload[name] = value
                    continue
                content = await value.read(MAX_FILE_BYTES + 1)
                if len(content) > MAX_FILE_BYTES:
                    raise ApiError(413, [f"The file is larger than {MAX_FILE_BYTES} bytes"])
                upload = Upload(value.filename or "file", value.content_type, content)
                if name.endswith("[]"):
                    payload.setdefault(name[:-2], []).append(upload)
                else:
                    payload[name] = upload
    except ApiError:
        raise
    except (MultiPartException, HTTPException):  # Starlette's answer to a malformed body (as an HTTP 400)
        raise ApiError(400, ["The request body is not valid multipart/form-data"]) from None
    return payload


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
