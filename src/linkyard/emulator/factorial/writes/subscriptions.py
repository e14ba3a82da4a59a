"""Webhook subscription writes: create, change (re-enabling resets the failure count) and delete."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..state import Row
from .bodies import Body, parse_body, require_admin

ApiVersion = Literal["2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"]


class SubscriptionCreate(Body):
    subscription_type: str = Field(min_length=3, pattern=r"^[a-z_]+/[a-z_]+/[a-z_]+$")
    target_url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2048)
    name: str | None = Field(None, max_length=255)
    challenge: str | None = Field(None, max_length=255)
    enabled: bool = True
    api_version: ApiVersion = "2026-10-01"


class SubscriptionUpdate(Body):
    subscription_type: str | None = Field(None, min_length=3, pattern=r"^[a-z_]+/[a-z_]+/[a-z_]+$")
    target_url: str | None = Field(None, pattern=r"^https?://[^\s]+$", max_length=2048)
    name: str | None = Field(None, max_length=255)
    challenge: str | None = Field(None, max_length=255)
    enabled: bool | None = None
    api_version: ApiVersion | None = None


def create_subscription(caller: Caller, payload: Any) -> Row:
    body = parse_body(SubscriptionCreate, payload)
    require_admin(caller, "manage webhook subscriptions")
    row: Row = {
        "type": body.subscription_type,
        "target_url": body.target_url,
        "name": body.name,
        "challenge": body.challenge,
        "enabled": body.enabled,
        "api_version": body.api_version,
    }
    return caller.world.table("api_public/webhook_subscriptions").insert(caller.company_id, row)


def update_subscription(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(SubscriptionUpdate, payload)
    require_admin(caller, "manage webhook subscriptions")
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is not None:
            row["type" if name == "subscription_type" else name] = value
    if body.enabled:
        row["_failures"] = 0
    return row


def delete_subscription(caller: Caller, row: Row) -> Row:
    require_admin(caller, "manage webhook subscriptions")
    caller.world.table("api_public/webhook_subscriptions").delete(caller.company_id, row["id"])
    return row
