"""StackOne's TypeScript client on the unified HRIS time off operations: each call succeeds, its zod schema accepts
the answer, the values are the emulator's own; a request created, updated and cancelled on an employee through the
client is so in Factorial, read back with Factorial's official SDK (`factorial-api-client`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from factorial_api_client import FactorialClient
from factorial_api_client.generated.errors import UnexpectedStatus

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script

STATUSES = {True: "approved", False: "rejected", None: "pending"}
KINDS = {
    "vacation": "vacation",
    "sick_leave": "sick",
    "personal_day": "personal",
    "unpaid_leave": "unpaid",
    "parental_leave": "child_care_leave",
    "remote_work": "other",
}


def _records(pages: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [record for page in pages for record in page[key]["data"]]


def _client_time(value: str | None) -> str | None:
    """A provider's time or day as the client hands it back: a JavaScript Date, printed in UTC to the ms."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value if "T" in value else f"{value}T00:00:00+00:00").astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _day(value: str | None) -> str | None:
    return None if value is None else f"{value}T00:00:00.000"


def _duration(days: float) -> str:
    return f"P{int(days)}D" if days == int(days) else f"P{days}D"


def _time_off(leave: dict[str, Any]) -> dict[str, Any]:
    """What the client gives for one of Factorial's leaves."""
    status = STATUSES[leave["approved"]]
    return {
        "id": leave["id"],
        "remoteId": leave["id"],
        "employeeId": leave["employee_id"],
        "remoteEmployeeId": leave["employee_id"],
        "status": {"value": status, "sourceValue": "pending" if status == "pending" else leave["approved"]},
        "startDate": _day(leave["start_on"]),
        "endDate": _day(leave["finish_on"]),
        "startHalfDay": leave["half_day"] == "end_of_day",
        "endHalfDay": leave["half_day"] == "beginning_of_day",
        "duration": _duration(leave["days_taken"]),
        "timeOffPolicyId": leave["leave_type_id"],
        "remoteTimeOffPolicyId": leave["leave_type_id"],
        "comment": leave["description"],
        "createdAt": _client_time(leave["created_at"]),
        "updatedAt": _client_time(leave["updated_at"]),
    }


def _policy(kind: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": kind["id"],
        "remoteId": kind["id"],
        "name": kind["name"],
        "description": kind["description"],
        "type": {"value": KINDS[kind["identifier"]], "sourceValue": kind["identifier"]},
        "durationUnit": {"value": "days", "sourceValue": "days"},
    }


def _balance(stat: dict[str, Any]) -> dict[str, Any]:
    cycle = stat["cycles"][0]
    return {
        "id": stat["id"],
        "remoteId": stat["id"],
        "employeeId": stat["employee_id"],
        "remoteEmployeeId": stat["employee_id"],
        "currentBalance": float(stat["available_days"]),
        "initialBalance": float(stat["total"]),
        "balanceUnit": {"value": "days", "sourceValue": "days"},
        "balanceStartDate": _client_time(cycle["start_at"]),
        "balanceExpiryDate": _client_time(cycle["end_at"]),
    }


@pytest.fixture
def factorial_sdk(stackone_server: Sandbox) -> Iterator[FactorialClient]:
    """Factorial's official SDK on the sandbox's emulator, with a company API key."""
    company = stackone_server.emulator_company()
    with httpx.Client(base_url=stackone_server.emulator_url, trust_env=False) as emulator:
        key = emulator.post("/_emulator/api_keys", json={"company_id": company["id"]}).json()["api_key"]
    client = FactorialClient(api_key=key, base_url=stackone_server.emulator_url)
    yield client
    client._client.get_httpx_client().close()


def test_the_clients_time_off_reads_answer_the_emulators_data(
    stackone_server: Sandbox, linked_account: str
) -> None:
    leaves = stackone_server.emulator_records("timeoff/leaves")
    kinds = stackone_server.emulator_records("timeoff/leave_types")
    stats = stackone_server.emulator_records("timeoff/allowance_stats")
    employee = leaves[0]["employee_id"]
    theirs = [leave for leave in leaves if leave["employee_id"] == employee]
    other = next(leave["employee_id"] for leave in leaves if leave["employee_id"] != employee)
    personal = next(kind for kind in kinds if kind["identifier"] == "personal_day")
    balances = [stat for stat in stats if stat["employee_id"] == employee]
    since = sorted(leave["updated_at"] for leave in leaves)[len(leaves) // 2]
    report = run_script(
        "hris_time_off.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        step="read",
        accountId=linked_account,
        employeeId=employee,
        otherEmployeeId=other,
        leaveId=theirs[0]["id"],
        policyId=personal["id"],
        balanceId=balances[0]["id"],
        updatedAfter=since,
    )

    # Every leave once, in Factorial's order, through the client's paginator following `next`.
    pages = report["listTimeOffRequests"].expect_ok()
    assert len(pages) == -(-len(leaves) // 25) > 1
    assert _records(pages, "timeOffPaginated") == [_time_off(leave) for leave in leaves]
    assert {leave["approved"] for leave in leaves} == {True, False, None}
    recent = _records(report["listTimeOffRequestsUpdatedAfter"].expect_ok(), "timeOffPaginated")
    assert [r["id"] for r in recent] == [leave["id"] for leave in leaves if leave["updated_at"] >= since]
    refused = report["listTimeOffRequestsByPolicy"].expect_error("BadRequestResponse", 400)
    assert "filter[policy_ids]" in refused["body"]

    one = report["getTimeOffRequest"].expect_ok()["timeOffResult"]
    assert one["data"] == _time_off(theirs[0])
    assert one["raw"][0]["response"] == theirs[0]
    listed = _records(report["listEmployeeTimeOffRequests"].expect_ok(), "timeOffPaginated")
    assert listed == [_time_off(leave) for leave in theirs]
    assert report["getEmployeesTimeOffRequest"].expect_ok()["timeOffResult"]["data"] == _time_off(theirs[0])
    report["getEmployeesTimeOffRequestElsewhere"].expect_error("NotFoundResponse", 404)

    types = _records(report["listTimeOffTypes"].expect_ok(), "referencePaginated")
    assert types == [
        {"id": k["id"], "remoteId": k["id"], "name": k["name"], "active": k["active"]} for k in kinds
    ]
    assert report["getTimeOffType"].expect_ok()["referenceResult"]["data"]["name"] == personal["name"]
    policies = _records(report["listTimeOffPolicies"].expect_ok(), "timeOffPoliciesPaginated")
    assert policies == [_policy(kind) for kind in kinds]
    sick = report["listTimeOffPoliciesSick"].expect_ok()["timeOffPoliciesPaginated"]["data"]
    assert sick == [_policy(kind) for kind in kinds if kind["identifier"] == "sick_leave"]
    assert report["getTimeOffPolicy"].expect_ok()["timeOffPolicyResult"]["data"] == _policy(personal)
    everybody = _records(report["listEmployeeTimeOffPolicies"].expect_ok(), "timeOffPoliciesPaginated")
    assert everybody == policies

    held = _records(report["listEmployeeTimeOffBalances"].expect_ok(), "timeOffBalancesPaginated")
    assert held == [_balance(stat) for stat in balances]
    got = report["getEmployeeTimeOffBalance"].expect_ok()["timeOffBalanceResult"]["data"]
    assert got == _balance(balances[0])


def _weekday(after_days: int) -> date:
    day = datetime.now(UTC).date() + timedelta(days=after_days)
    while day.weekday() >= 4:  # a Monday to Thursday, so that the next day is a working day too
        day += timedelta(days=1)
    return day


def test_a_request_created_updated_and_cancelled_through_the_client_is_so_in_factorial(
    stackone_server: Sandbox, linked_account: str, factorial_sdk: FactorialClient
) -> None:
    employees = stackone_server.emulator_records("employees/employees")
    employee = next(e for e in employees if e["active"])["id"]
    kinds = stackone_server.emulator_records("timeoff/leave_types")
    personal = next(kind for kind in kinds if kind["identifier"] == "personal_day")
    day = _weekday(300)

    def run(step: str, **inputs: Any) -> dict[str, Any]:
        return run_script(
            "hris_time_off.mjs",
            url=stackone_server.api_url,
            api_key=stackone_server.api_key,
            step=step,
            accountId=linked_account,
            employeeId=employee,
            policyId=personal["id"],
            **inputs,
        )

    created = run("create", startDate=_day(day.isoformat()), endDate=_day(day.isoformat()))
    answer = created["createEmployeeTimeOffRequest"].expect_ok()
    assert answer["statusCode"] == 201
    result = answer["createResult"]
    assert result["statusCode"] == 201
    leave_id = result["data"]["id"]
    assert result["data"]["remoteId"] == leave_id
    refused = created["createWithAStatus"].expect_error("UnprocessableEntityResponse", 422)
    assert '"field":"status"' in refused["body"]

    leave = factorial_sdk.timeoff.leaves.get(id=leave_id)
    assert str(leave.employee_id) == employee
    assert (leave.start_on, leave.finish_on) == (day.isoformat(), day.isoformat())
    assert str(leave.leave_type_id) == personal["id"]
    assert leave.description == "Moving house"
    assert leave.approved is None

    end = day + timedelta(days=1)
    updated = run("update", leaveId=leave_id, endDate=_day(end.isoformat()))
    assert updated["updateEmployeeTimeOffRequest"].expect_ok()["createResult"]["data"]["id"] == leave_id
    leave = factorial_sdk.timeoff.leaves.get(id=leave_id)
    assert (leave.finish_on, leave.description, leave.days_taken) == (end.isoformat(), "Two days", 2)
    read = updated["getAfterUpdate"].expect_ok()["timeOffResult"]["data"]
    assert (read["endDate"], read["duration"], read["comment"]) == (_day(end.isoformat()), "P2D", "Two days")

    cancelled = run("cancel", leaveId=leave_id)
    assert cancelled["cancelEmployeeTimeOffRequest"].expect_ok()["deleteResult"]["statusCode"] == 200
    cancelled["getAfterCancel"].expect_error("NotFoundResponse", 404)
    with pytest.raises(UnexpectedStatus) as gone:
        factorial_sdk.timeoff.leaves.get(id=leave_id)
    assert gone.value.status_code == 404
