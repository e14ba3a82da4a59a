"""Webhook tests: the platform with its deliverer polling often, a receiver on loopback, a clock at the real now
(receivers verify `webhook-timestamp` against theirs) that moves only when a test says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from linkyard.config import Settings
from linkyard.domain import ManualClock
from tests.harness.platform import platform_settings
from tests.webhooks.receiver import Receiver, receiving

WEBHOOK_SETTINGS: dict[str, Any] = {
    "webhook_delivery_interval_seconds": 0.02,
    "webhook_backoff_base_seconds": 1.0,
    "webhook_timeout_seconds": 0.5,
    "webhook_allow_http": True,
    "webhook_allow_private_addresses": True,  # the receiver is on loopback
    "rate_limit_per_key": None,
    "rate_limit_per_project": None,
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return platform_settings(database_url, **WEBHOOK_SETTINGS)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running
