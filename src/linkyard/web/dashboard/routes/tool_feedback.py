"""Tool feedback: what developers' agents reported, through stackone-ai's feedback tool, about the tools of the
project's linked accounts; newest first."""

from __future__ import annotations

from fastapi import Response

from linkyard.services.tool_feedback import LISTED, list_tool_feedback
from linkyard.web.dashboard.ui import Page, ProjectViewDep, UiDep


async def tool_feedback(view: ProjectViewDep, ui: UiDep) -> Response:
    reports, total = await list_tool_feedback(view.platform, view.project)
    return ui.render(
        view, "dashboard/tool_feedback.html", nav="tool_feedback", reports=reports, total=total, listed=LISTED
    )


PAGES = (Page("GET", "/projects/{project_id}/tool-feedback", tool_feedback),)
