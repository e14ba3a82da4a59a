"""Actions: `GET /actions` (what may be run, with input schemas) and `POST /actions/rpc` (run one action on one
linked account: what `stackone-ai`'s `tool.execute` sends)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from linkyard import services
from linkyard.api.bodies import declares_json, parse_json
from linkyard.api.deps import PlatformDep, ProjectDep, authenticated_project
from linkyard.api.queries import refuse_unknown_query
from linkyard.api.schemas import ActionList, ActionResult, error_responses
from linkyard.connectors.retry import RetryPolicy
from linkyard.errors import BadRequest, ValidationFailed
from linkyard.services.actions import list_actions
from linkyard.services.views import action_meta_view

MAX_FILTER_VALUES = 100
MAX_ACCOUNT_ID = 64
MAX_ACTION_GROUPS = 100


class JsonBytes(Response):
    """JSON rendered by orjson: provider data passes through as is, without a response model's validation."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ActionCall(BaseModel):
    """`{action, path?, query?, body?, headers?}`; unknown top-level fields are ignored (SDKs add some)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    action: str = Field(min_length=1, max_length=100)
    path: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, Any] | None = None


def account_id_of(header: str | None, body_headers: dict[str, Any] | None) -> str:
    """The account from the `x-account-id` header, or from `body.headers["x-account-id"]`; both must agree."""
    from_body = None
    for name, value in (body_headers or {}).items():
        if name.lower() == "x-account-id":
            from_body = value
    if from_body is not None and not isinstance(from_body, str):
        raise ValidationFailed(
            "Invalid x-account-id", errors=[{"field": "headers.x-account-id", "message": "must be a string"}]
        )
    if header and from_body and header != from_body:
        raise BadRequest("The x-account-id header and body.headers disagree")
    account_id = header or from_body
    if not account_id:
        raise BadRequest("Name the account: send the x-account-id header")
    return account_id


def filter_values(values: list[str] | None, field: str) -> list[str]:
    """`filter[x]=a,b` and `filter[x]=a&filter[x]=b` alike: the values, in order, without blanks."""
    found = [part.strip() for value in values or () for part in value.split(",") if part.strip()]
    if len(found) > MAX_FILTER_VALUES:
        raise ValidationFailed(
            "Too many filter values",
            errors=[{"field": field, "message": f"takes at most {MAX_FILTER_VALUES} values"}],
        )
    return found


def read_call(payload: Any, account_header: str | None) -> ActionCall:
    """The call in a request body (`json_body`'s result), checked as FastAPI checks a body model and a header
    parameter: the same 422 `errors`, the header's first. Raises `RequestValidationError` (the error table
    answers it)."""
    problems: list[dict[str, Any]] = []
    if account_header is not None and len(account_header) > MAX_ACCOUNT_ID:
        problems.append(
            {
                "type": "string_too_long",
                "loc": ("header", "x-account-id"),
                "msg": f"String should have at most {MAX_ACCOUNT_ID} characters",
            }
        )
    call: ActionCall | None = None
    if payload == b"":
        problems.append({"type": "missing", "loc": ("body",), "msg": "Field required"})
    elif not isinstance(payload, dict):
        # Not a JSON object, or a body not declared JSON at all (left as bytes, as FastAPI leaves it).
        problems.append(
            {
                "type": "model_attributes_type",
                "loc": ("body",),
                "msg": "Input should be a valid dictionary or object to extract fields from",
            }
        )
    else:
        try:
            call = ActionCall.model_validate(payload)
        except ValidationError as invalid:
            problems += [
                {"type": error["type"], "loc": ("body", *error["loc"]), "msg": error["msg"]}
                for error in invalid.errors(include_url=False, include_context=False, include_input=False)
            ]
    if call is None or problems:
        raise RequestValidationError(problems)
    return call


def json_body(raw: bytes, content_type: str | None) -> Any:
    """A body declared JSON (`application/json`, `application/*+json`) parsed within bounds (`parse_json`:
    malformed, too deep or not decodable is a 400); any other body as it is."""
    if not raw or not declares_json(content_type):
        return raw
    return parse_json(raw)


async def run_rpc(request: Request) -> Response:
    """`POST /actions/rpc`, refusing in the order every key-first route does (`KeyFirstRoute`): a missing or
    bad API key (401, or 400 for a key in the URL) before the body is read, then a query parameter (400: the
    route takes none), then malformed JSON (400), then
    the header and the body (422), then the call itself."""
    headers = request.headers
    project = await authenticated_project(request)
    if request.scope["query_string"]:  # the route takes none (as every key-first route checks its own)
        refuse_unknown_query(request.query_params.keys(), frozenset())
    payload = json_body(await request.body(), headers.get("content-type"))
    account_header = headers.get("x-account-id")
    call = read_call(payload, account_header)
    account_id = account_id_of(account_header, call.headers)
    arguments = services.flatten_arguments(path=call.path, query=call.query, body=call.body)
    state = request.app.state  # the platform, from the lifespan; the retry policy, from `create_app`
    policy: RetryPolicy = state.retry_policy
    # An action, or a unified operation offered as a tool (`hris_list_employees`).
    result = await services.run_tool(
        state.platform, project, account_id, call.action, arguments, policy=policy
    )
    content: dict[str, Any] = {"data": result.data}
    if result.is_list:
        content["next"] = result.next
    return JsonBytes(content)


class RpcRoute(APIRoute):
    """`POST /actions/rpc`: documented in OpenAPI from its endpoint's signature like any route, but served by
    `run_rpc`, without FastAPI's per-request dependency solving and body model, which cost several times
    what the rest of a call costs the platform (see docs/benchmarks.md)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return run_rpc


def add_routes(routes: APIRouter) -> None:

    @routes.get(
        "/actions",
        response_model=ActionList,
        response_model_exclude_unset=True,  # `operation_details` only when asked for
        responses=error_responses(404),
    )
    async def actions_list(
        project: ProjectDep,
        platform: PlatformDep,
        account_ids: Annotated[list[str] | None, Query(alias="filter[account_ids]")] = None,
        connectors: Annotated[list[str] | None, Query(alias="filter[connectors]")] = None,
        action_keys: Annotated[list[str] | None, Query(alias="filter[action_key]")] = None,
        group_by: Literal["connector"] = "connector",
        include: Annotated[list[Literal["operation_details"]] | None, Query()] = None,
        page: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
        page_size: Annotated[int, Query(ge=1, le=MAX_ACTION_GROUPS)] = MAX_ACTION_GROUPS,
        next: Annotated[str | None, Query(max_length=20, pattern=r"^[0-9]+$")] = None,
    ) -> dict[str, Any]:
        """The actions per connector (StackOne's `group_by=connector`, the only grouping), `page_size`
        connectors a page: the first, the one `next` names (the cursor of the previous page) or `page`.
        `include=operation_details` adds how each action calls the provider."""
        listed = await list_actions(
            platform,
            project,
            account_ids=filter_values(account_ids, "filter[account_ids]"),
            connectors=filter_values(connectors, "filter[connectors]"),
            action_ids=filter_values(action_keys, "filter[action_key]"),
        )
        start = int(next) if next is not None else ((page or 1) - 1) * page_size
        details = "operation_details" in (include or ())
        data = [
            {
                "key": entry.connector.key,
                "name": entry.connector.name,
                "actions": [action_meta_view(action, operation_details=details) for action in entry.actions],
            }
            for entry in listed[start : start + page_size]
        ]
        more = len(listed) > start + page_size
        return {"data": data, "next": str(start + page_size) if more else None}

    async def action_rpc(
        call: ActionCall,
        x_account_id: Annotated[str | None, Header(max_length=MAX_ACCOUNT_ID)] = None,
    ) -> JsonBytes:
        # The signature documents the route (`RpcRoute`); `run_rpc` serves it, so this body never runs.
        raise NotImplementedError

    routes.add_api_route(
        "/actions/rpc",
        action_rpc,
        methods=["POST"],
        response_model=ActionResult,
        responses=error_responses(403, 404, 408, 409, 412, 429, 502),
        route_class_override=RpcRoute,
    )
    # First in the router, which tries routes in order: matching the twenty before it cost a call ~30 µs.
    # (OpenAPI lists it first too.) Its path is fixed, so it cannot shadow another route.
    routes.routes.insert(0, routes.routes.pop())
