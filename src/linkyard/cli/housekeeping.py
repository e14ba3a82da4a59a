"""`linkyard housekeeping run`: delete used OAuth states and old connect sessions now (servers do it on a timer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from linkyard.cli.output import cell_text, console, print_json
from linkyard.cli.runtime import json_option, opened_store, run

if TYPE_CHECKING:
    from linkyard.services import Sweep

app = typer.Typer(
    help="Housekeeping: delete what the platform no longer needs. Each server does it every "
    "LINKYARD_HOUSEKEEPING_INTERVAL_SECONDS; this runs it once, say from cron when that is 0."
)


@app.command("run")
def run_once(
    batch_size: int = typer.Option(500, min=1, max=100_000, help="Rows deleted per transaction."),
    as_json: bool = json_option(),
) -> None:
    """Delete used and expired OAuth states, long-expired connect sessions and old request logs and events, once.

    Connect sessions go LINKYARD_CONNECT_SESSION_RETENTION_DAYS after they expire; request logs after
    LINKYARD_REQUEST_LOG_RETENTION_DAYS, and beyond LINKYARD_REQUEST_LOG_MAX_PER_PROJECT per project; events (with
    their deliveries) after LINKYARD_EVENT_RETENTION_DAYS. Safe
    while serving and next to the servers' own sweeps: every row is deleted once, in short transactions.
    """
    from datetime import timedelta

    from linkyard.services.housekeeping import LogRetention, retention_of, sweep_storage

    async def work() -> Sweep:
        async with opened_store() as (settings, store):
            return await sweep_storage(
                store,
                retention=retention_of(settings),
                batch_size=batch_size,
                logs=LogRetention.from_settings(settings),
                event_age=timedelta(days=settings.event_retention_days),
            )

    swept = run(work)
    if as_json:
        print_json(
            {
                "oauth_states": swept.oauth_states,
                "connect_sessions": swept.connect_sessions,
                "ended_dashboard_sessions": swept.ended_dashboard_sessions,
                "sessions_expired_before": swept.sessions_expired_before,
                "request_logs": swept.request_logs,
                "events": swept.events,
            }
        )
        return
    console().print(
        f"Deleted {swept.oauth_states} used or expired OAuth state(s) and {swept.connect_sessions} connect "
        f"session(s) that expired before {cell_text(swept.sessions_expired_before)}; "
        f"{swept.ended_dashboard_sessions} signed-out dashboard session record(s) past their expiry; "
        f"{swept.request_logs} request log(s) and {swept.events} event(s) past their retention."
    )
