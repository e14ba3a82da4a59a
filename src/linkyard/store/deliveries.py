"""Deliveries repository: claim the due ones across every worker and host, record each attempt, read the log,
replay.

A claim is a lease: the delivery's `next_attempt_at` and `leased_until` move to the end of it, so a deliverer
killed mid-send loses nothing (the delivery is due again when the lease lapses; its receiver may see it twice,
with the same `webhook-id`). Claims take the webhook's row first (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on
SQLite the database's write lock), so that the deliveries in flight to one webhook, counted by their live
leases, never pass its bound, however many deliverers share the work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.domain import Clock, new_id
from linkyard.domain.events import Delivery, DeliveryAttempt, DeliveryStatus, Event
from linkyard.errors import BadRequest, NotFound
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.outbox import pending_delivery
from linkyard.store.tables import deliveries, delivery_attempts, events, webhooks
from linkyard.store.webhooks import signing_secrets

MAX_REPLAY = 10_000
"""The most events one replay queues again (a longer range is refused: replay it in parts)."""
EXCERPT_CHARS = 1_000

Outcome = Literal["delivered", "retry", "failed"]


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery this worker holds until `leased_until`: the event, where it goes, and the secrets to sign."""

    id: str
    project_id: str
    webhook_id: str
    url: str
    secrets: tuple[str, ...]
    event: Event
    attempt_count: int
    queued_at: datetime
    leased_until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AttemptRecord:
    """What one attempt came to, and what follows: delivered, another try at `next_attempt_at`, or given up."""

    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str | None
    outcome: Outcome
    next_attempt_at: datetime | None = None
    disable_webhook_failing_since: datetime | None = None
    """Turn the webhook off (`failing`) if it has failed without a success since this moment or before."""


def event_from_row(m: Mapping[Any, Any]) -> Event:
    return Event(
        id=m["id"], project_id=m["project_id"], type=m["type"], data=m["data"], created_at=m["created_at"]
    )


def delivery_from_row(m: Mapping[Any, Any], attempts: Sequence[DeliveryAttempt] = ()) -> Delivery:
    return Delivery(
        id=m["id"],
        project_id=m["project_id"],
        event_id=m["event_id"],
        event_type=m["event_type"],
        webhook_id=m["webhook_id"],
        status=m["status"],
        attempt_count=m["attempt_count"],
        next_attempt_at=m["next_attempt_at"],
        created_at=m["created_at"],
        delivered_at=m["delivered_at"],
        last_status_code=m["last_status_code"],
        last_error=m["last_error"],
        attempts=tuple(attempts),
    )


class DeliveryRepository:
    """Events, their deliveries to webhooks, and the attempts of each."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self._db = database
        self._keyring = keyring
        self._clock = clock

    async def claim(
        self,
        *,
        lease: timedelta,
        per_webhook: int,
        limit: int,
        recorded: Sequence[tuple[ClaimedDelivery, AttemptRecord]] = (),
    ) -> list[ClaimedDelivery]:
        """Lease up to `limit` due deliveries, never more than `per_webhook` in flight to one webhook; first
        record the attempts of `recorded` (see `record_attempts`), in the same transaction: one commit for a
        deliverer's every turn."""
        async with self._db.write() as conn:
            if recorded:
                await self._record(conn, recorded)
            if limit <= 0:
                return []
            return await self._claim(conn, lease=lease, per_webhook=per_webhook, limit=limit)

    async def _claim(
        self,
        conn: AsyncConnection,
        *,
        lease: timedelta,
        per_webhook: int,
        limit: int,
        webhooks_at_once: int = 20,
    ) -> list[ClaimedDelivery]:
        now = self._clock()
        until = now + lease
        due = and_(
            deliveries.c.webhook_id == webhooks.c.id,
            deliveries.c.status == "pending",
            deliveries.c.next_attempt_at <= now,
        )
        ready = (
            select(webhooks)
            .where(webhooks.c.enabled.is_(True), exists(select(deliveries.c.id).where(due)))
            .limit(webhooks_at_once)
            .with_for_update(skip_locked=True, of=webhooks)
        )
        claimed: list[ClaimedDelivery] = []
        for hook in (await conn.execute(ready)).all():
            room = min(per_webhook, limit - len(claimed))
            if room <= 0:
                break
            in_flight = await conn.scalar(
                select(func.count())
                .select_from(deliveries)
                .where(
                    deliveries.c.webhook_id == hook.id,
                    deliveries.c.status == "pending",
                    deliveries.c.leased_until > now,
                )
            )
            room = min(room, per_webhook - int(in_flight or 0))
            if room <= 0:
                continue
            picked = (
                select(deliveries.c.id)
                .where(
                    deliveries.c.webhook_id == hook.id,
                    deliveries.c.status == "pending",
                    deliveries.c.next_attempt_at <= now,
                )
                .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
                .limit(room)
                .scalar_subquery()
            )
            rows = (
                await conn.execute(
                    update(deliveries)
                    .where(deliveries.c.id.in_(picked))
                    .values(next_attempt_at=until, leased_until=until, updated_at=now)
                    .returning(
                        deliveries.c.id,
                        deliveries.c.event_id,
                        deliveries.c.attempt_count,
                        deliveries.c.queued_at,
                    )
                )
            ).all()
            if not rows:
                continue
            found = {
                row.id: event_from_row(row._mapping)
                for row in (
                    await conn.execute(select(events).where(events.c.id.in_([r.event_id for r in rows])))
                ).all()
            }
            secrets = signing_secrets(self._keyring, hook._mapping, now)
            claimed.extend(
                ClaimedDelivery(
                    id=row.id,
                    project_id=hook.project_id,
                    webhook_id=hook.id,
                    url=hook.url,
                    secrets=secrets,
                    event=found[row.event_id],
                    attempt_count=row.attempt_count,
                    queued_at=row.queued_at,
                    leased_until=until,
                )
                for row in rows
            )
        return claimed

    async def record_attempts(self, recorded: Sequence[tuple[ClaimedDelivery, AttemptRecord]]) -> None:
        """Store attempts and their consequences, in one transaction (a deliverer records what came back since
        its last record together: one commit for many deliveries).

        Only the lease holder's record changes a delivery: a worker whose lease lapsed meanwhile (another one
        took the delivery over) still logs its attempt, but leaves the delivery to the new holder. A failure
        starts the webhook's failing streak (a success ends it); a streak that began at or before the record's
        `disable_webhook_failing_since` turns the webhook off (`failing`)."""
        if not recorded:
            return
        async with self._db.write() as conn:
            await self._record(conn, recorded)

    async def _record(
        self, conn: AsyncConnection, recorded: Sequence[tuple[ClaimedDelivery, AttemptRecord]]
    ) -> None:
        await conn.execute(
            insert(delivery_attempts),
            [
                {
                    "id": new_id("att"),
                    "project_id": claimed.project_id,
                    "delivery_id": claimed.id,
                    "attempted_at": record.attempted_at,
                    "status_code": record.status_code,
                    "latency_ms": record.latency_ms,
                    "error": record.error,
                    "response_excerpt": None
                    if record.response_excerpt is None
                    else record.response_excerpt[:EXCERPT_CHARS],
                }
                for claimed, record in recorded
            ],
        )
        for claimed, record in recorded:
            await self._settle(conn, claimed, record)

    async def _settle(self, conn: AsyncConnection, claimed: ClaimedDelivery, record: AttemptRecord) -> None:
        now = record.attempted_at
        values: dict[str, Any] = {
            "attempt_count": deliveries.c.attempt_count + 1,
            "last_status_code": record.status_code,
            "last_error": record.error,
            "leased_until": None,
            "updated_at": self._clock(),
        }
        if record.outcome == "delivered":
            values.update(status="delivered", delivered_at=now, next_attempt_at=None)
        elif record.outcome == "failed":
            values.update(status="failed", next_attempt_at=None)
        else:
            values.update(next_attempt_at=record.next_attempt_at)
        await conn.execute(
            update(deliveries)
            .where(
                deliveries.c.id == claimed.id,
                deliveries.c.status == "pending",
                deliveries.c.leased_until == claimed.leased_until,
            )
            .values(values)
        )
        scope = (webhooks.c.id == claimed.webhook_id, webhooks.c.project_id == claimed.project_id)
        if record.outcome == "delivered":
            await conn.execute(
                update(webhooks)
                .where(*scope, webhooks.c.failing_since.is_not(None))
                .values(failing_since=None)
            )
            return
        await conn.execute(
            update(webhooks).where(*scope, webhooks.c.failing_since.is_(None)).values(failing_since=now)
        )
        cutoff = record.disable_webhook_failing_since
        if cutoff is not None:
            await conn.execute(
                update(webhooks)
                .where(*scope, webhooks.c.enabled.is_(True), webhooks.c.failing_since <= cutoff)
                .values(enabled=False, disabled_reason="failing", updated_at=self._clock())
            )

    async def purge(self, *, created_before: datetime, batch_size: int = 500) -> int:
        """Delete the events (of every project) made before `created_before`, with their deliveries and attempts,
        in batches; how many events."""
        return await self._db.delete_in_batches(
            events, events.c.created_at < created_before, batch_size=batch_size
        )

    async def get_event(self, project_id: str, event_id: str) -> Event:
        async with self._db.read() as conn:
            row = (
                await conn.execute(
                    select(events).where(events.c.id == event_id, events.c.project_id == project_id)
                )
            ).first()
        if row is None:
            raise NotFound("event not found")
        return event_from_row(row._mapping)

    async def list_events(
        self, project_id: str, *, types: Sequence[str] = (), limit: int = 100
    ) -> list[Event]:
        """The project's latest events, newest first."""
        statement = select(events).where(events.c.project_id == project_id)
        if types:
            statement = statement.where(events.c.type.in_(list(types)))
        statement = statement.order_by(events.c.created_at.desc(), events.c.id.desc()).limit(limit)
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [event_from_row(row._mapping) for row in rows]

    async def list(
        self,
        project_id: str,
        *,
        webhook_id: str | None = None,
        event_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """The project's deliveries, newest first (without their attempts)."""
        statement = select(deliveries).where(deliveries.c.project_id == project_id)
        for column, wanted in (
            (deliveries.c.webhook_id, webhook_id),
            (deliveries.c.event_id, event_id),
            (deliveries.c.status, status),
        ):
            if wanted is not None:
                statement = statement.where(column == wanted)
        statement = statement.order_by(deliveries.c.created_at.desc(), deliveries.c.id.desc()).limit(limit)
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [delivery_from_row(row._mapping) for row in rows]

    async def get(self, project_id: str, delivery_id: str) -> Delivery:
        """One delivery with its attempts, oldest first."""
        async with self._db.read() as conn:
            row = (
                await conn.execute(
                    select(deliveries).where(
                        deliveries.c.id == delivery_id, deliveries.c.project_id == project_id
                    )
                )
            ).first()
            if row is None:
                raise NotFound("delivery not found")
            attempts = (
                await conn.execute(
                    select(delivery_attempts)
                    .where(delivery_attempts.c.delivery_id == delivery_id)
                    .order_by(delivery_attempts.c.attempted_at, delivery_attempts.c.id)
                )
            ).all()
        return delivery_from_row(
            row._mapping,
            [
                DeliveryAttempt(
                    id=a.id,
                    attempted_at=a.attempted_at,
                    status_code=a.status_code,
                    latency_ms=a.latency_ms,
                    error=a.error,
                    response_excerpt=a.response_excerpt,
                )
                for a in attempts
            ],
        )

    async def replay(
        self,
        project_id: str,
        webhook_id: str,
        *,
        event_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """Queue events again for one webhook: one event (whatever its type), or those of a time range that
        the webhook subscribes to. Each keeps its id (`webhook-id`); how many were queued."""
        now = self._clock()
        async with self._db.write() as conn:
            hook = (
                await conn.execute(
                    select(webhooks.c.event_types).where(
                        webhooks.c.id == webhook_id, webhooks.c.project_id == project_id
                    )
                )
            ).first()
            if hook is None:
                raise NotFound("webhook not found")
            statement = select(events.c.id, events.c.type).where(events.c.project_id == project_id)
            if event_id is not None:
                statement = statement.where(events.c.id == event_id)
            else:
                statement = statement.where(events.c.type.in_(list(hook.event_types)))
                if since is not None:
                    statement = statement.where(events.c.created_at >= since)
                if until is not None:
                    statement = statement.where(events.c.created_at <= until)
            found = (await conn.execute(statement.limit(MAX_REPLAY + 1))).all()
            if event_id is not None and not found:
                raise NotFound("event not found")
            if len(found) > MAX_REPLAY:
                raise BadRequest(f"the range holds more than {MAX_REPLAY} events: replay it in parts")
            for index in range(0, len(found), 500):
                chunk = found[index : index + 500]
                rows = [pending_delivery(project_id, e.id, webhook_id, e.type, now) for e in chunk]
                upsert = (postgresql.insert if self._db.backend == "postgresql" else sqlite.insert)(
                    deliveries
                )
                await conn.execute(
                    upsert.values(rows).on_conflict_do_update(
                        index_elements=["event_id", "webhook_id"],
                        set_={
                            "status": "pending",
                            "next_attempt_at": now,
                            "queued_at": now,
                            "updated_at": now,
                        },
                    )
                )
        return len(found)
