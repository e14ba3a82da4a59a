"""`POST /actions/search`: the catalogue's actions ranked by how well they match a request in words."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from linkyard.api.bodies import JsonInt
from linkyard.api.deps import ProjectDep
from linkyard.api.schemas import SearchResults, catalogue_fields, error_responses
from linkyard.connectors import list_connectors
from linkyard.errors import ValidationFailed
from linkyard.services.search import DEFAULT_TOP_K, MAX_TOP_K, search_actions


class ActionSearch(BaseModel):
    """`{query, connector?, top_k?, min_similarity?}`; other fields are ignored (`stackone-ai` may send
    `project_id`)."""

    model_config = ConfigDict(
        extra="ignore", strict=True, json_schema_extra=catalogue_fields({"connector": "connector"})
    )

    query: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    connector: str | None = Field(None, min_length=1, max_length=64)
    top_k: JsonInt = Field(DEFAULT_TOP_K, ge=1, le=MAX_TOP_K)
    min_similarity: float = Field(0.0, ge=0.0, le=1.0)


def add_routes(routes: APIRouter) -> None:

    @routes.post("/actions/search", response_model=SearchResults, responses=error_responses())
    async def action_search(search: ActionSearch, project: ProjectDep) -> dict[str, Any]:
        """The best matches first, each with a `similarity_score` in [0, 1]; `total_count` counts every
        action that matched, of which `results` holds the first `top_k`."""
        connector = search.connector.lower() if search.connector else None
        if connector is not None and connector not in {known.key for known in list_connectors()}:
            raise ValidationFailed(
                "Unknown connector", errors=[{"field": "connector", "message": "is not a connector"}]
            )
        found = search_actions(
            search.query, connector=connector, top_k=search.top_k, min_similarity=search.min_similarity
        )
        return {
            "results": [
                {
                    "id": match.action.id,
                    "action_name": match.action.id,
                    "connector_key": match.connector.key,
                    "label": match.action.label,
                    "description": match.action.description,
                    "similarity_score": match.score,
                }
                for match in found.matches
            ],
            "total_count": found.total,
            "query": search.query,
        }
