"""The unofficial `factorialhr` 7.0.0 (API 2026-04-01, integer ids, offset pages fetched concurrently)."""

from __future__ import annotations

import factorialhr

from tests.emulator.conftest import control


async def test_all_lists_every_employee_exactly_once_with_concurrent_pages(live_emulator: str) -> None:
    company = control(live_emulator, "GET", "companies")[0]
    key = control(live_emulator, "POST", "api_keys", {"company_id": company["id"]})["api_key"]
    before = control(live_emulator, "GET", "stats")["api_requests"]
    async with factorialhr.ApiClient(live_emulator, auth=factorialhr.ApiKeyAuth(key)) as api:
        response = await factorialhr.EmployeesEndpoint(api).all(params={"limit": 20})
        employees = list(response.data())
    ids = [employee.id for employee in employees]
    assert len(ids) == 250
    assert len(set(ids)) == 250
    assert all(isinstance(i, int) for i in ids)
    # page 1, then pages 2..13 concurrently: 13 requests in all
    assert control(live_emulator, "GET", "stats")["api_requests"] - before == 13


async def test_credentials_and_leaves_parse_with_integer_ids(live_emulator: str) -> None:
    company = control(live_emulator, "GET", "companies")[0]
    key = control(live_emulator, "POST", "api_keys", {"company_id": company["id"]})["api_key"]
    async with factorialhr.ApiClient(live_emulator, auth=factorialhr.ApiKeyAuth(key)) as api:
        credentials = list((await factorialhr.CredentialsEndpoint(api).all()).data())
        leaves = list((await factorialhr.LeavesEndpoint(api).all()).data())
    assert credentials[0].company_id == company["id"]
    assert leaves and all(isinstance(leave.id, int) for leave in leaves)
