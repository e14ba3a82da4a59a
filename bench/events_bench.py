"""Events benchmark: how many events one deliverer sends a second to a local receiver, and what writing an event
adds to the change that causes it (the transactional outbox on the request path).

Run by hand (`make bench-events`); the figures go into docs/benchmarks.md. Not a test.

1. Delivery: N `webhook.test` events are queued for one webhook (and again spread over four), then one
   `Deliverer` (one worker's loop, the server's settings but for the allowed loopback address) runs until every
   delivery is recorded; events/s = N / wall time. The receiver is a separate process on loopback, a bare asyncio
   server answering 200 to each request on a kept-alive connection, so that it costs the deliverer nothing.
2. Emitting: the same account write (`UPDATE accounts ... SET label`) in a write transaction, alone and followed by
   `record_event` (the event, and its delivery when a webhook subscribes), interleaved; p50 per transaction.

SQLite in a temporary file by default; `--database-url postgresql://...` for PostgreSQL, in a schema of its own
that is dropped afterwards (the database's other schemas are left alone).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import free_port

from linkyard.config import Settings
from linkyard.domain import ProviderAccount, TokenSet
from linkyard.services.webhooks import Deliverer
from linkyard.store import Store, generate_key_entry, open_store
from linkyard.store.outbox import record_event
from linkyard.store.tables import accounts

SECRET = "whsec_" + "A" * 43 + "="


@contextmanager
def own_schema(url: str) -> Iterator[str]:
    """A new PostgreSQL schema for the run, dropped after it; the URL that puts it first on the search path."""
    import psycopg

    schema = f"events_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    try:
        yield urlunsplit(parts._replace(query=urlencode(query)))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def serve_receiver(port: int) -> None:
    """A minimal HTTP/1.1 receiver: reads each request (headers, then Content-Length bytes), answers 200."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


async def deliver(store: Store, settings: Settings, url: str, events: int, webhooks: int) -> float:
    project = await store.projects.create(f"bench {webhooks}")
    hooks = [
        await store.webhooks.create(
            project.id, url=f"{url}/{index}", event_types=("account.created",), secret=SECRET
        )
        for index in range(webhooks)
    ]
    for index in range(events):
        await store.webhooks.send_test_event(project.id, hooks[index % webhooks].id)
    deliverer = Deliverer(store, settings, store.clock)
    started = time.perf_counter()
    await deliverer.run_once()
    elapsed = time.perf_counter() - started
    await deliverer.stop()
    left = await store.deliveries.list(project.id, status="pending", limit=1)
    assert not left, "every delivery is recorded when the run ends"
    return events / elapsed


async def emitting(store: Store, rounds: int, subscribed: bool) -> tuple[float, float]:
    project = await store.projects.create("bench emit")
    if subscribed:
        await store.webhooks.create(
            project.id, url="https://hooks.example.com/in", event_types=("account.updated",), secret=SECRET
        )
    profile = await store.connector_profiles.create(
        project.id, connector="factorialhr", environment="sandbox", client_id="bench", client_secret="s"
    )
    account, _ = await store.accounts.upsert(
        project.id,
        profile_id=profile.id,
        origin_owner_id="owner",
        origin_owner_name="Owner",
        provider_account=ProviderAccount(company_id="1"),
        token=TokenSet(access_token="a", refresh_token=None, expires_at=None, scopes=(), token_type="user"),
    )
    plain: list[float] = []
    with_event: list[float] = []
    for index in range(rounds):
        for emit, into in ((False, plain), (True, with_event)):
            started = time.perf_counter()
            async with store.database.write() as conn:
                now = datetime.now(UTC)
                await conn.execute(
                    update(accounts)
                    .where(accounts.c.id == account.id, accounts.c.project_id == project.id)
                    .values(label=f"label {index}", updated_at=now)
                )
                if emit:
                    await record_event(conn, project.id, "account.updated", {"id": account.id}, now)
            into.append((time.perf_counter() - started) * 1000)
    return statistics.median(plain), statistics.median(with_event)


async def main(database_url: str | None, events: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if database_url is None:
            await run(f"sqlite:///{folder}/bench.db", events, rounds)
        else:
            with own_schema(database_url) as url:
                await run(url, events, rounds)


async def run(url: str, events: int, rounds: int) -> None:
    settings = Settings(
        database_url=url,
        encryption_keys=generate_key_entry("k1"),
        webhook_allow_http=True,
        webhook_allow_private_addresses=True,
    )
    store = await open_store(settings)
    port = free_port()
    receiver = multiprocessing.get_context("spawn").Process(target=serve_receiver, args=(port,), daemon=True)
    receiver.start()
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        print(f"backend: {store.backend}; events per run: {events}")
        for webhooks in (1, 4):
            for per_webhook in (4, 16):
                tuned = settings.model_copy(update={"webhook_concurrency_per_webhook": per_webhook})
                rate = await deliver(store, tuned, f"http://127.0.0.1:{port}", events, webhooks)
                print(f"deliver: {webhooks} webhook(s), {per_webhook} in flight each: {rate:,.0f} events/s")
        for subscribed in (False, True):
            plain, with_event = await emitting(store, rounds, subscribed)
            what = "1 subscribed webhook" if subscribed else "no webhook"
            print(
                f"emit ({what}): write {plain:.3f} ms p50, with its event {with_event:.3f} ms p50 "
                f"(+{with_event - plain:.3f} ms)"
            )
    finally:
        receiver.kill()
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=500)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.database_url, arguments.events, arguments.rounds))
