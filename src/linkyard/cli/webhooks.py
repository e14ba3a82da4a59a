"""`linkyard webhooks create|list|show|update|delete|rotate-secret|test|replay|deliveries|delivery|events`: a
project's webhooks and their delivery log, through the services the API uses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from linkyard.cli.output import console, print_fields, print_json, print_table
from linkyard.cli.runtime import find_project, json_option, opened_platform, project_option, run

if TYPE_CHECKING:
    from linkyard.domain.events import Delivery, Event, Webhook

app = typer.Typer(
    help="Webhooks: where a project's events are sent, signed, and what became of each delivery."
)

_WEBHOOK_ID = typer.Argument(..., help="The webhook's id (whk_...).")


def _print_webhook(webhook: Webhook, *, as_json: bool, secret: str | None = None) -> None:
    from linkyard.services.webhooks.views import webhook_view

    view = webhook_view(webhook)
    if secret is not None:
        view["secret"] = secret
    if as_json:
        print_json(view)
        return
    state = "enabled" if webhook.enabled else f"disabled ({webhook.disabled_reason or 'by you'})"
    print_fields(
        f"Webhook {webhook.id}",
        [
            ("url", webhook.url),
            ("event types", ", ".join(webhook.event_types)),
            ("state", state),
            ("failing since", webhook.failing_since),
            ("description", webhook.description),
            ("previous secret signs until", webhook.previous_secret_expires_at),
        ],
    )
    if secret is not None:
        out = console()
        out.print(f"Signing secret: {secret}")
        out.print("It is shown this once: store it now.", style="yellow")


@app.command("create")
def create(
    url: str = typer.Option(..., "--url", help="Where events are sent (https)."),
    event_types: Annotated[
        list[str] | None,
        typer.Option("--event", help="An event type to send (account.created, ...); repeatable."),
    ] = None,
    description: str | None = typer.Option(None, "--description", help="What the webhook is for."),
    disabled: bool = typer.Option(False, "--disabled", help="Create it turned off."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """Create a webhook and print its signing secret (this once)."""
    from linkyard.services.webhooks import create_webhook

    async def work() -> tuple[Webhook, str]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await create_webhook(
                platform,
                owner,
                url=url,
                event_types=event_types or [],
                description=description,
                enabled=not disabled,
            )

    webhook, secret = run(work)
    _print_webhook(webhook, as_json=as_json, secret=secret)


@app.command("list")
def list_all(project: str = project_option(), as_json: bool = json_option()) -> None:
    """The project's webhooks."""
    from linkyard.services.webhooks import list_webhooks
    from linkyard.services.webhooks.views import webhook_view

    async def work() -> list[Webhook]:
        async with opened_platform() as platform:
            return await list_webhooks(platform, await find_project(platform, project))

    found = run(work)
    if as_json:
        print_json([webhook_view(w) for w in found])
        return
    print_table(
        "Webhooks",
        ["id", "url", "event types", "state"],
        (
            [
                w.id,
                w.url,
                ", ".join(w.event_types),
                "enabled" if w.enabled else f"disabled ({w.disabled_reason})",
            ]
            for w in found
        ),
        empty="The project has no webhooks: `linkyard webhooks create`.",
    )


@app.command("show")
def show(
    webhook_id: str = _WEBHOOK_ID, project: str = project_option(), as_json: bool = json_option()
) -> None:
    """One webhook (never its secret)."""
    from linkyard.services.webhooks import get_webhook

    async def work() -> Webhook:
        async with opened_platform() as platform:
            return await get_webhook(platform, await find_project(platform, project), webhook_id)

    _print_webhook(run(work), as_json=as_json)


@app.command("update")
def update(
    webhook_id: str = _WEBHOOK_ID,
    url: str | None = typer.Option(None, "--url", help="A new URL."),
    event_types: Annotated[
        list[str] | None, typer.Option("--event", help="The event types to send (replace them); repeatable.")
    ] = None,
    description: str | None = typer.Option(None, "--description"),
    enable: bool | None = typer.Option(
        None, "--enable/--disable", help="Turn it on (clears a failing streak) or off."
    ),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """Change a webhook: only what is given."""
    from linkyard.services.webhooks import update_webhook

    async def work() -> Webhook:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await update_webhook(
                platform,
                owner,
                webhook_id,
                url=url,
                event_types=event_types or None,
                description=description,
                enabled=enable,
            )

    _print_webhook(run(work), as_json=as_json)


@app.command("delete")
def delete(webhook_id: str = _WEBHOOK_ID, project: str = project_option()) -> None:
    """Delete a webhook and its delivery log (the events stay)."""
    from linkyard.services.webhooks import delete_webhook

    async def work() -> None:
        async with opened_platform() as platform:
            await delete_webhook(platform, await find_project(platform, project), webhook_id)

    run(work)
    console().print(f"Webhook {webhook_id} deleted.")


@app.command("rotate-secret")
def rotate_secret(
    webhook_id: str = _WEBHOOK_ID,
    overlap_seconds: int = typer.Option(
        86_400,
        "--overlap-seconds",
        help="How long the old secret keeps signing too (both signatures are sent).",
    ),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """Make a new signing secret and print it (this once)."""
    from linkyard.services.webhooks import rotate_webhook_secret

    async def work() -> tuple[Webhook, str]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await rotate_webhook_secret(
                platform, owner, webhook_id, overlap=timedelta(seconds=overlap_seconds)
            )

    webhook, secret = run(work)
    _print_webhook(webhook, as_json=as_json, secret=secret)


@app.command("test")
def test(
    webhook_id: str = _WEBHOOK_ID, project: str = project_option(), as_json: bool = json_option()
) -> None:
    """Send a `webhook.test` event to this webhook (the server's workers deliver it)."""
    from linkyard.services.webhooks import send_test_event

    async def work() -> str:
        async with opened_platform() as platform:
            return await send_test_event(platform, await find_project(platform, project), webhook_id)

    event_id = run(work)
    if as_json:
        print_json({"event_id": event_id})
        return
    console().print(f"Test event {event_id} queued.")


@app.command("replay")
def replay(
    webhook_id: str = _WEBHOOK_ID,
    event_id: str | None = typer.Option(None, "--event", help="One event to send again (evt_...)."),
    since: Annotated[
        datetime | None, typer.Option("--since", help="The range's start (ISO 8601, UTC if no zone).")
    ] = None,
    until: Annotated[datetime | None, typer.Option("--until", help="The range's end (ISO 8601).")] = None,
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """Send one event again, or the events of a time range the webhook subscribes to."""
    from datetime import UTC

    from linkyard.services.webhooks import replay_events

    def aware(moment: datetime | None) -> datetime | None:
        return None if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)

    async def work() -> int:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await replay_events(
                platform, owner, webhook_id, event_id=event_id, since=aware(since), until=aware(until)
            )

    queued = run(work)
    if as_json:
        print_json({"queued": queued})
        return
    console().print(f"{queued} event(s) queued again.")


@app.command("deliveries")
def deliveries(
    webhook_id: str = _WEBHOOK_ID,
    status: str | None = typer.Option(None, "--status", help="pending, delivered or failed."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """The webhook's latest deliveries (100 at most), newest first."""
    from linkyard.services.webhooks import list_deliveries
    from linkyard.services.webhooks.views import delivery_view

    if status not in (None, "pending", "delivered", "failed"):
        raise typer.BadParameter("one of pending, delivered, failed", param_hint="--status")

    async def work() -> list[Delivery]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await list_deliveries(platform, owner, webhook_id=webhook_id, status=status)  # type: ignore[arg-type]

    found = run(work)
    if as_json:
        print_json([delivery_view(d) for d in found])
        return
    print_table(
        "Deliveries",
        ["id", "event", "type", "status", "attempts", "last status", "last error"],
        (
            [d.id, d.event_id, d.event_type, d.status, d.attempt_count, d.last_status_code, d.last_error]
            for d in found
        ),
        empty="No deliveries yet.",
    )


@app.command("delivery")
def delivery(
    webhook_id: str = _WEBHOOK_ID,
    delivery_id: str = typer.Argument(..., help="The delivery's id (dlv_...)."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """One delivery with each attempt: when, the status, the latency, an excerpt of the answer."""
    from linkyard.services.webhooks import get_delivery
    from linkyard.services.webhooks.views import delivery_view

    async def work() -> Delivery:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await get_delivery(platform, owner, webhook_id, delivery_id)

    found = run(work)
    if as_json:
        print_json(delivery_view(found, attempts=True))
        return
    print_table(
        f"Delivery {found.id} of {found.event_id} ({found.status})",
        ["attempted", "status", "latency ms", "error", "answer"],
        ([a.attempted_at, a.status_code, a.latency_ms, a.error, a.response_excerpt] for a in found.attempts),
        empty="Not tried yet.",
    )


@app.command("events")
def events(
    event_type: str | None = typer.Option(None, "--type", help="Only events of this type."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """The project's latest events (100 at most), newest first."""
    from linkyard.services.webhooks import list_events
    from linkyard.services.webhooks.views import event_view

    async def work() -> list[Event]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await list_events(platform, owner, types=[event_type] if event_type else [])

    found = run(work)
    rows: list[list[Any]] = [[e.id, e.type, e.created_at, e.data.get("id")] for e in found]
    if as_json:
        print_json([event_view(e) for e in found])
        return
    print_table("Events", ["id", "type", "created", "object"], rows, empty="No events yet.")
