"""Inbound deliveries: a change the provider posts to one subscription's URL, checked against the challenge
given with it, read with the unified mapping, and recorded as an event (delivered by the deliverers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from linkyard.connectors import get_connector
from linkyard.domain.events import data_event_data
from linkyard.errors import NotFound, Unauthenticated, ValidationFailed
from linkyard.services.platform import Platform

MAX_BODY_BYTES = 1_000_000
"""A record is a few kilobytes; more is not a delivery."""
TOKEN_MAX_LENGTH = 100


def _refused() -> Unauthenticated:
    # One answer for an unknown token, another connector's, a missing or a wrong challenge.
    return Unauthenticated("Not a delivery of a subscription of Linkyard's", presented=True)


async def receive_delivery(
    platform: Platform, connector_key: str, token: str, headers: Mapping[str, str], body: bytes
) -> str | None:
    """Record the event of a delivery; its id (None when the account was unlinked meanwhile).

    401 unless the token names a subscription of `connector_key` and the connector's
    challenge header carries its challenge; 422 for a body that is not one JSON record. Nothing is recorded
    for a refused or malformed delivery."""
    try:
        connector = get_connector(connector_key)
    except NotFound:
        raise _refused() from None
    if connector.events is None or len(token) > TOKEN_MAX_LENGTH:
        raise _refused()
    challenge = headers.get(connector.events.challenge_header)
    target = await platform.store.event_subscriptions.target(connector.key, token, challenge)
    if target is None:
        raise _refused()
    source = connector.event_source(target.subscription.subscription)
    mapping = None if source is None or connector.unified is None else connector.unified.find(source.resource)
    if source is None or mapping is None:
        raise _refused()  # a subscription the connector no longer declares
    record = _record(body)
    data = data_event_data(target.account, source.resource, mapping.read(record))
    return await platform.store.event_subscriptions.record(target, data)


def _record(body: bytes) -> dict[str, Any]:
    invalid = ValidationFailed(
        "Invalid delivery", errors=[{"field": "body", "message": "must be one JSON object (the record)"}]
    )
    if len(body) > MAX_BODY_BYTES:
        raise invalid
    try:
        record = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise invalid from None
    if not isinstance(record, dict):
        raise invalid
    return record
