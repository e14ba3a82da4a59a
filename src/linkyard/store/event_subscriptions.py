"""Event subscriptions repository: an account's subscriptions at its provider, made in the background, and the
inbound deliveries they bring, verified and recorded as events in one transaction.

A subscription's URL token and challenge are bearer secrets the provider holds; Linkyard keeps their SHA-256
digests only, and draws a new pair each time it (re)makes the subscription (`claim`), so a database reader can
neither forge a delivery nor find the URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, select, update

from linkyard.domain import Account, Clock
from linkyard.domain.events import EventSubscription, PlannedSubscription, SubscriptionStatus
from linkyard.store.accounts import account_from_row
from linkyard.store.database import Database
from linkyard.store.digests import digest, digests_match, new_secret
from linkyard.store.outbox import record_event
from linkyard.store.subscription_plans import plan_subscriptions
from linkyard.store.tables import accounts, event_subscriptions

URL_TOKEN_PREFIX = "inb_"  # noqa: S105 (a prefix, not a secret)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedSubscription:
    """A subscription a subscriber is to make now: the account, and the fresh URL token and challenge the
    provider is to be given (their digests are already stored)."""

    subscription: EventSubscription
    account: Account
    token: str
    challenge: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundTarget:
    """What an inbound delivery's token names: the subscription and its account."""

    subscription: EventSubscription
    account: Account


def subscription_from_row(m: Mapping[Any, Any]) -> EventSubscription:
    return EventSubscription(
        id=m["id"],
        project_id=m["project_id"],
        account_id=m["account_id"],
        subscription=m["subscription"],
        event_type=m["event_type"],
        status=m["status"],
        detail=m["detail"],
        remote_id=m["remote_id"],
        attempt_count=m["attempt_count"],
        next_attempt_at=m["next_attempt_at"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


class EventSubscriptionRepository:
    """Accounts' subscriptions at their providers, and the inbound deliveries they bring."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def plan(
        self, project_id: str, planned_by_account: Mapping[str, Sequence[PlannedSubscription]]
    ) -> None:
        """Add the subscriptions accounts lack (a webhook now wants their events), in one transaction."""
        now = self._clock()
        async with self._db.write() as conn:
            for account_id, planned in planned_by_account.items():
                await plan_subscriptions(conn, project_id, account_id, planned, now, renew=False)

    async def of_account(self, project_id: str, account_id: str) -> list[EventSubscription]:
        statement = (
            select(event_subscriptions)
            .where(
                event_subscriptions.c.project_id == project_id,
                event_subscriptions.c.account_id == account_id,
            )
            .order_by(event_subscriptions.c.created_at, event_subscriptions.c.id)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [subscription_from_row(row._mapping) for row in rows]

    async def claim(self, *, lease: timedelta, limit: int) -> list[ClaimedSubscription]:
        """Lease up to `limit` due subscriptions (`SKIP LOCKED` on PostgreSQL; SQLite's write lock): each of an
        active account gets a fresh token and challenge, stored as digests, and is due again when the lease ends
        (a subscriber killed midway loses nothing: another makes it again); those of other accounts are parked
        until a re-link."""
        now = self._clock()
        due = (
            select(event_subscriptions)
            .where(event_subscriptions.c.status == "pending", event_subscriptions.c.next_attempt_at <= now)
            .order_by(event_subscriptions.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=event_subscriptions)
        )
        claimed: list[ClaimedSubscription] = []
        async with self._db.write() as conn:
            rows = [row._mapping for row in (await conn.execute(due)).all()]
            if not rows:
                return claimed  # an idle claim is one probe of the (status, next_attempt_at) index
            found = await conn.execute(
                select(accounts).where(accounts.c.id.in_({m["account_id"] for m in rows}))
            )
            active = {row.id: account_from_row(row._mapping) for row in found if row.status == "active"}
            parked = [m["id"] for m in rows if m["account_id"] not in active]
            if parked:
                # Not made for an account that cannot call: a re-link plans them again (due at once).
                await conn.execute(
                    update(event_subscriptions)
                    .where(event_subscriptions.c.id.in_(parked))
                    .values(next_attempt_at=None, updated_at=now)
                )
            for m in rows:
                account = active.get(m["account_id"])
                if account is None:
                    continue
                token, challenge = new_secret(URL_TOKEN_PREFIX), new_secret("")
                values = {
                    "token_hash": digest(token),
                    "challenge_hash": digest(challenge),
                    "attempt_count": m["attempt_count"] + 1,
                    "next_attempt_at": now + lease,
                    "updated_at": now,
                }
                await conn.execute(
                    update(event_subscriptions).where(event_subscriptions.c.id == m["id"]).values(values)
                )
                claimed.append(
                    ClaimedSubscription(
                        subscription=subscription_from_row(dict(m) | values),
                        account=account,
                        token=token,
                        challenge=challenge,
                    )
                )
        return claimed

    async def settle(
        self,
        subscription_id: str,
        status: SubscriptionStatus,
        *,
        remote_id: str | None = None,
        detail: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Record how making a subscription ended: made (`active`, with the provider's id), to be tried again at
        `retry_at` (`pending`), or not to be tried again until the account is linked again."""
        values: dict[str, Any] = {
            "status": status,
            "detail": None if detail is None else detail[:200],
            "next_attempt_at": retry_at if status == "pending" else None,
            "updated_at": self._clock(),
        }
        if remote_id is not None:
            values["remote_id"] = remote_id
        async with self._db.write() as conn:
            await conn.execute(
                update(event_subscriptions).where(event_subscriptions.c.id == subscription_id).values(values)
            )

    async def remote_ids(self, project_id: str, account_id: str) -> list[str]:
        """The provider's ids of the account's subscriptions that were made (to delete them on unlink)."""
        statement = select(event_subscriptions.c.remote_id).where(
            event_subscriptions.c.project_id == project_id,
            event_subscriptions.c.account_id == account_id,
            event_subscriptions.c.remote_id.is_not(None),
        )
        async with self._db.read() as conn:
            return [str(value) for value in (await conn.scalars(statement)).all()]

    async def forget(self, project_id: str, account_id: str) -> None:
        """Delete the account's subscriptions (they were deleted at the provider, or could not be)."""
        async with self._db.write() as conn:
            await conn.execute(
                delete(event_subscriptions).where(
                    event_subscriptions.c.project_id == project_id,
                    event_subscriptions.c.account_id == account_id,
                )
            )

    async def target(self, connector: str, token: str, challenge: str | None) -> InboundTarget | None:
        """The subscription and account an inbound delivery is for, or None: an unknown token, another
        connector's, or a challenge that is missing or not the one given with that token (compared in
        constant time). Nothing tells the caller which."""
        statement = (
            select(event_subscriptions, accounts)
            .join(accounts, accounts.c.id == event_subscriptions.c.account_id)
            .where(and_(event_subscriptions.c.token_hash == digest(token), accounts.c.provider == connector))
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        stored = None if row is None else row._mapping[event_subscriptions.c.challenge_hash]
        # Compared even when the token named nothing, so that the answer takes as long either way.
        matches = digests_match(stored or digest(new_secret("")), challenge or "")
        if row is None or stored is None or challenge is None or not matches:
            return None
        m = row._mapping
        return InboundTarget(
            subscription=subscription_from_row({c.name: m[c] for c in event_subscriptions.c}),
            account=account_from_row({c.name: m[c] for c in accounts.c}),
        )

    async def record(self, target: InboundTarget, data: dict[str, Any]) -> str | None:
        """Record the event of an inbound delivery in one transaction, if its subscription still exists (the
        account was not unlinked meanwhile); the event's id, or None."""
        sub = target.subscription
        async with self._db.write() as conn:
            present = await conn.scalar(
                select(event_subscriptions.c.id).where(event_subscriptions.c.id == sub.id).with_for_update()
            )
            if present is None:
                return None
            return await record_event(conn, sub.project_id, sub.event_type, data, self._clock())
