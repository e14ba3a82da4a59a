"""The request log queue on the hot path: a full queue drops the newest log (counted), never the call; the flusher
writes full batches, not the queue's trickle; and what is queued is written when the app stops."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.domain.request_log import LogQuery, RequestLog
from linkyard.oauth.recording import Recording
from linkyard.services.request_logs import RequestLogBook
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


async def test_each_run_of_the_flusher_writes_what_was_queued_when_it_began(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls that finish while a run writes wait for the next run: chasing them would write the queue in
    batches of a few logs, a transaction each. A read's flush still writes everything."""
    tenant = await harness.tenant()
    book = RequestLogBook(harness.store, harness.clock, batch_size=3)

    def a_call() -> Recording:
        entry = Recording(started_at=harness.clock(), kind="platform", project_id=tenant.project_id)
        entry.finish(200)
        return entry

    for _ in range(5):
        book.submit(a_call())
    writes: list[int] = []
    store_logs = harness.store.request_logs.add

    async def add_while_calls_finish(logs: Sequence[RequestLog]) -> None:
        writes.append(len(logs))
        if len(writes) <= 2:  # a call finishes during each of the run's two writes
            book.submit(a_call())
        await store_logs(logs)

    monkeypatch.setattr(harness.store.request_logs, "add", add_while_calls_finish)
    await book.run_once()
    assert (writes, book.pending) == ([3, 2], 2)
    assert await book.flush() == 2
    assert (writes, book.pending) == ([3, 2, 2], 0)
    found, _ = await harness.store.request_logs.page(tenant.project_id, "platform", LogQuery(size=50))
    assert len(found) == 7


async def test_queued_logs_are_written_when_the_app_stops(harness: Harness, settings: Settings) -> None:
    tenant = await harness.tenant()
    app = create_app(settings, store=harness.store, clock=harness.clock)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as api:
            assert (await api.get("/accounts", headers=tenant.auth)).status_code == 200
        assert app.state.platform.request_logs.pending == 1
    found, _ = await harness.store.request_logs.page(tenant.project_id, "platform", LogQuery())
    assert [log.path for log in found] == ["/accounts"]
