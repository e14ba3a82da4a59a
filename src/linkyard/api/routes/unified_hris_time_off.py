"""The unified HRIS time off API in StackOne's models: time off requests (company-wide and an employee's, with
create, update and cancel on an employee), time off types and policies, and an employee's balances, from the
account named by `x-account-id` through its connector's mapping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import JsonBytes, account_id_of
from linkyard.api.routes.unified_common import (
    ERRORS,
    MAX_ID,
    AccountHeader,
    done_answer,
    get_query,
    list_query,
    no_filters,
    page_answer,
    record_answer,
    written_answer,
)
from linkyard.api.schemas import UNIFIED_SHAPES, CreateResult, UpdateResult, error_responses
from linkyard.domain import Project
from linkyard.services.unified import (
    UnifiedQuery,
    create_record,
    delete_record,
    get_record,
    get_under,
    list_records,
    list_under,
    update_record,
)

WRITE_ERRORS = error_responses(403, 404, 408, 409, 412, 422, 429, 502)

EmployeeId = Annotated[str, Path(min_length=1, max_length=MAX_ID, description="The employee's id")]
SubId = Annotated[str, Path(min_length=1, max_length=MAX_ID, description="The record's id")]


async def _policy_filters(
    kind: Annotated[
        str | None,
        Query(
            alias="filter[type]",
            pattern="^[a-z_]{1,40}$",
            description="Only policies of this kind of time off (StackOne's value: vacation, sick...)",
        ),
    ] = None,
) -> dict[str, str]:
    return {} if kind is None else {"type": kind}


def _read_filters(resource: str) -> Callable[..., Awaitable[dict[str, str]]]:
    return _policy_filters if resource == "time_off_policies" else no_filters


async def _page(
    request: Request,
    project: Project,
    resource: str,
    account: str | None,
    query: UnifiedQuery,
    parent_id: str | None,
) -> Response:
    state = request.app.state
    account_id = account_id_of(account, None)
    if parent_id is None:
        page = await list_records(
            state.platform, project, account_id, f"hris/{resource}", query, policy=state.retry_policy
        )
    else:
        page = await list_under(
            state.platform,
            project,
            account_id,
            f"hris/{resource}",
            ("employee_id", parent_id),
            query,
            policy=state.retry_policy,
        )
    return JsonBytes(
        page_answer(page)
    )  # as `unified_hris` renders its lists: the mapping's values as they are


async def _one(
    request: Request,
    project: Project,
    resource: str,
    account: str | None,
    record_id: str,
    query: UnifiedQuery,
    parent_id: str | None,
) -> dict[str, Any]:
    state = request.app.state
    account_id = account_id_of(account, None)
    if parent_id is None:
        found = await get_record(
            state.platform,
            project,
            account_id,
            f"hris/{resource}",
            record_id,
            query,
            policy=state.retry_policy,
        )
    else:
        found = await get_under(
            state.platform,
            project,
            account_id,
            f"hris/{resource}",
            ("employee_id", parent_id),
            record_id,
            query,
            policy=state.retry_policy,
        )
    return record_answer(found)


def _list_route(resource: str, *, under_employee: bool) -> Callable[..., Awaitable[Response]]:
    """A list of `resource`; `under_employee`: the route's `{id}` is the employee whose records are listed
    (as the mapping reads them under an employee: `list_under`)."""
    params = list_query(f"hris/{resource}", _read_filters(resource))
    if not under_employee:

        async def list_resource(
            request: Request,
            project: ProjectDep,
            query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
            x_account_id: AccountHeader = None,
        ) -> Response:
            return await _page(request, project, resource, x_account_id, query, None)

        return list_resource

    async def list_employee_resource(
        request: Request,
        project: ProjectDep,
        id: EmployeeId,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
        x_account_id: AccountHeader = None,
    ) -> Response:
        return await _page(request, project, resource, x_account_id, query, id)

    return list_employee_resource


def _get_route(resource: str, *, under_employee: bool) -> Callable[..., Awaitable[dict[str, Any]]]:
    params = get_query(f"hris/{resource}")
    if not under_employee:

        async def get_resource(
            request: Request,
            project: ProjectDep,
            id: SubId,
            query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
            x_account_id: AccountHeader = None,
        ) -> dict[str, Any]:
            return await _one(request, project, resource, x_account_id, id, query, None)

        return get_resource

    async def get_employee_resource(
        request: Request,
        project: ProjectDep,
        id: EmployeeId,
        sub_id: SubId,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        return await _one(request, project, resource, x_account_id, sub_id, query, id)

    return get_employee_resource


async def create_time_off(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: EmployeeId,
    body: Annotated[dict[str, Any], Body(description="StackOne's HrisCreateTimeOffRequestDto")],
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    written = await create_record(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/time_off",
        body,
        within={"employee_id": id},
        policy=request.app.state.retry_policy,
    )
    return written_answer(platform, 201, "Record created successfully.", written)


async def update_time_off(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: EmployeeId,
    sub_id: SubId,
    body: Annotated[dict[str, Any], Body(description="StackOne's HrisCreateTimeOffRequestDto")],
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    written = await update_record(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/time_off",
        sub_id,
        body,
        within={"employee_id": id},
        policy=request.app.state.retry_policy,
    )
    return written_answer(platform, 200, "Record updated successfully.", written)


async def cancel_time_off(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: EmployeeId,
    sub_id: SubId,
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    await delete_record(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/time_off",
        sub_id,
        within={"employee_id": id},
        policy=request.app.state.retry_policy,
    )
    return done_answer(platform, "Record cancelled successfully.")


READS: tuple[tuple[str, str, str, str, bool], ...] = (
    # path, resource, list operation, get operation, under an employee
    ("/unified/hris/time_off", "time_off", "hris_list_time_off_requests", "hris_get_time_off_request", False),
    (
        "/unified/hris/employees/{id}/time_off",
        "time_off",
        "hris_list_employee_time_off_requests",
        "hris_get_employees_time_off_request",
        True,
    ),
    (
        "/unified/hris/time_off_types",
        "time_off_types",
        "hris_list_time_off_types",
        "hris_get_time_off_type",
        False,
    ),
    (
        "/unified/hris/time_off_policies",
        "time_off_policies",
        "hris_list_time_off_policies",
        "hris_get_time_off_policy",
        False,
    ),
    (
        "/unified/hris/employees/{id}/time_off_balances",
        "time_off_balances",
        "hris_list_employee_time_off_balances",
        "hris_get_employee_time_off_balance",
        True,
    ),
)
"""The read routes: a list and a get each (`{sub_id}` under an employee)."""


def add_routes(routes: APIRouter) -> None:
    tags: list[str | Enum] = ["unified hris"]
    for path, resource, list_name, get_name, under_employee in READS:
        page, result = UNIFIED_SHAPES[f"hris/{resource}"]
        routes.add_api_route(
            path,
            _list_route(resource, under_employee=under_employee),
            methods=["GET"],
            response_model=page,
            response_model_exclude_unset=True,
            responses=ERRORS,
            name=list_name,
            tags=tags,
        )
        routes.add_api_route(
            f"{path}/{{sub_id}}" if under_employee else f"{path}/{{id}}",
            _get_route(resource, under_employee=under_employee),
            methods=["GET"],
            response_model=result,
            response_model_exclude_unset=True,
            responses=ERRORS,
            name=get_name,
            tags=tags,
        )
    page, _ = UNIFIED_SHAPES["hris/time_off_policies"]
    routes.add_api_route(
        "/unified/hris/employees/{id}/time_off_policies",
        _list_route("time_off_policies", under_employee=True),
        methods=["GET"],
        response_model=page,
        response_model_exclude_unset=True,
        responses=ERRORS,
        name="hris_list_employee_time_off_policies",
        tags=tags,
    )
    employee_time_off = "/unified/hris/employees/{id}/time_off"
    routes.add_api_route(
        employee_time_off,
        create_time_off,
        methods=["POST"],
        response_model=CreateResult,
        status_code=201,
        responses=WRITE_ERRORS,
        name="hris_create_employee_time_off_request",
        tags=tags,
    )
    routes.add_api_route(
        f"{employee_time_off}/{{sub_id}}",
        update_time_off,
        methods=["PATCH"],
        response_model=CreateResult,
        responses=WRITE_ERRORS,
        name="hris_update_employee_time_off_request",
        tags=tags,
    )
    routes.add_api_route(
        f"{employee_time_off}/{{sub_id}}",
        cancel_time_off,
        methods=["DELETE"],
        response_model=UpdateResult,
        responses=WRITE_ERRORS,
        name="hris_cancel_employee_time_off_request",
        tags=tags,
    )
