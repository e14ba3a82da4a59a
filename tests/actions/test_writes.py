"""Writes through `POST /actions/rpc`, each verified in the emulator's state through its own REST API."""

from __future__ import annotations

from typing import Any

from tests.actions.conftest import Linked
from tests.api.conftest import Harness


async def _run(harness: Harness, linked: Linked, action: str, **call: Any) -> dict[str, Any]:
    response = await harness.rpc(linked.tenant, linked.account_id, action, **call)
    assert response.status_code == 200, (action, response.text)
    data: dict[str, Any] = response.json()["data"]
    return data


async def _employee(linked: Linked, index: int) -> dict[str, Any]:
    """A seeded employee who has a manager, so not the company's owner (whom Factorial will not terminate)."""
    employees = (await linked.provider.get("/employees/employees", params={"limit": 25})).json()["data"]
    return dict([row for row in employees if row["manager_id"] is not None][index])


async def _request_time_off(harness: Harness, linked: Linked, employee_id: str, day: str) -> str:
    created = await _run(
        harness,
        linked,
        "factorialhr_create_time_off_request",
        body={"employee_id": employee_id, "start_on": day, "description": "Family visit"},
    )
    return str(created["id"])


async def test_time_off_requests_are_created_approved_rejected_and_cancelled_in_factorial(
    harness: Harness, linked: Linked
) -> None:
    employee = await _employee(linked, 0)
    approved_id = await _request_time_off(harness, linked, employee["id"], "2026-03-02")
    stored = (await linked.provider.get(f"/timeoff/leaves/{approved_id}")).json()
    assert (str(stored["employee_id"]), stored["start_on"], stored["approved"]) == (
        str(employee["id"]),
        "2026-03-02",
        None,
    )

    await _run(harness, linked, "factorialhr_approve_time_off_request", body={"id": approved_id})
    assert (await linked.provider.get(f"/timeoff/leaves/{approved_id}")).json()["approved"] is True

    rejected_id = await _request_time_off(harness, linked, employee["id"], "2026-03-09")
    await _run(
        harness,
        linked,
        "factorialhr_reject_time_off_request",
        body={"id": rejected_id, "reason": "Audit week"},
    )
    assert (await linked.provider.get(f"/timeoff/leaves/{rejected_id}")).json()["approved"] is False

    cancelled_id = await _request_time_off(harness, linked, employee["id"], "2026-03-16")
    cancelled = await _run(harness, linked, "factorialhr_cancel_time_off_request", path={"id": cancelled_id})
    assert str(cancelled["id"]) == cancelled_id
    assert (await linked.provider.get(f"/timeoff/leaves/{cancelled_id}")).status_code == 404
    assert (await linked.provider.get(f"/timeoff/leaves/{approved_id}")).json()["approved"] is True


async def test_a_candidate_is_created_in_factorial(harness: Harness, linked: Linked) -> None:
    created = await _run(
        harness,
        linked,
        "factorialhr_create_candidate",
        body={
            "first_name": "Carla",
            "last_name": "Candidate",
            "email": "carla@example.com",
            "talent_pool": "true",
        },
    )
    stored = (await linked.provider.get(f"/ats/candidates/{created['id']}")).json()
    assert (stored["first_name"], stored["last_name"], stored["email"]) == (
        "Carla",
        "Candidate",
        "carla@example.com",
    )


async def test_an_employee_is_terminated_in_factorial(harness: Harness, linked: Linked) -> None:
    employee = await _employee(linked, 1)
    assert employee["terminated_on"] is None
    await _run(
        harness,
        linked,
        "factorialhr_terminate_employee",
        body={"id": employee["id"], "terminated_on": "2025-12-31", "termination_reason": "End of project"},
    )
    stored = (await linked.provider.get(f"/employees/employees/{employee['id']}")).json()
    assert stored["terminated_on"] == "2025-12-31"
    assert stored["active"] is False
