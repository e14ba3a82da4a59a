"""The unified writes as tools for agents (`hris_create_employee`, `ats_move_application`, ...): enabled on a
connector profile as the reads are, listed by `/actions` and `/mcp`, needing the scopes of every action they
call, and writing through the same write service as `/unified/...` (each write read back from the emulator's own
Factorial API)."""

from __future__ import annotations

from typing import Any

import httpx
from mcp import types
from starlette.applications import Starlette

from linkyard.connectors import get_connector
from tests.actions.conftest import Linked, link_admin
from tests.api.conftest import ALL_SCOPES
from tests.mcp.conftest import Harness
from tests.mcp.test_endpoint import mcp_client

WRITE_TOOLS = [
    "hris_create_employee",
    "hris_update_employee",
    "hris_invite_employee",
    "hris_create_employee_employment",
    "hris_update_employee_employment",
    "hris_create_employee_time_off_request",
    "hris_update_employee_time_off_request",
    "hris_cancel_employee_time_off_request",
    "hris_update_employee_task",
    "ats_create_job",
    "ats_update_job",
    "ats_create_candidate",
    "ats_update_candidate",
    "ats_create_application",
    "ats_move_application",
    "ats_reject_application",
]
"""Every write the unified routes serve, but uploads (a file is no argument) and `ats_update_application`
(Factorial takes none of StackOne's fields there: only `passthrough`, which a flat tool has no argument for)."""


async def _rpc(harness: Harness, linked: Linked, tool: str, **call: Any) -> httpx.Response:
    return await harness.rpc(linked.tenant, linked.account_id, tool, **call)


async def _written(harness: Harness, linked: Linked, tool: str, **call: Any) -> dict[str, Any]:
    answer = await _rpc(harness, linked, tool, **call)
    assert answer.status_code == 200, (tool, answer.text)
    data: dict[str, Any] = answer.json()["data"]
    return data


def _content(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structuredContent is not None, result.content
    return result.structuredContent


def test_the_connector_offers_each_served_write_as_a_tool_needing_the_scopes_of_what_it_calls() -> None:
    connector = get_connector("factorialhr")
    writes = [tool for tool in connector.unified_actions if tool.unified is not None and tool.unified.writes]
    assert [tool.id for tool in writes] == WRITE_TOOLS
    employee = connector.find_tool("hris_create_employee")
    assert employee is not None and employee.method == "POST"
    schema = employee.input_schema()
    assert {"first_name", "last_name", "work_email", "gender", "start_date"} <= set(schema["properties"])
    assert schema["properties"]["gender"]["enum"] == ["male", "female"]
    assert schema["properties"]["start_date"]["format"] == "date-time"
    assert employee.required_scopes == connector.action("factorialhr_create_employee").required_scopes
    cancel = connector.find_tool("hris_cancel_employee_time_off_request")
    assert cancel is not None and cancel.unified is not None
    # The record is read first (another employee's time off is a 404), so the read's scopes are needed too.
    assert cancel.unified.reads == ("factorialhr_get_time_off_request", "factorialhr_cancel_time_off_request")
    task = connector.find_tool("hris_update_employee_task")
    assert task is not None and task.unified is not None
    # The employee is read first (its access id names its tasks), then the task, then it is written.
    assert task.unified.reads == (
        "factorialhr_get_employee",
        "factorialhr_get_task",
        "factorialhr_update_task",
    )
    assert set(task.required_scopes) == {"employees", "tasks"}
    assert task.input_schema()["properties"]["status"]["enum"] == [
        "open",
        "in_progress",
        "completed",
        "cancelled",
    ]
    job = connector.find_tool("ats_create_job")
    assert job is not None
    job_schema = job.input_schema()
    # Factorial requires a status of a new posting; the mapping gives a draft when the caller names none.
    assert job_schema["required"] == ["title"]
    assert job_schema["properties"]["department_ids"]["maxItems"] == 1
    candidate = connector.find_tool("ats_create_candidate")
    assert candidate is not None and "phone_number" in candidate.parameters_by_name  # StackOne's request name


async def test_write_tools_over_json_rpc_create_and_change_records_in_factorial(
    harness: Harness, emulator: Starlette
) -> None:
    linked = await link_admin(harness, emulator)
    factorial = linked.provider
    try:
        manager = (await factorial.get("/employees/employees", params={"limit": 1})).json()["data"][0]
        created = await _written(
            harness,
            linked,
            "hris_create_employee",
            body={
                "first_name": "Grace",
                "last_name": "Hopper",
                "work_email": "grace.hopper@example.com",
                "gender": "female",
                "manager_id": str(manager["id"]),
                "start_date": "2026-02-02T00:00:00Z",
            },
        )
        assert created["id"] == created["remote_id"]
        stored = (await factorial.get(f"/employees/employees/{created['id']}")).json()
        assert (stored["first_name"], stored["last_name"], stored["email"], stored["gender"]) == (
            "Grace",
            "Hopper",
            "grace.hopper@example.com",
            "female",
        )
        assert stored["manager_id"] == manager["id"]

        changed = await _written(
            harness, linked, "hris_update_employee", path={"id": created["id"]}, body={"last_name": "Murray"}
        )
        assert changed["id"] == created["id"]
        stored = (await factorial.get(f"/employees/employees/{created['id']}")).json()
        assert (stored["first_name"], stored["last_name"]) == ("Grace", "Murray")

        leave = await _written(
            harness,
            linked,
            "hris_create_employee_time_off_request",
            path={"id": created["id"]},
            body={
                "start_date": "2026-03-02T00:00:00",
                "end_date": "2026-03-04T00:00:00",
                "comment": "Moving",
            },
        )
        stored_leave = (await factorial.get(f"/timeoff/leaves/{leave['id']}")).json()
        assert (str(stored_leave["employee_id"]), stored_leave["start_on"], stored_leave["finish_on"]) == (
            created["id"],
            "2026-03-02",
            "2026-03-04",
        )
        assert stored_leave["description"] == "Moving"

        # Under another employee, the time off is no record of theirs: 404, and nothing is cancelled.
        other = await _rpc(
            harness,
            linked,
            "hris_cancel_employee_time_off_request",
            path={"id": str(manager["id"]), "sub_resource_id": leave["id"]},
        )
        assert other.status_code == 404, other.text
        assert (await factorial.get(f"/timeoff/leaves/{leave['id']}")).status_code == 200
        cancelled = await _written(
            harness,
            linked,
            "hris_cancel_employee_time_off_request",
            path={"id": created["id"], "sub_resource_id": leave["id"]},
        )
        assert cancelled == {"id": leave["id"]}
        assert (await factorial.get(f"/timeoff/leaves/{leave['id']}")).status_code == 404

        # A value with no Factorial equivalent, and a field the action cannot take, are one 422 naming both.
        refused = await _rpc(
            harness,
            linked,
            "hris_create_employee",
            body={"first_name": "A", "last_name": "B", "work_email": "a.b@example.com", "gender": "other"},
        )
        assert refused.status_code == 422, refused.text
        assert [error["field"] for error in refused.json()["errors"]] == ["gender"]
    finally:
        await factorial.aclose()


async def test_write_tools_over_json_rpc_run_the_ats_flow_in_factorial(
    harness: Harness, emulator: Starlette
) -> None:
    linked = await link_admin(harness, emulator)
    factorial = linked.provider
    try:
        postings = (await factorial.get("/ats/job_postings", params={"limit": 100})).json()["data"]
        job = next(posting for posting in postings if posting["status"] == "published")
        phases = [
            phase
            for phase in (await factorial.get("/ats/application_phases", params={"limit": 100})).json()[
                "data"
            ]
            if phase["ats_job_posting_id"] == job["id"]
        ]
        reason = (await factorial.get("/ats/rejection_reasons", params={"limit": 1})).json()["data"][0]

        candidate = await _written(
            harness,
            linked,
            "ats_create_candidate",
            body={
                "first_name": "Lucía",
                "last_name": "Ferreiro",
                "email": "lucia.ferreiro@example.com",
                "phone_number": "+34 611 222 333",
            },
        )
        stored = (await factorial.get(f"/ats/candidates/{candidate['id']}")).json()
        assert (stored["first_name"], stored["email"], stored["phone_number"]) == (
            "Lucía",
            "lucia.ferreiro@example.com",
            "+34 611 222 333",
        )
        await _written(
            harness, linked, "ats_update_candidate", path={"id": candidate["id"]}, body={"phone": "+34 600"}
        )
        assert (await factorial.get(f"/ats/candidates/{candidate['id']}")).json()["phone_number"] == "+34 600"

        application = await _written(
            harness,
            linked,
            "ats_create_application",
            body={"candidate_id": candidate["id"], "job_id": str(job["id"])},
        )
        stored = (await factorial.get(f"/ats/applications/{application['id']}")).json()
        assert (str(stored["ats_candidate_id"]), stored["ats_job_posting_id"]) == (candidate["id"], job["id"])

        await _written(
            harness,
            linked,
            "ats_move_application",
            path={"id": application["id"]},
            body={"interview_stage_id": str(phases[-1]["id"])},
        )
        stored = (await factorial.get(f"/ats/applications/{application['id']}")).json()
        assert stored["ats_application_phase_id"] == phases[-1]["id"]

        await _written(
            harness,
            linked,
            "ats_reject_application",
            path={"id": application["id"]},
            body={"rejected_reason_id": str(reason["id"])},
        )
        stored = (await factorial.get(f"/ats/applications/{application['id']}")).json()
        assert stored["ats_rejection_reason_id"] == reason["id"]

        opened = await _written(
            harness,
            linked,
            "ats_create_job",
            body={"title": "Payroll specialist", "job_status": "published"},
        )
        await _written(
            harness, linked, "ats_update_job", path={"id": opened["id"]}, body={"job_status": "internal"}
        )
        stored = (await factorial.get(f"/ats/job_postings/{opened['id']}")).json()
        assert (stored["title"], stored["status"], stored["cv_requirement"]) == (
            "Payroll specialist",
            "unlisted",
            "optional",
        )
    finally:
        await factorial.aclose()


async def test_the_task_tool_writes_an_employees_task_and_no_one_elses(
    harness: Harness, emulator: Starlette
) -> None:
    linked = await link_admin(harness, emulator)
    factorial = linked.provider
    try:
        tasks = (await factorial.get("/tasks/tasks", params={"limit": 100})).json()["data"]
        employees = (await factorial.get("/employees/employees", params={"limit": 100})).json()["data"]
        task = next(t for t in tasks if t["status"] != "done")
        employee = next(e for e in employees if e["access_id"] in task["assignee_ids"])
        other = next(e for e in employees if e["access_id"] not in task["assignee_ids"])
        path = {"id": str(employee["id"]), "sub_resource_id": str(task["id"])}
        written = await _written(
            harness, linked, "hris_update_employee_task", path=path, body={"status": "completed"}
        )
        assert written["id"] == str(task["id"])
        assert (await factorial.get(f"/tasks/tasks/{task['id']}")).json()["status"] == "done"
        refused = await _rpc(
            harness,
            linked,
            "hris_update_employee_task",
            path={**path, "id": str(other["id"])},
            body={"status": "cancelled"},
        )
        assert refused.status_code == 404, refused.text
        assert (await factorial.get(f"/tasks/tasks/{task['id']}")).json()["status"] == "done"
    finally:
        await factorial.aclose()


async def test_mcp_lists_the_enabled_write_tools_and_one_creates_a_candidate_in_factorial(
    harness: Harness, emulator: Starlette, live_url: str
) -> None:
    linked = await link_admin(harness, emulator)
    factorial = linked.provider
    headers = {**linked.tenant.auth, "x-account-id": linked.account_id}
    try:
        async with mcp_client(f"{live_url}/mcp", headers) as session:
            listed: dict[str, types.Tool] = {}
            cursor: str | None = None
            while True:  # the tools come in pages of 100: the connector's actions, then its unified tools
                page = await session.list_tools(params=types.PaginatedRequestParams(cursor=cursor))
                listed.update((tool.name, tool) for tool in page.tools)
                cursor = page.nextCursor
                if cursor is None:
                    break
            assert set(WRITE_TOOLS) <= set(listed)
            creating = listed["ats_create_candidate"]
            assert creating.annotations is not None and creating.annotations.readOnlyHint is False
            assert set(creating.inputSchema["properties"]["body"]["properties"]) == {
                "first_name",
                "last_name",
                "email",
                "phone_number",
            }
            result = await session.call_tool(
                "ats_create_candidate",
                {"body": {"first_name": "Ada", "last_name": "Byron", "email": "ada.byron@example.com"}},
            )
            assert not result.isError, result.content
            created = _content(result)["data"]
            stored = (await factorial.get(f"/ats/candidates/{created['id']}")).json()
            assert (stored["first_name"], stored["last_name"], stored["email"]) == (
                "Ada",
                "Byron",
                "ada.byron@example.com",
            )

            missing = await session.call_tool("ats_create_candidate", {"body": {"email": "x@example.com"}})
            assert missing.isError
            assert _content(missing)["statusCode"] == 422
    finally:
        await factorial.aclose()


async def test_a_profile_enabling_a_write_tool_must_enable_the_actions_it_calls(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    created = await harness.api.post(
        "/connector_profiles",
        json={
            "connector": "factorialhr",
            "environment": "sandbox",
            "client_id": application["client_id"],
            "client_secret": application["client_secret"],
            "scopes": ALL_SCOPES,
            "actions": ["hris_cancel_employee_time_off_request", "factorialhr_cancel_time_off_request"],
        },
        headers=tenant.auth,
    )
    assert created.status_code == 422, created.text
    assert created.json()["errors"] == [
        {
            "field": "actions[0]",
            "message": "hris_cancel_employee_time_off_request writes through factorialhr_get_time_off_request: "
            "enable it too",
        }
    ]
