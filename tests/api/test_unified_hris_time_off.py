"""The unified HRIS time off API over Factorial: requests (Factorial's leaves) read, created, updated and cancelled
on an employee and read back through Factorial's own API; types and policies (leave types), balances (allowance
stats); enforced as actions are (scopes before any call, bad input as StackOne's envelope)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant
from tests.harness.refusals import unknown_parameters

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"
STATUSES = {True: "approved", False: "rejected", None: "pending"}


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 3, 40


async def _factorial_key(harness: Harness) -> dict[str, str]:
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    return {"x-api-key": created.json()["api_key"]}


async def _factorial_all(harness: Harness, path: str, **params: str) -> list[dict[str, Any]]:
    """Every record of a Factorial list, as the company's admin reads it with an API key."""
    headers = await _factorial_key(harness)
    records: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = {"limit": "100", **params, **({"after_id": after} if after else {})}
        page = (await harness.factorial.get(f"{FACTORIAL_API}/{path}", params=query, headers=headers)).json()
        records += page["data"]
        if not page["meta"]["has_next_page"]:
            return records
        after = records[-1]["id"]


async def _linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, token_type="company", scopes=ALL_SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _call(
    harness: Harness, tenant: Tenant, account_id: str, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    headers = {**tenant.auth, "x-account-id": account_id}
    return await harness.api.request(method, f"/unified/hris/{path}", headers=headers, **kwargs)


async def _walk(harness: Harness, tenant: Tenant, account_id: str, path: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"page_size": "100", **({"next": cursor} if cursor else {})}
        response = await _call(harness, tenant, account_id, "GET", path, params=params)
        assert response.status_code == 200, response.text
        seen += response.json()["data"]
        cursor = response.json()["next"]
        if cursor is None:
            return seen


def _day(day: str | None) -> str | None:
    return None if day is None else f"{day}T00:00:00.000"


async def test_time_off_requests_are_factorials_leaves_with_statuses_as_stackones(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    leaves = await _factorial_all(harness, "timeoff/leaves")
    unified = await _walk(harness, tenant, account_id, "time_off")
    assert [r["id"] for r in unified] == [leave["id"] for leave in leaves]
    for record, leave in zip(unified, leaves, strict=True):
        assert record["employee_id"] == record["remote_employee_id"] == leave["employee_id"]
        assert record["start_date"] == _day(leave["start_on"])
        assert record["end_date"] == _day(leave["finish_on"])
        assert record["time_off_policy_id"] == leave["leave_type_id"]
        assert record["comment"] == leave["description"]
        assert record["status"]["value"] == STATUSES[leave["approved"]]
        assert record["updated_at"] == leave["updated_at"]
        days = leave["days_taken"]
        assert record["duration"] == (f"P{int(days)}D" if days == int(days) else f"P{days}D")
    assert {r["status"]["value"] for r in unified} == {"approved", "rejected", "pending"}
    # One employee's requests are theirs alone, and one of them is not found under somebody else.
    employee = leaves[0]["employee_id"]
    theirs = await _walk(harness, tenant, account_id, f"employees/{employee}/time_off")
    assert [r["id"] for r in theirs] == [leave["id"] for leave in leaves if leave["employee_id"] == employee]
    one = await _call(harness, tenant, account_id, "GET", f"employees/{employee}/time_off/{theirs[0]['id']}")
    assert one.json()["data"] == theirs[0]
    other = next(leave["employee_id"] for leave in leaves if leave["employee_id"] != employee)
    elsewhere = await _call(
        harness, tenant, account_id, "GET", f"employees/{other}/time_off/{theirs[0]['id']}"
    )
    assert elsewhere.status_code == 404
    assert (await _call(harness, tenant, account_id, "GET", f"time_off/{theirs[0]['id']}")).json()[
        "data"
    ] == theirs[0]


async def test_updated_after_keeps_exactly_the_requests_updated_since(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    leaves = await _factorial_all(harness, "timeoff/leaves")
    times = sorted(datetime.fromisoformat(leave["updated_at"]) for leave in leaves)
    since = times[len(times) // 2]
    expected = [leave["id"] for leave in leaves if datetime.fromisoformat(leave["updated_at"]) >= since]
    found: list[str] = []
    cursor: str | None = None
    while True:
        params = {
            "page_size": "100",
            "filter[updated_after]": since.isoformat(),
            **({"next": cursor} if cursor else {}),
        }
        body = (await _call(harness, tenant, account_id, "GET", "time_off", params=params)).json()
        found += [r["id"] for r in body["data"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert found == expected
    assert 0 < len(found) < len(leaves)


async def test_a_request_created_updated_and_cancelled_on_an_employee_is_so_in_factorial(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    headers = await _factorial_key(harness)
    employee = (await _factorial_all(harness, "employees/employees", only_active="true"))[3]["id"]
    types = await _factorial_all(harness, "timeoff/leave_types")
    personal = next(kind for kind in types if kind["identifier"] == "personal_day")
    start = (datetime.now(UTC) + timedelta(days=200)).date()
    while start.weekday() >= 5:
        start += timedelta(days=1)
    body = {
        "start_date": f"{start.isoformat()}T00:00:00.000",
        "end_date": f"{start.isoformat()}T00:00:00.000",
        "comment": "Moving house",
        "time_off_policy_id": personal["id"],
    }
    created = await _call(harness, tenant, account_id, "POST", f"employees/{employee}/time_off", json=body)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["statusCode"] == 201
    leave_id = answer["data"]["id"]
    assert answer["data"]["remote_id"] == leave_id
    leave = (
        await harness.factorial.get(f"{FACTORIAL_API}/timeoff/leaves/{leave_id}", headers=headers)
    ).json()
    assert leave["employee_id"] == employee
    assert (leave["start_on"], leave["finish_on"]) == (start.isoformat(), start.isoformat())
    assert leave["leave_type_id"] == personal["id"]
    assert leave["description"] == "Moving house"
    assert leave["approved"] is None

    end = start + timedelta(days=1 if start.weekday() < 4 else 3)
    changed = await _call(
        harness,
        tenant,
        account_id,
        "PATCH",
        f"employees/{employee}/time_off/{leave_id}",
        json={"end_date": f"{end.isoformat()}T00:00:00.000", "comment": "Two days"},
    )
    assert changed.status_code == 200, changed.text
    leave = (
        await harness.factorial.get(f"{FACTORIAL_API}/timeoff/leaves/{leave_id}", headers=headers)
    ).json()
    assert (leave["finish_on"], leave["description"], leave["days_taken"]) == (end.isoformat(), "Two days", 2)
    read = (await _call(harness, tenant, account_id, "GET", f"time_off/{leave_id}")).json()["data"]
    assert (read["end_date"], read["duration"], read["status"]["value"]) == (
        _day(end.isoformat()),
        "P2D",
        "pending",
    )

    cancelled = await _call(
        harness, tenant, account_id, "DELETE", f"employees/{employee}/time_off/{leave_id}"
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["statusCode"] == 200
    gone = await harness.factorial.get(f"{FACTORIAL_API}/timeoff/leaves/{leave_id}", headers=headers)
    assert gone.status_code == 404
    again = await _call(harness, tenant, account_id, "DELETE", f"employees/{employee}/time_off/{leave_id}")
    assert again.status_code == 404


async def test_bad_writes_are_refused_in_stackones_envelope_naming_the_field(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    employee = (await _factorial_all(harness, "employees/employees"))[0]["id"]
    path = f"employees/{employee}/time_off"
    before = (await harness.stats())["api_requests"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"start_date": "2026-03-02T00:00:00.000", "status": {"value": "approved"}}, "status"),
        ({"start_date": "2026-03-02T00:00:00.000", "start_half_day": True}, "start_half_day"),
        ({"start_date": "2026-03-02T00:00:00.000", "reason": {"name": "Ill"}}, "reason"),
        ({"start_date": "the second of March"}, "start_date"),
        ({"end_date": "2026-03-02T00:00:00.000"}, "start_date"),
    ]
    for body, field in cases:
        refused = await _call(harness, tenant, account_id, "POST", path, json=body)
        assert refused.status_code == 422, (body, refused.text)
        envelope = refused.json()
        assert envelope["statusCode"] == 422
        assert [error["field"] for error in envelope["errors"]] == [field], body
    assert (await harness.stats())["api_requests"] == before
    not_an_object = await _call(harness, tenant, account_id, "POST", path, json=["start_date"])
    assert not_an_object.status_code == 422


async def test_types_policies_and_balances_are_factorials_leave_types_and_allowance_stats(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    kinds = await _factorial_all(harness, "timeoff/leave_types")
    types = await _walk(harness, tenant, account_id, "time_off_types")
    assert [(t["id"], t["name"], t["active"]) for t in types] == [
        (k["id"], k["name"], k["active"]) for k in kinds
    ]
    policies = await _walk(harness, tenant, account_id, "time_off_policies")
    assert [(p["id"], p["name"], p["type"]["source_value"]) for p in policies] == [
        (k["id"], k["name"], k["identifier"]) for k in kinds
    ]
    assert {p["duration_unit"]["value"] for p in policies} == {"days"}
    sick = await _call(
        harness, tenant, account_id, "GET", "time_off_policies", params={"filter[type]": "sick"}
    )
    assert [p["name"] for p in sick.json()["data"]] == ["Sick leave"]
    one = await _call(harness, tenant, account_id, "GET", f"time_off_policies/{kinds[1]['id']}")
    assert one.json()["data"] == policies[1]

    stats = await _factorial_all(harness, "timeoff/allowance_stats")
    employee = stats[0]["employee_id"]
    theirs = [stat for stat in stats if stat["employee_id"] == employee]
    balances = await _walk(harness, tenant, account_id, f"employees/{employee}/time_off_balances")
    assert [(b["id"], b["current_balance"], b["initial_balance"]) for b in balances] == [
        (s["id"], float(s["available_days"]), float(s["total"])) for s in theirs
    ]
    assert balances[0]["balance_start_date"] == f"{theirs[0]['cycles'][0]['start_at']}T00:00:00+00:00"
    balance = await _call(
        harness, tenant, account_id, "GET", f"employees/{employee}/time_off_balances/{theirs[0]['id']}"
    )
    assert balance.json()["data"] == balances[0]
    other = next(stat["employee_id"] for stat in stats if stat["employee_id"] != employee)
    elsewhere = await _call(
        harness, tenant, account_id, "GET", f"employees/{other}/time_off_balances/{theirs[0]['id']}"
    )
    assert elsewhere.status_code == 404
    everybody = await _walk(harness, tenant, account_id, f"employees/{employee}/time_off_policies")
    assert everybody == policies


async def test_a_missing_time_off_scope_is_403_naming_it_before_any_call_to_factorial(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    before = (await harness.stats())["api_requests"]
    for method, path, body in (
        ("GET", "time_off", None),
        ("GET", "time_off_policies", None),
        ("POST", "employees/1/time_off", {"start_date": "2026-03-02T00:00:00.000"}),
    ):
        response = await _call(harness, tenant, account["id"], method, path, json=body)
        assert response.status_code == 403, response.text
        assert response.json()["missing_scopes"] == ["time_off"]
    assert (await harness.stats())["api_requests"] == before


async def test_filters_not_served_are_refused_naming_them_never_ignored(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    before = (await harness.stats())["api_requests"]
    served_elsewhere = {"filter[policy_ids]": "1", "filter[start_date]": "2026-01-01T00:00:00Z"}
    response = await _call(harness, tenant, account_id, "GET", "time_off", params=served_elsewhere)
    assert unknown_parameters(response) == "'filter[policy_ids]', 'filter[start_date]'"
    # Factorial records no update time for leave types or balances: refused rather than answered unfiltered.
    for path in ("time_off_types", "time_off_policies", "employees/1/time_off_balances"):
        refused = await _call(
            harness, tenant, account_id, "GET", path, params={"filter[updated_after]": "2026-01-01"}
        )
        assert refused.status_code == 422, path
        assert refused.json()["errors"][0]["field"] == "filter[updated_after]"
    bad_type = await _call(
        harness, tenant, account_id, "GET", "time_off_policies", params={"filter[type]": "Sick!"}
    )
    assert bad_type.status_code == 422
    assert (await harness.stats())["api_requests"] == before
