"""Factorial's tasks in the emulator, read with the official `factorial-api-client`, unchanged: listed, filtered
by assignee (an access id) and status, and got by id."""

from __future__ import annotations

from factorial_api_client import FactorialClient
from factorial_api_client.generated.models import GetApi20261001ResourcesTasksTasksTaskStatus as TaskStatus


def test_tasks_are_listed_filtered_and_got_with_the_official_client(sdk: FactorialClient) -> None:
    tasks = list(sdk.tasks.tasks.paginate(limit=25))
    assert len(tasks) > 25
    assert len({task.id for task in tasks}) == len(tasks)
    statuses = {task.status.value for task in tasks if task.status}
    assert statuses == {"todo", "in_progress", "done", "discarded"}
    employees = {employee.access_id: employee for employee in sdk.employees.employees.paginate(limit=100)}
    for task in tasks:
        assert [employees[assignee].access_id for assignee in task.assignee_ids] == task.assignee_ids
        assert (task.status.value == "done") == bool(task.completed_at)
        assert task.due_on is not None and task.created_at <= task.updated_at

    first = tasks[0]
    got = sdk.tasks.tasks.get(id=first.id)
    assert (got.id, got.name, got.content, got.due_on) == (first.id, first.name, first.content, first.due_on)

    theirs = sdk.tasks.tasks.list(assignee_id=first.assignee_ids[0]).data
    assert [task.id for task in theirs] == [t.id for t in tasks if first.assignee_ids[0] in t.assignee_ids]
    done = sdk.tasks.tasks.list(task_status=TaskStatus.DONE).data
    assert done and all(task.status.value == "done" for task in done)
