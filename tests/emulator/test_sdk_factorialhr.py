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


async def test_job_catalog_roles_and_cost_centers_parse_as_the_sdks_models(live_emulator: str) -> None:
    company = control(live_emulator, "GET", "companies")[0]
    key = control(live_emulator, "POST", "api_keys", {"company_id": company["id"]})["api_key"]
    async with factorialhr.ApiClient(live_emulator, auth=factorialhr.ApiKeyAuth(key)) as api:
        roles = list((await factorialhr.RolesEndpoint(api).all()).data())
        centers = list((await factorialhr.CostCentersEndpoint(api).all()).data())
        entities = list((await factorialhr.LegalEntitiesEndpoint(api).all()).data())
        teams = list((await factorialhr.TeamsEndpoint(api).all()).data())
    assert roles and all(isinstance(role, factorialhr.Jobcatalogrole) for role in roles)
    assert all(role.company_id == company["id"] and not role.archived for role in roles)
    assert {tuple(role.legal_entities_ids) for role in roles} == {tuple(e.id for e in entities)}
    assert len({role.name for role in roles}) == len(roles)
    assert centers and all(isinstance(center, factorialhr.CostCenter) for center in centers)
    assert [center.name for center in centers] == [t.name for t in teams if t.name != "Leadership"]
    assert all(center.legal_entity_id == entities[0].id for center in centers)
