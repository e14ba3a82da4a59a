"""List actions page with `query.page_size` and the opaque `next`, as StackOne's SDK sends them (strings)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from tests.actions.conftest import Linked, Wire, link_admin
from tests.api.conftest import Harness

LIST_EMPLOYEES = "factorialhr_list_employees"


async def _emulator_employee_ids(provider: httpx.AsyncClient) -> list[str]:
    """Every employee id in the order the emulator's own REST API lists them (its cursor, 100 at a time)."""
    ids: list[str] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = (await provider.get("/employees/employees", params=params)).json()
        ids.extend(str(row["id"]) for row in page["data"])
        if not page["meta"]["has_next_page"]:
            return ids
        params["after_id"] = page["meta"]["end_cursor"]


async def test_walking_next_over_1000_employees_returns_each_once_in_order(
    harness: Harness, emulator: Starlette, wire: Wire
) -> None:
    reset = await harness.factorial.post("/_emulator/reset", json={"employees": 1000})
    assert reset.status_code == 200, reset.text
    linked = await link_admin(harness, emulator)
    try:
        expected = await _emulator_employee_ids(linked.provider)
        assert len(expected) == 1000

        walked: list[str] = []
        query: dict[str, Any] = {"page_size": "100"}
        pages = 0
        while True:
            response = await harness.rpc(linked.tenant, linked.account_id, LIST_EMPLOYEES, query=query)
            assert response.status_code == 200, response.text
            body = response.json()
            pages += 1
            walked.extend(employee["id"] for employee in body["data"])
            if body["next"] is None:
                break
            query = {"page_size": "100", "next": body["next"]}
        assert walked == expected
        assert len(set(walked)) == 1000
        assert pages == 10
        assert wire.count("GET", "*/employees/employees") == pages  # one upstream request per page
    finally:
        await linked.provider.aclose()


async def test_a_list_answers_25_items_by_default_and_at_most_100(
    harness: Harness, emulator: Starlette
) -> None:
    await harness.factorial.post("/_emulator/reset", json={"employees": 150})
    linked = await link_admin(harness, emulator)
    try:
        default = await harness.rpc(linked.tenant, linked.account_id, LIST_EMPLOYEES)
        assert len(default.json()["data"]) == 25
        assert isinstance(default.json()["next"], str)
        most = await harness.rpc(linked.tenant, linked.account_id, LIST_EMPLOYEES, query={"page_size": 100})
        assert len(most.json()["data"]) == 100
        for too_many in ("101", 0, "-1"):
            refused = await harness.rpc(
                linked.tenant, linked.account_id, LIST_EMPLOYEES, query={"page_size": too_many}
            )
            assert refused.status_code == 422, refused.text
            assert [error["field"] for error in refused.json()["errors"]] == ["page_size"]
    finally:
        await linked.provider.aclose()


async def test_string_values_are_coerced_as_the_sdk_sends_them(harness: Harness, linked: Linked) -> None:
    five = await harness.rpc(
        linked.tenant,
        linked.account_id,
        LIST_EMPLOYEES,
        body={},
        headers={"x-account-id": linked.account_id},
        query={"page_size": "5", "only_active": "true"},
    )
    assert five.status_code == 200, five.text
    assert len(five.json()["data"]) == 5
    employee_id = five.json()["data"][0]["id"]
    one = await harness.rpc(
        linked.tenant, linked.account_id, "factorialhr_get_employee", path={"id": employee_id}
    )
    assert one.status_code == 200, one.text
    assert one.json() == {"data": five.json()["data"][0]}
    as_number = await harness.rpc(
        linked.tenant, linked.account_id, "factorialhr_get_employee", path={"id": int(employee_id)}
    )
    assert as_number.json() == one.json()


async def test_a_cursor_of_another_action_is_422(harness: Harness, linked: Linked) -> None:
    employees = await harness.rpc(linked.tenant, linked.account_id, LIST_EMPLOYEES, query={"page_size": "1"})
    cursor = employees.json()["next"]
    assert cursor
    teams = await harness.rpc(
        linked.tenant, linked.account_id, "factorialhr_list_teams", query={"next": cursor}
    )
    assert teams.status_code == 422
    assert [error["field"] for error in teams.json()["errors"]] == ["next"]
