"""StackOne's TypeScript client with `expand`, `include` and `raw`: an employee's company, employments, work and
home locations, groups and custom fields embedded with Factorial's values; its job title from its contract; a time
off request's policy (also under its employee); a job's interview stages; the other documented names taken; an
unknown one refused with a 400. Every answer passed the client's zod schemas (a failure is an error the report
would carry)."""

from __future__ import annotations

from typing import Any

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script


def _latest_title(versions: list[dict[str, Any]]) -> str | None:
    dated = [version for version in versions if version["effective_on"]]
    return max(dated, key=lambda version: version["effective_on"])["job_title"] if dated else None


def test_the_clients_expansions_are_factorials_related_records(
    stackone_server: Sandbox, linked_account: str
) -> None:
    employees = stackone_server.emulator_records("employees/employees")
    entities = {e["id"]: e for e in stackone_server.emulator_records("companies/legal_entities")}
    places = {p["id"]: p for p in stackone_server.emulator_records("locations/locations")}
    versions = stackone_server.emulator_records("contracts/contract_versions")
    teams = stackone_server.emulator_records("teams/teams")
    values = stackone_server.emulator_records("custom_fields/values")
    leaves = stackone_server.emulator_records("timeoff/leaves")
    kinds = {k["id"]: k for k in stackone_server.emulator_records("timeoff/leave_types")}
    postings = stackone_server.emulator_records("ats/job_postings")
    phases = stackone_server.emulator_records("ats/application_phases")
    valued = next(e for e in employees if sum(v["valuable_id"] == e["id"] for v in values) >= 2)
    leave = leaves[2]
    report = run_script(
        "unified_expand.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        employeeId=valued["id"],
        timeOffId=leave["id"],
        timeOffEmployeeId=leave["employee_id"],
        jobId=postings[0]["id"],
    )

    page = report["listEmployees"].expect_ok()["employeesPaginated"]
    assert [e["id"] for e in page["data"]] == [e["id"] for e in employees[:25]]
    assert page["raw"][0]["url"].endswith("/employees/employees")
    for unified, source in zip(page["data"], employees, strict=False):
        entity = entities[source["legal_entity_id"]]
        assert (unified["company"]["id"], unified["company"]["name"]) == (entity["id"], entity["legal_name"])
        assert unified["companyName"] == entity["legal_name"]
        mine = [v for v in versions if v["employee_id"] == source["id"]]
        assert [e["id"] for e in unified["employments"]] == [v["id"] for v in mine]
        assert unified.get("jobTitle") == _latest_title(mine)
        place = places[source["location_id"]]
        assert (unified["workLocation"]["id"], unified["workLocation"]["name"]) == (
            place["id"],
            place["name"],
        )
        assert unified["workLocation"]["locationType"]["value"] == "work"
        home = unified["homeLocation"]
        assert (home["street1"], home["city"], home["zipCode"]) == (
            source["address_line_1"],
            source["city"],
            source["postal_code"],
        )
        assert home["country"]["value"] == source["country"].upper()
        assert [g["id"] for g in unified["groups"]] == [
            t["id"] for t in teams if source["id"] in t["employee_ids"]
        ]
        theirs = [v for v in values if v["valuable_id"] == source["id"]]
        assert [(f["id"], f["name"], f["value"]) for f in unified["customFields"]] == [
            (v["field_id"], v["label"], v["value"]) for v in theirs
        ]
        assert unified["unifiedCustomFields"] == {v["custom_field_identifier"]: v["value"] for v in theirs}
        assert "skills" not in unified

    one = report["getEmployee"].expect_ok()["employeeResult"]
    assert one["data"]["id"] == valued["id"]
    assert len(one["data"]["customFields"]) >= 2
    assert one["data"]["unifiedCustomFields"]
    assert one["raw"][0]["url"].endswith(f"/employees/employees/{valued['id']}")
    titled = report["getEmployeeJobTitle"].expect_ok()["employeeResult"]["data"]
    mine = [v for v in versions if v["employee_id"] == valued["id"]]
    assert titled == {
        "id": valued["id"],
        "jobTitle": _latest_title(mine),
        "companyName": entities[valued["legal_entity_id"]]["legal_name"],
    }

    requests = report["listTimeOffRequests"].expect_ok()["timeOffPaginated"]["data"]
    assert [r["id"] for r in requests] == [leave["id"] for leave in leaves[:25]]
    for unified, source in zip(requests, leaves, strict=False):
        assert unified["policy"]["id"] == source["leave_type_id"]
        assert unified["policy"]["name"] == kinds[source["leave_type_id"]]["name"]
    for name in ("getTimeOffRequest", "getEmployeesTimeOffRequest"):
        got = report[name].expect_ok()["timeOffResult"]["data"]
        assert (got["id"], got["policy"]["id"]) == (leave["id"], leave["leave_type_id"])
    own = report["listEmployeeTimeOffRequests"].expect_ok()["timeOffPaginated"]["data"]
    assert leave["id"] in [r["id"] for r in own]
    assert all(r["policy"]["id"] == r["timeOffPolicyId"] for r in own)

    jobs = report["listJobs"].expect_ok()["atsJobsPaginated"]["data"]
    for job in jobs:
        assert [s["id"] for s in job["interviewStages"]] == [
            p["id"] for p in phases if p["ats_job_posting_id"] == job["id"]
        ]
    assert any(job["interviewStages"] for job in jobs)
    job = report["getJob"].expect_ok()["atsJobResult"]["data"]
    assert job["interviewStages"] == next(j for j in jobs if j["id"] == job["id"])["interviewStages"]

    # Documented names Factorial cannot back are taken, and add nothing.
    for name in (
        "listEmployments",
        "listEmployeeTimeOffBalances",
        "listApplications",
        "listCandidates",
        "listJobPostings",
    ):
        report[name].expect_ok()

    refused = report["unknownExpansion"].expect_error("BadRequestResponse", 400)
    assert "'shoe_box'" in refused["body"]
