"""The transactional outbox: an event is written in the transaction of the change it tells of, or not at all.

`record_event` runs inside a write transaction that is already open (an account linked, its status changed, a
connect session failed): it adds the event and one pending delivery for each enabled webhook of the project
that subscribes to its type. The deliverers (`linkyard.services.webhooks.deliverer`) find the deliveries later;
a rollback takes the event with it, and a commit cannot happen without it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.domain import Account, AccountStatus, new_id
from linkyard.domain.events import account_event_data
from linkyard.store.tables import deliveries, events, webhooks


async def record_event(
    conn: AsyncConnection,
    project_id: str,
    event_type: str,
    data: dict[str, Any],
    now: datetime,
    *,
    only_webhook: str | None = None,
) -> str:
    """Write an event and its deliveries in the transaction of `conn`; the event's id (its `webhook-id`).

    `only_webhook`: the event goes to that webhook alone, whatever it subscribes to (a test event)."""
    statement = select(webhooks.c.id, webhooks.c.event_types).where(
        webhooks.c.project_id == project_id, webhooks.c.enabled.is_(True)
    )
    if only_webhook is not None:
        statement = statement.where(webhooks.c.id == only_webhook)
    targets = [
        row.id
        for row in (await conn.execute(statement)).all()
        if only_webhook is not None or event_type in row.event_types
    ]
    event_id = new_id("evt")
    await conn.execute(
        insert(events).values(id=event_id, project_id=project_id, type=event_type, data=data, created_at=now)
    )
    if targets:
        await conn.execute(
            insert(deliveries),
            [pending_delivery(project_id, event_id, webhook_id, event_type, now) for webhook_id in targets],
        )
    return event_id


def pending_delivery(
    project_id: str, event_id: str, webhook_id: str, event_type: str, now: datetime
) -> dict[str, Any]:
    """The row of a delivery due at once."""
    return {
        "id": new_id("dlv"),
        "project_id": project_id,
        "event_id": event_id,
        "webhook_id": webhook_id,
        "event_type": event_type,
        "status": "pending",
        "attempt_count": 0,
        "next_attempt_at": now,
        "leased_until": None,
        "queued_at": now,
        "created_at": now,
        "updated_at": now,
    }


def account_event_type(before: AccountStatus | None, after: AccountStatus) -> str:
    """What a change of an account is, by its status before (None: it did not exist) and after."""
    if before is None:
        return "account.created"
    if after == "error" and before != "error":
        return "account.error"
    if before == "error" and after == "active":
        return "account.recovered"
    return "account.updated"


async def record_account_change(
    conn: AsyncConnection, before: AccountStatus | None, account: Account, now: datetime
) -> str:
    """The event of an account written or changed in the transaction of `conn` (see `account_event_type`)."""
    return await record_event(
        conn, account.project_id, account_event_type(before, account.status), account_event_data(account), now
    )
