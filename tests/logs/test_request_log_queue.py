"""The request log queue on the hot path: a full queue drops the newest log (counted), never the call, and what is
queued is written when the app stops."""

from __future__ import annotations

import httpx
import pytest

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.domain.request_log import LogQuery
from tests.api.conftest import ON_BOTH_BACKENDS, PUBLIC_URL, Harness

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS = "factorialhr_get_credentials"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One log waits at most, and the flusher waits a minute: nothing is written behind the test's back."""
    return settings.model_copy(update={"request_log_queue_size": 1, "request_log_flush_seconds": 60})


async def test_a_full_queue_drops_the_log_not_the_call(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    book = harness.app.state.platform.request_logs
    await book.flush()
    dropped = book.dropped
    first = await harness.rpc(tenant, account["id"], CREDENTIALS)
    second = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (book.pending, book.dropped) == (1, dropped + 1)
    logs = (await harness.api.get("/requests/logs", headers=tenant.auth)).json()["data"]
    assert len(logs) == 1


async def test_queued_logs_are_written_when_the_app_stops(harness: Harness, settings: Settings) -> None:
    tenant = await harness.tenant()
    app = create_app(settings, store=harness.store, clock=harness.clock)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as api:
            assert (await api.get("/accounts", headers=tenant.auth)).status_code == 200
        assert app.state.platform.request_logs.pending == 1
    found, _ = await harness.store.request_logs.page(tenant.project_id, "platform", LogQuery())
    assert [log.path for log in found] == ["/accounts"]
