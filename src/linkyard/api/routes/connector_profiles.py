"""Connector profiles: `/connector_profiles` (create, list, read, change, delete) and StackOne's `/auth_configs`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from linkyard import services
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import AuthConfigList, Profile, ProfileList, catalogue_fields, error_responses
from linkyard.services.profiles import MAX_CLIENT_SECRET_LENGTH
from linkyard.services.views import auth_config_view, profile_view

MAX_LIST = 100
MAX_ACTIONS = 2000
"""The most actions a profile names: Factorial's whole API is some 670 tools, with room for more connectors'."""
# What the document adds to the checks the services make (not blank, at most so long), so that a request the
# document calls valid is one the platform takes; the services still answer a breach with their own 422.
_NOT_BLANK: JsonDict = {"pattern": r"\S"}
_SECRET: JsonDict = {"pattern": r"\S", "maxLength": MAX_CLIENT_SECRET_LENGTH}
_CATALOGUE = catalogue_fields(
    {
        "connector": "connector",
        "auth_type": "auth_type",
        "environment": "environment",
        "token_type": "token_type",
        "scopes": "scope",
        "actions": "action",
    }
)


class ProfileCreate(BaseModel):
    """`POST /connector_profiles`; the secret is a `SecretStr` so that no repr or error can show it.

    Every enabled action's required scopes must be among `scopes` (422 naming the action otherwise)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_CATALOGUE)

    connector: str = Field(min_length=1, max_length=64)
    label: str | None = Field(None, max_length=200)
    auth_type: str = Field("oauth2", max_length=32)
    environment: str = Field(max_length=32)
    client_id: str = Field(min_length=1, max_length=512, json_schema_extra=_NOT_BLANK)
    client_secret: SecretStr | None = Field(None, json_schema_extra=_SECRET)
    scopes: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_LIST)
    token_type: str | None = Field(None, max_length=32)
    actions: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_ACTIONS)
    default: bool = False


class ProfileUpdate(BaseModel):
    """`PATCH /connector_profiles/{id}`: only the fields present change; `client_secret` replaces the secret
    (null: a public client), `scopes` / `actions` null go back to the defaults. The profile that results is
    checked as on create. `default` only takes `true` (make another profile the default instead of `false`).

    The fields documented without null refuse it (422, from the service)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=catalogue_fields(
            {"environment": "environment", "token_type": "token_type", "scopes": "scope", "actions": "action"}
        ),
    )

    label: str | None = Field(None, max_length=200)
    # Annotated constraints: on the text only (a null is the service's 422, not a type error).
    environment: Annotated[str, Field(max_length=32)] | SkipJsonSchema[None] = None
    client_id: Annotated[str, Field(min_length=1, max_length=512)] | SkipJsonSchema[None] = Field(
        None, json_schema_extra=_NOT_BLANK
    )
    client_secret: SecretStr | None = Field(None, json_schema_extra=_SECRET)
    scopes: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_LIST)
    token_type: Annotated[str, Field(max_length=32)] | SkipJsonSchema[None] = None
    actions: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=MAX_ACTIONS)
    default: bool | SkipJsonSchema[None] = Field(None, json_schema_extra={"enum": [True]})
    disabled: bool | SkipJsonSchema[None] = None


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def add_routes(routes: APIRouter) -> None:

    @routes.post("/connector_profiles", status_code=201, response_model=Profile, responses=error_responses())
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

    @routes.get("/connector_profiles", response_model=ProfileList, responses=error_responses())
    async def profile_list(project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        profiles = await services.list_profiles(platform, project)
        return {"data": [profile_view(profile, platform.settings) for profile in profiles], "next": None}

    @routes.get("/connector_profiles/{profile_id}", response_model=Profile, responses=error_responses(404))
    async def profile_detail(profile_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return profile_view(await services.get_profile(platform, project, profile_id), platform.settings)

    @routes.patch("/connector_profiles/{profile_id}", response_model=Profile, responses=error_responses(404))
    async def profile_update(
        profile_id: str, body: ProfileUpdate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
        if "client_secret" in changes:
            changes["client_secret"] = _secret(changes["client_secret"])
        profile = await services.update_profile(platform, project, profile_id, **changes)
        return profile_view(profile, platform.settings)

    @routes.delete("/connector_profiles/{profile_id}", status_code=204, responses=error_responses(404, 409))
    async def profile_delete(
        profile_id: str, project: ProjectDep, platform: PlatformDep, force: bool = False
    ) -> Response:
        await services.delete_profile(platform, project, profile_id, force=force)
        return Response(status_code=204)

    @routes.get("/auth_configs", response_model=AuthConfigList, responses=error_responses())
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
