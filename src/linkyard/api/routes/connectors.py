"""The connector catalogue (read-only): `GET /connectors`, `GET /connectors/{key}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from linkyard.api.deps import ProjectDep
from linkyard.api.schemas import ConnectorDetail, ConnectorList, error_responses
from linkyard.connectors import get_connector, list_connectors
from linkyard.services.views import connector_summary, connector_view


def add_routes(routes: APIRouter) -> None:

    @routes.get("/connectors", response_model=ConnectorList, responses=error_responses())
    async def connectors_list(project: ProjectDep) -> dict[str, Any]:
        return {"data": [connector_summary(connector) for connector in list_connectors()]}

    @routes.get("/connectors/{key}", response_model=ConnectorDetail, responses=error_responses(404))
    async def connector_detail(key: str, project: ProjectDep) -> dict[str, Any]:
        return connector_view(get_connector(key))
