"""StackOne's `expand` and `include` on the unified API over Factorial, over ASGI: an employee's company,
employments, work and home locations and groups embedded with Factorial's own values, fetched a page at a time
(a few calls a page, never one a record); its job title from its contract; custom field values; a time off
request's policy and a job's interview stages; an unknown name refused naming it before any call to Factorial;
an expansion enforced as the lists it reads are (their scopes)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant

SCOPES = [*ALL_SCOPES, "company_legal_entities", "custom_fields"]

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"
EMPLOYEES = 120
EVERY_EXPANSION = "company,employments,work_location,home_location,groups,skills"


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 2, EMPLOYEES


async def _factorial_all(harness: Harness, path: str, **params: str) -> list[dict[str, Any]]:
    """Every record of a Factorial list, as the company's admin reads it with an API key (Factorial's own data)."""
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    headers = {"x-api-key": created.json()["api_key"]}
    records: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = {"limit": "100", **params, **({"after_id": after} if after else {})}
        response = await harness.factorial.get(f"{FACTORIAL_API}/{path}", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        records += page["data"]
        if not page["meta"]["has_next_page"]:
            return records
        after = records[-1]["id"]


async def _linked(harness: Harness, scopes: list[str] = SCOPES) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=scopes)
    await harness.profile(tenant, application, token_type="company", scopes=scopes)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _get(
    harness: Harness, tenant: Tenant, account_id: str, area: str, path: str, **params: Any
) -> httpx.Response:
    return await harness.api.get(
        f"/unified/{area}/{path}", params=params, headers={**tenant.auth, "x-account-id": account_id}
    )


def _midnight(day: str | None) -> str | None:
    return None if day is None else f"{day}T00:00:00+00:00"


def _latest_title(versions: list[dict[str, Any]]) -> str | None:
    dated = [version for version in versions if version["effective_on"]]
    return max(dated, key=lambda version: version["effective_on"])["job_title"] if dated else None


async def test_an_employees_page_embeds_factorials_company_contracts_places_and_teams_in_a_few_calls(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    employees = await _factorial_all(harness, "employees/employees")
    entities = {e["id"]: e for e in await _factorial_all(harness, "companies/legal_entities")}
    places = {p["id"]: p for p in await _factorial_all(harness, "locations/locations")}
    versions = await _factorial_all(harness, "contracts/contract_versions")
    teams = await _factorial_all(harness, "teams/teams")
    values = await _factorial_all(harness, "custom_fields/values")

    before = (await harness.stats())["api_requests"]
    response = await _get(
        harness,
        tenant,
        account_id,
        "hris",
        "employees",
        page_size="60",
        expand=EVERY_EXPANSION,
        include="custom_fields",
    )
    assert response.status_code == 200, response.text
    calls = (await harness.stats())["api_requests"] - before
    page = response.json()["data"]
    assert [e["id"] for e in page] == [e["id"] for e in employees[:60]]
    # One call for the page and one per expansion (two for the contract versions of 60 people, which take more
    # than one of Factorial's pages): never one per employee.
    assert calls <= 8, calls

    for unified, source in zip(page, employees, strict=False):
        entity = entities[source["legal_entity_id"]]
        assert unified["company"] == {
            "id": entity["id"],
            "remote_id": entity["id"],
            "name": entity["legal_name"],
            "display_name": entity["legal_name"],
            "full_name": entity["legal_name"],
        }
        assert unified["company_name"] == entity["legal_name"]
        mine = [v for v in versions if v["employee_id"] == source["id"]]
        assert [e["id"] for e in unified["employments"]] == [v["id"] for v in mine]
        assert [e["job_title"] for e in unified["employments"]] == [v["job_title"] for v in mine]
        assert unified["job_title"] == _latest_title(mine)
        place = places[source["location_id"]]
        work = unified["work_location"]
        assert (work["id"], work["name"], work["city"], work["zip_code"]) == (
            place["id"],
            place["name"],
            place["city"],
            place["postal_code"],
        )
        assert work["location_type"] == {"value": "work", "source_value": "work"}
        assert unified["home_location"] == {
            "employee_id": source["id"],
            "remote_employee_id": source["id"],
            "street_1": source["address_line_1"],
            "street_2": source["address_line_2"],
            "city": source["city"],
            "state": source["state"],
            "zip_code": source["postal_code"],
            "country": {"value": source["country"].upper(), "source_value": source["country"]},
            "location_type": {"value": "home", "source_value": "home"},
        }
        assert [g["id"] for g in unified["groups"]] == [
            t["id"] for t in teams if source["id"] in t["employee_ids"]
        ]
        assert [
            (field["id"], field["name"], field["value"], field["value_id"])
            for field in unified["custom_fields"]
        ] == [
            (value["field_id"], value["label"], value["value"], value["id"])
            for value in values
            if value["valuable_id"] == source["id"]
        ]
        # StackOne documents `skills`; Factorial keeps none, so nothing is embedded.
        assert "skills" not in unified
    assert any(unified["groups"] for unified in page)
    assert any(unified["custom_fields"] for unified in page)
    assert len({unified["company"]["id"] for unified in page}) == 2


async def test_a_job_title_named_in_fields_is_the_contracts_without_embedding_the_contracts(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    source = (await _factorial_all(harness, "employees/employees"))[5]
    mine = await _factorial_all(harness, "contracts/contract_versions", **{"employee_ids[]": source["id"]})
    response = await _get(
        harness, tenant, account_id, "hris", f"employees/{source['id']}", fields="id,job_title,work_email"
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {
        "id": source["id"],
        "job_title": _latest_title(mine),
        "work_email": source["email"],
    }
    # Without the field or the expansion, the contracts are not read.
    before = (await harness.stats())["api_requests"]
    plain = await _get(harness, tenant, account_id, "hris", f"employees/{source['id']}")
    assert "job_title" not in plain.json()["data"] and "employments" not in plain.json()["data"]
    assert (await harness.stats())["api_requests"] == before + 1


async def test_one_employee_expanded_with_raw_lists_every_call_made(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    source = (await _factorial_all(harness, "employees/employees"))[9]
    response = await _get(
        harness, tenant, account_id, "hris", f"employees/{source['id']}", expand="company,groups", raw="true"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["company"]["id"] == source["legal_entity_id"]
    urls = [call["url"] for call in body["raw"]]
    assert urls[0].endswith(f"/employees/employees/{source['id']}")
    assert sorted(url.rsplit("/resources/", 1)[1] for url in urls[1:]) == [
        "companies/legal_entities",
        "custom_fields/values",
        "teams/teams",
    ]


async def test_an_unknown_expansion_is_400_naming_it_before_any_call(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    before = (await harness.stats())["api_requests"]
    for path in ("employees", "employees/1"):
        refused = await _get(harness, tenant, account_id, "hris", path, expand="company,shoe_box")
        assert refused.status_code == 400, refused.text
        assert "'shoe_box'" in refused.json()["message"]
        assert "company" in refused.json()["message"]  # what it takes
        included = await _get(harness, tenant, account_id, "hris", path, include="tattoos")
        assert included.status_code == 400
        assert "'tattoos'" in included.json()["message"]
    assert (await harness.stats())["api_requests"] == before


async def test_an_expansion_needs_the_scopes_of_the_list_it_reads(harness: Harness) -> None:
    tenant, account_id = await _linked(harness, ALL_SCOPES)
    assert (await _get(harness, tenant, account_id, "hris", "employees", page_size="2")).status_code == 200
    refused = await _get(harness, tenant, account_id, "hris", "employees", page_size="2", expand="company")
    assert refused.status_code == 403, refused.text
    assert "factorialhr_list_legal_entities" in refused.json()["message"]
    allowed = await _get(harness, tenant, account_id, "hris", "employees", page_size="2", expand="groups")
    assert allowed.status_code == 200, allowed.text


async def test_a_time_off_requests_policy_is_its_leave_type(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    leaves = await _factorial_all(harness, "timeoff/leaves")
    kinds = {kind["id"]: kind for kind in await _factorial_all(harness, "timeoff/leave_types")}
    listed = await _get(harness, tenant, account_id, "hris", "time_off", page_size="40", expand="policy")
    assert listed.status_code == 200, listed.text
    page = listed.json()["data"]
    assert [r["id"] for r in page] == [leave["id"] for leave in leaves[:40]]
    for unified, leave in zip(page, leaves, strict=False):
        kind = kinds[leave["leave_type_id"]]
        assert unified["policy"]["id"] == kind["id"]
        assert unified["policy"]["name"] == kind["name"]
        assert unified["policy"]["duration_unit"] == {"value": "days", "source_value": "days"}
    leave = leaves[3]
    nested = await _get(
        harness,
        tenant,
        account_id,
        "hris",
        f"employees/{leave['employee_id']}/time_off/{leave['id']}",
        expand="policy",
        fields="id,status",
    )
    assert nested.status_code == 200, nested.text
    assert set(nested.json()["data"]) == {"id", "status", "policy"}
    assert nested.json()["data"]["policy"]["id"] == leave["leave_type_id"]
    mine = await _get(
        harness, tenant, account_id, "hris", f"employees/{leave['employee_id']}/time_off", expand="policy"
    )
    assert mine.status_code == 200, mine.text
    assert all(r["policy"]["id"] == r["time_off_policy_id"] for r in mine.json()["data"])


async def test_a_jobs_interview_stages_are_its_postings_phases(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    postings = await _factorial_all(harness, "ats/job_postings")
    phases = await _factorial_all(harness, "ats/application_phases")
    listed = await _get(harness, tenant, account_id, "ats", "jobs", expand="interview_stages,job_postings")
    assert listed.status_code == 200, listed.text
    jobs = listed.json()["data"]
    assert [job["id"] for job in jobs] == [posting["id"] for posting in postings[: len(jobs)]]
    for job in jobs:
        assert [stage["id"] for stage in job["interview_stages"]] == [
            phase["id"] for phase in phases if phase["ats_job_posting_id"] == job["id"]
        ]
        assert "job_postings" not in job  # StackOne's job model has no field for them
    assert any(job["interview_stages"] for job in jobs)
    one = await _get(harness, tenant, account_id, "ats", f"jobs/{jobs[0]['id']}", expand="interview_stages")
    assert one.json()["data"]["interview_stages"] == jobs[0]["interview_stages"]
