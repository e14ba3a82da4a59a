"""Over real HTTP on loopback (uvicorn, httpx's own connection pool): the exactly-once refresh still holds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from linkyard.connectors import get_connector
from linkyard.domain import ManualClock
from linkyard.emulator.factorial import create_app
from linkyard.emulator.factorial.state import Clock as EmulatorClock
from linkyard.oauth import ProviderClient, TokenKeeper, endpoints_for
from linkyard.store import Store
from tests.live_server import serve
from tests.oauth.conftest import Control, expire, link_account

pytestmark = pytest.mark.slow


@pytest.fixture
def live_url(clock: ManualClock) -> Iterator[str]:
    with serve(create_app(seed=5, employees=12, clock=EmulatorClock(lambda: clock().timestamp()))) as url:
        yield url


@pytest.fixture
async def live_control(live_url: str) -> AsyncIterator[Control]:
    async with httpx.AsyncClient(base_url=live_url, timeout=10) as http:
        yield Control(http)


async def test_two_workers_over_real_http_refresh_once(
    live_url: str, live_control: Control, store: Store, worker_store: Store, clock: ManualClock
) -> None:
    endpoints = endpoints_for(get_connector("factorialhr"), "sandbox", live_url)
    async with ProviderClient(clock=clock) as provider:
        linked = await link_account(store, live_control, provider, endpoints)
        await live_control.settings(rotation="strict", token_latency_ms=30)
        workers = [
            TokenKeeper(s, provider, clock, sandbox_urls={"factorialhr": live_url})
            for s in (store, worker_store)
        ]
        expire(clock, linked.token)

        tokens = await asyncio.gather(*(w.access_token(*linked.key) for w in workers for _ in range(50)))

        for worker in workers:
            await worker.aclose()
    assert len(set(tokens)) == 1
    stats = await live_control.stats()
    assert stats["token_requests"]["refresh_token"] == 1 and not stats["token_errors"]
    assert await live_control.call(tokens[0]) == 200
