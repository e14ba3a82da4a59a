"""Webhooks: `/webhooks` (create, list, read, change, delete), their secret's rotation, a test event, replay,
the delivery log (`/webhooks/{id}/deliveries`), and the project's events (`/events`).

StackOne's client (4.28) has no webhooks namespace, so the shapes follow its style elsewhere: snake_case fields,
`{"data": [...], "next": ...}` lists, errors in its envelope. The signing secret is in the answer of a create and
of a rotation, and nowhere else.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import error_responses
from linkyard.domain.events import EVENT_TYPES
from linkyard.services import webhooks as hooks
from linkyard.services.webhooks.views import delivery_view, event_view, webhook_view

MAX_TYPES = 50
_EventType = Annotated[str, Field(min_length=1, max_length=64, json_schema_extra={"enum": list(EVENT_TYPES)})]
# What the document promises is taken (the service checks more: `services.webhooks.destinations`): an https URL
# with a host name, an optional port, and a path without a fragment. An operator's LINKYARD_WEBHOOK_ALLOW_HTTP
# lets http through as well.
_URL: JsonDict = {
    "pattern": r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[1-9][0-9]{0,3})?(/[!-\"$-~]*)?$",
    "format": "uri",
}


class WebhookCreate(BaseModel):
    """`POST /webhooks`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    url: str = Field(min_length=1, max_length=2048, json_schema_extra=_URL)
    event_types: list[_EventType] = Field(min_length=1, max_length=MAX_TYPES)
    description: str | None = Field(None, max_length=200)
    enabled: bool = True


class WebhookUpdate(BaseModel):
    """`PATCH /webhooks/{id}`: only the fields present change."""

    model_config = ConfigDict(extra="forbid", strict=True)

    url: (
        Annotated[str, Field(min_length=1, max_length=2048, json_schema_extra=_URL)] | SkipJsonSchema[None]
    ) = None
    event_types: (
        Annotated[list[_EventType], Field(min_length=1, max_length=MAX_TYPES)] | SkipJsonSchema[None]
    ) = None
    description: str | None = Field(None, max_length=200)
    enabled: bool | SkipJsonSchema[None] = None


class SecretRotation(BaseModel):
    """`POST /webhooks/{id}/rotate_secret`: how long the old secret keeps signing too."""

    model_config = ConfigDict(extra="forbid")

    overlap_seconds: int = Field(
        int(hooks.endpoints.DEFAULT_OVERLAP.total_seconds()),
        ge=0,
        le=int(hooks.endpoints.MAX_OVERLAP.total_seconds()),
    )


class Replay(BaseModel):
    """`POST /webhooks/{id}/replay`: one event (`event_id`), or the subscribed events from `start_date` (to
    `end_date`, if given; a range that ends before it starts holds no event)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": ["event_id"]}, {"required": ["start_date"]}]},
    )

    event_id: Annotated[str, Field(max_length=64)] | SkipJsonSchema[None] = None
    start_date: AwareDatetime | SkipJsonSchema[None] = None
    end_date: AwareDatetime | SkipJsonSchema[None] = None


def _with_secret(view: dict[str, Any], secret: str) -> dict[str, Any]:
    return {**view, "secret": secret}


def add_routes(routes: APIRouter) -> None:

    @routes.post("/webhooks", status_code=201, responses=error_responses())
    async def webhook_create(
        body: WebhookCreate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        webhook, secret = await hooks.create_webhook(
            platform,
            project,
            url=body.url,
            event_types=body.event_types,
            description=body.description,
            enabled=body.enabled,
        )
        return _with_secret(webhook_view(webhook), secret)

    @routes.get("/webhooks", responses=error_responses())
    async def webhook_list(project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        found = await hooks.list_webhooks(platform, project)
        return {"data": [webhook_view(webhook) for webhook in found], "next": None}

    @routes.get("/webhooks/{webhook_id}", responses=error_responses(404))
    async def webhook_detail(webhook_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return webhook_view(await hooks.get_webhook(platform, project, webhook_id))

    @routes.patch("/webhooks/{webhook_id}", responses=error_responses(404))
    async def webhook_update(
        webhook_id: str, body: WebhookUpdate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        webhook = await hooks.update_webhook(
            platform,
            project,
            webhook_id,
            url=body.url,
            event_types=body.event_types,
            description=body.description,
            enabled=body.enabled,
        )
        return webhook_view(webhook)

    @routes.delete("/webhooks/{webhook_id}", status_code=204, responses=error_responses(404))
    async def webhook_delete(webhook_id: str, project: ProjectDep, platform: PlatformDep) -> Response:
        await hooks.delete_webhook(platform, project, webhook_id)
        return Response(status_code=204)

    @routes.post("/webhooks/{webhook_id}/rotate_secret", responses=error_responses(404))
    async def webhook_rotate_secret(
        webhook_id: str, body: SecretRotation, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        webhook, secret = await hooks.rotate_webhook_secret(
            platform, project, webhook_id, overlap=timedelta(seconds=body.overlap_seconds)
        )
        return _with_secret(webhook_view(webhook), secret)

    @routes.post("/webhooks/{webhook_id}/test", status_code=202, responses=error_responses(404))
    async def webhook_test(webhook_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return {"event_id": await hooks.send_test_event(platform, project, webhook_id)}

    @routes.post("/webhooks/{webhook_id}/replay", status_code=202, responses=error_responses(404))
    async def webhook_replay(
        webhook_id: str, body: Replay, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        since: datetime | None = body.start_date
        queued = await hooks.replay_events(
            platform, project, webhook_id, event_id=body.event_id, since=since, until=body.end_date
        )
        return {"queued": queued}

    @routes.get("/webhooks/{webhook_id}/deliveries", responses=error_responses(404))
    async def webhook_deliveries(
        webhook_id: str,
        project: ProjectDep,
        platform: PlatformDep,
        status: Literal["pending", "delivered", "failed"] | None = None,
        event_id: Annotated[str | None, Query(max_length=64)] = None,
        page_size: Annotated[int, Query(ge=1, le=100)] = 100,
    ) -> dict[str, Any]:
        found = await hooks.list_deliveries(
            platform, project, webhook_id=webhook_id, event_id=event_id, status=status, limit=page_size
        )
        return {"data": [delivery_view(delivery) for delivery in found], "next": None}

    @routes.get("/webhooks/{webhook_id}/deliveries/{delivery_id}", responses=error_responses(404))
    async def webhook_delivery(
        webhook_id: str, delivery_id: str, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        delivery = await hooks.get_delivery(platform, project, webhook_id, delivery_id)
        return delivery_view(delivery, attempts=True)

    @routes.get("/events", responses=error_responses())
    async def event_list(
        project: ProjectDep,
        platform: PlatformDep,
        type: Annotated[str | None, Query(max_length=64)] = None,
        page_size: Annotated[int, Query(ge=1, le=100)] = 100,
    ) -> dict[str, Any]:
        found = await hooks.list_events(platform, project, types=[type] if type else [], limit=page_size)
        return {"data": [event_view(event) for event in found], "next": None}

    @routes.get("/events/{event_id}", responses=error_responses(404))
    async def event_detail(event_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return event_view(await hooks.get_event(platform, project, event_id))
