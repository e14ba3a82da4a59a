"""Request logs: `GET /requests/logs` (calls that ran an action or refreshed a token), `GET /requests/logs/{id}`
(one, with its provider steps), `GET /requests/logs/steps` (the steps alone) and `GET /requests/platform-logs`
(calls to the platform's own API), as StackOne's client asks for them.

The query parameters are read from the request as a whole (`services.log_queries.parse_query`): StackOne's
client sends its filters at the top level, its documentation as `filter[...]`, and an unknown one is a 400
naming it; the route's OpenAPI parameters document the names the client sends.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import (
    PlatformLogPage,
    RequestLogPage,
    RequestLogResult,
    StepLogPage,
    error_responses,
)
from linkyard.errors import BadRequest
from linkyard.services.log_queries import (
    LOG_FILTERS,
    MAX_PAGE_SIZE,
    MAX_VALUE_LENGTH,
    PLATFORM_FILTERS,
    STEP_FILTERS,
    get_request_log,
    list_request_logs,
    list_step_logs,
    parse_query,
)
from linkyard.services.views import platform_log_view, request_log_view, step_log_view

_STATUS_CODES = (
    r"^([1-5][0-9]{2}(-[1-5][0-9]{2})?|[1-5][xX]{2})(,([1-5][0-9]{2}(-[1-5][0-9]{2})?|[1-5][xX]{2}))*$"
)
_SPECIAL: dict[str, dict[str, Any]] = {
    "start_date": {"type": "string", "format": "date-time"},
    "end_date": {"type": "string", "format": "date-time"},
    "status_codes": {"type": "string", "pattern": _STATUS_CODES, "maxLength": 512},
    "success": {"type": "boolean"},
    "order_by": {"type": "string", "enum": ["provider", "service", "status", "eventDatetime", "duration"]},
    "order_direction": {"type": "string", "enum": ["asc", "desc"]},
    "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    "next": {"type": "string", "maxLength": 2048},
}
_DESCRIPTIONS = {
    "start_date": "Logs that started at or after this moment",
    "end_date": "Logs that started at or before this moment",
    "status_codes": "Statuses (404), classes (4xx) or ranges (500-504), comma-separated",
    "success": "Only the calls that succeeded (true) or failed (false)",
    "next": "The `next` of the previous page",
    "include": "`step_logs`: each log's provider steps",
}


def _parameters(filters: frozenset[str], *, include: list[str] | None = None) -> dict[str, Any]:
    """The OpenAPI parameters of a list: its filters (comma-separated values; also accepted as
    `filter[<name>]`), paging and order."""
    names = sorted({*filters, "next", "page_size", "order_by", "order_direction"})
    parameters = []
    for name in names:
        schema = _SPECIAL.get(name, {"type": "string", "maxLength": MAX_VALUE_LENGTH})
        description = _DESCRIPTIONS.get(name, "Comma-separated values; also accepted as filter[...]")
        parameters.append(
            {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
        )
    if include is not None:
        parameters.append(
            {
                "name": "include",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": include},
                "description": _DESCRIPTIONS["include"],
            }
        )
    return {"parameters": parameters}


def add_routes(routes: APIRouter) -> None:

    @routes.get(
        "/requests/logs",
        response_model=RequestLogPage,
        responses=error_responses(),
        openapi_extra=_parameters(LOG_FILTERS, include=["step_logs"]),
    )
    async def request_log_list(
        request: Request, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        query, extras = parse_query(
            request.query_params.multi_items(), filters=LOG_FILTERS, extra=frozenset({"include"})
        )
        steps = _include(extras, ("step_logs",)) == "step_logs"
        page = await list_request_logs(platform, project, query, kind="request", with_steps=steps)
        return {"data": [request_log_view(log, steps=steps) for log in page.logs], "next": page.next}

    @routes.get(
        "/requests/logs/steps",
        response_model=StepLogPage,
        responses=error_responses(),
        openapi_extra=_parameters(STEP_FILTERS),
    )
    async def step_log_list(request: Request, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        query, _ = parse_query(request.query_params.multi_items(), filters=STEP_FILTERS)
        page = await list_step_logs(platform, project, query)
        return {"data": [step_log_view(step) for step in page.steps], "next": page.next}

    @routes.get(
        "/requests/logs/{log_id}",
        response_model=RequestLogResult,
        responses=error_responses(404),
        openapi_extra={
            "parameters": [
                {
                    "name": "include",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["step_logs", "advanced_logs"]},
                    "description": "`step_logs`: the provider steps in full (always given: `step_requests`); "
                    "`advanced_logs`: nothing more (Linkyard keeps no other kind)",
                }
            ]
        },
    )
    async def request_log_detail(
        request: Request,
        log_id: Annotated[str, Path(max_length=64)],
        project: ProjectDep,
        platform: PlatformDep,
    ) -> dict[str, Any]:
        for name, _ in request.query_params.multi_items():
            if name != "include":
                raise _unknown(name)
        _include(dict(request.query_params), ("step_logs", "advanced_logs"))
        log = await get_request_log(platform, project, log_id)
        return {"data": request_log_view(log, full=True, steps=True)}

    @routes.get(
        "/requests/platform-logs",
        response_model=PlatformLogPage,
        responses=error_responses(),
        openapi_extra=_parameters(PLATFORM_FILTERS),
    )
    async def platform_log_list(
        request: Request, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        query, _ = parse_query(request.query_params.multi_items(), filters=PLATFORM_FILTERS)
        page = await list_request_logs(platform, project, query, kind="platform")
        return {"data": [platform_log_view(log) for log in page.logs], "next": page.next}


def _include(extras: dict[str, str], allowed: tuple[str, ...]) -> str | None:
    value = extras.get("include")
    if value in (None, ""):
        return None
    if value not in allowed:
        raise BadRequest(f"include must be one of {', '.join(allowed)}", code="invalid_parameter")
    return value


def _unknown(name: str) -> Exception:
    shown = "".join(ch if ch.isalnum() or ch in "_-.[]" else "?" for ch in name)[:64]
    return BadRequest(f"Unknown query parameter: {shown}", code="unknown_parameter")
