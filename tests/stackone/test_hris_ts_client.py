"""StackOne's TypeScript client on the unified HRIS API's first slice: each call succeeds, its zod schema accepts
the answer, and the values are the emulator's own (every employee once, in order, through the client's paginator)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script


def _records(pages: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [record for page in pages for record in page[key]["data"]]


def _client_time(value: str | None) -> str | None:
    """A provider's time or day as the client hands it back: a JavaScript Date, printed in UTC to the ms."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value if "T" in value else f"{value}T00:00:00+00:00").astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _employee(source: dict[str, Any]) -> dict[str, Any]:
    """What the client gives for one of the emulator's employees (its camelCase names, Dates as ISO text)."""
    return {
        "id": source["id"],
        "remoteId": source["id"],
        "firstName": source["first_name"],
        "lastName": source["last_name"],
        "name": source["full_name"],
        "displayName": source["preferred_name"] or source["full_name"],
        "workEmail": source["email"],
        "personalEmail": source["personal_email"],
        "personalPhoneNumber": source["phone_number"],
        "gender": source["gender"] and {"value": source["gender"], "sourceValue": source["gender"]},
        "dateOfBirth": _client_time(source["birthday_on"]),
        "employeeNumber": source["company_identifier"],
        "managerId": source["manager_id"],
        "remoteManagerId": source["manager_id"],
        "companyId": source["legal_entity_id"],
        "employmentStatus": {
            "value": "active" if source["active"] else "terminated",
            "sourceValue": source["active"],
        },
        "hireDate": _client_time(source["seniority_calculation_date"]),
        "startDate": _client_time(source["seniority_calculation_date"]),
        "terminationDate": _client_time(source["terminated_on"]),
        "createdAt": _client_time(source["created_at"]),
        "updatedAt": _client_time(source["updated_at"]),
    }


def _team(source: dict[str, Any]) -> dict[str, Any]:
    parents = [source["parent_team_id"]] if source["parent_team_id"] else []
    return {
        "id": source["id"],
        "remoteId": source["id"],
        "name": source["name"],
        "parentIds": parents,
        "remoteParentIds": parents,
        "ownerIds": source["lead_ids"],
        "remoteOwnerIds": source["lead_ids"],
        "type": {"value": "team", "sourceValue": "team"},
    }


def test_the_clients_hris_methods_of_the_slice_answer_the_emulators_data(
    stackone_server: Sandbox, linked_account: str
) -> None:
    employees = stackone_server.emulator_records("employees/employees")
    entities = stackone_server.emulator_records("companies/legal_entities")
    offices = stackone_server.emulator_records("locations/locations")
    teams = stackone_server.emulator_records("teams/teams")
    times = sorted(employee["updated_at"] for employee in employees)
    since = times[len(times) // 2]
    report = run_script(
        "hris.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        employeeId=employees[3]["id"],
        employeeEmail=employees[5]["email"],
        companyId=entities[0]["id"],
        locationId=offices[-1]["id"],
        teamId=teams[1]["id"],
        updatedAfter=since,
    )

    # Every employee once, in Factorial's order, through the client's paginator following `next`.
    pages = report["listEmployees"].expect_ok()
    assert len(pages) == -(-len(employees) // 30) > 1
    assert _records(pages, "employeesPaginated") == [_employee(e) for e in employees]
    assert pages[-1]["employeesPaginated"].get("next") is None

    sparse = report["listEmployeesSparse"].expect_ok()["employeesPaginated"]["data"]
    assert sparse == [
        {"id": e["id"], "workEmail": e["email"], "gender": {"value": e["gender"], "sourceValue": e["gender"]}}
        for e in employees[:3]
    ]
    recent = _records(report["listEmployeesUpdatedAfter"].expect_ok(), "employeesPaginated")
    assert [e["id"] for e in recent] == [e["id"] for e in employees if e["updated_at"] >= since]

    by_email = report["listEmployeesByEmail"].expect_ok()["employeesPaginated"]["data"]
    assert by_email == [_employee(employees[5])]

    one = report["getEmployee"].expect_ok()["employeeResult"]
    # `raw=true` adds the employee's custom field values (by the field's identifier), as StackOne does.
    values = stackone_server.emulator_records("custom_fields/values")
    assert one["data"] == {
        **_employee(employees[3]),
        "unifiedCustomFields": {
            v["custom_field_identifier"]: v["value"] for v in values if v["valuable_id"] == employees[3]["id"]
        },
    }
    assert one["raw"][0]["method"] == "GET"
    assert one["raw"][0]["response"] == employees[3]
    report["getEmployeeMissing"].expect_error("NotFoundResponse", 404)

    companies = _records(report["listCompanies"].expect_ok(), "companiesPaginated")
    assert companies == [
        {
            "id": e["id"],
            "remoteId": e["id"],
            "name": e["legal_name"],
            "displayName": e["legal_name"],
            "fullName": e["legal_name"],
        }
        for e in entities
    ]
    assert report["getCompany"].expect_ok()["companyResult"]["data"] == companies[0]

    locations = _records(report["listLocations"].expect_ok(), "hrisLocationsPaginated")
    assert [(loc["id"], loc["name"], loc["city"], loc["zipCode"]) for loc in locations] == [
        (o["id"], o["name"], o["city"], o["postal_code"]) for o in offices
    ]
    assert [loc["country"] for loc in locations] == [
        {"value": o["country"].upper(), "sourceValue": o["country"]} for o in offices
    ]
    assert report["getLocation"].expect_ok()["hrisLocationResult"]["data"] == locations[-1]

    assert _records(report["listGroups"].expect_ok(), "hrisGroupsPaginated") == [_team(t) for t in teams]
    assert report["getGroup"].expect_ok()["hrisGroupsResult"]["data"] == _team(teams[1])
    assert _records(report["listTeamGroups"].expect_ok(), "hrisTeamsPaginated") == [_team(t) for t in teams]
    assert report["getTeamGroup"].expect_ok()["hrisTeamsResult"]["data"] == _team(teams[1])
