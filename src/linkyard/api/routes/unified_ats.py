"""The unified ATS API: `/unified/ats/*` in StackOne's models, read from and written to the account named by
`x-account-id` through its connector's mapping.

Reads: jobs, job postings, candidates, applications, application and interview stages, a job's application
stages, rejected reasons, departments, locations and users (list and get). Writes: a job (a posting in
Factorial) and a candidate created and updated, an application created, updated (StackOne's `passthrough` only:
Factorial has no field of StackOne's update), moved to another interview stage and rejected. Each answers
StackOne's `CreateResult`, `UpdateResult`, `MoveApplicationResult` or `RejectApplicationResult`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import account_id_of
from linkyard.api.routes.unified_common import (
    ERRORS,
    MAX_FILTER,
    MAX_ID,
    AccountHeader,
    add_read_routes,
    done_answer,
    get_query,
    list_query,
    no_filters,
    page_answer,
    record_answer,
    written_answer,
)
from linkyard.api.schemas import UNIFIED_SHAPES, CreateResult, UpdateResult, error_responses
from linkyard.services.unified import (
    UnifiedQuery,
    Written,
    create_record,
    get_record,
    get_under,
    list_records,
    list_under,
    run_operation,
    update_record,
)

RESOURCES = (
    "jobs",
    "job_postings",
    "candidates",
    "applications",
    "application_stages",
    "interview_stages",
    "rejected_reasons",
    "departments",
    "locations",
    "users",
)
"""The ATS resources served for reading (list and get)."""

Handler = Callable[..., Awaitable[dict[str, Any]]]

WRITE_ERRORS = error_responses(400, 403, 404, 408, 409, 412, 422, 429, 502)
MAX_TEXT = 2000


async def _candidate_filters(
    email: Annotated[
        str | None,
        Query(alias="filter[email]", min_length=1, max_length=MAX_FILTER, description="Candidate email"),
    ] = None,
) -> dict[str, str]:
    return {} if email is None else {"email": email}


async def _application_filters(
    job_id: Annotated[
        str | None,
        Query(
            alias="filter[job_id]", min_length=1, max_length=MAX_ID, description="Applications to this job"
        ),
    ] = None,
) -> dict[str, str]:
    return {} if job_id is None else {"job_id": job_id}


FILTERS: dict[str, Callable[..., Awaitable[dict[str, str]]]] = {
    "candidates": _candidate_filters,
    "applications": _application_filters,
}
"""StackOne's filters of a list besides `updated_after` that the mapping serves; the others its client sends
(`filter[created_after]`, `filter[job_status]`, `filter[stage]`) are refused naming them (`api.queries`)."""


async def _no_parent() -> None:
    return None


async def _job_id(id: Annotated[str, Path(min_length=1, max_length=MAX_ID)]) -> str:
    return id


def _list_route(resource: str, parent: Any = _no_parent) -> Callable[..., Awaitable[dict[str, Any]]]:
    params = list_query(f"ats/{resource}", FILTERS.get(resource, no_filters))

    async def list_resource(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        parent_id: str | None = Depends(parent),  # the job's id, for a job's stages
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> dict[str, Any]:
        account_id = account_id_of(x_account_id, None)
        policy = request.app.state.retry_policy
        if parent_id is None:
            page = await list_records(platform, project, account_id, f"ats/{resource}", query, policy=policy)
        else:  # a job's application stages: the parent is a job
            page = await list_under(
                platform, project, account_id, f"ats/{resource}", ("job_id", parent_id), query, policy=policy
            )
        return page_answer(page)

    return list_resource


def _get_route(resource: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    params = get_query(f"ats/{resource}")

    async def get_resource(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> dict[str, Any]:
        found = await get_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"ats/{resource}",
            id,
            query,
            policy=request.app.state.retry_policy,
        )
        return record_answer(found)

    return get_resource


def _job_stage_route(resource: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    params = get_query(f"ats/{resource}")

    async def get_job_application_stage(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        subResourceId: Annotated[str, Path(min_length=1, max_length=MAX_ID)],  # StackOne's name
        x_account_id: AccountHeader = None,
        query: UnifiedQuery = Depends(params),  # noqa: B008 - the resource's own, chosen above
    ) -> dict[str, Any]:
        found = await get_under(
            platform,
            project,
            account_id_of(x_account_id, None),
            f"ats/{resource}",
            ("job_id", id),
            subResourceId,
            query,
            policy=request.app.state.retry_policy,
        )
        return record_answer(found)

    return get_job_application_stage


# --- writes: StackOne's request bodies ---------------------------------------------------------------------


class _Request(BaseModel):
    """A StackOne request body: its own fields only (another name is a 422 naming it). The fields the provider
    cannot take are refused by the mapping, naming them, rather than dropped."""

    model_config = ConfigDict(extra="forbid")

    passthrough: dict[str, Any] | None = Field(
        None, description="The provider's own fields, sent to it as they are (each checked by its action)"
    )


Text = Annotated[str | None, Field(None, max_length=MAX_TEXT)]
Id = Annotated[str | None, Field(None, min_length=1, max_length=MAX_ID)]


class _Candidate(_Request):
    first_name: Text
    last_name: Text
    name: Text
    email: Text
    company: Text
    country: Text
    title: Text
    hired_at: datetime | None = None
    phone_numbers: list[Any] | None = None
    social_links: list[Any] | None = None
    custom_fields: list[Any] | None = None
    unified_custom_fields: dict[str, Any] | None = None


class CandidateCreate(_Candidate):
    """StackOne's `AtsCreateCandidateRequestDto`."""

    phone_number: Text


class CandidateUpdate(_Candidate):
    """StackOne's `AtsUpdateCandidateRequestDto`."""

    phone: Text
    emails: list[Any] | None = None
    application_ids: list[str] | None = None


class ApplicationCreate(_Request):
    """StackOne's `AtsCreateApplicationRequestDto`."""

    candidate_id: Id
    job_id: Id
    job_posting_id: Id
    location_id: Id
    candidate: dict[str, Any] | None = None
    application_status: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    documents: list[Any] | None = None
    questionnaires: list[Any] | None = None


class ApplicationUpdate(_Request):
    """StackOne's `AtsUpdateApplicationRequestDto`."""

    application_status: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    custom_fields: list[Any] | None = None


class ApplicationMove(_Request):
    """StackOne's `AtsMoveApplicationRequestDto`."""

    interview_stage_id: Id


class ApplicationReject(_Request):
    """StackOne's `AtsRejectApplicationRequestDto`."""

    rejected_reason_id: Id


class JobWrite(_Request):
    """StackOne's `AtsCreateJobRequestDto` and `AtsUpdateJobRequestDto` (the same fields)."""

    title: Text
    description: Text
    code: Text
    status: Text
    job_status: dict[str, Any] | str | None = None
    confidential: str | None = None
    department_ids: list[str] | None = None
    location_ids: list[str] | None = None
    hiring_team: list[Any] | None = None
    interview_stages: list[Any] | None = None
    custom_fields: list[Any] | None = None
    unified_custom_fields: dict[str, Any] | None = None


def _unified(body: _Request, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """The fields the caller set, under the unified model's names (and the `passthrough`)."""
    given = body.model_dump(exclude_unset=True, mode="json")
    for request_name, model_name in (renamed or {}).items():
        if request_name in given:
            given[model_name] = given.pop(request_name)
    return given


def add_write_routes(routes: APIRouter) -> None:
    """`POST`/`PATCH` on jobs, candidates and applications, and an application's `move` and `reject`."""

    def route(
        path: str, method: str, name: str, model: type[BaseModel], status: int = 200
    ) -> Callable[[Handler], Handler]:
        return routes.api_route(
            path,
            methods=[method],
            response_model=model,
            status_code=status,
            responses=WRITE_ERRORS,
            name=name,
            tags=["unified ats"],
        )

    @route("/unified/ats/candidates", "POST", "ats_create_candidate", CreateResult, 201)
    async def create_candidate(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        body: Annotated[CandidateCreate, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        # StackOne's create request names the phone `phone_number`; its candidate model, `phone`.
        fields = _unified(body, {"phone_number": "phone"})
        written = await create_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            "ats/candidates",
            fields,
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 201, "Record created successfully", written)

    @route("/unified/ats/candidates/{id}", "PATCH", "ats_update_candidate", CreateResult)
    async def update_candidate(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        body: Annotated[CandidateUpdate, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        fields = _unified(body)
        written = await update_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            "ats/candidates",
            id,
            fields,
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 200, "Record updated successfully", written)

    @route("/unified/ats/jobs", "POST", "ats_create_job", CreateResult, 201)
    async def create_job(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        body: Annotated[JobWrite, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        written = await create_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            "ats/jobs",
            _unified(body),
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 201, "Record created successfully", written)

    @route("/unified/ats/jobs/{id}", "PATCH", "ats_update_job", CreateResult)
    async def update_job(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        body: Annotated[JobWrite, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        written = await update_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            "ats/jobs",
            id,
            _unified(body),
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 200, "Record updated successfully", written)

    @route("/unified/ats/applications", "POST", "ats_create_application", CreateResult, 201)
    async def create_application(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        body: Annotated[ApplicationCreate, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        fields = _unified(body)
        written = await create_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            "ats/applications",
            fields,
            policy=request.app.state.retry_policy,
        )
        return written_answer(platform, 201, "Record created successfully", written)

    @route("/unified/ats/applications/{id}", "PATCH", "ats_update_application", UpdateResult)
    async def update_application(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        body: Annotated[ApplicationUpdate, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        fields = _unified(body)
        await update_record(
            platform,
            project,
            account_id_of(x_account_id, None),
            "ats/applications",
            id,
            fields,
            policy=request.app.state.retry_policy,
        )
        return done_answer(platform, "Record updated successfully")

    @route("/unified/ats/applications/{id}/move", "POST", "ats_move_application", CreateResult)
    async def move_application(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        body: Annotated[ApplicationMove, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        written = await _operation(request, project, platform, x_account_id, "move", id, body)
        return written_answer(platform, 200, "Application moved successfully", written)

    @route("/unified/ats/applications/{id}/reject", "POST", "ats_reject_application", CreateResult)
    async def reject_application(
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        id: Annotated[str, Path(min_length=1, max_length=MAX_ID)],
        body: Annotated[ApplicationReject, Body()],
        x_account_id: AccountHeader = None,
    ) -> dict[str, Any]:
        written = await _operation(request, project, platform, x_account_id, "reject", id, body)
        return written_answer(platform, 200, "Application rejected successfully", written)


async def _operation(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    x_account_id: str | None,
    operation: str,
    record_id: str,
    body: _Request,
) -> Written:
    fields = _unified(body)
    return await run_operation(
        platform,
        project,
        account_id_of(x_account_id, None),
        "ats/applications",
        operation,
        record_id,
        fields,
        policy=request.app.state.retry_policy,
    )


def add_routes(routes: APIRouter) -> None:
    add_read_routes(routes, "ats", RESOURCES, _list_route, _get_route)
    # A job's application stages, listed under the job (its posting's phases in Factorial).
    page, result = UNIFIED_SHAPES["ats/job_application_stages"]
    routes.add_api_route(
        "/unified/ats/jobs/{id}/application_stages",
        _list_route("job_application_stages", _job_id),
        methods=["GET"],
        response_model=page,
        response_model_exclude_unset=True,
        responses=ERRORS,
        name="ats_list_job_application_stages",
        tags=["unified ats"],
    )
    routes.add_api_route(
        "/unified/ats/jobs/{id}/application_stages/{subResourceId}",
        _job_stage_route("job_application_stages"),
        methods=["GET"],
        response_model=result,
        response_model_exclude_unset=True,
        responses=ERRORS,
        name="ats_get_job_application_stage",
        tags=["unified ats"],
    )
    add_write_routes(routes)
