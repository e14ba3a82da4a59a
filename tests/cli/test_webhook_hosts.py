"""Many hosts share the deliveries: three `linkyard up --workers 2` on one PostgreSQL deliver 1,000 events, none
lost, and no webhook ever has more deliveries in flight than its bound, counted at the receiver.

The hosts are processes on loopback (delivery needs no load balancer in front: each worker claims its share from
the database, `FOR UPDATE SKIP LOCKED`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from linkyard.domain import ManualClock
from linkyard.store import KeyRing, generate_key_entry
from tests.cli.conftest import Process, child_env
from tests.harness.database import PG_URL
from tests.live_server import free_port
from tests.store.conftest import OpenStore, database_url, open_stores
from tests.webhooks.counting import counting_receiver, recorded_as_delivered

__all__ = ["database_url", "open_stores"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not PG_URL, reason="many hosts share one PostgreSQL: LINKYARD_TEST_DATABASE_URL is not set"
    ),
]

HOSTS = 3
WORKERS = 2
WEBHOOKS = 4
EVENTS = 1_000
BOUND = 3


@pytest.fixture
def backend() -> str:
    return "postgresql"


async def test_three_hosts_with_two_workers_deliver_a_thousand_events_within_each_webhooks_bound(
    database_url: str,
    open_stores: OpenStore,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    key_entry = generate_key_entry("k1")
    store = await open_stores(database_url, KeyRing.parse(key_entry), ManualClock(datetime.now(UTC)))
    async with counting_receiver(work_seconds=0.01) as receiver:
        project = await store.projects.create("Many hosts")
        webhooks = [
            await store.webhooks.create(
                project.id,
                url=f"{receiver.url}/hook-{index}",
                event_types=("account.created",),
                secret="whsec_" + "A" * 43 + "=",
            )
            for index in range(WEBHOOKS)
        ]
        sent = {
            await store.webhooks.send_test_event(project.id, webhooks[index % WEBHOOKS].id)
            for index in range(EVENTS)
        }
        env = child_env(
            LINKYARD_DATABASE_URL=database_url,
            LINKYARD_ENCRYPTION_KEYS=key_entry,
            LINKYARD_WEBHOOK_DELIVERY_INTERVAL_SECONDS="0.05",
            LINKYARD_WEBHOOK_CONCURRENCY_PER_WEBHOOK=str(BOUND),
            LINKYARD_WEBHOOK_ALLOW_HTTP="true",
            LINKYARD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES="true",
        )
        for _ in range(HOSTS):
            host = Process(
                ["up", "--port", str(free_port()), "--workers", str(WORKERS)], cwd=tmp_path, env=env
            )
            processes.append(host)
        await receiver.wait_until(lambda: set(receiver.answered) >= sent)

    assert set(receiver.answered) == sent
    print(f"duplicates: {receiver.duplicates}; peak in flight per webhook: {dict(receiver.peak)}")
    assert receiver.duplicates == 0  # no host died: each delivery was claimed once
    assert max(receiver.peak.values()) <= BOUND
    assert len(receiver.peak) == WEBHOOKS
    assert {d.status for d in await recorded_as_delivered(store, project.id)} == {"delivered"}
    assert all(p.popen.poll() is None for p in processes)
