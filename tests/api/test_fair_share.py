"""One tenant cannot starve the others (security property 19), attacked as from outside: project A floods slow
calls while project B keeps calling; the platform sends to the Factorial emulator over real loopback HTTP
(uvicorn), through the provider client's own connection pool, with the default shares.

Before the shares existed, A's calls took all 100 pooled connections and B's 4 ms call waited seconds for one.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from fnmatch import fnmatchcase
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.connectors import get_connector
from linkyard.domain import ManualClock
from linkyard.store import Store
from tests.api.conftest import ON_BOTH_BACKENDS, PUBLIC_URL, Harness
from tests.harness.platform import platform_settings
from tests.live_server import served

pytestmark = [ON_BOTH_BACKENDS, pytest.mark.slow]

EMPLOYEES = f"/api/{get_connector('factorialhr').api_version}/resources/employees/employees*"
FLOOD = 120
"""More slow calls than the provider connection pool (100) holds."""
SLOW_MS = 4000
B_CALLS = 60


class InFlight:
    """The emulator as served, counting the requests in progress on paths that match `pattern`."""

    def __init__(self, app: ASGIApp, pattern: str) -> None:
        self.app = app
        self.pattern = pattern
        self.now = 0
        self.most = 0
        self._changed = asyncio.Condition()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not fnmatchcase(scope["path"], self.pattern):
            await self.app(scope, receive, send)
            return
        async with self._changed:
            self.now += 1
            self.most = max(self.most, self.now)
            self._changed.notify_all()
        try:
            await self.app(scope, receive, send)
        finally:
            self.now -= 1

    async def reach(self, count: int) -> None:
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: self.now >= count)


@pytest.fixture
def in_flight(emulator: Starlette) -> InFlight:
    return InFlight(emulator, EMPLOYEES)


@pytest.fixture
async def live_emulator(in_flight: InFlight) -> AsyncIterator[str]:
    """The emulator on 127.0.0.1, served from the test's event loop; its base URL."""
    async with served(in_flight) as running:
        yield running.url


@pytest.fixture
def settings(database_url: str, live_emulator: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # Request rate limits are another guard (tests/api/test_rate_limits.py): off here, as an operator turns
    # them off, so that only the sharing of provider calls is measured.
    monkeypatch.setenv("LINKYARD_RATE_LIMIT_PER_KEY", "")
    monkeypatch.setenv("LINKYARD_RATE_LIMIT_PER_PROJECT", "")
    return platform_settings(database_url, sandbox_urls={"factorialhr": live_emulator})


@pytest.fixture
async def app(settings: Settings, store: Store, clock: ManualClock) -> AsyncIterator[FastAPI]:
    """The platform with its real provider client: connection pool, loopback sockets."""
    platform = create_app(settings, store=store, clock=clock)
    async with platform.router.lifespan_context(platform):
        yield platform


@pytest.fixture
async def harness(
    app: FastAPI, factorial: httpx.AsyncClient, store: Store, clock: ManualClock, live_emulator: str
) -> AsyncIterator[Harness]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL, timeout=60
    ) as api:
        harness = Harness(
            app=app, api=api, factorial=factorial, store=store, clock=clock, factorial_url=live_emulator
        )
        yield harness
        await harness.aclose()


def p99(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


async def _timed_calls(harness: Harness, tenant: Any, account_id: str, count: int) -> list[float]:
    took = []
    for _ in range(count):
        started = time.perf_counter()
        response = await harness.rpc(tenant, account_id, "factorialhr_get_credentials")
        took.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return took


async def test_a_project_flooding_slow_calls_does_not_slow_another_project(
    harness: Harness, in_flight: InFlight
) -> None:
    admin = await harness.admin_email()
    a, b = await harness.tenant("Project A"), await harness.tenant("Project B")
    await harness.profile(a)
    await harness.profile(b)
    _, a_account = await harness.link(a, admin)
    _, b_account = await harness.link(b, admin)
    await _timed_calls(harness, b, b_account["id"], 10)  # warm: caches, connections
    quiet = await _timed_calls(harness, b, b_account["id"], B_CALLS)

    fault = {"method": "GET", "path": EMPLOYEES, "delay_ms": SLOW_MS, "times": FLOOD}
    assert (await harness.factorial.post("/_emulator/faults", json=fault)).status_code == 201
    flood = [
        asyncio.create_task(harness.rpc(a, a_account["id"], "factorialhr_list_employees"))
        for _ in range(FLOOD)
    ]
    await in_flight.reach(8)  # A holds as many slow calls as its account's share: the flood is on
    flooded = await _timed_calls(harness, b, b_account["id"], B_CALLS)
    answers = await asyncio.gather(*flood)

    # B: as fast as when all was quiet (2x its quiet p99, or a second on this shared machine, whichever is
    # more; A's calls take 4 s, which is what B waited before).
    assert p99(flooded) <= max(2 * p99(quiet), 1.0), (p99(quiet), p99(flooded))
    # A: its account's share (8) reached the provider; the rest were refused at once or after a short wait.
    assert in_flight.most <= 8
    served = [answer for answer in answers if answer.status_code == 200]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert len(served) + len(refused) == FLOOD
    assert 1 <= len(served) <= 8
    for answer in refused:
        body = answer.json()
        assert body["statusCode"] == 429 and body["code"] == "concurrency_limited"
        assert "linked account" in body["message"]
        assert int(answer.headers["retry-after"]) >= 1
