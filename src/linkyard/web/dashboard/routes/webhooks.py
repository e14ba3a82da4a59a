"""A project's webhooks: list and create (the signing secret shown once), one webhook with its latest deliveries
(and why it is off, if the platform turned it off), a delivery's attempts; send a test event, rotate the secret,
turn it on or off, replay an event or a time range, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import Response

from linkyard.domain.events import EVENT_TYPES
from linkyard.errors import ValidationFailed
from linkyard.services import webhooks as hooks
from linkyard.web.dashboard.ui import (
    Page,
    ProjectView,
    ProjectViewDep,
    Ui,
    UiDep,
    field_errors,
    form_list,
    form_text,
)

DELIVERIES_SHOWN = 50


async def _list_page(
    ui: Ui, view: ProjectView, *, status: int = 200, values: dict[str, object], errors: dict[str, str]
) -> Response:
    found = await hooks.list_webhooks(view.platform, view.project)
    return ui.render(
        view,
        "dashboard/webhooks.html",
        status=status,
        nav="webhooks",
        webhooks=found,
        event_types=EVENT_TYPES,
        values=values,
        errors=errors,
    )


async def webhooks_page(view: ProjectViewDep, ui: UiDep) -> Response:
    return await _list_page(ui, view, values={"event_types": []}, errors={})


async def webhook_create(view: ProjectViewDep, ui: UiDep, project_id: str) -> Response:
    form = await ui.form(view)
    values: dict[str, object] = {
        "url": form_text(form, "url", limit=2048),
        "description": form_text(form, "description", limit=200),
        "event_types": form_list(form, "event_types"),
    }
    try:
        webhook, secret = await hooks.create_webhook(
            view.platform,
            view.project,
            url=str(values["url"]),
            event_types=list(form_list(form, "event_types")),
            description=str(values["description"]) or None,
        )
    except ValidationFailed as error:
        return await _list_page(ui, view, status=422, values=values, errors=field_errors(error))
    return ui.render(view, "dashboard/webhook_secret.html", nav="webhooks", webhook=webhook, secret=secret)


async def webhook_page(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    webhook = await hooks.get_webhook(view.platform, view.project, webhook_id)
    deliveries = await hooks.list_deliveries(
        view.platform, view.project, webhook_id=webhook_id, limit=DELIVERIES_SHOWN
    )
    window = timedelta(seconds=view.platform.settings.webhook_retry_window_seconds)
    return ui.render(
        view,
        "dashboard/webhook.html",
        nav="webhooks",
        webhook=webhook,
        deliveries=deliveries,
        window_hours=round(window.total_seconds() / 3600, 1),
        errors={},
    )


async def delivery_page(
    view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str, delivery_id: str
) -> Response:
    webhook = await hooks.get_webhook(view.platform, view.project, webhook_id)
    delivery = await hooks.get_delivery(view.platform, view.project, webhook_id, delivery_id)
    return ui.render(
        view, "dashboard/webhook_delivery.html", nav="webhooks", webhook=webhook, delivery=delivery
    )


def _back(project_id: str, webhook_id: str) -> str:
    return f"/projects/{project_id}/webhooks/{webhook_id}"


async def webhook_test(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    await ui.form(view)
    await hooks.send_test_event(view.platform, view.project, webhook_id)
    return ui.redirect(_back(project_id, webhook_id), notice="webhook_test_sent")


async def webhook_rotate(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    await ui.form(view)
    webhook, secret = await hooks.rotate_webhook_secret(view.platform, view.project, webhook_id)
    return ui.render(
        view, "dashboard/webhook_secret.html", nav="webhooks", webhook=webhook, secret=secret, rotated=True
    )


async def webhook_enable(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    await ui.form(view)
    await hooks.update_webhook(view.platform, view.project, webhook_id, enabled=True)
    return ui.redirect(_back(project_id, webhook_id), notice="webhook_enabled")


async def webhook_disable(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    await ui.form(view)
    await hooks.update_webhook(view.platform, view.project, webhook_id, enabled=False)
    return ui.redirect(_back(project_id, webhook_id), notice="webhook_disabled")


def _moment(text: str) -> datetime | None:
    """A `datetime-local` field (the browser's format, read as UTC); unreadable or empty: None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def webhook_replay(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    form = await ui.form(view)
    event_id = form_text(form, "event_id", limit=64) or None
    since = _moment(form_text(form, "since", limit=40))
    until = _moment(form_text(form, "until", limit=40))
    try:
        queued = await hooks.replay_events(
            view.platform, view.project, webhook_id, event_id=event_id, since=since, until=until
        )
    except ValidationFailed as error:
        webhook = await hooks.get_webhook(view.platform, view.project, webhook_id)
        deliveries = await hooks.list_deliveries(
            view.platform, view.project, webhook_id=webhook_id, limit=DELIVERIES_SHOWN
        )
        return ui.render(
            view,
            "dashboard/webhook.html",
            status=422,
            nav="webhooks",
            webhook=webhook,
            deliveries=deliveries,
            window_hours=round(view.platform.settings.webhook_retry_window_seconds / 3600, 1),
            errors=field_errors(error),
        )
    return ui.redirect(
        _back(project_id, webhook_id), notice="webhook_replayed" if queued else "webhook_replay_empty"
    )


async def webhook_delete(view: ProjectViewDep, ui: UiDep, project_id: str, webhook_id: str) -> Response:
    await ui.form(view)
    await hooks.delete_webhook(view.platform, view.project, webhook_id)
    return ui.redirect(f"/projects/{project_id}/webhooks", notice="webhook_deleted")


PAGES = (
    Page("GET", "/projects/{project_id}/webhooks", webhooks_page),
    Page("POST", "/projects/{project_id}/webhooks", webhook_create),
    Page("GET", "/projects/{project_id}/webhooks/{webhook_id}", webhook_page),
    Page("GET", "/projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}", delivery_page),
    Page("POST", "/projects/{project_id}/webhooks/{webhook_id}/test", webhook_test),
    Page("POST", "/projects/{project_id}/webhooks/{webhook_id}/rotate-secret", webhook_rotate),
    Page("POST", "/projects/{project_id}/webhooks/{webhook_id}/enable", webhook_enable),
    Page("POST", "/projects/{project_id}/webhooks/{webhook_id}/disable", webhook_disable),
    Page("POST", "/projects/{project_id}/webhooks/{webhook_id}/replay", webhook_replay),
    Page("POST", "/projects/{project_id}/webhooks/{webhook_id}/delete", webhook_delete),
)
