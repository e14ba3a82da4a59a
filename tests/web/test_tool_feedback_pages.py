"""The Tool feedback page: a project's reports, newest first, shown as text (a report is someone's words, and
may hold markup)."""

from __future__ import annotations

from datetime import timedelta

from tests.mcp.conftest import link_account
from tests.web.conftest import Harness, page_text, sign_in


async def test_the_page_lists_reports_newest_first_and_shows_markup_as_text(harness: Harness) -> None:
    linked = await link_account(harness)
    tenant, account = linked.tenant, linked.account
    for words in ("first report", '<script>alert("x")</script> second report'):
        sent = await harness.api.post(
            "/ai/tool-feedback",
            json={
                "feedback": words,
                "account_id": account["id"],
                "tool_names": ["factorialhr_list_employees"],
            },
            headers=tenant.auth,
        )
        assert sent.status_code == 200, sent.text
        harness.clock.advance(timedelta(minutes=1))
    dashboard = await sign_in(harness)
    page = await dashboard.get(f"/projects/{tenant.project_id}/tool-feedback")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    text = page_text(page.text)
    assert "2 reports." in text
    assert text.index('<script>alert("x")</script> second report') < text.index("first report")
    overview = await dashboard.get(f"/projects/{tenant.project_id}")
    assert f'href="/projects/{tenant.project_id}/tool-feedback"' in overview.text  # in the sidebar


async def test_a_project_without_reports_says_how_they_arrive(harness: Harness) -> None:
    tenant = await harness.tenant()
    page = await (await sign_in(harness)).get(f"/projects/{tenant.project_id}/tool-feedback")
    assert page.status_code == 200
    assert "No tool feedback yet" in page_text(page.text)
