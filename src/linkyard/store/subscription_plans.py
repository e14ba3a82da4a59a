"""Planning an account's subscriptions at its provider, inside the transaction that links it (or that adds a
webhook wanting their events): rows the subscribers then make (`store.event_subscriptions`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.domain import new_id
from linkyard.domain.events import PlannedSubscription
from linkyard.store.tables import event_subscriptions, webhooks


async def project_wants(conn: AsyncConnection, project_id: str, event_types: Sequence[str]) -> bool:
    """Whether an enabled webhook of the project subscribes to one of `event_types`."""
    rows = await conn.execute(
        select(webhooks.c.event_types).where(
            webhooks.c.project_id == project_id, webhooks.c.enabled.is_(True)
        )
    )
    wanted = set(event_types)
    return any(wanted.intersection(row.event_types) for row in rows)


async def plan_subscriptions(
    conn: AsyncConnection,
    project_id: str,
    account_id: str,
    planned: Sequence[PlannedSubscription],
    now: datetime,
    *,
    renew: bool,
) -> None:
    """Write the account's planned subscriptions in the transaction of `conn`, if a webhook of the project wants
    their events. `renew` (a link or re-link): existing ones are made again (with a new token and challenge)
    and their scope decided again; otherwise only the missing ones are added."""
    if not planned or not await project_wants(conn, project_id, [p.event_type for p in planned]):
        return
    existing = {
        row.subscription: row.id
        for row in await conn.execute(
            select(event_subscriptions.c.id, event_subscriptions.c.subscription).where(
                event_subscriptions.c.account_id == account_id
            )
        )
    }
    for plan in planned:
        due = now if plan.status == "pending" else None
        values = {
            "event_type": plan.event_type,
            "status": plan.status,
            "detail": plan.detail,
            "attempt_count": 0,
            "next_attempt_at": due,
            "updated_at": now,
        }
        found = existing.get(plan.subscription)
        if found is None:
            await conn.execute(
                insert(event_subscriptions).values(
                    id=new_id("esub"),
                    project_id=project_id,
                    account_id=account_id,
                    subscription=plan.subscription,
                    remote_id=None,
                    token_hash=None,
                    challenge_hash=None,
                    created_at=now,
                    **values,
                )
            )
        elif renew:
            await conn.execute(
                update(event_subscriptions).where(event_subscriptions.c.id == found).values(values)
            )
