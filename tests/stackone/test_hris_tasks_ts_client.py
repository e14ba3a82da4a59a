"""StackOne's TypeScript client on the unified HRIS tasks: each call succeeds, its zod schema accepts the answer,
and the values are the emulator's own Factorial tasks (every one walked through `next` once, in order)."""

from __future__ import annotations

from typing import Any

from tests.harness.sandbox import Sandbox
from tests.stackone.test_hris_ts_client import _client_time, _records
from tests.stackone.ts_client import run_script

STATUSES = {"todo": "open", "in_progress": "in_progress", "done": "completed", "discarded": "cancelled"}


def _task(source: dict[str, Any]) -> dict[str, Any]:
    """What the client gives for one of the emulator's tasks as a StackOne task."""
    task = {
        "id": source["id"],
        "remoteId": source["id"],
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
    report = run_script(
        "hris_tasks.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        taskId=chosen["id"],
        updatedAfter=since,
    )

    pages = report["listTasks"].expect_ok()
    assert len(pages) == -(-len(tasks) // 25)
    assert _records(pages, "tasksPaginated") == [_task(t) for t in tasks]
    recent = _records(report["listTasksUpdatedAfter"].expect_ok(), "tasksPaginated")
    assert recent == [_task(t) for t in tasks if t["updated_at"] >= since]
    assert report["getTask"].expect_ok()["taskResult"]["data"] == _task(chosen)
    raw = report["getTaskRaw"].expect_ok()["taskResult"]
    assert raw["raw"][0]["response"] == chosen
