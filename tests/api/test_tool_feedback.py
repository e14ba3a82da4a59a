"""`POST /ai/tool-feedback`: kept per project, newest first, on both databases; bad input is a clear 4xx naming
the field, and nothing of it is kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from linkyard.services.tool_feedback import MAX_FEEDBACK, MAX_TOOL_NAME, MAX_TOOL_NAMES
from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.mcp.conftest import Linked, link_account

pytestmark = ON_BOTH_BACKENDS


async def _send(harness: Harness, linked: Linked, body: Any, **headers: str) -> httpx.Response:
    return await harness.api.post("/ai/tool-feedback", json=body, headers={**linked.tenant.auth, **headers})


def _body(linked: Linked, **fields: Any) -> dict[str, Any]:
    return {
        "feedback": "Useful",
        "account_id": linked.account_id,
        "tool_names": ["factorialhr_list_employees"],
        **fields,
    }


async def test_reports_are_kept_per_project_newest_first(harness: Harness) -> None:
    linked = await link_account(harness)
    for number in (1, 2, 3):
        answer = await _send(harness, linked, _body(linked, feedback=f"report {number}"))
        assert answer.status_code == 200, answer.text
        assert set(answer.json()) == {"message", "key", "submitted_at"}
        harness.clock.advance(timedelta(seconds=1))
    reports, total = await harness.store.tool_feedback.list(linked.tenant.project_id, limit=2)
    assert total == 3
    assert [report.feedback for report in reports] == ["report 3", "report 2"]
    assert reports[0].tool_names == ("factorialhr_list_employees",)
    assert reports[0].account_id == linked.account_id


async def test_bad_input_is_a_4xx_naming_the_field_and_nothing_is_kept(harness: Harness) -> None:
    linked = await link_account(harness)
    kept = await _send(harness, linked, _body(linked))
    assert kept.status_code == 200
    cases: list[tuple[Any, int, str | None]] = [
        (_body(linked, feedback="   "), 422, "feedback"),
        (_body(linked, feedback="x" * (MAX_FEEDBACK + 1)), 422, "feedback"),
        (_body(linked, tool_names=[]), 422, "tool_names"),
        (_body(linked, tool_names=["a"] * (MAX_TOOL_NAMES + 1)), 422, "tool_names"),
        (_body(linked, tool_names=["factorialhr_list_employees", "  "]), 422, "tool_names[1]"),
        (_body(linked, tool_names=["x" * (MAX_TOOL_NAME + 1)]), 422, "tool_names[0]"),
        (_body(linked, account_id=[linked.account_id]), 422, "account_id"),
        (_body(linked, account_id="acc_unknown"), 404, None),
        ({"feedback": "Useful", "tool_names": ["a"]}, 422, "account_id"),
    ]
    for body, status, field in cases:
        answer = await _send(harness, linked, body)
        assert answer.status_code == status, (body, answer.text)
        assert answer.json()["statusCode"] == status
        if field is not None:
            assert field in [error["field"] for error in answer.json()["errors"]], answer.text
    not_json = await harness.api.post(
        "/ai/tool-feedback",
        content=b'{"feedback": ',
        headers={**linked.tenant.auth, "content-type": "application/json"},
    )
    assert not_json.status_code == 400
    anonymous = await harness.api.post("/ai/tool-feedback", json=_body(linked))
    assert anonymous.status_code == 401
    assert (await harness.store.tool_feedback.list(linked.tenant.project_id, limit=10))[1] == 1
