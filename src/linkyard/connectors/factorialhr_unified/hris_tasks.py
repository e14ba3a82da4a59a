"""StackOne's tasks over Factorial's tasks (`tasks/tasks`): what HR asks of people, with a due day and a status.

Factorial assigns a task to people by their access ids (the login), not their employee ids, and its list narrows
by one access id only: no expression over the task names the employee, so `employee_id` is left out rather than
guessed, and an employee's tasks (`/employees/{id}/tasks`) are not served. The task's author is an employee.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read

TASK_STATUSES = {"todo": "open", "in_progress": "in_progress", "done": "completed", "discarded": "cancelled"}
"""Factorial's task status -> StackOne's."""


def resources() -> list[dict[str, Any]]:
    """The tasks mapping (`/tasks`, `/tasks/{id}`)."""
    return [
        {
            "resource": "hris/tasks",
            "list_action": "factorialhr_list_tasks",
            "get_action": "factorialhr_get_task",
            # Factorial has no update-time filter on tasks: the platform compares each record's `updated_at`.
            "updated_after": {},
            "fields": {
                **_ids(),
                "name": _read("name"),
                "description": _read("content"),
                "status": _read("status", enum=TASK_STATUSES),
                "due_date": _read("due_on"),
                "completion_date": _read("completed_at"),
                "assigned_by_employee_id": _read("author_employee_id"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
    ]
