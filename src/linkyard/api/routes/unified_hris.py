"""The unified HRIS API: `GET /unified/hris/{companies,employees,locations,groups,groups/teams}[/{id}]` in
StackOne's models, read from the account named by `x-account-id` through its connector's mapping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import JsonBytes, account_id_of
from linkyard.api.routes.unified_common import (
    MAX_FILTER,
    MAX_ID,
    AccountHeader,
    add_read_routes,
    get_query,
    list_query,
    no_filters,
    page_answer,
    record_answer,
)
from linkyard.errors import NotFound
from linkyard.services.unified import UnifiedQuery, get_record, list_records

RESOURCES = (
    "companies",
    "employees",
    "locations",
    "groups/teams",
    "groups/companies",
    "groups/cost_centers",
    "groups",
    "employments",
    "jobs",
)
"""Served resources; `groups/<kind>` before `groups`, whose `{id}` would otherwise take the word `teams`."""

GROUP_COLLECTIONS = frozenset({"teams", "departments", "cost_centers", "divisions", "companies"})
"""Sub-collections of `/groups` in StackOne's API: never a group id (those not served yet stay 404)."""


async def _employee_filters(
    email: Annotated[
        str | None,
        Query(alias="filter[email]", min_length=1, max_length=MAX_FILTER, description="Work email"),
    ] = None,
    employee_number: Annotated[
        str | None,
        Query(
            alias="filter[employee_number]",
            min_length=1,
            max_length=MAX_FILTER,
            description="Employee number",
        ),
    ] = None,
) -> dict[str, str]:
    given = {"email": email, "employee_number": employee_number}
    return {name: value for name, value in given.items() if value is not None}


FILTERS: dict[str, Callable[..., Awaitable[dict[str, str]]]] = {"employees": _employee_filters}
"""StackOne's own filters of a list besides `updated_after` (its client sends `filter[email]`): the dependency
that reads them. StackOne's parameters a route does not declare (`expand`, `include`, `proxy[...]`, another
`filter[...]`) are refused with a 422 naming them, never ignored (`linkyard.api.queries`)."""


def _list_route(resource: str) -> Callable[..., Awaitable[Response]]:
    params = list_query(f"hris/{resource}", FILTERS.get(resource, no_filters))

    async def list_resource(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> Response:
        page = await list_records(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            query,
            policy=request.app.state.retry_policy,
        )
        # The mapping made each value of its field's kind: rendered as is, without the response model's
        # validation, which cost as much as the mapping itself on a page of 100 (docs/benchmarks.md).
        return JsonBytes(page_answer(page))

    return list_resource


def _get_route(resource: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    params = get_query(f"hris/{resource}")

    async def get_resource(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> dict[str, Any]:
        if resource == "groups" and id in GROUP_COLLECTIONS:
            raise NotFound("No such route")  # as an unrouted path answers
        found = await get_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            id,
            query,
            policy=request.app.state.retry_policy,
        )
        return record_answer(found)

    return get_resource


def add_routes(routes: APIRouter) -> None:
    add_read_routes(routes, "hris", RESOURCES, _list_route, _get_route)
