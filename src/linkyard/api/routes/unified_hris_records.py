"""The unified HRIS API's records kept about employees: shifts and time entries, the whole account's and one
employee's (`/unified/hris/employees/{id}/shifts`), documents and their categories, custom field definitions and
tasks (the company's and one employee's, whose status is also written: `PATCH
/unified/hris/employees/{id}/tasks/{subResourceId}`), in StackOne's models, through the connector's mapping (files:
`unified_hris_documents`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import account_id_of
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
)
from linkyard.api.schemas import UNIFIED_SHAPES, UpdateResult, error_responses
from linkyard.services.unified import (
    UnifiedQuery,
    get_record,
    get_under,
    list_records,
    list_under,
    update_record,
)

RecordId = Annotated[str, Path(min_length=1, max_length=MAX_ID)]


@dataclass(frozen=True, slots=True)
class Collection:
    """A list route of StackOne's and its get: `path` under `/unified/hris/`, the unified resource it reads,
    StackOne's operation ids, and whether the path names an employee (`employees/{id}/shifts`)."""

    path: str
    resource: str
    list_operation: str
    get_operation: str
    per_employee: bool = False


COLLECTIONS = (
    Collection("shifts", "hris/shifts", "hris_list_shifts", "hris_get_shift"),
    Collection(
        "employees/{id}/shifts",
        "hris/shifts",
        "hris_list_employee_shifts",
        "hris_get_employee_shift",
        per_employee=True,
    ),
    Collection("time_entries", "hris/time_entries", "hris_list_time_entries", "hris_get_time_entries"),
    Collection(
        "employees/{id}/documents",
        "hris/documents",
        "hris_list_employee_documents",
        "hris_get_employee_document",
        per_employee=True,
    ),
    Collection(
        "documents/employee_categories",
        "hris/documents/employee_categories",
        "hris_list_employee_categories",
        "hris_get_employee_document_category",
    ),
    Collection(
        "custom_field_definitions/employees",
        "hris/custom_field_definitions/employees",
        "hris_list_employee_custom_field_definitions",
        "hris_get_employee_custom_field_definition",
    ),
    Collection("tasks", "hris/tasks", "hris_list_tasks", "hris_get_task"),
    Collection(
        "employees/{id}/tasks",
        "hris/tasks",
        "hris_list_employee_tasks",
        "hris_get_employee_task",
        per_employee=True,
    ),
)


async def _time_entry_filters(
    employee_id: Annotated[
        str | None,
        Query(alias="filter[employee_id]", min_length=1, max_length=MAX_ID, description="The employee's id"),
    ] = None,
) -> dict[str, str]:
    return {} if employee_id is None else {"employee_id": employee_id}


async def _employee(id: RecordId) -> str | None:
    return id


async def _no_employee() -> str | None:
    return None


async def _record(id: RecordId) -> tuple[str | None, str]:
    return None, id


async def _employee_record(id: RecordId, subResourceId: RecordId) -> tuple[str | None, str]:
    return id, subResourceId  # StackOne's names: the employee, then the record


FILTERS: dict[str, Callable[..., Awaitable[dict[str, str]]]] = {"hris/time_entries": _time_entry_filters}
"""StackOne's filters of a list besides `updated_after` that the mapping serves; any other `filter[...]` is a 422
naming it (`linkyard.api.queries`)."""


def _list_route(collection: Collection) -> Callable[..., Awaitable[dict[str, Any]]]:
    resource = collection.resource
    params = list_query(resource, FILTERS.get(resource, no_filters))
    read_employee = _employee if collection.per_employee else _no_employee

    async def list_resource(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
        employee_id: str | None = Depends(read_employee),
    ) -> dict[str, Any]:
        account_id = account_id_of(x_account_id, None)
        policy = request.app.state.retry_policy
        if employee_id is None:
            page = await list_records(platform, project, account_id, resource, query, policy=policy)
        else:
            parent = ("employee_id", employee_id)
            page = await list_under(platform, project, account_id, resource, parent, query, policy=policy)
        return page_answer(page)

    return list_resource


def _get_route(collection: Collection) -> Callable[..., Awaitable[dict[str, Any]]]:
    resource = collection.resource
    read_ids = _employee_record if collection.per_employee else _record
    params = get_query(resource)

    async def get_resource(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
        ids: tuple[str | None, str] = Depends(read_ids),
    ) -> dict[str, Any]:
        employee_id, record_id = ids
        account_id = account_id_of(x_account_id, None)
        policy = request.app.state.retry_policy
        if employee_id is None:
            found = await get_record(platform, project, account_id, resource, record_id, query, policy=policy)
        else:
            parent = ("employee_id", employee_id)
            found = await get_under(
                platform, project, account_id, resource, parent, record_id, query, policy=policy
            )
        return record_answer(found)

    return get_resource


async def update_employee_task(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    subResourceId: RecordId,
    body: Annotated[dict[str, Any], Body(description="StackOne's UpdateTaskRequestDto: `status`")],
    x_account_id: AccountHeader = None,
) -> dict[str, Any]:
    """A task's status, written through the mapping; a task not assigned to the employee is a 404 (read first)."""
    await update_record(
        platform,
        project,
        account_id_of(x_account_id, None),
        "hris/tasks",
        subResourceId,
        body,
        within={"employee_id": id},
        policy=request.app.state.retry_policy,
    )
    return done_answer(platform, "Record updated successfully.")


def add_routes(routes: APIRouter) -> None:
    for collection in COLLECTIONS:
        page, result = UNIFIED_SHAPES[collection.resource]
        path = f"/unified/hris/{collection.path}"
        record = "{subResourceId}" if collection.per_employee else "{id}"
        routes.add_api_route(
            path,
            _list_route(collection),
            methods=["GET"],
            response_model=page,
            response_model_exclude_unset=True,
            responses=ERRORS,
            name=collection.list_operation,
            tags=["unified hris"],
        )
        routes.add_api_route(
            f"{path}/{record}",
            _get_route(collection),
            methods=["GET"],
            response_model=result,
            response_model_exclude_unset=True,
            responses=ERRORS,
            name=collection.get_operation,
            tags=["unified hris"],
        )
    routes.add_api_route(
        "/unified/hris/employees/{id}/tasks/{subResourceId}",
        update_employee_task,
        methods=["PATCH"],
        response_model=UpdateResult,
        responses=error_responses(403, 404, 408, 409, 412, 422, 429, 502),
        name="hris_update_employee_task",
        tags=["unified hris"],
    )
