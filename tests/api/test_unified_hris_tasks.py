"""The unified HRIS tasks over Factorial's tasks (`tasks/tasks`): every task walked through `next` once, in
order, with Factorial's values; got by id (`raw=true` adds Factorial's record); `filter[updated_after]`
compared on each record; the `tasks` scope enforced (a 403 naming it); an employee's tasks still not supported."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.api.test_unified_hris_files import _factorial_all, _get, _linked, _walk

pytestmark = ON_BOTH_BACKENDS

STATUSES = {"todo": "open", "in_progress": "in_progress", "done": "completed", "discarded": "cancelled"}


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 5, 160


def _task(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": source["id"],
        "remote_id": source["id"],
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


async def test_tasks_need_the_tasks_scope_and_an_employees_tasks_are_not_supported(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=["employees"])  # the account is granted no `tasks`
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])
    before = (await harness.stats())["api_requests"]
    for path in ("tasks", "tasks/1"):
        refused = await _get(harness, tenant, account_id, path)
        assert refused.status_code == 403, refused.text
        assert refused.json()["missing_scopes"] == ["tasks"]
    assert (await harness.stats())["api_requests"] == before  # nothing reached Factorial
    nested = await _get(harness, tenant, account_id, "employees/7/tasks")
    assert nested.status_code == 501, nested.text
