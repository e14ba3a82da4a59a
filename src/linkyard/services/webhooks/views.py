"""Webhooks, events and deliveries as the API, the CLI and the dashboard show them (never a secret, save the
one just made, which the caller adds once)."""

from __future__ import annotations

from typing import Any

from linkyard.domain.events import Delivery, Event, Webhook
from linkyard.services.views import iso


def webhook_view(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "description": webhook.description,
        "event_types": list(webhook.event_types),
        "enabled": webhook.enabled,
        "disabled_reason": webhook.disabled_reason,
        "failing_since": iso(webhook.failing_since),
        "previous_secret_expires_at": iso(webhook.previous_secret_expires_at),
        "created_at": iso(webhook.created_at),
        "updated_at": iso(webhook.updated_at),
    }


def event_view(event: Event) -> dict[str, Any]:
    return event.payload()


def delivery_view(delivery: Delivery, *, attempts: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "delivered_at": iso(delivery.delivered_at),
        "created_at": iso(delivery.created_at),
    }
    if attempts:
        view["attempts"] = [
            {
                "id": a.id,
                "attempted_at": iso(a.attempted_at),
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "response_excerpt": a.response_excerpt,
            }
            for a in delivery.attempts
        ]
    return view
