"""A server killed (SIGKILL) after Factorial answered a refresh and before the new tokens were committed
(security.md item 12): the store keeps the last committed token set whole, nothing older, and in `grace`
rotation that stored refresh token still works, so no grant is lost.

The server is a real `linkyard up` process against the emulator on loopback. It is stopped at the right moment
deterministically, without sleeping:
- PostgreSQL: the test holds `LOCK TABLE credentials IN SHARE MODE`. The server's `SELECT ... FOR UPDATE` goes
  through (ROW SHARE does not conflict with SHARE), it refreshes at Factorial, and its `UPDATE` of the new
  tokens waits for the test's lock: the test sees that wait in `pg_locks`, then kills it.
- SQLite: the server holds the database's one write lock (`BEGIN IMMEDIATE`) for the whole refresh, so nobody
  can block its commit from outside; instead the emulator's answer is held once Factorial has rotated the
  tokens (`tests.held_answers`), and the server is killed while its write transaction waits for it.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.api.errors import status_of
from linkyard.connectors import get_connector
from linkyard.domain import ManualClock, TokenSet
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.emulator.factorial.state import Clock as EmulatorClock
from linkyard.errors import TokenRefreshError
from linkyard.oauth import ProviderClient, TokenKeeper, endpoints_for
from linkyard.store import KeyRing, Store, generate_key_entry
from linkyard.store.tables import credentials
from tests.cli.conftest import Process, child_env
from tests.held_answers import AnswerHold
from tests.live_server import free_port
from tests.oauth.conftest import BASE, Control, Linked, expire, link_account
from tests.store.conftest import BACKENDS, OpenStore, database_url, open_stores

__all__ = ["database_url", "open_stores"]

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT = 120.0
WAIT = 30.0
"""A bound on waiting for something that takes milliseconds; reached only when something is broken."""
CREDENTIALS = "factorialhr_get_credentials"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass
class Factorial:
    """The emulator served on a loopback port from the test's event loop, behind an answer hold."""

    url: str
    hold: AnswerHold
    control: Control
    provider: ProviderClient


@pytest.fixture
def clock() -> ManualClock:
    """Three hours behind: what the test links and refreshes now has expired for the server, on real time."""
    return ManualClock(datetime.now(UTC) - timedelta(hours=3))


@pytest.fixture
async def factorial(clock: ManualClock) -> AsyncIterator[Factorial]:
    emulator = create_emulator(seed=5, employees=12, clock=EmulatorClock(lambda: clock().timestamp()))
    hold = AnswerHold(emulator)
    config = uvicorn.Config(hold, host="127.0.0.1", port=free_port(), lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    await until(lambda: _started(server, serving), "the emulator to start")
    transport = httpx.ASGITransport(app=hold)
    try:
        async with (
            httpx.AsyncClient(transport=transport, base_url=BASE) as http,
            ProviderClient(pins={"factorial.test": ("127.0.0.1", config.port)}, clock=clock) as provider,
        ):
            yield Factorial(f"http://127.0.0.1:{config.port}", hold, Control(http), provider)
    finally:
        hold.release()
        server.should_exit = True
        await serving
        await emulator.state.webhooks.aclose()


async def _started(server: uvicorn.Server, serving: asyncio.Task[None]) -> bool:
    if serving.done():
        serving.result()
        raise AssertionError("the emulator stopped before it started")
    return bool(server.started)


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `condition` until it holds, within `WAIT` seconds."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"waited {WAIT} s for {what}")
        await asyncio.sleep(0.01)


async def stored_row(store: Store, linked: Linked) -> dict[str, Any]:
    """The credentials row as it is in the database, ciphertexts included."""
    async with store.database.engine.connect() as conn:
        row = (
            await conn.execute(select(credentials).where(credentials.c.account_id == linked.account.id))
        ).one()
    return dict(row._mapping)


@pytest.mark.parametrize("rotation", ["grace", "strict"])
async def test_a_server_killed_between_factorials_answer_and_the_commit_keeps_the_last_committed_tokens(
    rotation: str,
    backend: str,
    database_url: str,
    clock: ManualClock,
    factorial: Factorial,
    open_stores: OpenStore,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    key_entry = generate_key_entry("k1")
    store = await open_stores(database_url, KeyRing.parse(key_entry), clock)
    await factorial.control.settings(rotation=rotation)
    endpoints = endpoints_for(get_connector("factorialhr"), "sandbox", BASE)
    linked = await link_account(store, factorial.control, factorial.provider, endpoints)
    _, api_key = await store.api_keys.create(linked.project.id, "crash test")
    # One refresh committed first: "the newest committed token set" is then not simply the linked one.
    keeper = TokenKeeper(store, factorial.provider, clock, sandbox_urls={"factorialhr": BASE})
    expire(clock, linked.token)
    await keeper.access_token(*linked.key)
    await keeper.aclose()
    committed = await store.credentials.get(*linked.key)
    assert committed is not None and committed.refresh_token not in (None, linked.token.refresh_token)
    committed_row = await stored_row(store, linked)
    refreshes = await factorial.control.refreshes()

    port = free_port()
    server = Process(
        ["up", "--port", str(port)],
        cwd=tmp_path,
        env=child_env(
            LINKYARD_DATABASE_URL=database_url,
            LINKYARD_ENCRYPTION_KEYS=key_entry,
            LINKYARD_SANDBOX_FACTORIALHR_URL=factorial.url,
        ),
    )
    processes.append(server)
    await asyncio.to_thread(server.wait_until_serving, f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)

    async with store.database.engine.connect() as conn:
        if backend == "postgresql":
            await conn.begin()
            await conn.execute(text("LOCK TABLE credentials IN SHARE MODE"))
        else:
            factorial.hold.arm("POST", "/oauth/token")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=WAIT) as api:
            call = asyncio.create_task(
                api.post(
                    "/actions/rpc",
                    json={"action": CREDENTIALS},
                    headers={"x-account-id": linked.account.id},
                    auth=(api_key, ""),
                )
            )
            await _stopped_after_the_answer(backend, conn, factorial, server, call)
            assert await factorial.control.refreshes() == refreshes + 1  # Factorial rotated the tokens

            os.kill(server.popen.pid, signal.SIGKILL)
            assert await asyncio.to_thread(server.popen.wait, WAIT) == -signal.SIGKILL
            with pytest.raises(httpx.TransportError):
                await call
        if backend == "postgresql":
            await conn.rollback()  # the dead server's transaction ends with its connection, uncommitted
        else:
            factorial.hold.release()

    assert await stored_row(store, linked) == committed_row  # whole: tokens, expiry, generation
    assert await store.credentials.get(*linked.key) == committed
    if backend == "sqlite":  # what Factorial issued and the server never stored
        assert factorial.hold.body["refresh_token"] != committed.refresh_token

    clock.now = datetime.now(UTC)  # on the server's time: the stored access token has expired
    survivor = TokenKeeper(store, factorial.provider, clock, sandbox_urls={"factorialhr": BASE})
    try:
        if rotation == "grace":
            await _the_grant_lives_on(survivor, store, factorial, linked, committed)
        else:
            await _strict_rotation_ends_the_grant_cleanly(survivor, store, linked, committed_row)
    finally:
        await survivor.aclose()


async def _stopped_after_the_answer(
    backend: str,
    conn: AsyncConnection,
    factorial: Factorial,
    server: Process,
    call: asyncio.Task[httpx.Response],
) -> None:
    """Until the server has Factorial's answer (PostgreSQL: its UPDATE waits for our lock) or Factorial has
    answered and the server waits for that answer inside its write transaction (SQLite)."""

    async def waiting() -> bool:
        if server.popen.poll() is not None or call.done():
            raise AssertionError(f"the server went on or stopped on its own:\n{server.output}")
        if backend == "sqlite":
            return factorial.hold.answered.is_set()
        blocked = await conn.scalar(
            text("SELECT count(*) FROM pg_locks WHERE relation = 'credentials'::regclass AND NOT granted")
        )
        return bool(blocked)

    await until(waiting, "the server to wait between Factorial's answer and its commit")


async def _the_grant_lives_on(
    keeper: TokenKeeper, store: Store, factorial: Factorial, linked: Linked, committed: TokenSet
) -> None:
    """`grace`: the stored refresh token was used once but its successor never was: it still refreshes."""
    token = await keeper.access_token(*linked.key)
    assert token != committed.access_token
    assert await factorial.control.call(token) == 200
    account = await store.accounts.get(*linked.key)
    assert account.status == "active"
    stored = await store.credentials.get(*linked.key)
    assert stored is not None and stored.access_token == token
    assert stored.refresh_token not in (None, committed.refresh_token)


async def _strict_rotation_ends_the_grant_cleanly(
    keeper: TokenKeeper, store: Store, linked: Linked, committed_row: dict[str, Any]
) -> None:
    """`strict`: Factorial already rotated the stored refresh token away; the account needs a re-link (412), and
    the store still holds the last committed set, not an older one and not half of a new one."""
    with pytest.raises(TokenRefreshError) as refused:
        await keeper.access_token(*linked.key)
    assert refused.value.terminal and status_of(refused.value) == 412
    account = await store.accounts.get(*linked.key)
    assert account.status == "error" and account.status_reasons[0].code == "refresh_failed"
    assert await stored_row(store, linked) == committed_row
