"""Webhooks repository: a project's endpoints for events, their sealed signing secrets and their rotation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from linkyard.domain import Clock, new_id
from linkyard.domain.events import Webhook
from linkyard.errors import NotFound
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.outbox import record_event
from linkyard.store.tables import WEBHOOK_PREVIOUS_SECRET, WEBHOOK_SECRET, webhooks

MAX_WEBHOOKS_PER_PROJECT = 50


def webhook_from_row(m: Mapping[Any, Any]) -> Webhook:
    return Webhook(
        id=m["id"],
        project_id=m["project_id"],
        url=m["url"],
        event_types=tuple(m["event_types"]),
        enabled=m["enabled"],
        disabled_reason=m["disabled_reason"],
        description=m["description"],
        failing_since=m["failing_since"],
        previous_secret_expires_at=m["previous_secret_expires_at"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def signing_secrets(keyring: KeyRing, m: Mapping[Any, Any], now: datetime) -> tuple[str, ...]:
    """The secrets a webhook's deliveries are signed with now: its own, and the previous one while it lasts."""
    project_id, webhook_id = m["project_id"], m["id"]
    found = [keyring.decrypt(m["secret_encrypted"], WEBHOOK_SECRET.context(project_id, webhook_id))]
    expires = m["previous_secret_expires_at"]
    if m["previous_secret_encrypted"] is not None and expires is not None and expires > now:
        found.append(
            keyring.decrypt(
                m["previous_secret_encrypted"], WEBHOOK_PREVIOUS_SECRET.context(project_id, webhook_id)
            )
        )
    return tuple(found)


class WebhookRepository:
    """A project's webhooks; their secrets go in sealed and come out only to sign (never to a reader)."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self._db = database
        self._keyring = keyring
        self._clock = clock

    async def create(
        self,
        project_id: str,
        *,
        url: str,
        event_types: tuple[str, ...],
        secret: str,
        description: str | None = None,
        enabled: bool = True,
    ) -> Webhook:
        now = self._clock()
        webhook_id = new_id("whk")
        values = {
            "id": webhook_id,
            "project_id": project_id,
            "url": url,
            "description": description,
            "event_types": list(event_types),
            "enabled": enabled,
            "disabled_reason": None,
            "secret_encrypted": self._keyring.encrypt(secret, WEBHOOK_SECRET.context(project_id, webhook_id)),
            "previous_secret_encrypted": None,
            "previous_secret_expires_at": None,
            "failing_since": None,
            "created_at": now,
            "updated_at": now,
        }
        async with self._db.write() as conn:
            await conn.execute(insert(webhooks).values(values))
        return webhook_from_row(values)

    async def count(self, project_id: str) -> int:
        async with self._db.read() as conn:
            rows = (
                await conn.execute(select(webhooks.c.id).where(webhooks.c.project_id == project_id))
            ).all()
        return len(rows)

    async def list(self, project_id: str) -> list[Webhook]:
        statement = (
            select(webhooks)
            .where(webhooks.c.project_id == project_id)
            .order_by(webhooks.c.created_at, webhooks.c.id)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [webhook_from_row(row._mapping) for row in rows]

    async def get(self, project_id: str, webhook_id: str) -> Webhook:
        async with self._db.read() as conn:
            row = (await conn.execute(select(webhooks).where(*self._scope(project_id, webhook_id)))).first()
        if row is None:
            raise NotFound("webhook not found")
        return webhook_from_row(row._mapping)

    async def update(
        self,
        project_id: str,
        webhook_id: str,
        *,
        url: str | None = None,
        event_types: tuple[str, ...] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> Webhook:
        """Change what is given; turning a webhook on clears why it was off and its failing streak."""
        values: dict[str, Any] = {"updated_at": self._clock()}
        if url is not None:
            values["url"] = url
        if event_types is not None:
            values["event_types"] = list(event_types)
        if description is not None:
            values["description"] = description
        if enabled is not None:
            values["enabled"] = enabled
            values["disabled_reason"] = None
            if enabled:
                values["failing_since"] = None
        return await self._update(project_id, webhook_id, values)

    async def rotate_secret(
        self, project_id: str, webhook_id: str, *, secret: str, overlap_until: datetime
    ) -> Webhook:
        """Make `secret` the signing secret; the one it replaces keeps signing too until `overlap_until`."""
        async with self._db.write() as conn:
            row = (
                await conn.execute(
                    select(webhooks.c.secret_encrypted)
                    .where(*self._scope(project_id, webhook_id))
                    .with_for_update()
                )
            ).first()
            if row is None:
                raise NotFound("webhook not found")
            current = self._keyring.decrypt(
                row.secret_encrypted, WEBHOOK_SECRET.context(project_id, webhook_id)
            )
            updated = (
                await conn.execute(
                    update(webhooks)
                    .where(*self._scope(project_id, webhook_id))
                    .values(
                        secret_encrypted=self._keyring.encrypt(
                            secret, WEBHOOK_SECRET.context(project_id, webhook_id)
                        ),
                        previous_secret_encrypted=self._keyring.encrypt(
                            current, WEBHOOK_PREVIOUS_SECRET.context(project_id, webhook_id)
                        ),
                        previous_secret_expires_at=overlap_until,
                        updated_at=self._clock(),
                    )
                    .returning(webhooks)
                )
            ).one()
        return webhook_from_row(updated._mapping)

    async def delete(self, project_id: str, webhook_id: str) -> None:
        """Delete a webhook with its deliveries and their attempts (the events stay)."""
        async with self._db.write() as conn:
            result = await conn.execute(delete(webhooks).where(*self._scope(project_id, webhook_id)))
        if result.rowcount == 0:
            raise NotFound("webhook not found")

    async def send_test_event(self, project_id: str, webhook_id: str) -> str:
        """Queue a `webhook.test` event for this webhook alone (even a disabled one is not sent to); its id."""
        now = self._clock()
        async with self._db.write() as conn:
            row = (
                await conn.execute(select(webhooks.c.id).where(*self._scope(project_id, webhook_id)))
            ).first()
            if row is None:
                raise NotFound("webhook not found")
            return await record_event(
                conn,
                project_id,
                "webhook.test",
                {"webhook_id": webhook_id, "message": "A test event sent from Linkyard."},
                now,
                only_webhook=webhook_id,
            )

    async def _update(self, project_id: str, webhook_id: str, values: dict[str, Any]) -> Webhook:
        statement = (
            update(webhooks).where(*self._scope(project_id, webhook_id)).values(values).returning(webhooks)
        )
        async with self._db.write() as conn:
            row = (await conn.execute(statement)).first()
        if row is None:
            raise NotFound("webhook not found")
        return webhook_from_row(row._mapping)

    @staticmethod
    def _scope(project_id: str, webhook_id: str) -> tuple[Any, ...]:
        return (webhooks.c.id == webhook_id, webhooks.c.project_id == project_id)
