"""The official `factorial-api-client` 3.0.0, unchanged, against the emulator served on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from factorial_api_client import FactorialClient
from factorial_api_client.generated.errors import UnexpectedStatus
from factorial_api_client.generated.models import (
    PostApi20261001ResourcesTimeoffLeavesApproveBody,
    PostApi20261001ResourcesTimeoffLeavesBody,
)

from tests.emulator.conftest import control


@pytest.fixture(scope="module")
def sdk(live_emulator: str) -> Iterator[FactorialClient]:
    company = control(live_emulator, "GET", "companies")[0]
    key = control(live_emulator, "POST", "api_keys", {"company_id": company["id"]})["api_key"]
    client = FactorialClient(api_key=key, base_url=live_emulator)
    yield client
    # The SDK has no close(); close its keep-alive connections before the server stops.
    client._client.get_httpx_client().close()


def test_paginate_yields_every_seeded_employee_exactly_once(sdk: FactorialClient) -> None:
    employees = list(sdk.employees.employees.paginate(limit=37))
    ids = [employee.id for employee in employees]
    assert len(ids) == 250
    assert len(set(ids)) == 250
    assert all(isinstance(i, str) for i in ids)
    assert ids == sorted(ids, key=int)


def test_get_one_employee_returns_the_same_person(sdk: FactorialClient) -> None:
    first = sdk.employees.employees.list().data[0]
    one = sdk.employees.employees.get(id=first.id)
    assert one.id == first.id
    assert one.full_name == first.full_name


def test_leave_types_list(sdk: FactorialClient) -> None:
    leave_types = sdk.timeoff.leave_types.list().data
    assert len(leave_types) >= 3
    assert all(isinstance(t.name, str) and t.name for t in leave_types)


def test_create_a_leave_then_approve_it(sdk: FactorialClient) -> None:
    employee = sdk.employees.employees.list(only_active=True).data[3]
    leave_type = sdk.timeoff.leave_types.list().data[0]
    start = date(2030, 3, 4)
    created = sdk.timeoff.leaves.create(
        body=PostApi20261001ResourcesTimeoffLeavesBody.from_dict(
            {
                "employee_id": employee.id,
                "leave_type_id": leave_type.id,
                "start_on": start.isoformat(),
                "finish_on": (start + timedelta(days=4)).isoformat(),
                "description": "Family trip",
            }
        )
    )
    assert created.employee_id == employee.id
    assert created.days_taken == 5
    approved = sdk.timeoff.leaves.approve(
        body=PostApi20261001ResourcesTimeoffLeavesApproveBody.from_dict({"id": created.id})
    )
    assert approved.id == created.id
    assert approved.approved is True
    assert sdk.timeoff.leaves.get(id=created.id).approved is True


def test_credentials_describe_the_company_for_an_api_key(sdk: FactorialClient) -> None:
    credential = sdk.api_public.credentials.list().data[0]
    assert credential.company_id
    assert credential.name


def test_job_postings_list(sdk: FactorialClient) -> None:
    postings = sdk.ats.job_postings.list().data
    assert postings
    assert all(posting.title for posting in postings)


def test_unknown_id_raises_the_sdks_unexpected_status(sdk: FactorialClient) -> None:
    with pytest.raises(UnexpectedStatus) as raised:
        sdk.employees.employees.get(id="999999999")
    assert raised.value.status_code == 404
