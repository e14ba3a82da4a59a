"""StackOne's TypeScript client on the unified HRIS people operations: every employee walked once in order (250 of
them), employments read as Factorial's contract versions, and an employee and an employment created and updated
through the client, then read back through Factorial's own API in the emulator. Every answer passed the client's
zod schemas (a schema failure is an error the report would carry)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from linkyard.connectors.factorialhr import API_VERSION
from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script

EMPLOYEES = 250
RESOURCES = f"/api/{API_VERSION}/resources"


@contextmanager
def _factorial(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """Factorial's own API in the emulator, as the company's admin calls it with an API key."""
    company = sandbox.emulator_company()
    with httpx.Client(base_url=sandbox.emulator_url, timeout=10.0, trust_env=False) as control:
        key = control.post("/_emulator/api_keys", json={"company_id": company["id"]}).json()["api_key"]
    with httpx.Client(
        base_url=f"{sandbox.emulator_url}{RESOURCES}",
        headers={"x-api-key": key},
        timeout=10.0,
        trust_env=False,
    ) as factorial:
        yield factorial


def _hire_up_to(sandbox: Sandbox, count: int) -> None:
    """Hire through Factorial's own API until the company has `count` employees (the sandbox seeds fewer)."""
    have = len(sandbox.emulator_records("employees/employees"))
    with _factorial(sandbox) as factorial:
        for index in range(have, count):
            hired = factorial.post(
                "/employees/employees/create_with_contract",
                json={
                    "first_name": f"Temp{index:03d}",
                    "last_name": "Walker",
                    "email": f"temp{index:03d}.walker@example.test",
                    "gender": ("female", "male")[index % 2],
                    "birthday_on": f"{1970 + index % 30}-0{1 + index % 9}-1{index % 10}",
                    "job_title": "Seasonal Analyst",
                },
            )
            assert hired.status_code in (200, 201), hired.text


def _client_time(value: str | None) -> str | None:
    """A provider's time or day as the client hands it back: a JavaScript Date, printed in UTC to the ms."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value if "T" in value else f"{value}T00:00:00+00:00").astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _records(pages: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [record for page in pages for record in page[key]["data"]]


PAY_PERIODS = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}


def _employment(version: dict[str, Any]) -> dict[str, Any]:
    """What the client gives for one of Factorial's contract versions (a salary in cents, a share of full time in
    hundredths of a percent)."""
    amount, share = version.get("salary_amount"), version.get("working_time_percentage_in_cents")
    shown = {
        "id": version["id"],
        "remoteId": version["id"],
        "employeeId": version["employee_id"],
        "remoteEmployeeId": version["employee_id"],
        "jobTitle": version["job_title"],
        "payRate": None if amount is None else f"{amount / 100:.2f}",
        "payCurrency": version.get("salary_currency"),
        "payPeriod": None,
        "fte": None if share is None else share / 10000,
        "effectiveDate": _client_time(version["effective_on"]),
        "startDate": _client_time(version["starts_on"]),
        "endDate": _client_time(version["ends_on"]),
        "createdAt": _client_time(version["created_at"]),
        "updatedAt": _client_time(version["updated_at"]),
    }
    frequency = version.get("salary_frequency")
    if frequency is not None:
        shown["payPeriod"] = {"value": PAY_PERIODS[frequency], "sourceValue": frequency}
    return shown


def test_the_clients_people_methods_walk_read_and_write_factorials_data(
    stackone_server: Sandbox, linked_account: str
) -> None:
    _hire_up_to(stackone_server, EMPLOYEES)
    employees = stackone_server.emulator_records("employees/employees")
    versions = stackone_server.emulator_records("contracts/contract_versions")
    assert len(employees) >= EMPLOYEES
    someone = versions[-1]["employee_id"]
    other = next(v["employee_id"] for v in versions if v["employee_id"] != someone)
    roles = stackone_server.emulator_records("job_catalog/roles")
    centers = stackone_server.emulator_records("finance/cost_centers")
    entities = stackone_server.emulator_records("companies/legal_entities")
    manager = employees[0]["id"]
    new_email = f"grace.hopper.{len(employees)}@example.test"

    report = run_script(
        "hris_people.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        employeeId=someone,
        otherEmployeeId=other,
        employmentId=versions[-1]["id"],
        managerId=manager,
        newEmail=new_email,
        jobId=roles[-1]["id"],
        costCenterId=centers[0]["id"],
        companyId=entities[-1]["id"],
    )

    # Every employee once, in Factorial's order, through the client's paginator following `next` (100 a page).
    pages = report["listEmployees"].expect_ok()
    assert len(pages) == -(-len(employees) // 100) >= 3
    walked = _records(pages, "employeesPaginated")
    assert [e["id"] for e in walked] == [e["id"] for e in employees]
    assert [(e["workEmail"], e["name"]) for e in walked] == [(e["email"], e["full_name"]) for e in employees]
    assert pages[-1]["employeesPaginated"].get("next") is None

    # Employments are Factorial's contract versions, every one once, with Factorial's values.
    listed = _records(report["listEmployments"].expect_ok(), "employmentsPaginated")
    assert listed == [_employment(v) for v in versions]
    assert report["getEmployment"].expect_ok()["employmentResult"]["data"] == _employment(versions[-1])
    own = [v for v in versions if v["employee_id"] == someone]
    nested = _records(report["listEmployeeEmployments"].expect_ok(), "employmentsPaginated")
    assert nested == [_employment(v) for v in own]
    one = report["getEmployeeEmployment"].expect_ok()["employmentResult"]["data"]
    assert one == _employment(versions[-1])
    report["getEmployeeEmploymentOfAnother"].expect_error("NotFoundResponse", 404)

    # Jobs are Factorial's job catalog roles, cost center groups its cost centers, company groups its entities.
    jobs = _records(report["listJobs"].expect_ok(), "hrisJobsPaginated")
    assert jobs == [
        {
            "id": r["id"],
            "remoteId": r["id"],
            "title": r["name"],
            "description": r["description"],
            "status": {"value": "open", "sourceValue": False},
        }
        for r in roles
    ]
    assert report["getJob"].expect_ok()["hrisJobResult"]["data"] == jobs[-1]
    cost_centers = _records(report["listCostCenterGroups"].expect_ok(), "hrisCostCenterPaginated")
    assert cost_centers == [
        {
            "id": c["id"],
            "remoteId": c["id"],
            "name": c["name"],
            "companyId": c["legal_entity_id"],
            "remoteCompanyId": c["legal_entity_id"],
            "type": {"value": "cost_center", "sourceValue": "cost_center"},
        }
        for c in centers
    ]
    assert report["getCostCenterGroup"].expect_ok()["hrisCostCenterResult"]["data"] == cost_centers[0]
    company_groups = _records(report["listCompaniesGroups"].expect_ok(), "companiesPaginated")
    assert [(c["id"], c["name"], c["fullName"]) for c in company_groups] == [
        (e["id"], e["legal_name"], e["legal_name"]) for e in entities
    ]
    assert report["getCompanyGroup"].expect_ok()["companyResult"]["data"] == company_groups[-1]

    # An employee created, updated and invited through the client is Factorial's, as its own API shows.
    created = report["createEmployee"].expect_ok()
    assert created["statusCode"] == 201
    new_id = created["createResult"]["data"]["id"]
    assert created["createResult"]["data"]["remoteId"] == new_id
    assert report["updateEmployee"].expect_ok()["updateResult"]["statusCode"] == 200
    invited = report["inviteEmployee"].expect_ok()["inviteEmployeeResult"]
    assert invited["data"] == {"id": new_id, "remoteId": new_id}
    with _factorial(stackone_server) as factorial:
        employee = factorial.get(f"/employees/employees/{new_id}").json()
        hired = factorial.get("/contracts/contract_versions", params={"employee_ids[]": new_id}).json()[
            "data"
        ]
    assert (employee["first_name"], employee["last_name"], employee["full_name"]) == (
        "Grace",
        "Murray Hopper",
        "Grace Murray Hopper",
    )
    assert (employee["email"], employee["personal_email"]) == (new_email, "grace@example.org")
    assert (employee["gender"], employee["birthday_on"], employee["company_identifier"]) == (
        "female",
        "1986-12-09",
        "N-1906",
    )
    assert employee["manager_id"] == manager
    read = report["getCreatedEmployee"].expect_ok()["employeeResult"]["data"]
    assert (read["id"], read["name"], read["workEmail"]) == (new_id, "Grace Murray Hopper", new_email)
    assert (read["hireDate"], read["startDate"]) == ("2026-02-02T00:00:00.000Z", "2026-02-02T00:00:00.000Z")

    # Hiring wrote the first contract version; the client's new employment is the second, then updated.
    employment = report["createEmployeeEmployment"].expect_ok()["createResult"]["data"]
    assert [(v["job_title"], v["starts_on"]) for v in hired] == [
        ("Compiler Engineer", "2026-02-02"),
        ("Principal Compiler Engineer", "2026-02-02"),
    ]
    assert employment["id"] == hired[1]["id"]
    assert (hired[1]["effective_on"], hired[1]["ends_on"], hired[1]["salary_frequency"]) == (
        "2026-08-01",
        "2027-07-31",
        "monthly",
    )
    assert report["updateEmployeeEmployment"].expect_ok()["updateResult"]["statusCode"] == 200
    assert _records(report["newEmployeeEmployments"].expect_ok(), "employmentsPaginated") == [
        _employment(v) for v in hired
    ]
    # A body Factorial cannot take is StackOne's 422, every culprit named in the unified model's names.
    refused = report["createEmployeeEmploymentRefused"].expect_error("UnprocessableEntityResponse", 422)
    assert "payroll_code" in refused["message"] + refused.get("body", "")
