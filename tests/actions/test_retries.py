"""Retries only where safe (security item 16), driven by the emulator's fault injection.

Every wait goes through the test's `FakeTime` (so `slept` is exactly what the policy waited); the `Wire` counts
what the platform sent, the emulator's stats what reached it, and it stops listening for a provider that is
down (the platform's connections refused, nothing sent).
"""

from __future__ import annotations

from typing import Any

import pytest

from linkyard.connectors.retry import RetryPolicy
from tests.actions.conftest import API, FakeTime, Linked, Wire
from tests.api.conftest import Harness

EMPLOYEES = f"{API}/employees/employees"
LEAVES = f"{API}/timeoff/leaves"
# The tests that provoke a timeout cut attempts after CUT seconds and delay the faulty answers by SLOW_MS, long
# after the cut; every other test keeps the platform's 10 s, so that a loaded machine never times out an attempt
# the test expects to be answered. An attempt that must succeed under CUT is a single loopback GET.
CUT = 2.0
SLOW_MS = 5000
cut_attempts = pytest.mark.parametrize("attempt_timeout", [CUT])


@pytest.fixture
def attempt_timeout() -> float:
    return 10.0


@pytest.fixture
def policy(fake_time: FakeTime, attempt_timeout: float) -> RetryPolicy:
    """Three attempts, waits of 0.1 s then 0.2 s (no jitter), a 30 s budget, attempts cut after `attempt_timeout`."""
    return RetryPolicy(
        max_attempts=3,
        base_backoff=0.1,
        max_backoff=1.0,
        jitter=0.0,
        budget=30.0,
        attempt_timeout=attempt_timeout,
        sleep=fake_time.sleep,
        monotonic=fake_time.monotonic,
    )


async def _fault(harness: Harness, method: str, path: str, **fault: Any) -> None:
    response = await harness.factorial.post(
        "/_emulator/faults", json={"method": method, "path": path, **fault}
    )
    assert response.status_code == 201, response.text


async def _stats(harness: Harness) -> dict[str, Any]:
    return await harness.stats()


async def _list_employees(harness: Harness, linked: Linked) -> Any:
    return await harness.rpc(
        linked.tenant, linked.account_id, "factorialhr_list_employees", query={"page_size": "5"}
    )


async def _request_time_off(harness: Harness, linked: Linked, day: str = "2026-04-06") -> Any:
    employees = (await linked.provider.get("/employees/employees", params={"limit": 5})).json()["data"]
    return await harness.rpc(
        linked.tenant,
        linked.account_id,
        "factorialhr_create_time_off_request",
        body={"employee_id": str(employees[-1]["id"]), "start_on": day},
    )


async def _leaves_on(linked: Linked, day: str) -> int:
    leaves = (await linked.provider.get("/timeoff/leaves", params={"limit": 100})).json()["data"]
    return sum(1 for leave in leaves if leave["start_on"] == day)


async def test_a_get_answered_429_is_resent_after_retry_after_and_gets_the_right_result(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    expected = (await linked.provider.get("/employees/employees", params={"limit": 5})).json()["data"]
    before = (await _stats(harness))["api_requests"]
    await _fault(harness, "GET", EMPLOYEES, status=429, retry_after=2, times=1)

    response = await _list_employees(harness, linked)

    assert response.status_code == 200, response.text
    assert [e["id"] for e in response.json()["data"]] == [str(e["id"]) for e in expected]
    assert (await _stats(harness))["api_requests"] - before == 2
    assert wire.count("GET", EMPLOYEES) == 2
    assert fake_time.slept == [2.0]


async def test_a_retry_after_beyond_the_budget_answers_429_at_once_with_it(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await _fault(harness, "GET", EMPLOYEES, status=429, retry_after=120, times=1)
    response = await _list_employees(harness, linked)
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == "120"
    assert response.json()["code"] == "rate_limited"
    assert wire.count("GET", EMPLOYEES) == 1
    assert fake_time.slept == []


async def test_three_503s_on_a_get_answer_502_with_the_provider_errors(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime, policy: RetryPolicy
) -> None:
    await _fault(harness, "GET", EMPLOYEES, status=503, times=3)
    response = await _list_employees(harness, linked)

    assert response.status_code == 502, response.text
    body = response.json()
    assert body["code"] == "provider_error"
    assert wire.count("GET", EMPLOYEES) == policy.max_attempts == 3
    assert fake_time.slept == [0.1, 0.2]
    assert (
        body["provider_errors"]
        == [
            {
                "status": 503,
                "url": f"http://factorial.test{EMPLOYEES}",  # without the query (`limit`)
                "raw": {"errors": ["Service Unavailable"]},
                "headers": {"content-type": "application/json"},
            }
        ]
        * 3
    )
    token = wire.authorizations[-1].removeprefix("Bearer ")
    assert token and token not in response.text
    assert "bearer" not in response.text.lower()
    # The faults are used up: the next call goes through.
    assert (await _list_employees(harness, linked)).status_code == 200


async def test_a_get_that_recovers_after_a_503_succeeds(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await _fault(harness, "GET", EMPLOYEES, status=503, times=2)
    response = await _list_employees(harness, linked)
    assert response.status_code == 200, response.text
    assert wire.count("GET", EMPLOYEES) == 3
    assert fake_time.slept == [0.1, 0.2]


@cut_attempts
async def test_a_post_that_times_out_is_not_resent(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await _fault(harness, "POST", LEAVES, delay_ms=SLOW_MS, times=1)
    response = await _request_time_off(harness, linked, "2026-04-06")

    assert response.status_code == 408, response.text
    assert response.json()["code"] == "provider_timeout"
    assert "check before sending it again" in response.json()["message"]
    assert wire.count("POST", LEAVES) == 1
    assert fake_time.slept == []
    # The one attempt was cut before Factorial acted on it, and nothing was sent after it.
    assert (await _stats(harness))["requests_by_route"].get("POST timeoff/leaves", 0) == 0
    assert await _leaves_on(linked, "2026-04-06") == 0


@cut_attempts
async def test_a_get_that_times_out_is_resent(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await _fault(harness, "GET", EMPLOYEES, delay_ms=SLOW_MS, times=1)
    response = await _list_employees(harness, linked)
    assert response.status_code == 200, response.text
    assert wire.count("GET", EMPLOYEES) == 2
    assert fake_time.slept == [0.1]


@cut_attempts
async def test_a_get_that_times_out_every_time_answers_408(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    await _fault(harness, "GET", EMPLOYEES, delay_ms=SLOW_MS, times=3)
    response = await _list_employees(harness, linked)
    assert response.status_code == 408, response.text
    assert wire.count("GET", EMPLOYEES) == 3


async def test_a_post_answered_503_is_not_resent(harness: Harness, linked: Linked, wire: Wire) -> None:
    await _fault(harness, "POST", LEAVES, status=503, times=1)
    response = await _request_time_off(harness, linked, "2026-04-07")
    assert response.status_code == 502, response.text
    assert [error["status"] for error in response.json()["provider_errors"]] == [503]
    assert wire.count("POST", LEAVES) == 1
    assert await _leaves_on(linked, "2026-04-07") == 0


async def test_a_post_answered_429_is_resent_since_factorial_turned_it_away_unread(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await _fault(harness, "POST", LEAVES, status=429, retry_after=1, times=1)
    response = await _request_time_off(harness, linked, "2026-04-08")
    assert response.status_code == 200, response.text
    assert wire.count("POST", LEAVES) == 2
    assert fake_time.slept == [1.0]
    assert await _leaves_on(linked, "2026-04-08") == 1


async def test_a_post_that_could_not_connect_is_resent_and_lands_once(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    employees = (await linked.provider.get("/employees/employees", params={"limit": 5})).json()["data"]
    await wire.refuse_connections(back_up_at=fake_time)
    response = await harness.rpc(
        linked.tenant,
        linked.account_id,
        "factorialhr_create_time_off_request",
        body={"employee_id": str(employees[-1]["id"]), "start_on": "2026-04-09"},
    )
    assert response.status_code == 200, response.text
    assert fake_time.slept == [0.1], "refused once, resent once after the first backoff"
    assert wire.count("POST", LEAVES) == 1
    assert (await _stats(harness))["requests_by_route"]["POST timeoff/leaves"] == 1
    assert await _leaves_on(linked, "2026-04-09") == 1


async def test_a_provider_that_cannot_be_reached_answers_502(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await wire.refuse_connections()
    response = await _list_employees(harness, linked)
    assert response.status_code == 502, response.text
    assert "Could not reach Factorial" in response.json()["message"]
    assert fake_time.slept == [0.1, 0.2], "three attempts, each refused"
    assert wire.count("GET", EMPLOYEES) == 0


async def test_waits_never_run_past_the_request_budget(
    harness: Harness, linked: Linked, wire: Wire, fake_time: FakeTime
) -> None:
    await _fault(harness, "GET", EMPLOYEES, status=503, retry_after=20, times=3)
    response = await _list_employees(harness, linked)
    # 20 s fit the 30 s budget once; a second wait of 20 s would end past it.
    assert response.status_code == 502, response.text
    assert fake_time.slept == [20.0]
    assert wire.count("GET", EMPLOYEES) == 2
    assert len(response.json()["provider_errors"]) == 2


async def test_a_post_answered_500_is_not_resent_and_the_token_is_kept_out_of_the_error(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    assert (await _list_employees(harness, linked)).status_code == 200
    token = wire.authorizations[-1].removeprefix("Bearer ")
    await _fault(
        harness, "POST", LEAVES, status=500, times=1, body={"errors": [f"token {token} looks odd to us"]}
    )
    response = await _request_time_off(harness, linked, "2026-04-10")
    assert response.status_code == 502, response.text
    assert wire.count("POST", LEAVES) == 1
    assert token not in response.text
    [error] = response.json()["provider_errors"]
    assert error["status"] == 500 and "[redacted]" in error["raw"]


async def test_a_provider_404_is_passed_on_without_a_retry(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    response = await harness.rpc(
        linked.tenant, linked.account_id, "factorialhr_get_employee", path={"id": "987654"}
    )
    assert response.status_code == 404, response.text
    assert [error["status"] for error in response.json()["provider_errors"]] == [404]
    assert wire.count("GET", f"{EMPLOYEES}/*") == 1
