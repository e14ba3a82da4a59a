"""The unified HRIS people writes and employments over Factorial: an employee created, updated and invited and an
employment created and updated through `/unified/hris`, read back through Factorial's own API; bad bodies refused
whole (every culprit named, in the unified model's names, nothing sent); scopes enforced as actions are."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant

SCOPES = [*ALL_SCOPES, "company_legal_entities"]

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 1, 40


async def _factorial_key(harness: Harness) -> dict[str, str]:
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    return {"x-api-key": created.json()["api_key"]}


async def _factorial(harness: Harness, path: str, **params: Any) -> Any:
    """Factorial's own answer, as the company's admin reads it with an API key."""
    response = await harness.factorial.get(
        f"{FACTORIAL_API}/{path}", params=params, headers=await _factorial_key(harness)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=SCOPES)
    await harness.profile(tenant, application, token_type="company", scopes=SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _call(
    harness: Harness, tenant: Tenant, account_id: str, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    return await harness.api.request(
        method, f"/unified/hris/{path}", headers={**tenant.auth, "x-account-id": account_id}, **kwargs
    )


def _midnight(day: str | None) -> str | None:
    return None if day is None else f"{day}T00:00:00+00:00"


async def test_an_employee_created_and_updated_through_the_unified_api_is_factorials(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    manager = (await _factorial(harness, "employees/employees"))["data"][0]
    created = await _call(
        harness,
        tenant,
        account_id,
        "POST",
        "employees",
        json={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "work_email": "ada.lovelace@example.com",
            "gender": {"value": "female"},
            "date_of_birth": "1990-12-10T00:00:00.000Z",
            "employee_number": "E-1815",
            "manager_id": manager["id"],
            "job_title": "Analyst",
            "start_date": "2026-01-05T00:00:00Z",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["statusCode"] == 201 and body["message"] and body["timestamp"]
    new_id = body["data"]["id"]
    assert body["data"] == {"id": new_id, "remote_id": new_id}

    employee = await _factorial(harness, f"employees/employees/{new_id}")
    assert (employee["first_name"], employee["last_name"], employee["email"]) == (
        "Ada",
        "Lovelace",
        "ada.lovelace@example.com",
    )
    assert (employee["gender"], employee["birthday_on"], employee["company_identifier"]) == (
        "female",
        "1990-12-10",
        "E-1815",
    )
    assert employee["manager_id"] == manager["id"]
    (contract,) = (await _factorial(harness, "contracts/contract_versions", **{"employee_ids[]": new_id}))[
        "data"
    ]
    assert (contract["job_title"], contract["starts_on"]) == ("Analyst", "2026-01-05")

    updated = await _call(
        harness,
        tenant,
        account_id,
        "PATCH",
        f"employees/{new_id}",
        json={"last_name": "King", "personal_email": "ada@example.org", "personal_phone_number": "+44 20 1"},
    )
    assert updated.status_code == 200, updated.text
    assert set(updated.json()) == {"statusCode", "message", "timestamp"}
    employee = await _factorial(harness, f"employees/employees/{new_id}")
    assert (employee["last_name"], employee["full_name"]) == ("King", "Ada King")
    assert (employee["personal_email"], employee["phone_number"]) == ("ada@example.org", "+44 20 1")

    # The unified read gives back what was written.
    read = (await _call(harness, tenant, account_id, "GET", f"employees/{new_id}")).json()["data"]
    assert read["name"] == "Ada King"
    assert read["gender"] == {"value": "female", "source_value": "female"}
    assert read["date_of_birth"] == "1990-12-10T00:00:00+00:00"
    assert read["hire_date"] == read["start_date"] == "2026-01-05T00:00:00+00:00"

    invited = await _call(harness, tenant, account_id, "POST", f"employees/{new_id}/invite", json={})
    assert invited.status_code == 200, invited.text
    assert invited.json()["data"] == {"id": new_id, "remote_id": new_id}


async def test_employments_are_factorials_contract_versions_read_created_and_updated(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    versions = (await _factorial(harness, "contracts/contract_versions", limit="100"))["data"]
    listed = await _call(harness, tenant, account_id, "GET", "employments", params={"page_size": "100"})
    assert listed.status_code == 200, listed.text
    employments = listed.json()["data"]
    assert [e["id"] for e in employments] == [v["id"] for v in versions]
    for unified, version in zip(employments, versions, strict=True):
        assert unified["remote_id"] == version["id"]
        assert unified["employee_id"] == unified["remote_employee_id"] == version["employee_id"]
        assert unified["job_title"] == version["job_title"]
        assert unified["pay_currency"] == version["salary_currency"]
        assert unified["pay_rate"] == f"{version['salary_amount'] / 100:.2f}"
        assert unified["fte"] == version["working_time_percentage_in_cents"] / 10000
        assert unified["pay_period"] == {"value": "year", "source_value": version["salary_frequency"]}
        assert unified["effective_date"] == _midnight(version["effective_on"])
        assert unified["start_date"] == _midnight(version["starts_on"])
        assert unified["end_date"] == _midnight(version["ends_on"])
        assert unified["updated_at"] == version["updated_at"]

    employee_id = versions[-1]["employee_id"]
    own = [v for v in versions if v["employee_id"] == employee_id]
    nested = await _call(harness, tenant, account_id, "GET", f"employees/{employee_id}/employments")
    assert [e["id"] for e in nested.json()["data"]] == [v["id"] for v in own]
    one = await _call(
        harness, tenant, account_id, "GET", f"employees/{employee_id}/employments/{own[0]['id']}"
    )
    assert one.json()["data"] == next(e for e in employments if e["id"] == own[0]["id"])
    direct = await _call(
        harness, tenant, account_id, "GET", f"employments/{own[0]['id']}", params={"fields": "id"}
    )
    assert direct.json()["data"] == {"id": own[0]["id"]}
    # Another employee's employment is not this employee's: 404, as an employment the account does not have.
    other = next(v for v in versions if v["employee_id"] != employee_id)
    stranger = await _call(
        harness, tenant, account_id, "GET", f"employees/{employee_id}/employments/{other['id']}"
    )
    assert stranger.status_code == 404

    created = await _call(
        harness,
        tenant,
        account_id,
        "POST",
        f"employees/{employee_id}/employments",
        json={
            "job_title": "Principal Analyst",
            "effective_date": "2027-02-01T00:00:00Z",
            "start_date": "2020-03-02T00:00:00Z",
            "pay_period": {"value": "month"},
        },
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["data"]["id"]
    version = await _factorial(harness, f"contracts/contract_versions/{new_id}")
    assert (version["employee_id"], version["job_title"], version["effective_on"]) == (
        employee_id,
        "Principal Analyst",
        "2027-02-01",
    )
    assert (version["starts_on"], version["salary_frequency"]) == ("2020-03-02", "monthly")

    updated = await _call(
        harness,
        tenant,
        account_id,
        "PATCH",
        f"employees/{employee_id}/employments/{new_id}",
        json={"job_title": "Lead Analyst", "end_date": "2028-01-31T00:00:00Z"},
    )
    assert updated.status_code == 200, updated.text
    version = await _factorial(harness, f"contracts/contract_versions/{new_id}")
    assert (version["job_title"], version["ends_on"]) == ("Lead Analyst", "2028-01-31")
    # Through another employee's path, the employment is not found and nothing changes.
    before = (await harness.stats())["api_requests"]
    crossed = await _call(
        harness,
        tenant,
        account_id,
        "PATCH",
        f"employees/{other['employee_id']}/employments/{new_id}",
        json={"job_title": "Nobody"},
    )
    assert crossed.status_code == 404
    assert (await _factorial(harness, f"contracts/contract_versions/{new_id}"))["job_title"] == "Lead Analyst"
    assert (await harness.stats())["api_requests"] == before + 2  # the ownership check and the read above


async def test_a_bad_body_is_one_422_naming_every_culprit_and_nothing_reaches_factorial(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    before = (await harness.stats())["api_requests"]
    refused = await _call(
        harness,
        tenant,
        account_id,
        "POST",
        "employees",
        json={
            "first_name": 7,
            "last_name": "Lovelace",
            "work_email": "ada@example.com",
            "name": "Ada Lovelace",
            "gender": {"value": "diverse"},
            "date_of_birth": "the tenth of December",
            "personal_email": "ada@example.org",
            "shoe_size": "38",
        },
    )
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["statusCode"] == 422 and body["message"]
    assert {(e["field"], e["message"]) for e in body["errors"]} == {
        ("first_name", "must be a string"),
        ("date_of_birth", "must be an ISO 8601 date and time (e.g. 2026-03-02T00:00:00Z)"),
        ("name", "cannot be written to this provider"),
        ("shoe_size", "cannot be written to this provider"),
        ("gender", "has no equivalent in the provider"),
        # Factorial takes a personal email on an update, not when hiring.
        ("personal_email", "cannot be written by this operation"),
    }
    assert "Lovelace" not in refused.text and "38" not in refused.text  # no submitted value is echoed
    update_only = await _call(
        harness, tenant, account_id, "PATCH", "employees/1", json={"job_title": "x", "start_date": None}
    )
    assert update_only.status_code == 422
    assert sorted(e["field"] for e in update_only.json()["errors"]) == ["job_title", "start_date"]
    not_an_object = await _call(harness, tenant, account_id, "POST", "employees", json=["first_name"])
    assert not_an_object.status_code == 422
    assert (await harness.stats())["api_requests"] == before

    # Factorial's action checks the body it would get; its complaints come back in the unified names, and a
    # `passthrough` field is named as the caller sent it.
    missing = await _call(
        harness,
        tenant,
        account_id,
        "POST",
        "employees",
        json={
            "last_name": "Lovelace",
            "work_email": "not an email",
            "passthrough": {"city": {"a": 1}, "shoe": "x"},
        },
    )
    assert missing.status_code == 422, missing.text
    assert {e["field"] for e in missing.json()["errors"]} == {
        "first_name",
        "work_email",
        "passthrough.city",
        "passthrough.shoe",
    }
    # An id Factorial could never have given names no record: 404, as for one it does not have.
    for method, path in (
        ("PATCH", "employees/not-an-id"),
        ("POST", "employees/not-an-id/invite"),
        ("GET", "employees/not-an-id/employments"),
    ):
        assert (await _call(harness, tenant, account_id, method, path, json={})).status_code == 404
    employment = await _call(
        harness, tenant, account_id, "POST", "employees/1/employments", json={"job_title": "Analyst"}
    )
    assert employment.status_code == 422
    assert [e["field"] for e in employment.json()["errors"]] == ["effective_date"]
    assert (await harness.stats())["api_requests"] == before


async def test_a_write_needs_the_scopes_of_its_action_403_naming_them_before_any_call(
    harness: Harness,
) -> None:
    # The application is granted `employees` only; the profile enables every action.
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])
    employee = (await _factorial(harness, "employees/employees"))["data"][0]
    before = (await harness.stats())["api_requests"]
    for method, path, body in (
        ("GET", "employments", None),
        ("GET", f"employees/{employee['id']}/employments", None),
        (
            "POST",
            f"employees/{employee['id']}/employments",
            {"effective_date": "2027-01-01T00:00:00Z", "start_date": "2020-01-01T00:00:00Z"},
        ),
    ):
        response = await _call(harness, tenant, account_id, method, path, json=body)
        assert response.status_code == 403, (path, response.text)
        assert response.json().get("missing_scopes") == ["contracts"], response.text
    assert (await harness.stats())["api_requests"] == before
    renamed = await _call(harness, tenant, account_id, "PATCH", f"employees/{employee['id']}", json={})
    assert renamed.status_code == 200, renamed.text


async def test_jobs_cost_centers_and_company_groups_are_factorials_catalog(harness: Harness) -> None:
    tenant = await harness.tenant()
    scopes = [*SCOPES, "job_catalog", "finance"]
    application = await harness.application(scopes=scopes)
    await harness.profile(tenant, application, token_type="company", scopes=scopes)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])

    roles = (await _factorial(harness, "job_catalog/roles"))["data"]
    jobs = (await _call(harness, tenant, account_id, "GET", "jobs")).json()["data"]
    assert jobs == [
        {
            "id": r["id"],
            "remote_id": r["id"],
            "title": r["name"],
            "description": r["description"],
            "status": {"value": "open", "source_value": False},
        }
        for r in roles
    ]
    job = await _call(harness, tenant, account_id, "GET", f"jobs/{roles[-1]['id']}")
    assert job.json()["data"] == jobs[-1]

    centers = (await _factorial(harness, "finance/cost_centers"))["data"]
    groups = (await _call(harness, tenant, account_id, "GET", "groups/cost_centers")).json()["data"]
    assert groups == [
        {
            "id": c["id"],
            "remote_id": c["id"],
            "name": c["name"],
            "company_id": c["legal_entity_id"],
            "remote_company_id": c["legal_entity_id"],
            "type": {"value": "cost_center", "source_value": "cost_center"},
        }
        for c in centers
    ]
    center = await _call(harness, tenant, account_id, "GET", f"groups/cost_centers/{centers[0]['id']}")
    assert center.json()["data"] == groups[0]
    assert (await _call(harness, tenant, account_id, "GET", "groups/cost_centers/999999")).status_code == 404

    entities = (await _factorial(harness, "companies/legal_entities"))["data"]
    companies = (await _call(harness, tenant, account_id, "GET", "groups/companies")).json()["data"]
    assert [(c["id"], c["name"]) for c in companies] == [(e["id"], e["legal_name"]) for e in entities]
    one = await _call(harness, tenant, account_id, "GET", f"groups/companies/{entities[0]['id']}")
    assert one.json()["data"] == companies[0]
