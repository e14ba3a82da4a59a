"""StackOne's unified operations that no route serves: each answers StackOne's "not supported by this provider"
(501, naming the operation and the account's provider), never a bare 404.

`add_routes` runs after every other API route is added (`linkyard.api.routes.add_api_routes`), and registers a
route for each operation of the table (`linkyard.connectors.unified.operations`) whose method and path template
no route serves yet: a resource served later in the issue's work takes precedence by being registered first.
A fallback whose literal path a served route's template would take (`/groups/departments` under `/groups/{id}`)
goes just before that route, so the word is not read as an id. The document lists them under the tag
`unified (not supported)`, answering 501.

The refusal is enforced as a served route's answers are: the API key first (401), then a query parameter that
is none of StackOne's conventions (400, as every route refuses one it does not take), then `x-account-id` (400
when missing, 422 when longer than an account id can be, 404 when not the project's account). StackOne's own
parameters and the body are not read: whatever the caller asks, the operation is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from linkyard.api.deps import authenticated_project
from linkyard.api.queries import refuse_unknown_query
from linkyard.api.routes.actions import MAX_ACCOUNT_ID, account_id_of
from linkyard.api.schemas import error_responses
from linkyard.connectors.unified.operations import OPERATIONS, Operation, path_shape
from linkyard.services.unified.unsupported import refuse_unsupported

TAG = "unified (not supported)"
"""The document's tag of these routes: what the document lists under it, the provider cannot back."""
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
STACKONE_QUERY = frozenset(
    {
        "raw",
        "fields",
        "page",
        "page_size",
        "next",
        "updated_after",
        "expand",
        "include",
        "filter[*]",
        "proxy[*]",
    }
)
"""The query parameters of StackOne's unified operations (`filter[...]` and `proxy[...]` of any name)."""


class UnsupportedRoute(APIRoute):
    """A route that refuses its operation: served by its endpoint alone (no dependency solving, no body or
    query read), as `POST /actions/rpc` is."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


def _refusal(operation: Operation) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    async def refuse(request: Request) -> Response:
        project = await authenticated_project(request)
        refuse_unknown_query(request.query_params.keys(), STACKONE_QUERY)
        header = request.headers.get("x-account-id")
        if header is not None and len(header) > MAX_ACCOUNT_ID:
            raise RequestValidationError(
                [
                    {
                        "type": "string_too_long",
                        "loc": ("header", "x-account-id"),
                        "msg": f"String should have at most {MAX_ACCOUNT_ID} characters",
                    }
                ]
            )
        account_id = account_id_of(header, None)
        await refuse_unsupported(request.app.state.platform, project, account_id, operation)

    refuse.__name__ = operation.name
    return refuse


def served_operations(routes: APIRouter) -> frozenset[str]:
    """The names of the table's operations that a route of `routes` serves (by method and path template)."""
    served = {
        (method, path_shape(route.path))
        for route in routes.routes
        if isinstance(route, APIRoute) and not isinstance(route, UnsupportedRoute)
        for method in route.methods or ()
    }
    return frozenset(op.name for op in OPERATIONS if (op.method, op.shape) in served)


def add_routes(routes: APIRouter) -> None:
    served = served_operations(routes)
    for operation in OPERATIONS:
        if operation.name in served:
            continue
        routes.add_api_route(
            operation.path,
            _refusal(operation),
            methods=[operation.method],
            name=operation.name,
            summary=f"{operation.name}: not supported by this provider (501)",
            tags=[TAG],
            responses=error_responses(404, 501),
            openapi_extra={"parameters": _parameters(operation)},
            route_class_override=UnsupportedRoute,
        )
        added = routes.routes.pop()
        routes.routes.insert(_place(routes, operation), added)


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    """What the document says the route takes: its path's ids and the account (the query and body are not
    read)."""
    ids = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in _PLACEHOLDER.findall(operation.path)
    ]
    account = {
        "name": "x-account-id",
        "in": "header",
        "required": True,
        "description": "The linked account",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ACCOUNT_ID},
    }
    return [*ids, account]


def _place(routes: APIRouter, operation: Operation) -> int:
    """Where the fallback goes: before the first served route that would take its path, else last."""
    sample = operation.path.replace("{", "").replace("}", "")  # a placeholder stands for a word of its own
    for index, route in enumerate(routes.routes):
        if (
            isinstance(route, APIRoute)
            and operation.method in (route.methods or ())
            and route.path_regex.match(sample)
        ):
            return index
    return len(routes.routes)
