"""Actions: `GET /actions` (what may be run, with input schemas) and `POST /actions/rpc` (run one action on one
linked account: what `stackone-ai`'s `tool.execute` sends)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from linkyard import services
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.errors import BadRequest, ValidationFailed
from linkyard.services.actions import list_actions

MAX_FILTER_VALUES = 100


async def retry_policy() -> RetryPolicy:
    """The retry policy of action calls (a dependency, so that tests can put a fast one in its place; async,
    since FastAPI would run a plain function in its thread pool on every call)."""
    return DEFAULT_RETRY_POLICY


RetryPolicyDep = Annotated[RetryPolicy, Depends(retry_policy)]


class JsonBytes(Response):
    """JSON rendered by orjson: provider data passes through as is, without a response model's validation."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ActionCall(BaseModel):
    """`{action, path?, query?, body?, headers?}`; unknown top-level fields are ignored (SDKs add some)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    action: str = Field(min_length=1, max_length=100)
    path: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, Any] | None = None


def account_id_of(header: str | None, body_headers: dict[str, Any] | None) -> str:
    """The account from the `x-account-id` header, or from `body.headers["x-account-id"]`; both must agree."""
    from_body = None
    for name, value in (body_headers or {}).items():
        if name.lower() == "x-account-id":
            from_body = value
    if from_body is not None and not isinstance(from_body, str):
        raise ValidationFailed(
            "Invalid x-account-id", errors=[{"field": "headers.x-account-id", "message": "must be a string"}]
        )
    if header and from_body and header != from_body:
        raise BadRequest("The x-account-id header and body.headers disagree")
    account_id = header or from_body
    if not account_id:
        raise BadRequest("Name the account: send the x-account-id header")
    return account_id


def filter_values(values: list[str] | None, field: str) -> list[str]:
    """`filter[x]=a,b` and `filter[x]=a&filter[x]=b` alike: the values, in order, without blanks."""
    found = [part.strip() for value in values or () for part in value.split(",") if part.strip()]
    if len(found) > MAX_FILTER_VALUES:
        raise ValidationFailed(
            "Too many filter values",
            errors=[{"field": field, "message": f"takes at most {MAX_FILTER_VALUES} values"}],
        )
    return found


def add_routes(routes: APIRouter) -> None:

    @routes.get("/actions")
    async def actions_list(
        project: ProjectDep,
        platform: PlatformDep,
        account_ids: Annotated[list[str] | None, Query(alias="filter[account_ids]")] = None,
        connectors: Annotated[list[str] | None, Query(alias="filter[connectors]")] = None,
    ) -> dict[str, Any]:
        listed = await list_actions(
            platform,
            project,
            account_ids=filter_values(account_ids, "filter[account_ids]"),
            connectors=filter_values(connectors, "filter[connectors]"),
        )
        data = [
            {
                "key": entry.connector.key,
                "name": entry.connector.name,
                "actions": [action.describe() for action in entry.actions],
            }
            for entry in listed
        ]
        return {"data": data, "next": None}

    @routes.post("/actions/rpc")
    async def action_rpc(
        call: ActionCall,
        project: ProjectDep,
        platform: PlatformDep,
        policy: RetryPolicyDep,
        x_account_id: Annotated[str | None, Header(max_length=64)] = None,
    ) -> JsonBytes:
        account_id = account_id_of(x_account_id, call.headers)
        arguments = services.flatten_arguments(path=call.path, query=call.query, body=call.body)
        result = await services.run_action(
            platform, project, account_id, call.action, arguments, policy=policy
        )
        content: dict[str, Any] = {"data": result.data}
        if result.is_list:
            content["next"] = result.next
        return JsonBytes(content)
