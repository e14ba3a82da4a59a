"""Events and the webhooks they go to: what happened in a project, and where the project wants to hear of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from linkyard.domain.account import Account
from linkyard.domain.connect import ConnectSession

EVENT_TYPES: tuple[str, ...] = (
    "account.created",
    "account.updated",
    "account.deleted",
    "account.error",
    "account.recovered",
    "connect_session.failed",
    "hris.employee.created",
    "hris.employee.updated",
    "hris.employee.deleted",
    "hris.time_off.created",
    "hris.time_off.updated",
    "ats.application.created",
    "ats.application.updated",
    "ats.candidate.created",
    "webhook.test",
)
"""Every event type a webhook may subscribe to (`webhook.test` is what "send a test event" sends)."""

DATA_EVENT_TYPES: tuple[str, ...] = tuple(t for t in EVENT_TYPES if t.startswith(("hris.", "ats.")))
"""The events of HR data that changed at the provider, carrying the unified record (`data_event_data`)."""

SubscriptionStatus = Literal["pending", "active", "missing_scope", "refused", "failed"]
"""Where an account's subscription to one kind of change at the provider stands: being made (or retried),
made, not made because the account did not grant a scope it needs, refused by the provider (the person who
linked may not subscribe), or given up after every retry."""

DeliveryStatus = Literal["pending", "delivered", "failed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Webhook:
    """A project's endpoint for events: where they are sent, which types, and whether it is on.

    `disabled_reason` says why it is off when the platform turned it off (`failing`: its deliveries failed for
    the whole retry window). `previous_secret_expires_at`: while a rotated-out secret still signs too."""

    id: str
    project_id: str
    url: str
    event_types: tuple[str, ...]
    enabled: bool
    disabled_reason: str | None
    description: str | None
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Something that happened in a project, as a webhook receives it (`id` is the `webhook-id` header)."""

    id: str
    project_id: str
    type: str
    data: dict[str, Any]
    created_at: datetime

    def payload(self) -> dict[str, Any]:
        """The JSON body sent for the event."""
        return {
            "id": self.id,
            "type": self.type,
            "created_at": self.created_at.isoformat(),
            "data": self.data,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryAttempt:
    """One try at sending an event to a webhook: its answer (or why there was none) and how long it took."""

    id: str
    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """An event on its way to one webhook, with the tries so far (`attempts`, when the list was read)."""

    id: str
    project_id: str
    event_id: str
    event_type: str
    webhook_id: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    attempts: tuple[DeliveryAttempt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedSubscription:
    """A subscription an account should have at its provider: the provider's name of the change, the event
    it becomes, and whether it can be made (`missing_scope`, with the scopes named in `detail`)."""

    subscription: str
    event_type: str
    status: Literal["pending", "missing_scope"]
    detail: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSubscription:
    """An account's subscription to one kind of change at its provider (`remote_id`: the provider's id)."""

    id: str
    project_id: str
    account_id: str
    subscription: str
    event_type: str
    status: SubscriptionStatus
    detail: str | None
    remote_id: str | None
    attempt_count: int
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime


def data_event_data(account: Account, resource: str, record: dict[str, Any]) -> dict[str, Any]:
    """A change of HR data as its event carries it: the account it came through and the unified record."""
    return {
        "account_id": account.id,
        "provider": account.connector,
        "origin_owner_id": account.origin_owner_id,
        "resource": resource,
        "record": record,
    }


def account_event_data(account: Account) -> dict[str, Any]:
    """The account as an event carries it: StackOne's names (`provider`, `integration_id`), never a token."""
    return {
        "id": account.id,
        "provider": account.connector,
        "integration_id": account.profile_id,
        "origin_owner_id": account.origin_owner_id,
        "origin_owner_name": account.origin_owner_name,
        "origin_username": account.origin_username,
        "status": account.status,
        "status_reasons": [
            {"code": r.code, "description": r.description, "timestamp": r.timestamp.isoformat()}
            for r in account.status_reasons
        ],
        "label": account.label,
        "metadata": account.metadata,
        "created_at": account.created_at.isoformat(),
        "updated_at": account.updated_at.isoformat(),
    }


def connect_session_event_data(session: ConnectSession) -> dict[str, Any]:
    """A failed connect session as its event carries it (never its token)."""
    return {
        "id": session.id,
        "provider": session.connector,
        "integration_id": session.profile_id,
        "origin_owner_id": session.origin_owner_id,
        "origin_owner_name": session.origin_owner_name,
        "status": session.status,
        "failure_reason": session.failure_code,
        "account_id": session.account_id,
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
    }
