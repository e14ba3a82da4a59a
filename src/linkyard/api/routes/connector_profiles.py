"""Connector profiles: `/connector_profiles` (create, list, read, change, delete) and StackOne's `/auth_configs`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from linkyard import services
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.services.views import auth_config_view, profile_view

MAX_LIST = 100


class ProfileCreate(BaseModel):
    """`POST /connector_profiles`; the secret is a `SecretStr` so that no repr or error can show it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    connector: str = Field(min_length=1, max_length=64)
    label: str | None = Field(None, max_length=200)
    auth_type: str = Field("oauth2", max_length=32)
    environment: str = Field(max_length=32)
    client_id: str = Field(min_length=1, max_length=512)
    client_secret: SecretStr | None = None
    scopes: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_LIST)
    token_type: str | None = Field(None, max_length=32)
    actions: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_LIST * 2)
    default: bool = False


class ProfileUpdate(BaseModel):
    """`PATCH /connector_profiles/{id}`: only the fields present change; `client_secret` replaces the secret."""

    model_config = ConfigDict(extra="forbid", strict=True)

    label: str | None = Field(None, max_length=200)
    environment: str | None = Field(None, max_length=32)
    client_id: str | None = Field(None, min_length=1, max_length=512)
    client_secret: SecretStr | None = None
    scopes: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_LIST)
    token_type: str | None = Field(None, max_length=32)
    actions: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_LIST * 2)
    default: bool | None = None
    disabled: bool | None = None


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def add_routes(routes: APIRouter) -> None:

    @routes.post("/connector_profiles", status_code=201)
    async def profile_create(
        body: ProfileCreate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        profile = await services.create_profile(
            platform,
            project,
            connector=body.connector,
            environment=body.environment,
            client_id=body.client_id,
            client_secret=_secret(body.client_secret),
            auth_type=body.auth_type,
            label=body.label,
            scopes=body.scopes,
            token_type=body.token_type,
            actions=body.actions,
            default=body.default,
        )
        return profile_view(profile, platform.settings)

    @routes.get("/connector_profiles")
    async def profile_list(project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        profiles = await services.list_profiles(platform, project)
        return {"data": [profile_view(profile, platform.settings) for profile in profiles], "next": None}

    @routes.get("/connector_profiles/{profile_id}")
    async def profile_detail(profile_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return profile_view(await services.get_profile(platform, project, profile_id), platform.settings)

    @routes.patch("/connector_profiles/{profile_id}")
    async def profile_update(
        profile_id: str, body: ProfileUpdate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
        if "client_secret" in changes:
            changes["client_secret"] = _secret(changes["client_secret"])
        profile = await services.update_profile(platform, project, profile_id, **changes)
        return profile_view(profile, platform.settings)

    @routes.delete("/connector_profiles/{profile_id}", status_code=204)
    async def profile_delete(
        profile_id: str, project: ProjectDep, platform: PlatformDep, force: bool = False
    ) -> Response:
        await services.delete_profile(platform, project, profile_id, force=force)
        return Response(status_code=204)

    @routes.get("/auth_configs")
    async def auth_config_list(
        project: ProjectDep,
        platform: PlatformDep,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_LIST)] = 25,
    ) -> dict[str, Any]:
        profiles = await services.list_profiles(platform, project)
        start = (page - 1) * page_size
        chunk = profiles[start : start + page_size]
        more = len(profiles) > start + page_size
        return {
            "data": [auth_config_view(profile) for profile in chunk],
            "next_page": page + 1 if more else None,
            "next": str(page + 1) if more else None,
        }
