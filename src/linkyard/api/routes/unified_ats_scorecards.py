"""An application's scorecards in StackOne's ATS model: `/unified/ats/applications/{id}/scorecards` and one of them
by `{subResourceId}`, read from the account named by `x-account-id` through its connector's mapping
(Factorial's feedbacks on the application, with their evaluation forms)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import account_id_of
from linkyard.api.routes.unified_common import (
    ERRORS,
    MAX_ID,
    AccountHeader,
    get_query,
    list_query,
    page_answer,
    record_answer,
)
from linkyard.api.schemas import UNIFIED_SHAPES
from linkyard.services.unified import UnifiedQuery, get_under, list_under

RESOURCE = "ats/application_scorecards"

RecordId = Annotated[str, Path(min_length=1, max_length=MAX_ID)]


async def list_application_scorecards(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    x_account_id: AccountHeader = None,
    query: UnifiedQuery = Depends(list_query(RESOURCE)),  # noqa: B008 - the resource's own
) -> dict[str, Any]:
    page = await list_under(
        platform,
        project,
        account_id_of(x_account_id, None),
        RESOURCE,
        ("application_id", id),
        query,
        policy=request.app.state.retry_policy,
    )
    return page_answer(page)


async def get_application_scorecard(
    request: Request,
    project: ProjectDep,
    platform: PlatformDep,
    id: RecordId,
    subResourceId: RecordId,
    x_account_id: AccountHeader = None,
    query: UnifiedQuery = Depends(get_query(RESOURCE)),  # noqa: B008 - the resource's own
) -> dict[str, Any]:
    found = await get_under(
        platform,
        project,
        account_id_of(x_account_id, None),
        RESOURCE,
        ("application_id", id),
        subResourceId,
        query,
        policy=request.app.state.retry_policy,
    )
    return record_answer(found)


def add_routes(routes: APIRouter) -> None:
    page, result = UNIFIED_SHAPES[RESOURCE]
    common: dict[str, Any] = {
        "methods": ["GET"],
        "response_model_exclude_unset": True,
        "responses": ERRORS,
        "tags": ["unified ats"],
    }
    routes.add_api_route(
        "/unified/ats/applications/{id}/scorecards",
        list_application_scorecards,
        response_model=page,
        name="ats_list_application_scorecards",
        **common,
    )
    routes.add_api_route(
        "/unified/ats/applications/{id}/scorecards/{subResourceId}",
        get_application_scorecard,
        response_model=result,
        name="ats_get_application_scorecard",
        **common,
    )
