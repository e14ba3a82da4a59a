"""The unified HRIS tasks over Factorial's tasks (`tasks/tasks`): every task walked through `next` once, in
order, with Factorial's values; got by id (`raw=true` adds Factorial's record); `filter[updated_after]`
compared on each record; the `tasks` scope enforced (a 403 naming it); an employee's tasks (those assigned to its
access id, read from the employee first) listed, got and their status written, with every Factorial call in the
request log, and another's task under the employee a 404, never written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant
from tests.api.test_unified_hris_files import _factorial_all, _get, _linked, _walk

pytestmark = ON_BOTH_BACKENDS

STATUSES = {"todo": "open", "in_progress": "in_progress", "done": "completed", "discarded": "cancelled"}


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 5, 160


def _task(source: dict[str, Any], employee_id: str | None = None) -> dict[str, Any]:
    return {
        "id": source["id"],
        "remote_id": source["id"],
        **({} if employee_id is None else {"employee_id": employee_id}),
        "name": source["name"],
        "description": source["content"],
        "status": {"value": STATUSES[source["status"]], "source_value": source["status"]},
        "due_date": f"{source['due_on']}T00:00:00+00:00",
        "completion_date": source["completed_at"],
        "assigned_by_employee_id": source["author_employee_id"],
        "created_at": source["created_at"],
        "updated_at": source["updated_at"],
    }


async def test_tasks_are_factorials_tasks(harness: Harness) -> None:
    tenant, account_id = await _linked(harness, ["tasks"])
    factorial = await _factorial_all(harness, "tasks/tasks")
    assert len(factorial) > 40
    tasks = await _walk(harness, tenant, account_id, "tasks", page_size="40")
    assert tasks == [_task(t) for t in factorial]
    assert {t["status"]["value"] for t in tasks} == {"open", "in_progress", "completed", "cancelled"}

    one = await _get(harness, tenant, account_id, f"tasks/{factorial[5]['id']}", raw="true")
    assert one.status_code == 200, one.text
    assert one.json()["data"] == tasks[5]
    assert one.json()["raw"][0]["response"] == factorial[5]
    assert (await _get(harness, tenant, account_id, "tasks/999999999")).status_code == 404

    since = sorted(t["updated_at"] for t in factorial)[len(factorial) // 2]
    recent = await _walk(harness, tenant, account_id, "tasks", **{"filter[updated_after]": since})
    assert [t["id"] for t in recent] == [t["id"] for t in factorial if t["updated_at"] >= since]


async def test_tasks_need_the_tasks_scope_and_an_employees_tasks_the_employees_too(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])  # the account is granted no `tasks`
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])
    before = (await harness.stats())["api_requests"]
    for path in ("tasks", "tasks/1", "employees/7/tasks", "employees/7/tasks/1"):
        refused = await _get(harness, tenant, account_id, path)
        assert refused.status_code == 403, refused.text
        assert refused.json()["missing_scopes"] == ["tasks"]
    written = await _patch(harness, tenant, account_id, "employees/7/tasks/1", {"status": "completed"})
    assert written.status_code == 403, written.text
    assert written.json()["missing_scopes"] == ["tasks"]
    assert (await harness.stats())["api_requests"] == before  # nothing reached Factorial


async def _patch(
    harness: Harness, tenant: Tenant, account_id: str, path: str, body: dict[str, Any]
) -> httpx.Response:
    return await harness.api.patch(
        f"/unified/hris/{path}", json=body, headers={**tenant.auth, "x-account-id": account_id}
    )


async def test_an_employees_tasks_are_those_assigned_to_its_access_and_their_status_is_written(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness, ["tasks"])
    factorial = await _factorial_all(harness, "tasks/tasks")
    employees = {e["access_id"]: e for e in await _factorial_all(harness, "employees/employees")}
    assigned: dict[str, list[dict[str, Any]]] = {}
    for task in factorial:
        for access_id in task["assignee_ids"]:
            assigned.setdefault(access_id, []).append(task)
    access_id, own = next((a, tasks) for a, tasks in assigned.items() if len(tasks) > 1)
    employee = employees[access_id]
    other = next(task for task in factorial if access_id not in task["assignee_ids"])
    base = f"employees/{employee['id']}/tasks"

    listed = await _walk(harness, tenant, account_id, base, page_size="1")
    assert listed == [_task(t, employee["id"]) for t in own]
    got = await _get(harness, tenant, account_id, f"{base}/{own[0]['id']}", raw="true")
    assert got.status_code == 200, got.text
    assert got.json()["data"] == _task(own[0], employee["id"])
    assert [call["response"]["id"] for call in got.json()["raw"]] == [own[0]["id"], employee["id"]]
    sparse = await _get(harness, tenant, account_id, base, fields="id,employee_id")
    assert sparse.json()["data"][0] == {"id": own[0]["id"], "employee_id": employee["id"]}
    assert (await _get(harness, tenant, account_id, f"{base}/{other['id']}")).status_code == 404
    assert (await _get(harness, tenant, account_id, "employees/999999999/tasks")).status_code == 404
    without = next(e for a, e in employees.items() if a not in assigned)
    assert await _walk(harness, tenant, account_id, f"employees/{without['id']}/tasks") == []

    # The status is written (StackOne's enum, as an object or bare), and read back through Factorial's API.
    target = next(task for task in own if task["status"] != "discarded")
    answer = await _patch(
        harness, tenant, account_id, f"{base}/{target['id']}", {"status": {"value": "cancelled"}}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["statusCode"] == 200 and answer.json()["message"]
    after = {task["id"]: task for task in await _factorial_all(harness, "tasks/tasks")}
    assert after[target["id"]]["status"] == "discarded"

    # Another's task under this employee is a 404, and stays as it was; what Factorial cannot keep is a 422.
    refused = await _patch(harness, tenant, account_id, f"{base}/{other['id']}", {"status": "completed"})
    assert refused.status_code == 404, refused.text
    invalid = await _patch(
        harness, tenant, account_id, f"{base}/{target['id']}", {"status": "blocked", "comment": "waiting"}
    )
    assert invalid.status_code == 422, invalid.text
    assert {e["field"] for e in invalid.json()["errors"]} == {"status", "comment"}
    final = {task["id"]: task for task in await _factorial_all(harness, "tasks/tasks")}
    assert final[other["id"]] == other and final[target["id"]] == after[target["id"]]

    # The request log has the write's Factorial calls: the employee, the task, then the task written.
    logs = await harness.api.get(
        "/requests/logs", params={"include": "step_logs", "page_size": "50"}, headers=tenant.auth
    )
    patched = [log for log in logs.json()["data"] if log["http_method"] == "PATCH" and log["status"] == 200]
    [log] = patched
    steps = [(step["http_method"], step["url"].split("/resources/")[1]) for step in log["step_requests"]]
    assert steps == [
        ("GET", f"employees/employees/{employee['id']}"),
        ("GET", f"tasks/tasks/{target['id']}"),
        ("PUT", f"tasks/tasks/{target['id']}"),
    ]
