"""The unified HRIS API's people writes and an employee's own records: create, update and invite an employee
(`/unified/hris/employees[/{id}[/invite]]`), and an employee's employments (`/employees/{id}/employments[/
{subResourceId}]`: list, get, create, update), in StackOne's models through the account's mapping.

The route builders are generic: `_nested_list_route("employments", "employee_id")` serves any resource a parent
narrows (an employee's time off would be `("time_off", "employee_id")`), `_create_route` and `_update_route`
any resource whose mapping names write actions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import account_id_of
from linkyard.api.routes.unified_common import (
    ERRORS,
    MAX_ID,
    AccountHeader,
    done_answer,
    get_query,
    list_query,
    page_answer,
    record_answer,
    written_answer,
)
from linkyard.api.schemas import UNIFIED_SHAPES, CreateResult, UpdateResult, error_responses
from linkyard.services.unified import (
    UnifiedQuery,
    create_record,
    get_under,
    list_under,
    run_operation,
    update_record,
)

WRITE_ERRORS = error_responses(400, 403, 404, 408, 409, 412, 422, 429, 502)

RecordId = Annotated[str, Path(min_length=1, max_length=MAX_ID)]
SubRecordId = Annotated[str, Path(alias="subResourceId", min_length=1, max_length=MAX_ID)]
UnifiedBody = Annotated[
    dict[str, Any],
    Body(description="The record's fields in StackOne's model (snake_case), and `passthrough`"),
]


def _nested_list_route(resource: str, parent_filter: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`GET /unified/hris/employees/{id}/<resource>`: the employee's records, as `list_under` reads them (for
    employments, by the mapping's filter `parent_filter`: the provider narrows it where it can, the platform
    compares the mapped field in any case)."""
    params = list_query(f"hris/{resource}")

    async def list_nested(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: RecordId,
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> dict[str, Any]:
        page = await list_under(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            (parent_filter, id),
            query,
            policy=request.app.state.retry_policy,
        )
        return page_answer(page)

    return list_nested


def _nested_get_route(resource: str, parent_field: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`GET /unified/hris/employees/{id}/<resource>/{subResourceId}`: the record, if it is the parent's
    (`get_under`)."""
    params = get_query(f"hris/{resource}")

    async def get_nested(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: RecordId,
        sub_id: SubRecordId,
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> dict[str, Any]:
        found = await get_under(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            (parent_field, id),
            sub_id,
            query,
            policy=request.app.state.retry_policy,
        )
        return record_answer(found)

    return get_nested


def _create_route(resource: str, parent_field: str | None = None) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`POST /unified/hris/<resource>` (or `/employees/{id}/<resource>` with `parent_field`, which the path's id
    fills): 201 and the new record's id."""

    async def create(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        body: UnifiedBody,
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        written = await create_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            body,
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 201, "Record created", written)

    async def create_nested(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: RecordId,
        body: UnifiedBody,
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        written = await create_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            body,
            within={str(parent_field): id},
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 201, "Record created", written)

    return create if parent_field is None else create_nested


def _update_route(resource: str, parent_field: str | None = None) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`PATCH /unified/hris/<resource>/{id}` (or `/employees/{id}/<resource>/{subResourceId}` with
    `parent_field`): the fields given change."""

    async def update_record_route(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: RecordId,
        body: UnifiedBody,
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        await update_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            id,
            body,
            policy=request.app.state.retry_policy,
        )
        return done_answer(platform, "Record updated")

    async def update_nested(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: RecordId,
        sub_id: SubRecordId,
        body: UnifiedBody,
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        await update_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"hris/{resource}",
            sub_id,
            body,
            within={str(parent_field): id},
            policy=request.app.state.retry_policy,
        )
        return done_answer(platform, "Record updated")

    return update_record_route if parent_field is None else update_nested


async def invite_employee(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    body: Annotated[dict[str, Any] | None, Body(description="StackOne's `passthrough` (not used)")] = None,
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    """`POST /unified/hris/employees/{id}/invite`: Factorial emails the employee an invitation to sign in."""
    del body  # StackOne's invite body holds only `passthrough`, which Factorial's invite has no use for
    written = await run_operation(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/employees",
        "invite",
        id,
        policy=request.app.state.retry_policy,
    )
    return written_answer(platform, 200, "Employee invited", written)


def add_routes(routes: APIRouter) -> None:
    page, result = UNIFIED_SHAPES["hris/employments"]
    nested = "/unified/hris/employees/{id}/employments"
    common: dict[str, Any] = {"response_model_exclude_unset": True, "tags": ["unified hris"]}
    routes.add_api_route(
        "/unified/hris/employees",
        _create_route("employees"),
        methods=["POST"],
        status_code=201,
        response_model=CreateResult,
        responses=WRITE_ERRORS,
        name="hris_create_employee",
        **common,
    )
    routes.add_api_route(
        "/unified/hris/employees/{id}",
        _update_route("employees"),
        methods=["PATCH"],
        response_model=UpdateResult,
        responses=WRITE_ERRORS,
        name="hris_update_employee",
        **common,
    )
    routes.add_api_route(
        "/unified/hris/employees/{id}/invite",
        invite_employee,
        methods=["POST"],
        response_model=CreateResult,
        responses=WRITE_ERRORS,
        name="hris_invite_employee",
        **common,
    )
    routes.add_api_route(
        nested,
        _nested_list_route("employments", "employee_id"),
        methods=["GET"],
        response_model=page,
        responses=ERRORS,
        name="hris_list_employee_employments",
        **common,
    )
    routes.add_api_route(
        f"{nested}/{{subResourceId}}",
        _nested_get_route("employments", "employee_id"),
        methods=["GET"],
        response_model=result,
        responses=ERRORS,
        name="hris_get_employee_employment",
        **common,
    )
    routes.add_api_route(
        nested,
        _create_route("employments", "employee_id"),
        methods=["POST"],
        status_code=201,
        response_model=CreateResult,
        responses=WRITE_ERRORS,
        name="hris_create_employee_employment",
        **common,
    )
    routes.add_api_route(
        f"{nested}/{{subResourceId}}",
        _update_route("employments", "employee_id"),
        methods=["PATCH"],
        response_model=UpdateResult,
        responses=WRITE_ERRORS,
        name="hris_update_employee_employment",
        **common,
    )
