"""Connect sessions (StackOne's shape): `POST /connect_sessions`, `POST /connect_sessions/authenticate`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from linkyard import services
from linkyard.api.bodies import JsonInt
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import ConnectSession, CreatedConnectSession, catalogue_fields, error_responses
from linkyard.services.connect_sessions import MAX_EXPIRES_IN, MIN_EXPIRES_IN, Category
from linkyard.services.views import session_view


class SessionCreate(BaseModel):
    """StackOne's body; fields this platform does not use (e.g. `multiple`) are ignored, not refused.

    `redirect_url` must be on one of the project's allowed origins; `account_id` re-links that account (and
    `integration_id`, if given, must be its profile)."""

    model_config = ConfigDict(
        extra="ignore", strict=True, json_schema_extra=catalogue_fields({"provider": "connector"})
    )

    origin_owner_id: str = Field(min_length=1, max_length=255)
    origin_owner_name: str = Field(min_length=1, max_length=255)
    origin_username: str | None = Field(None, max_length=255)
    provider: str | None = Field(None, min_length=1, max_length=64)
    integration_id: str | None = Field(None, min_length=1, max_length=64)
    account_id: str | None = Field(None, min_length=1, max_length=64)
    expires_in: JsonInt | None = Field(
        None, json_schema_extra={"minimum": MIN_EXPIRES_IN, "maximum": MAX_EXPIRES_IN}
    )
    label: str | None = Field(None, max_length=200)
    metadata: dict[str, Any] | None = None
    redirect_url: str | None = Field(None, min_length=1)
    categories: list[Category] | None = Field(None, max_length=20)


class SessionAuthenticate(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    token: str = Field(min_length=1, max_length=200)


def add_routes(routes: APIRouter) -> None:

    @routes.post(
        "/connect_sessions",
        status_code=201,
        response_model=CreatedConnectSession,
        responses=error_responses(404),
    )
    async def session_create(
        body: SessionCreate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        created = await services.create_connect_session(
            platform,
            project,
            origin_owner_id=body.origin_owner_id,
            origin_owner_name=body.origin_owner_name,
            origin_username=body.origin_username,
            connector=body.provider,
            profile_id=body.integration_id,
            account_id=body.account_id,
            expires_in=body.expires_in,
            label=body.label,
            metadata=body.metadata,
            redirect_url=body.redirect_url,
            categories=body.categories,
        )
        return session_view(created.session, platform.settings, token=created.token)

    # 201, as StackOne answers it: its client accepts no other status.
    @routes.post(
        "/connect_sessions/authenticate",
        status_code=201,
        response_model=ConnectSession,
        responses=error_responses(404),
    )
    async def session_authenticate(
        body: SessionAuthenticate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        session = await services.authenticate_connect_session(platform, project, body.token)
        return session_view(session, platform.settings)
