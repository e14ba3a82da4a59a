"""StackOne's TypeScript client on the unified HRIS tasks: each call succeeds, its zod schema accepts the answer,
and the values are the emulator's own Factorial tasks (every one walked through `next` once, in order); an
employee's tasks are those assigned to its access id, and a status written there is read back through Factorial's
own API."""

from __future__ import annotations

from typing import Any

from tests.harness.sandbox import Sandbox
from tests.stackone.test_hris_ts_client import _client_time, _records
from tests.stackone.ts_client import run_script

STATUSES = {"todo": "open", "in_progress": "in_progress", "done": "completed", "discarded": "cancelled"}


def _task(source: dict[str, Any], employee_id: str | None = None) -> dict[str, Any]:
    """What the client gives for one of the emulator's tasks as a StackOne task (under an employee, with its id)."""
    task = {
        "id": source["id"],
        "remoteId": source["id"],
        **({} if employee_id is None else {"employeeId": employee_id}),
        "name": source["name"],
        "description": source["content"],
        "status": {"value": STATUSES[source["status"]], "sourceValue": source["status"]},
        "dueDate": _client_time(source["due_on"]),
        "completionDate": None if source["completed_at"] is None else _client_time(source["completed_at"]),
        "assignedByEmployeeId": source["author_employee_id"],
        "createdAt": _client_time(source["created_at"]),
        "updatedAt": _client_time(source["updated_at"]),
    }
    return task


def test_the_clients_task_methods_answer_the_emulators_tasks(
    stackone_server: Sandbox, linked_account: str
) -> None:
    tasks = stackone_server.emulator_records("tasks/tasks")
    assert len(tasks) > 25
    chosen = tasks[len(tasks) // 2]
    since = sorted(task["updated_at"] for task in tasks)[len(tasks) // 3]
    employees = stackone_server.emulator_records("employees/employees")
    by_access = {employee["access_id"]: employee for employee in employees}
    counts: dict[str, int] = {}
    for task in tasks:
        for access_id in task["assignee_ids"]:
            counts[access_id] = counts.get(access_id, 0) + 1
    # An employee with more than one task that is not done yet, so that the list is walked and the status changes.
    access_id = next(
        a
        for a, n in counts.items()
        if n > 1 and any(t["status"] != "done" and a in t["assignee_ids"] for t in tasks)
    )
    employee = by_access[access_id]
    own = [task for task in tasks if access_id in task["assignee_ids"]]
    own_task = next(task for task in own if task["status"] != "done")
    other_task = next(task for task in tasks if access_id not in task["assignee_ids"])
    without = next(e for e in employees if e["access_id"] not in counts)
    report = run_script(
        "hris_tasks.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        taskId=chosen["id"],
        updatedAfter=since,
        employeeId=employee["id"],
        ownTaskId=own_task["id"],
        otherTaskId=other_task["id"],
        employeeWithoutTasksId=without["id"],
    )

    pages = report["listTasks"].expect_ok()
    assert len(pages) == -(-len(tasks) // 25)
    assert _records(pages, "tasksPaginated") == [_task(t) for t in tasks]
    recent = _records(report["listTasksUpdatedAfter"].expect_ok(), "tasksPaginated")
    assert recent == [_task(t) for t in tasks if t["updated_at"] >= since]
    assert report["getTask"].expect_ok()["taskResult"]["data"] == _task(chosen)
    raw = report["getTaskRaw"].expect_ok()["taskResult"]
    assert raw["raw"][0]["response"] == chosen

    # An employee's tasks: those assigned to its access id (read from the employee), in Factorial's order.
    mine = report["listEmployeeTasks"].expect_ok()
    assert len(mine) == len(own)
    assert _records(mine, "tasksPaginated") == [_task(t, employee["id"]) for t in own]
    got = report["getEmployeeTask"].expect_ok()["taskResult"]["data"]
    assert got == _task(own_task, employee["id"])
    raw = report["getEmployeeTaskRaw"].expect_ok()["taskResult"]["raw"]
    assert [call["response"] for call in raw] == [own_task, employee]
    report["getEmployeeTaskOfAnother"].expect_error("NotFoundResponse", 404)
    assert _records(report["listTasksOfEmployeeWithout"].expect_ok(), "tasksPaginated") == []

    # The status written, read back through Factorial's own API; another's task is a 404 and stays as it was.
    done = report["updateEmployeeTask"].expect_ok()["updateResult"]
    assert done["statusCode"] == 200
    after = {task["id"]: task for task in stackone_server.emulator_records("tasks/tasks")}
    assert after[own_task["id"]]["status"] == "done"
    report["updateEmployeeTaskOfAnother"].expect_error("NotFoundResponse", 404)
    assert after[other_task["id"]] == other_task
    refused = report["updateEmployeeTaskRefused"].expect_error("UnprocessableEntityResponse", 422)
    assert "status" in refused["body"] and "comment" in refused["body"]
    updated = report["getUpdatedEmployeeTask"].expect_ok()["taskResult"]["data"]
    assert updated["status"] == {"value": "completed", "sourceValue": "done"}
