"""Webhook use cases: create, list, read, change, delete, rotate the secret, send a test event, replay, and read
the delivery log and the events. The API, the CLI and the dashboard all come here."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from linkyard.domain import Project
from linkyard.domain.events import EVENT_TYPES, Delivery, DeliveryStatus, Event, Webhook
from linkyard.errors import FieldError, NotFound, ValidationFailed
from linkyard.services.platform import Platform
from linkyard.services.provider_events.planning import plan_project, wants_data_events
from linkyard.services.webhooks.destinations import check_webhook_url
from linkyard.store.webhooks import MAX_WEBHOOKS_PER_PROJECT

DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=7)
MAX_LIST = 100


def new_signing_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _event_types(event_types: Sequence[str]) -> tuple[str, ...]:
    unknown = sorted({t for t in event_types if t not in EVENT_TYPES})
    if unknown or not event_types:
        message = (
            "event_types must name at least one event type"
            if not event_types
            else f"unknown event types; known: {', '.join(EVENT_TYPES)}"
        )
        raise ValidationFailed(message, errors=[FieldError(field="event_types", message=message)])
    return tuple(dict.fromkeys(event_types))


async def create_webhook(
    platform: Platform,
    project: Project,
    *,
    url: str,
    event_types: Sequence[str],
    description: str | None = None,
    enabled: bool = True,
) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (shown this once: only its sealed form is kept)."""
    checked = check_webhook_url(url, allow_http=platform.settings.webhook_allow_http)
    types = _event_types(event_types)
    if await platform.store.webhooks.count(project.id) >= MAX_WEBHOOKS_PER_PROJECT:
        message = f"a project has at most {MAX_WEBHOOKS_PER_PROJECT} webhooks"
        raise ValidationFailed(message, errors=[FieldError(field="url", message=message)])
    secret = new_signing_secret()
    webhook = await platform.store.webhooks.create(
        project.id, url=checked, event_types=types, secret=secret, description=description, enabled=enabled
    )
    if webhook.enabled and wants_data_events(webhook.event_types):
        await plan_project(platform, project)  # the accounts linked before it get their subscriptions too
    return webhook, secret


async def list_webhooks(platform: Platform, project: Project) -> list[Webhook]:
    return await platform.store.webhooks.list(project.id)


async def get_webhook(platform: Platform, project: Project, webhook_id: str) -> Webhook:
    return await platform.store.webhooks.get(project.id, webhook_id)


async def update_webhook(
    platform: Platform,
    project: Project,
    webhook_id: str,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Webhook:
    """Change what is given; turning a webhook back on clears why it was off."""
    checked = None if url is None else check_webhook_url(url, allow_http=platform.settings.webhook_allow_http)
    types = None if event_types is None else _event_types(event_types)
    webhook = await platform.store.webhooks.update(
        project.id, webhook_id, url=checked, event_types=types, description=description, enabled=enabled
    )
    if webhook.enabled and wants_data_events(webhook.event_types):
        await plan_project(platform, project)
    return webhook


async def delete_webhook(platform: Platform, project: Project, webhook_id: str) -> None:
    await platform.store.webhooks.delete(project.id, webhook_id)


async def rotate_webhook_secret(
    platform: Platform, project: Project, webhook_id: str, *, overlap: timedelta = DEFAULT_OVERLAP
) -> tuple[Webhook, str]:
    """A new signing secret (shown this once); the old one signs too for `overlap` (both signatures are sent)."""
    if overlap < timedelta(0) or overlap > MAX_OVERLAP:
        message = f"the overlap is between 0 and {int(MAX_OVERLAP.total_seconds())} seconds"
        raise ValidationFailed(message, errors=[FieldError(field="overlap_seconds", message=message)])
    secret = new_signing_secret()
    webhook = await platform.store.webhooks.rotate_secret(
        project.id, webhook_id, secret=secret, overlap_until=platform.clock() + overlap
    )
    return webhook, secret


async def send_test_event(platform: Platform, project: Project, webhook_id: str) -> str:
    """Queue a `webhook.test` event for this webhook alone; its id (the `webhook-id` it arrives with)."""
    return await platform.store.webhooks.send_test_event(project.id, webhook_id)


async def replay_events(
    platform: Platform,
    project: Project,
    webhook_id: str,
    *,
    event_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Send again one event, or the events of a time range the webhook subscribes to; how many were queued (a
    range that ends before it starts holds none)."""
    if event_id is None and since is None:
        message = "give an event_id, or a start_date (and an end_date if you wish)"
        raise ValidationFailed(message, errors=[FieldError(field="event_id", message=message)])
    return await platform.store.deliveries.replay(
        project.id, webhook_id, event_id=event_id, since=since, until=until
    )


async def list_deliveries(
    platform: Platform,
    project: Project,
    *,
    webhook_id: str | None = None,
    event_id: str | None = None,
    status: DeliveryStatus | None = None,
    limit: int = MAX_LIST,
) -> list[Delivery]:
    if webhook_id is not None:
        await platform.store.webhooks.get(project.id, webhook_id)  # 404 for another project's
    return await platform.store.deliveries.list(
        project.id, webhook_id=webhook_id, event_id=event_id, status=status, limit=min(limit, MAX_LIST)
    )


async def get_delivery(platform: Platform, project: Project, webhook_id: str, delivery_id: str) -> Delivery:
    """One delivery of a webhook, with its attempts."""
    delivery = await platform.store.deliveries.get(project.id, delivery_id)
    if delivery.webhook_id != webhook_id:
        raise NotFound("delivery not found")
    return delivery


async def list_events(
    platform: Platform, project: Project, *, types: Sequence[str] = (), limit: int = MAX_LIST
) -> list[Event]:
    return await platform.store.deliveries.list_events(project.id, types=types, limit=min(limit, MAX_LIST))


async def get_event(platform: Platform, project: Project, event_id: str) -> Event:
    return await platform.store.deliveries.get_event(project.id, event_id)
