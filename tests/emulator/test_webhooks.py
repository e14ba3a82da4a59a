"""Webhook deliveries after writes through the REST API, received by an in-process HTTP receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from linkyard.emulator.factorial import create_app

API = "/api/2026-10-01/resources"
SUBSCRIPTIONS = f"{API}/api_public/webhook_subscriptions"
RECEIVER = "http://receiver.test"


@dataclass
class Delivery:
    path: str
    headers: httpx.Headers
    body: Any


@dataclass
class Receiver:
    """An HTTP endpoint that records every delivery and answers with the next scripted status (then 200).

    `/crash` raises instead of answering, like a receiver whose connection breaks.
    """

    deliveries: list[Delivery] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    hang_seconds: float = 0.0

    def app(self) -> Starlette:
        async def receive(request: Request) -> Response:
            self.deliveries.append(
                Delivery(request.url.path, httpx.Headers(request.headers), await request.json())
            )
            if request.url.path == "/crash":
                raise RuntimeError("the receiver crashed")
            if self.hang_seconds:
                await asyncio.sleep(self.hang_seconds)
            status = self.statuses.pop(0) if self.statuses else 200
            return JSONResponse({"received": True}, status_code=status)

        return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])


@dataclass
class Emulator:
    app: Starlette
    client: httpx.AsyncClient
    receiver: Receiver

    async def subscribe(self, event: str, path: str, **extra: Any) -> dict[str, Any]:
        body = {"subscription_type": event, "target_url": f"{RECEIVER}{path}", "challenge": "ch-4x2", **extra}
        response = await self.client.post(SUBSCRIPTIONS, json=body)
        assert response.status_code == 201, response.text
        subscription: dict[str, Any] = response.json()
        return subscription

    async def subscription(self, subscription_id: str) -> dict[str, Any]:
        found: dict[str, Any] = (await self.client.get(f"{SUBSCRIPTIONS}/{subscription_id}")).json()
        return found

    async def first_employee(self) -> dict[str, Any]:
        employee: dict[str, Any] = (await self.client.get(f"{API}/employees/employees")).json()["data"][0]
        return employee

    async def deliveries(self) -> dict[str, int]:
        counts: dict[str, int] = (await self.client.get("/_emulator/stats")).json()["webhook_deliveries"]
        return counts

    async def wait_for_deliveries(self, *, succeeded: int = 0, failed: int = 0) -> None:
        await wait_until(lambda: self.deliveries_reach(succeeded, failed))
        await wait_until(self._idle)

    async def deliveries_reach(self, succeeded: int, failed: int) -> bool:
        counts = await self.deliveries()
        return counts["succeeded"] >= succeeded and counts["failed"] >= failed

    async def _idle(self) -> bool:
        return bool(self.app.state.webhooks.pending == 0)


async def wait_until(condition: Callable[[], Awaitable[bool]], attempts: int = 500) -> None:
    for _ in range(attempts):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not become true within about 5 seconds")


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    receiver = Receiver()
    app = create_app(seed=5, employees=6, webhook_transport=httpx.ASGITransport(app=receiver.app()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://factorial.test") as client:
        settings = {
            "webhook_retry_base_seconds": 0.01,
            "webhook_max_attempts": 3,
            "webhook_timeout_seconds": 2.0,
        }
        assert (await client.put("/_emulator/settings", json=settings)).status_code == 200
        company_id = (await client.get("/_emulator/companies")).json()[0]["id"]
        key = (await client.post("/_emulator/api_keys", json={"company_id": company_id})).json()["api_key"]
        client.headers["x-api-key"] = key
        yield Emulator(app, client, receiver)
        await app.state.webhooks.aclose()


async def test_an_employee_update_delivers_the_bare_employee_with_the_challenge_header(
    emulator: Emulator,
) -> None:
    await emulator.subscribe("employees/employee/update", "/hooks/employees")
    employee = await emulator.first_employee()

    updated = await emulator.client.put(
        f"{API}/employees/employees/{employee['id']}", json={"first_name": "Ada"}
    )
    assert updated.status_code == 200
    await emulator.wait_for_deliveries(succeeded=1)

    [delivery] = emulator.receiver.deliveries
    assert delivery.path == "/hooks/employees"
    assert delivery.headers["x-factorial-wh-challenge"] == "ch-4x2"
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.body == updated.json()  # the resource itself, no envelope, shaped like the API's answer
    assert delivery.body["id"] == employee["id"]
    assert delivery.body["first_name"] == "Ada"
    assert not [key for key in delivery.body if key.startswith("_")]


async def test_the_payload_follows_the_subscription_api_version(emulator: Emulator) -> None:
    await emulator.subscribe("employees/employee/update", "/hooks/new", api_version="2026-10-01")
    await emulator.subscribe("employees/employee/update", "/hooks/old", api_version="2026-04-01")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"last_name": "Lovelace"})
    await emulator.wait_for_deliveries(succeeded=2)

    bodies = {delivery.path: delivery.body for delivery in emulator.receiver.deliveries}
    assert bodies["/hooks/new"]["id"] == employee["id"]
    assert isinstance(bodies["/hooks/new"]["id"], str)
    assert bodies["/hooks/old"]["id"] == int(employee["id"])
    assert isinstance(bodies["/hooks/old"]["company_id"], int)


async def test_a_leave_created_and_approved_reaches_only_the_subscriptions_of_those_events(
    emulator: Emulator,
) -> None:
    await emulator.subscribe("timeoff/leave/create", "/hooks/leave-created")
    await emulator.subscribe("timeoff/leave/approve", "/hooks/leave-approved")
    await emulator.subscribe("employees/employee/update", "/hooks/employees")
    employee = await emulator.first_employee()

    created = await emulator.client.post(
        f"{API}/timeoff/leaves",
        json={"employee_id": employee["id"], "start_on": "2031-03-03", "finish_on": "2031-03-04"},
    )
    assert created.status_code == 201, created.text
    await emulator.wait_for_deliveries(succeeded=1)
    approved = await emulator.client.post(f"{API}/timeoff/leaves/approve", json={"id": created.json()["id"]})
    assert approved.status_code == 200, approved.text
    await emulator.wait_for_deliveries(succeeded=2)

    paths = [delivery.path for delivery in emulator.receiver.deliveries]
    assert paths == ["/hooks/leave-created", "/hooks/leave-approved"]
    assert emulator.receiver.deliveries[0].body == created.json()
    assert emulator.receiver.deliveries[1].body["id"] == created.json()["id"]
    assert emulator.receiver.deliveries[1].body["approved"] is True


async def test_a_disabled_subscription_receives_nothing(emulator: Emulator) -> None:
    await emulator.subscribe("employees/employee/update", "/hooks/off", enabled=False)
    await emulator.subscribe("employees/employee/update", "/hooks/on")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Grace"})
    await emulator.wait_for_deliveries(succeeded=1)

    assert [delivery.path for delivery in emulator.receiver.deliveries] == ["/hooks/on"]


async def test_failed_deliveries_are_retried_then_the_subscription_is_disabled(emulator: Emulator) -> None:
    emulator.receiver.statuses = [500, 502, 503]
    subscription = await emulator.subscribe("employees/employee/update", "/hooks/down")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Alan"})
    await emulator.wait_for_deliveries(failed=3)

    assert await emulator.deliveries() == {"succeeded": 0, "failed": 3}
    assert len(emulator.receiver.deliveries) == 3
    assert all(delivery.body["first_name"] == "Alan" for delivery in emulator.receiver.deliveries)
    assert (await emulator.subscription(subscription["id"]))["enabled"] is False

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Turing"})
    assert emulator.app.state.webhooks.pending == 0  # disabled: nothing more is scheduled


async def test_a_success_after_failures_keeps_the_subscription_and_resets_its_failure_count(
    emulator: Emulator,
) -> None:
    emulator.receiver.statuses = [500, 500]
    subscription = await emulator.subscribe("employees/employee/update", "/hooks/flaky")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Edsger"})
    await emulator.wait_for_deliveries(succeeded=1, failed=2)

    assert await emulator.deliveries() == {"succeeded": 1, "failed": 2}
    assert (await emulator.subscription(subscription["id"]))["enabled"] is True
    world = emulator.app.state.world
    [row] = world.table("api_public/webhook_subscriptions").rows(next(iter(world.companies)))
    assert row["_failures"] == 0


async def test_a_receiver_that_does_not_answer_in_time_counts_as_a_failure(emulator: Emulator) -> None:
    await emulator.client.put(
        "/_emulator/settings", json={"webhook_timeout_seconds": 0.05, "webhook_max_attempts": 1}
    )
    emulator.receiver.hang_seconds = 1.0
    subscription = await emulator.subscribe("employees/employee/update", "/hooks/slow")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Barbara"})
    await emulator.wait_for_deliveries(failed=1)

    assert await emulator.deliveries() == {"succeeded": 0, "failed": 1}
    assert (await emulator.subscription(subscription["id"]))["enabled"] is False


async def test_a_receiver_that_crashes_counts_as_a_failure(emulator: Emulator) -> None:
    await emulator.client.put("/_emulator/settings", json={"webhook_max_attempts": 2})
    subscription = await emulator.subscribe("employees/employee/update", "/crash")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Niklaus"})
    await emulator.wait_for_deliveries(failed=2)

    assert await emulator.deliveries() == {"succeeded": 0, "failed": 2}
    assert (await emulator.subscription(subscription["id"]))["enabled"] is False


async def test_reset_cancels_deliveries_waiting_to_be_retried(emulator: Emulator) -> None:
    await emulator.client.put("/_emulator/settings", json={"webhook_retry_base_seconds": 30.0})
    emulator.receiver.statuses = [500]
    await emulator.subscribe("employees/employee/update", "/hooks/retry-later")
    employee = await emulator.first_employee()

    await emulator.client.put(f"{API}/employees/employees/{employee['id']}", json={"first_name": "Donald"})
    await wait_until(lambda: emulator.deliveries_reach(0, 1))
    assert emulator.app.state.webhooks.pending == 1

    assert (await emulator.client.post("/_emulator/reset", json={})).status_code == 200

    assert emulator.app.state.webhooks.pending == 0
    assert await emulator.deliveries() == {"succeeded": 0, "failed": 0}
