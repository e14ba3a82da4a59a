"""StackOne's tasks over Factorial's tasks (`tasks/tasks`): what HR asks of people, with a due day and a status.

Factorial assigns a task to people by their access ids (the login), not their employee ids, and its list narrows
by one access id. An employee's tasks (`/employees/{id}/tasks`) are therefore read in two steps declared here: the
employee first (`factorialhr_get_employee`, for its `access_id`), then the tasks assigned to that access id; a
task got or updated under an employee it is not assigned to is a 404. There, `employee_id` is that employee. The
company's list (`/tasks`) leaves `employee_id` out: a Factorial task may have several assignees, StackOne's one
employee, and naming them would cost a call to the employees per page (and their scope). The author is an
employee. Only the status is written (`PATCH /employees/{id}/tasks/{subResourceId}`): StackOne's update takes a
status and a comment, and Factorial keeps comments apart (`tasks/tasks/create_comment`, not mapped).
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read

TASK_STATUSES = {"todo": "open", "in_progress": "in_progress", "done": "completed", "discarded": "cancelled"}
"""Factorial's task status -> StackOne's (StackOne's `blocked` has no Factorial equivalent)."""


def resources() -> list[dict[str, Any]]:
    """The tasks mapping (`/tasks`, `/tasks/{id}`, and an employee's: `/employees/{id}/tasks[/{id}]`)."""
    return [
        {
            "resource": "hris/tasks",
            "list_action": "factorialhr_list_tasks",
            "get_action": "factorialhr_get_task",
            "update_action": "factorialhr_update_task",
            # Factorial has no update-time filter on tasks: the platform compares each record's `updated_at`.
            "updated_after": {},
            # An employee's tasks: those assigned to the employee's access id, read from the employee.
            "parent": {
                "param": "assignee_id",
                "lookup": {"action": "factorialhr_get_employee", "key": "access_id"},
                "source": "assignee_ids",
                "field": "employee_id",
            },
            "fields": {
                **_ids(),
                "name": _read("name"),
                "description": _read("content"),
                "status": _read("status", enum=TASK_STATUSES, write="status"),
                "due_date": _read("due_on"),
                "completion_date": _read("completed_at"),
                "assigned_by_employee_id": _read("author_employee_id"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
    ]
