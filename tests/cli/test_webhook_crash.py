"""A `linkyard up` killed (SIGKILL) while 200 events are pending or in flight loses none: after a restart every
event reaches the receiver at least once; the duplicates (a delivery answered but not yet recorded when the
server died) arrive with the same `webhook-id` and are counted."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from linkyard.domain import ManualClock
from linkyard.store import KeyRing, generate_key_entry
from tests.cli.conftest import Process, child_env
from tests.live_server import free_port
from tests.store.conftest import BACKENDS, OpenStore, database_url, open_stores
from tests.webhooks.counting import counting_receiver, recorded_as_delivered

__all__ = ["database_url", "open_stores"]

pytestmark = pytest.mark.slow

EVENTS = 200
ANSWERED_BEFORE_THE_KILL = 50
BOUND = 10
STARTUP_TIMEOUT = 120.0


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def server_env(database_url: str, key_entry: str) -> dict[str, str]:
    return child_env(
        LINKYARD_DATABASE_URL=database_url,
        LINKYARD_ENCRYPTION_KEYS=key_entry,
        LINKYARD_WEBHOOK_DELIVERY_INTERVAL_SECONDS="0.05",
        LINKYARD_WEBHOOK_TIMEOUT_SECONDS="2",
        LINKYARD_WEBHOOK_BACKOFF_BASE_SECONDS="0.5",
        LINKYARD_WEBHOOK_CONCURRENCY_PER_WEBHOOK=str(BOUND),
        LINKYARD_WEBHOOK_ALLOW_HTTP="true",
        LINKYARD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES="true",
    )


async def test_a_server_killed_with_events_pending_and_in_flight_delivers_every_one_after_a_restart(
    backend: str,
    database_url: str,
    open_stores: OpenStore,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    key_entry = generate_key_entry("k1")
    store = await open_stores(database_url, KeyRing.parse(key_entry), ManualClock(datetime.now(UTC)))
    store.clock = ManualClock(datetime.now(UTC))  # events stamped now; the servers use the real clock
    async with counting_receiver(answer_first=ANSWERED_BEFORE_THE_KILL) as receiver:
        project = await store.projects.create("Crash")
        webhook = await store.webhooks.create(
            project.id,
            url=f"{receiver.url}/hook",
            event_types=("account.created",),
            secret="whsec_" + "A" * 43 + "=",
        )
        sent = {await store.webhooks.send_test_event(project.id, webhook.id) for _ in range(EVENTS)}
        assert len(sent) == EVENTS

        port = free_port()
        server = Process(["up", "--port", str(port)], cwd=tmp_path, env=server_env(database_url, key_entry))
        processes.append(server)
        await receiver.wait_until(lambda: receiver.held >= BOUND)
        os.killpg(server.popen.pid, signal.SIGKILL)
        assert await asyncio.to_thread(server.popen.wait, 30) == -signal.SIGKILL
        delivered_before = len(receiver.answered)
        assert delivered_before >= ANSWERED_BEFORE_THE_KILL
        receiver.answer_all()

        again = Process(["up", "--port", str(port)], cwd=tmp_path, env=server_env(database_url, key_entry))
        processes.append(again)
        await receiver.wait_until(lambda: set(receiver.answered) >= sent)

    assert set(receiver.answered) == sent  # every event at least once, and nothing else
    # The counts, for the report (`pytest -rP` shows them).
    print(
        f"delivered before the kill: {delivered_before}; duplicates after the restart: {receiver.duplicates}"
    )
    assert receiver.duplicates <= BOUND  # at most the deliveries in flight when the server died
    assert {d.status for d in await recorded_as_delivered(store, project.id)} == {"delivered"}
