"""stackone-ai's feedback tool, unchanged, against Linkyard: the report lands in the project of the API key that
sent it and its dashboard lists it; another project sees none of it and cannot file one on its accounts."""

from __future__ import annotations

import asyncio

import pytest
from stackone_ai.feedback import create_feedback_tool
from stackone_ai.models import StackOneAPIError

from tests.mcp.conftest import Harness, link_account
from tests.web.conftest import page_text, sign_in

FEEDBACK = "The employee list skipped people on leave; I expected everyone."


async def test_the_sdks_feedback_tool_lands_in_the_project_and_only_its_dashboard_lists_it(
    harness: Harness, live_url: str
) -> None:
    linked = await link_account(harness)
    tool = create_feedback_tool(api_key=linked.tenant.key, base_url=live_url)
    answer = await asyncio.to_thread(
        tool.execute,
        {
            "feedback": f"  {FEEDBACK}  ",
            "account_id": linked.account_id,
            "tool_names": ["factorialhr_list_employees", " factorialhr_get_employee "],
        },
    )
    assert answer["message"] == "Feedback successfully stored"
    assert answer["key"].startswith("tfb_")

    own = await sign_in(harness, linked.tenant.key)
    page = await own.get(f"/projects/{linked.tenant.project_id}/tool-feedback")
    assert page.status_code == 200
    text = page_text(page.text)
    assert FEEDBACK in text
    assert "factorialhr_list_employees , factorialhr_get_employee" in text  # trimmed, as the SDK sent them
    assert linked.account_id in text

    other = await harness.tenant("Other project")
    elsewhere = await sign_in(harness, other.key)
    theirs = await elsewhere.get(f"/projects/{other.project_id}/tool-feedback")
    assert theirs.status_code == 200
    assert FEEDBACK not in theirs.text and "No tool feedback yet" in page_text(theirs.text)
    assert (await elsewhere.get(f"/projects/{linked.tenant.project_id}/tool-feedback")).status_code == 404

    # The other project's key cannot file feedback on this project's account: 404, and nothing is kept.
    foreign = create_feedback_tool(api_key=other.key, base_url=live_url)
    with pytest.raises(StackOneAPIError) as refused:
        await asyncio.to_thread(
            foreign.execute,
            {
                "feedback": "planted",
                "account_id": linked.account_id,
                "tool_names": ["factorialhr_list_employees"],
            },
        )
    assert refused.value.status_code == 404
    reports, total = await harness.store.tool_feedback.list(linked.tenant.project_id, limit=10)
    assert total == 1 and [report.feedback for report in reports] == [FEEDBACK]
    assert await harness.store.tool_feedback.list(other.project_id, limit=10) == ([], 0)
