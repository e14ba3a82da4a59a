"""The unified HRIS API over Factorial: StackOne's models filled from the emulator's records, its cursors, sparse
fieldsets, `raw` and `filter[updated_after]`, enforced as actions are (scopes, account status)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant
from tests.harness.refusals import unknown_parameters

SCOPES = [*ALL_SCOPES, "company_legal_entities", "custom_fields"]

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"
EMPLOYEES = 250


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 3, EMPLOYEES


async def _factorial_all(harness: Harness, path: str) -> list[dict[str, Any]]:
    """Every record of a Factorial list, as the company's admin reads it with an API key (Factorial's own data)."""
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    headers = {"x-api-key": created.json()["api_key"]}
    records: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params = {"limit": "100", **({"after_id": after} if after else {})}
        page = (await harness.factorial.get(f"{FACTORIAL_API}/{path}", params=params, headers=headers)).json()
        records += page["data"]
        if not page["meta"]["has_next_page"]:
            return records
        after = records[-1]["id"]


async def _linked(harness: Harness, **profile: Any) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=SCOPES)
    await harness.profile(tenant, application, token_type="company", **{"scopes": SCOPES, **profile})
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _get(harness: Harness, tenant: Tenant, account_id: str, path: str, **params: Any) -> httpx.Response:
    return await harness.api.get(
        f"/unified/hris/{path}", params=params, headers={**tenant.auth, "x-account-id": account_id}
    )


def _midnight(day: str | None) -> str | None:
    return None if day is None else f"{day}T00:00:00+00:00"


async def test_250_employees_are_walked_through_next_once_each_in_order_with_factorials_values(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    factorial = await _factorial_all(harness, "employees/employees")
    assert len(factorial) == EMPLOYEES
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"page_size": "100", **({"next": cursor} if cursor else {})}
        response = await _get(harness, tenant, account_id, "employees", **params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "next"}
        seen += body["data"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == 3
    assert [e["id"] for e in seen] == [e["id"] for e in factorial]
    for unified, source in zip(seen, factorial, strict=True):
        assert unified["remote_id"] == source["id"]
        assert unified["first_name"] == source["first_name"]
        assert unified["last_name"] == source["last_name"]
        assert unified["name"] == source["full_name"]
        assert unified["work_email"] == source["email"]
        assert unified["personal_email"] == source["personal_email"]
        assert unified["employee_number"] == source["company_identifier"]
        assert unified["manager_id"] == source["manager_id"]
        assert unified["company_id"] == source["legal_entity_id"]
        assert unified["date_of_birth"] == _midnight(source["birthday_on"])
        assert unified["termination_date"] == _midnight(source["terminated_on"])
        assert (
            unified["hire_date"] == unified["start_date"] == _midnight(source["seniority_calculation_date"])
        )
        assert unified["updated_at"] == source["updated_at"]
        assert unified["gender"] == {"value": source["gender"], "source_value": source["gender"]}
        status = "active" if source["active"] else "terminated"
        assert unified["employment_status"] == {"value": status, "source_value": source["active"]}
    assert {e["employment_status"]["value"] for e in seen} == {"active", "terminated"}


async def test_one_employee_with_sparse_fields_and_the_raw_factorial_answer(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    every_value = await _factorial_all(harness, "custom_fields/values")
    source = [
        employee
        for employee in await _factorial_all(harness, "employees/employees")
        if sum(value["valuable_id"] == employee["id"] for value in every_value) >= 2
    ][3]
    response = await _get(
        harness, tenant, account_id, f"employees/{source['id']}", fields="id,work_email,gender", raw="true"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    values = [value for value in every_value if value["valuable_id"] == source["id"]]
    assert body["data"] == {
        "id": source["id"],
        "work_email": source["email"],
        "gender": {"value": source["gender"], "source_value": source["gender"]},
        # `raw=true` adds the employee's custom field values, by the field's identifier.
        "unified_custom_fields": {value["custom_field_identifier"]: value["value"] for value in values},
    }
    call, values_call = body["raw"]
    assert call["method"] == "GET"
    assert call["url"].endswith(f"{FACTORIAL_API}/employees/employees/{source['id']}")
    assert call["response"] == source
    assert values_call["url"].endswith(f"{FACTORIAL_API}/custom_fields/values")
    assert values_call["response"]["data"] == values
    unknown = await _get(harness, tenant, account_id, f"employees/{source['id']}", fields="id,shoe_size")
    assert unknown.status_code == 422
    assert [error["field"] for error in unknown.json()["errors"]] == ["fields"]
    assert "shoe_size" not in unknown.text  # the submitted value is never echoed
    missing = await _get(harness, tenant, account_id, "employees/999999999")
    assert missing.status_code == 404
    # An id Factorial could never have given names no record either.
    assert (await _get(harness, tenant, account_id, "employees/not-an-id")).status_code == 404


async def test_companies_locations_and_groups_are_factorials_legal_entities_locations_and_teams(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    entities = await _factorial_all(harness, "companies/legal_entities")
    companies = (await _get(harness, tenant, account_id, "companies")).json()
    assert companies["data"] == [
        {
            "id": e["id"],
            "remote_id": e["id"],
            "name": e["legal_name"],
            "display_name": e["legal_name"],
            "full_name": e["legal_name"],
        }
        for e in entities
    ]
    one = await _get(harness, tenant, account_id, f"companies/{entities[1]['id']}")
    assert one.status_code == 200 and one.json()["data"] == companies["data"][1]

    offices = await _factorial_all(harness, "locations/locations")
    locations = (await _get(harness, tenant, account_id, "locations")).json()["data"]
    assert [loc["id"] for loc in locations] == [o["id"] for o in offices]
    for unified, office in zip(locations, offices, strict=True):
        assert unified["name"] == office["name"]
        assert unified["street_1"] == office["address_line_1"]
        assert unified["street_2"] == office["address_line_2"]
        assert (unified["city"], unified["state"], unified["zip_code"]) == (
            office["city"],
            office["state"],
            office["postal_code"],
        )
        assert unified["country"] == {"value": office["country"].upper(), "source_value": office["country"]}
    got = await _get(harness, tenant, account_id, f"locations/{offices[-1]['id']}")
    assert got.json()["data"] == locations[-1]
    assert (await _get(harness, tenant, account_id, "locations/999999999")).status_code == 404

    teams = await _factorial_all(harness, "teams/teams")
    for path in ("groups", "groups/teams"):
        groups = (await _get(harness, tenant, account_id, path)).json()["data"]
        assert [g["name"] for g in groups] == [t["name"] for t in teams]
        assert [g["owner_ids"] for g in groups] == [t["lead_ids"] for t in teams]
        assert [g["parent_ids"] for g in groups] == [
            [t["parent_team_id"]] if t["parent_team_id"] else [] for t in teams
        ]
        assert {g["type"]["value"] for g in groups} == {"team"}
        team = await _get(harness, tenant, account_id, f"{path}/{teams[0]['id']}")
        assert team.json()["data"] == groups[0]
    # StackOne's group collections Factorial has no equivalent for are not read as a group id: they are
    # operations of their own, answered "not supported" (tests/api/test_unified_unsupported.py).
    before = (await harness.stats())["api_requests"]
    divisions = await _get(harness, tenant, account_id, "groups/divisions")
    assert divisions.status_code == 501
    assert "hris_list_division_groups" in divisions.json()["message"]
    assert (await harness.stats())["api_requests"] == before


async def test_updated_after_keeps_exactly_the_employees_updated_since(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    factorial = await _factorial_all(harness, "employees/employees")
    times = sorted(datetime.fromisoformat(e["updated_at"]) for e in factorial)
    # A time late in its UTC day, sent with an offset that puts it on the next day: Factorial filters by UTC day,
    # the exact time is Linkyard's to compare.
    late = [moment for moment in times if moment.hour >= 12]
    since = late[len(late) // 2]
    ahead = since.astimezone(timezone(timedelta(hours=14)))
    assert ahead.date() != since.date()
    expected = [e["id"] for e in factorial if datetime.fromisoformat(e["updated_at"]) >= since]
    assert 0 < len(expected) < EMPLOYEES
    found: list[str] = []
    cursor: str | None = None
    while True:
        params = {
            "page_size": "50",
            "filter[updated_after]": ahead.isoformat(),
            **({"next": cursor} if cursor else {}),
        }
        body = (await _get(harness, tenant, account_id, "employees", **params)).json()
        found += [e["id"] for e in body["data"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert found == expected
    refused = await _get(
        harness, tenant, account_id, "locations", **{"filter[updated_after]": datetime.now(UTC).isoformat()}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "filter[updated_after]"


async def test_a_cursor_of_another_list_is_422(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    first = (await _get(harness, tenant, account_id, "employees", page_size="2")).json()
    assert first["next"]
    crossed = await _get(harness, tenant, account_id, "groups", next=first["next"])
    assert crossed.status_code == 422
    assert crossed.json()["errors"][0]["field"] == "next"


async def test_a_missing_scope_is_403_naming_it_before_any_call_to_factorial(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    before = (await harness.stats())["api_requests"]
    response = await _get(harness, tenant, account["id"], "locations")
    assert response.status_code == 403
    assert response.json()["missing_scopes"] == ["company_locations"]
    assert (await harness.stats())["api_requests"] == before
    assert (await _get(harness, tenant, account["id"], "employees", page_size="1")).status_code == 200


async def test_a_suspended_account_is_412_and_an_unnamed_account_400(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    paused = await harness.api.patch(
        f"/accounts/{account_id}", json={"status": "suspended"}, headers=tenant.auth
    )
    assert paused.status_code == 200
    before = (await harness.stats())["api_requests"]
    assert (await _get(harness, tenant, account_id, "employees")).status_code == 412
    assert (await harness.stats())["api_requests"] == before
    unnamed = await harness.api.get("/unified/hris/employees", headers=tenant.auth)
    assert unnamed.status_code == 400
    other = await harness.tenant("Other")
    assert (await _get(harness, other, account_id, "employees")).status_code == 404


async def test_parameters_not_served_yet_are_refused_naming_them_never_ignored(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    params = {"filter[department]": "Sales", "expand": "company", "proxy[x]": "1"}
    before = (await harness.stats())["api_requests"]
    response = await _get(harness, tenant, account_id, "employees", **params)
    # `proxy[...]` is served on lists (tests/api/test_unified_proxy.py) and `expand` on employees
    # (tests/api/test_unified_expand.py); the filter is not.
    assert unknown_parameters(response) == "'filter[department]'"
    # StackOne documents no `expand` on locations: the route does not take one.
    expanded = await _get(harness, tenant, account_id, "locations", expand="company", include="custom_fields")
    assert unknown_parameters(expanded) == "'expand', 'include'"
    # A filter of employees is not one of locations, nor of a get.
    located = await _get(harness, tenant, account_id, "locations", **{"filter[email]": "a@example.com"})
    assert unknown_parameters(located) == "'filter[email]'"
    assert (await harness.stats())["api_requests"] == before


async def test_employees_are_filtered_by_email_and_employee_number(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    factorial = await _factorial_all(harness, "employees/employees")
    wanted = factorial[137]
    by_email = await _get(
        harness, tenant, account_id, "employees", **{"filter[email]": wanted["email"].upper()}
    )
    assert by_email.status_code == 200, by_email.text
    assert [e["id"] for e in by_email.json()["data"]] == [wanted["id"]]
    # Factorial has no parameter for the company identifier: the platform keeps the one record, page by page.
    found: list[str] = []
    cursor: str | None = None
    while True:
        params = {
            "page_size": "100",
            "filter[employee_number]": wanted["company_identifier"],
            **({"next": cursor} if cursor else {}),
        }
        body = (await _get(harness, tenant, account_id, "employees", **params)).json()
        found += [e["id"] for e in body["data"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert found == [wanted["id"]]
    nobody = await _get(harness, tenant, account_id, "employees", **{"filter[email]": "nobody@example.com"})
    assert nobody.json() == {"data": [], "next": None}
