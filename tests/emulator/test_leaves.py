"""Leaves as Factorial keeps them, read with the official `factorial-api-client` 3.0.0 (and `factorialhr` 7.0.0)
over ASGI: deleted leaves stay findable with `include_deleted_leaves`, and `include_duration_by_day` breaks a
leave down day by day from the employee's contract and the holidays of their location."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import factorialhr
import httpx
import pytest
from factorial_api_client import FactorialClient
from factorial_api_client.generated.errors import UnexpectedStatus
from factorial_api_client.generated.models import (
    PostApi20261001ResourcesContractsContractVersionsBody,
    PostApi20261001ResourcesTimeoffLeavesApproveBody,
    PostApi20261001ResourcesTimeoffLeavesBody,
)
from factorial_api_client.generated.types import UNSET
from starlette.applications import Starlette

from tests.emulator.conftest import BASE


@pytest.fixture
async def sdk(emulator: Starlette, api_key: str) -> AsyncIterator[FactorialClient]:
    """The official client, unchanged, its async calls served in-process by the emulator."""
    client = FactorialClient(api_key=api_key, base_url=BASE)
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator), base_url=BASE, headers={"x-api-key": api_key}
    )
    client._client.set_async_httpx_client(http)
    yield client
    await http.aclose()


async def _employee(sdk: FactorialClient, index: int) -> Any:
    return (await sdk.employees.employees.list_async(only_active=True)).data[index]


async def _request_leave(
    sdk: FactorialClient, employee_id: str, start: date, finish: date, **extra: Any
) -> Any:
    body = {
        "employee_id": employee_id,
        "start_on": start.isoformat(),
        "finish_on": finish.isoformat(),
        **extra,
    }
    return await sdk.timeoff.leaves.create_async(
        body=PostApi20261001ResourcesTimeoffLeavesBody.from_dict(body)
    )


async def _listed(sdk: FactorialClient, leave_id: str, **flags: Any) -> list[Any]:
    return list((await sdk.timeoff.leaves.list_async(ids=[leave_id], **flags)).data)


# --- deleted leaves ----------------------------------------------------------------------------------------


async def test_a_deleted_leave_is_listed_only_with_include_deleted_leaves_and_marked_deleted(
    sdk: FactorialClient,
) -> None:
    employee = await _employee(sdk, 2)
    leave = await _request_leave(sdk, employee.id, date(2030, 5, 6), date(2030, 5, 8))
    assert leave.deleted_at is None

    deleted = await sdk.timeoff.leaves.delete_async(id=leave.id)

    assert deleted.id == leave.id and isinstance(deleted.deleted_at, str)
    assert await _listed(sdk, leave.id) == []
    assert await _listed(sdk, leave.id, include_deleted_leaves=False) == []
    [found] = await _listed(sdk, leave.id, include_deleted_leaves=True)
    assert (found.id, found.deleted_at, found.start_on) == (leave.id, deleted.deleted_at, "2030-05-06")
    everything = [row.id for row in (await sdk.timeoff.leaves.list_async(include_deleted_leaves=True)).data]
    assert everything == sorted(everything, key=int)
    assert all(row.deleted_at is None for row in (await sdk.timeoff.leaves.list_async()).data)


async def test_a_deleted_leave_can_no_longer_be_read_changed_approved_or_deleted(
    sdk: FactorialClient,
) -> None:
    employee = await _employee(sdk, 3)
    leave = await _request_leave(sdk, employee.id, date(2030, 6, 3), date(2030, 6, 4))
    await sdk.timeoff.leaves.delete_async(id=leave.id)

    for attempt in (
        sdk.timeoff.leaves.get_async(id=leave.id),
        sdk.timeoff.leaves.delete_async(id=leave.id),
        sdk.timeoff.leaves.approve_async(
            body=PostApi20261001ResourcesTimeoffLeavesApproveBody.from_dict({"id": leave.id})
        ),
    ):
        with pytest.raises(UnexpectedStatus) as raised:
            await attempt
        assert raised.value.status_code == 404


async def test_include_deleted_leaves_must_be_a_boolean(client: httpx.AsyncClient, api_key: str) -> None:
    response = await client.get(
        "/api/2026-10-01/resources/timeoff/leaves",
        params={"include_deleted_leaves": "sometimes"},
        headers={"x-api-key": api_key},
    )
    assert response.status_code == 422
    assert response.json() == {"errors": {"include_deleted_leaves": ["must be true or false"]}}


async def test_factorialhr_finds_a_deleted_leave_with_include_deleted_leaves(
    emulator: Starlette, sdk: FactorialClient, api_key: str
) -> None:
    employee = await _employee(sdk, 4)
    leave = await _request_leave(sdk, employee.id, date(2030, 7, 1), date(2030, 7, 2))
    await sdk.timeoff.leaves.delete_async(id=leave.id)
    transport = httpx.ASGITransport(app=emulator)

    async with factorialhr.ApiClient(BASE, auth=factorialhr.ApiKeyAuth(api_key), transport=transport) as api:
        endpoint = factorialhr.LeavesEndpoint(api)
        hidden = (await endpoint.get(params={"ids[]": [leave.id]})).data()
        shown = (await endpoint.get(params={"ids[]": [leave.id], "include_deleted_leaves": "true"})).data()

    assert list(hidden) == []
    [found] = list(shown)
    assert isinstance(found, factorialhr.Leave)
    assert found.id == int(leave.id)
    assert found.deleted_at is not None


# --- the duration day by day -------------------------------------------------------------------------------


def _by_day(leave: Any) -> dict[str, dict[str, dict[str, float]]]:
    attributes = leave.duration_by_day_attributes
    return {
        "workable": {
            "days": attributes.workable_units_by_day.days,
            "hours": attributes.workable_units_by_day.hours,
        },
        "used": {"days": attributes.used_units_by_day.days, "hours": attributes.used_units_by_day.hours},
    }


async def test_duration_by_day_follows_the_employees_contract_week_and_hours(sdk: FactorialClient) -> None:
    employee = await _employee(sdk, 5)
    await sdk.contracts.contract_versions.create_async(
        body=PostApi20261001ResourcesContractsContractVersionsBody.from_dict(
            {
                "employee_id": employee.id,
                "effective_on": "2030-01-01",
                "starts_on": "2030-01-01",
                "working_week_days": "monday,tuesday,wednesday",
                "working_hours": 24,
                "working_hours_frequency": "week",
            }
        )
    )
    leave = await _request_leave(sdk, employee.id, date(2030, 3, 4), date(2030, 3, 10))  # Monday to Sunday

    plain = (await _listed(sdk, leave.id))[0]
    [broken_down] = await _listed(sdk, leave.id, include_duration_by_day=True)

    assert plain.duration_by_day_attributes is UNSET
    days = [(date(2030, 3, 4) + timedelta(days=n)).isoformat() for n in range(7)]
    assert _by_day(broken_down) == {
        "workable": {
            "days": dict(zip(days, [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], strict=True)),
            "hours": dict(zip(days, [8.0, 8.0, 8.0, 0.0, 0.0, 0.0, 0.0], strict=True)),
        },
        "used": {
            "days": dict(zip(days, [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], strict=True)),
            "hours": dict(zip(days, [8.0, 8.0, 8.0, 0.0, 0.0, 0.0, 0.0], strict=True)),
        },
    }
    assert broken_down.days_taken == 3.0


async def test_duration_by_day_skips_the_whole_day_holidays_of_the_employees_location(
    sdk: FactorialClient,
) -> None:
    employees = (await sdk.employees.employees.list_async(only_active=True)).data
    holidays = (await sdk.holidays.company_holidays.list_async()).data
    whole_days = {
        (h.location_id, h.date)
        for h in holidays
        if h.half_day is UNSET or h.half_day is None
        if date.fromisoformat(h.date).weekday() < 5
    }
    employee, holiday = next(
        (e, day) for e in employees[1:] for location, day in sorted(whole_days) if location == e.location_id
    )
    contract = (await sdk.contracts.contract_versions.list_async(employee_ids=[employee.id])).data[-1]
    monday = date.fromisoformat(holiday) - timedelta(days=date.fromisoformat(holiday).weekday())
    friday = monday + timedelta(days=4)
    leave = await _request_leave(sdk, employee.id, monday, friday)

    [broken_down] = await _listed(sdk, leave.id, include_duration_by_day=True)

    week = [(monday + timedelta(days=n)).isoformat() for n in range(5)]
    off = {day for location, day in whole_days if location == employee.location_id and day in week}
    per_day = round(contract.working_hours / 5, 2)
    by_day = _by_day(broken_down)
    assert by_day["workable"]["days"] == {day: 0.0 if day in off else 1.0 for day in week}
    assert by_day["used"]["hours"] == {day: 0.0 if day in off else per_day for day in week}
    assert broken_down.days_taken == 5 - len(off)
    assert holiday in off


async def test_a_half_day_leave_uses_half_of_its_day(sdk: FactorialClient) -> None:
    employee = await _employee(sdk, 6)
    contract = (await sdk.contracts.contract_versions.list_async(employee_ids=[employee.id])).data[-1]
    leave = await _request_leave(
        sdk, employee.id, date(2030, 3, 12), date(2030, 3, 12), half_day="end_of_day"
    )

    [broken_down] = await _listed(sdk, leave.id, include_duration_by_day=True)

    per_day = round(contract.working_hours / 5, 2)
    assert _by_day(broken_down) == {
        "workable": {"days": {"2030-03-12": 1.0}, "hours": {"2030-03-12": per_day}},
        "used": {"days": {"2030-03-12": 0.5}, "hours": {"2030-03-12": round(per_day / 2, 2)}},
    }
    assert broken_down.days_taken == 0.5


async def test_forced_finish_on_cuts_the_walk_short(sdk: FactorialClient) -> None:
    employee = await _employee(sdk, 7)
    leave = await _request_leave(sdk, employee.id, date(2030, 4, 1), date(2030, 4, 12))

    [cut] = await _listed(sdk, leave.id, include_duration_by_day=True, forced_finish_on="2030-04-03")
    [whole] = await _listed(sdk, leave.id, include_duration_by_day=True, forced_finish_on="2031-01-01")

    assert list(_by_day(cut)["used"]["days"]) == ["2030-04-01", "2030-04-02", "2030-04-03"]
    assert cut.days_taken == 3.0
    assert list(_by_day(whole)["used"]["days"])[-1] == "2030-04-12"
    assert whole.days_taken == 10.0
