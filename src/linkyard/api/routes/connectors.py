"""The connector catalogue (read-only): `GET /connectors`, `GET /connectors/{key}`, and StackOne's connector meta
(`GET /connectors/meta`, `GET /connectors/meta/{provider}`), routed before `/connectors/{key}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from linkyard import services
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import ConnectorDetail, ConnectorList, ConnectorMeta, error_responses
from linkyard.connectors import get_connector, list_connectors
from linkyard.domain import Project
from linkyard.errors import ValidationFailed
from linkyard.services import Platform
from linkyard.services.views import META_INCLUDES, connector_meta_view, connector_summary, connector_view

_ONE_INCLUDE = f"({'|'.join(META_INCLUDES)})"
IncludeQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=rf"^ *{_ONE_INCLUDE}( *, *{_ONE_INCLUDE})* *$",
        description=f"Comma-separated extras: {', '.join(META_INCLUDES)}",
    ),
]


def _includes(include: str | None) -> frozenset[str]:
    wanted = frozenset(part.strip() for part in (include or "").split(",") if part.strip())
    unknown = sorted(wanted - set(META_INCLUDES))
    if unknown:
        raise ValidationFailed(
            "Unknown include",
            errors=[{"field": "include", "message": f"takes only: {', '.join(META_INCLUDES)}"}],
        )
    return wanted


async def _active_connectors(platform: Platform, project: Project) -> frozenset[str]:
    """The connectors the project can link accounts with: those it has an enabled profile of."""
    profiles = await services.list_profiles(platform, project)
    return frozenset(profile.connector for profile in profiles if not profile.disabled)


def add_routes(routes: APIRouter) -> None:

    @routes.get("/connectors", response_model=ConnectorList, responses=error_responses())
    async def connectors_list(project: ProjectDep) -> dict[str, Any]:
        return {"data": [connector_summary(connector) for connector in list_connectors()]}

    # `response_model_exclude_unset`: what `include=` adds appears only when asked for.
    @routes.get(
        "/connectors/meta",
        response_model=list[ConnectorMeta],
        response_model_exclude_unset=True,
        responses=error_responses(),
    )
    async def connectors_meta(
        project: ProjectDep, platform: PlatformDep, include: IncludeQuery = None
    ) -> list[dict[str, Any]]:
        """StackOne's connector meta of every connector; `active`: the project has an enabled profile of it."""
        extras = _includes(include)
        active = await _active_connectors(platform, project)
        return [
            connector_meta_view(connector, active=connector.key in active, include=extras)
            for connector in list_connectors()
        ]

    @routes.get(
        "/connectors/meta/{provider}",
        response_model=ConnectorMeta,
        response_model_exclude_unset=True,
        responses=error_responses(404),
    )
    async def connector_meta(
        provider: str, project: ProjectDep, platform: PlatformDep, include: IncludeQuery = None
    ) -> dict[str, Any]:
        extras = _includes(include)
        connector = get_connector(provider)
        active = await _active_connectors(platform, project)
        return connector_meta_view(connector, active=connector.key in active, include=extras)

    @routes.get("/connectors/{key}", response_model=ConnectorDetail, responses=error_responses(404))
    async def connector_detail(key: str, project: ProjectDep) -> dict[str, Any]:
        return connector_view(get_connector(key))
