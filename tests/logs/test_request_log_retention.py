"""Retention: the housekeeper deletes request logs older than LINKYARD_REQUEST_LOG_RETENTION_DAYS and each
project's oldest beyond LINKYARD_REQUEST_LOG_MAX_PER_PROJECT, with their steps; other projects keep theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from linkyard.config import Settings
from tests.api.conftest import ON_BOTH_BACKENDS, Harness

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS = "factorialhr_get_credentials"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "request_log_retention_days": 2,
            "request_log_max_per_project": 3,
            "request_log_flush_seconds": 60,
        }
    )


async def test_housekeeping_keeps_logs_by_age_and_by_count_per_project(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    other = await harness.tenant("Other Co")
    assert (await harness.api.get("/accounts", headers=other.auth)).status_code == 200
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    harness.advance(timedelta(days=1))
    for _ in range(5):
        harness.advance(timedelta(seconds=1))
        assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    harness.advance(timedelta(days=1, hours=1))  # the first call and the other project's are now too old
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    listed = (await harness.api.get("/requests/logs", headers=tenant.auth)).json()["data"]
    assert len(listed) == 7
    newest = [log["request_id"] for log in listed[:3]]

    await harness.app.state.housekeeper.run_once()

    kept = (await harness.api.get("/requests/logs", headers=tenant.auth)).json()["data"]
    assert [log["request_id"] for log in kept] == newest
    steps = (await harness.api.get("/requests/logs/steps", headers=tenant.auth)).json()["data"]
    assert {step["request_id"] for step in steps} == set(newest)
    gone = (await harness.api.get("/requests/platform-logs", headers=other.auth)).json()["data"]
    assert gone == []


async def test_a_recent_project_within_its_count_keeps_every_log(harness: Harness) -> None:
    tenant = await harness.tenant()
    for _ in range(3):
        assert (await harness.api.get("/accounts", headers=tenant.auth)).status_code == 200
    before = (await harness.api.get("/requests/platform-logs", headers=tenant.auth)).json()["data"]
    await harness.app.state.housekeeper.run_once()
    after = (await harness.api.get("/requests/platform-logs", headers=tenant.auth)).json()["data"]
    assert len(before) == 3 and after == before
