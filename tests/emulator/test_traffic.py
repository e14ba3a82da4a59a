"""Injected faults and latency, as a client of the emulator sees them over HTTP."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.emulator.factorial import create_app

EMPLOYEES = "/api/2026-10-01/resources/employees/employees"


@pytest.fixture
async def app() -> AsyncIterator[Starlette]:
    app = create_app(seed=11, employees=5)
    yield app
    await app.state.webhooks.aclose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://factorial.test") as client:
        company_id = (await client.get("/_emulator/companies")).json()[0]["id"]
        key = (await client.post("/_emulator/api_keys", json={"company_id": company_id})).json()["api_key"]
        client.headers["x-api-key"] = key
        yield client


async def add_fault(client: httpx.AsyncClient, **fault: object) -> None:
    response = await client.post("/_emulator/faults", json=fault)
    assert response.status_code == 201, response.text


async def api_requests(client: httpx.AsyncClient) -> int:
    count: int = (await client.get("/_emulator/stats")).json()["api_requests"]
    return count


async def test_a_429_with_retry_after_is_answered_the_configured_number_of_times_then_the_api_answers(
    client: httpx.AsyncClient,
) -> None:
    await add_fault(
        client, method="GET", path="/api/*/employees/employees", status=429, times=2, retry_after=7
    )

    first, second, third = [await client.get(EMPLOYEES) for _ in range(3)]

    for faulted in (first, second):
        assert faulted.status_code == 429
        assert faulted.headers["retry-after"] == "7"
        assert faulted.headers["content-type"] == "application/json"
        assert faulted.json() == {"errors": ["Too Many Requests"]}
    assert third.status_code == 200
    assert "retry-after" not in third.headers
    assert len(third.json()["data"]) == 5


async def test_faulted_api_requests_are_counted_like_answered_ones(client: httpx.AsyncClient) -> None:
    before = await api_requests(client)
    await add_fault(client, method="GET", path="/api/*", status=503, times=1)

    assert (await client.get(EMPLOYEES)).status_code == 503
    assert (await client.get(EMPLOYEES)).status_code == 200

    assert await api_requests(client) == before + 2


async def test_a_503_fault_answers_with_the_body_it_was_given_and_without_retry_after(
    client: httpx.AsyncClient,
) -> None:
    await add_fault(client, method="*", path="/api/*", status=503, times=1, body={"message": "maintenance"})

    response = await client.get(EMPLOYEES)

    assert response.status_code == 503
    assert response.json() == {"message": "maintenance"}
    assert "retry-after" not in response.headers


async def test_a_fault_hits_only_requests_matching_its_method_and_path_glob(
    client: httpx.AsyncClient,
) -> None:
    await add_fault(client, method="post", path="/api/*/resources/timeoff/*", status=500, times=1)

    assert (await client.get("/api/2026-10-01/resources/timeoff/leaves")).status_code == 200
    assert (await client.get(EMPLOYEES)).status_code == 200
    assert (await client.post("/api/2026-10-01/resources/timeoff/leaves", json={})).status_code == 500
    # consumed: the same request now reaches the API, which rejects the empty body on its own terms
    assert (await client.post("/api/2026-10-01/resources/timeoff/leaves", json={})).status_code == 422


async def test_the_first_matching_fault_wins_and_each_is_consumed_in_turn(client: httpx.AsyncClient) -> None:
    await add_fault(client, method="GET", path="/api/*", status=502, times=1)
    await add_fault(client, method="GET", path="/api/*", status=504, times=1)

    statuses = [(await client.get(EMPLOYEES)).status_code for _ in range(3)]

    assert statuses == [502, 504, 200]


async def test_a_delay_only_fault_slows_the_request_then_lets_the_api_answer(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await add_fault(client, method="GET", path=EMPLOYEES, delay_ms=20, times=1)
    assert len(app.state.world.faults) == 1

    response = await client.get(EMPLOYEES)

    assert response.status_code == 200
    assert len(response.json()["data"]) == 5
    assert app.state.world.faults == []


async def test_a_delayed_error_is_answered_after_the_delay(app: Starlette, client: httpx.AsyncClient) -> None:
    await add_fault(client, method="GET", path=EMPLOYEES, status=500, delay_ms=10, times=1)

    assert (await client.get(EMPLOYEES)).status_code == 500
    assert app.state.world.faults == []


async def test_faults_apply_outside_the_rest_api_without_counting_api_requests(
    client: httpx.AsyncClient,
) -> None:
    before = await api_requests(client)
    await add_fault(client, method="POST", path="/oauth/token", status=503, times=1)

    response = await client.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "x"})

    assert response.status_code == 503
    assert await api_requests(client) == before


async def test_the_control_api_is_never_faulted(app: Starlette, client: httpx.AsyncClient) -> None:
    await add_fault(client, method="*", path="*", status=500, times=3)

    assert (await client.get("/_emulator/stats")).status_code == 200
    assert (await client.get("/_emulator/settings")).status_code == 200
    assert app.state.world.faults[0].times == 3


async def test_deleting_faults_restores_normal_answers(client: httpx.AsyncClient) -> None:
    await add_fault(client, method="GET", path="/api/*", status=500, times=10)

    deleted = await client.delete("/_emulator/faults")

    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": 1}
    assert (await client.get(EMPLOYEES)).status_code == 200


async def test_the_latency_setting_delays_api_requests(client: httpx.AsyncClient) -> None:
    updated = await client.put("/_emulator/settings", json={"latency_ms": 40})
    assert updated.json()["latency_ms"] == 40

    started = time.monotonic()
    response = await client.get(EMPLOYEES)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed >= 0.035  # a lower bound only: sleeping never ends early, a busy machine may end late
