"""The shares of provider calls in progress, one place at a time (security property 19): per linked account,
per project, the short queue, and 429 `concurrency_limited` with `Retry-After` beyond them.

The emulator sits behind a `Gate` (served on loopback, where the platform's calls land): once closed, API
requests that reach it wait there until the test opens it, so "a call in progress" is exact and no test waits
on the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.domain import ManualClock
from linkyard.services.fair_share import WAITING_PER_PLACE
from linkyard.store import Store
from tests.api.conftest import Harness, Tenant
from tests.harness.platform import platform_settings
from tests.live_server import Served

CREDENTIALS = "factorialhr_get_credentials"


class Gate:
    """In front of the emulator (ASGI, served on loopback); while `closed`, API requests wait at the gate until
    `open()`."""

    def __init__(self, emulator: Starlette) -> None:
        self._emulator = emulator
        self.closed = False
        self.arrived = 0
        self._opened = asyncio.Event()
        self._changed = asyncio.Condition()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.closed and scope["type"] == "http" and scope["path"].startswith("/api/"):
            async with self._changed:
                self.arrived += 1
                self._changed.notify_all()
            await self._opened.wait()
        await self._emulator(scope, receive, send)

    async def reach(self, count: int) -> None:
        """Wait until `count` requests have arrived at the closed gate."""
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: self.arrived >= count)

    def open(self) -> None:
        self._opened.set()


@pytest.fixture
def shares() -> dict[str, Any]:
    return {"upstream_calls_per_project": 3, "upstream_calls_per_account": 2, "upstream_queue_seconds": 0}


@pytest.fixture
def settings(database_url: str, shares: dict[str, Any]) -> Settings:
    return platform_settings(
        database_url,
        **shares,
    )


@pytest.fixture
def gate(emulator: Starlette) -> Gate:
    return Gate(emulator)


@pytest.fixture
def upstream(gate: Gate) -> Gate:
    """What the platform's calls to Factorial reach (served on loopback by `upstream_server`): the gate."""
    return gate


@pytest.fixture
async def app(
    settings: Settings, store: Store, clock: ManualClock, upstream_server: Served, gate: Gate
) -> AsyncIterator[FastAPI]:
    platform = create_app(settings, store=store, clock=clock, provider_pins=upstream_server.pins())
    async with platform.router.lifespan_context(platform):
        yield platform


async def _accounts(harness: Harness, tenant: Tenant, count: int) -> list[str]:
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    ids = []
    for index in range(count):
        _, account = await harness.link(tenant, email, origin_owner_id=f"owner-{index}")
        ids.append(str(account["id"]))
    return ids


def _call(harness: Harness, tenant: Tenant, account_id: str) -> asyncio.Task[httpx.Response]:
    return asyncio.create_task(harness.rpc(tenant, account_id, CREDENTIALS))


def _assert_refused(response: httpx.Response, owner: str) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["statusCode"] == 429 and body["code"] == "concurrency_limited"
    assert owner in body["message"]
    assert response.headers["retry-after"] == "1"


async def test_an_account_and_a_project_each_get_a_bounded_share_and_other_projects_are_untouched(
    harness: Harness, gate: Gate
) -> None:
    acme, other = await harness.tenant("Acme"), await harness.tenant("Other")
    first, second = await _accounts(harness, acme, 2)
    (elsewhere,) = await _accounts(harness, other, 1)
    gate.closed = True

    held = [_call(harness, acme, first), _call(harness, acme, first)]
    await gate.reach(2)
    # The account's share (2) is taken: a third call is refused at once, and never reaches Factorial.
    _assert_refused(await harness.rpc(acme, first, CREDENTIALS), "linked account")

    held.append(_call(harness, acme, second))
    await gate.reach(3)
    # The project's share (3) is taken: its other account is refused although its own share has room.
    _assert_refused(await harness.rpc(acme, second, CREDENTIALS), "project")

    held.append(_call(harness, other, elsewhere))
    await gate.reach(4)  # another project's call goes through
    assert gate.arrived == 4

    gate.open()
    assert [answer.status_code for answer in await asyncio.gather(*held)] == [200, 200, 200, 200]
    # Every place is given back when its call ends.
    again = [_call(harness, acme, first), _call(harness, acme, first), _call(harness, acme, second)]
    assert [answer.status_code for answer in await asyncio.gather(*again)] == [200, 200, 200]


@pytest.mark.parametrize(
    "shares",
    [{"upstream_calls_per_project": 2, "upstream_calls_per_account": 1, "upstream_queue_seconds": 30}],
)
async def test_a_call_beyond_its_share_waits_its_turn_behind_a_bounded_queue(
    harness: Harness, gate: Gate
) -> None:
    tenant = await harness.tenant()
    (account,) = await _accounts(harness, tenant, 1)
    gate.closed = True
    first = _call(harness, tenant, account)
    await gate.reach(1)

    # The account's share is 1 and its queue holds 10: of 11 more calls, 10 wait and 1 is refused at once.
    more = {_call(harness, tenant, account) for _ in range(1 + WAITING_PER_PLACE)}
    done, pending = await asyncio.wait(more, return_when=asyncio.FIRST_COMPLETED)
    assert len(done) == 1 and len(pending) == WAITING_PER_PLACE
    _assert_refused(done.pop().result(), "linked account")

    gate.open()
    assert (await first).status_code == 200
    # Each served in turn as the one before gave its place back.
    assert [answer.status_code for answer in await asyncio.gather(*pending)] == [200] * WAITING_PER_PLACE


@pytest.mark.parametrize(
    "shares",
    [{"upstream_calls_per_project": 2, "upstream_calls_per_account": 1, "upstream_queue_seconds": 0.2}],
)
async def test_a_call_that_finds_no_place_within_the_queue_time_is_refused(
    harness: Harness, gate: Gate
) -> None:
    tenant = await harness.tenant()
    (account,) = await _accounts(harness, tenant, 1)
    gate.closed = True
    first = _call(harness, tenant, account)
    await gate.reach(1)
    _assert_refused(await harness.rpc(tenant, account, CREDENTIALS), "linked account")  # after 0.2 s
    assert gate.arrived == 1
    gate.open()
    assert (await first).status_code == 200


async def test_proxied_calls_take_places_of_the_same_shares_as_actions(harness: Harness, gate: Gate) -> None:
    tenant = await harness.tenant()
    (account,) = await _accounts(harness, tenant, 1)
    path = "/api/2026-10-01/resources/api_public/credentials"
    headers = {**tenant.auth, "x-account-id": account}

    def proxied() -> asyncio.Task[httpx.Response]:
        return asyncio.create_task(harness.api.post("/unified/proxy", json={"path": path}, headers=headers))

    gate.closed = True
    held = [_call(harness, tenant, account), proxied()]
    await gate.reach(2)
    # One action and one proxied call fill the account's share of 2: a proxied call and an action are refused.
    _assert_refused(await proxied(), "linked account")
    _assert_refused(await harness.rpc(tenant, account, CREDENTIALS), "linked account")
    assert gate.arrived == 2

    gate.open()
    assert [answer.status_code for answer in await asyncio.gather(*held)] == [200, 200]
