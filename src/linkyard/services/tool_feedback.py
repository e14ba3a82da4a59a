"""Tool feedback (stackone-ai's feedback tool, `POST /ai/tool-feedback`): a report about a linked account's
tools, checked within bounds and kept in the project of the API key that sent it; the dashboard lists them."""

from __future__ import annotations

from collections.abc import Sequence

from linkyard.domain import Project, ToolFeedback
from linkyard.errors import FieldError, ValidationFailed
from linkyard.services.platform import Platform

MAX_FEEDBACK = 5000
MAX_TOOL_NAMES = 50
MAX_TOOL_NAME = 128
LISTED = 100


async def submit_tool_feedback(
    platform: Platform, project: Project, *, account_id: str, feedback: str, tool_names: Sequence[str]
) -> ToolFeedback:
    """Keep a report about the tools of one of the project's accounts (`NotFound` for any other account).

    Text is kept trimmed, as the SDK sends it; blank text or tool names are refused, and so is more than the
    bounds (a report is a person's words, not a dump)."""
    text = feedback.strip()
    names = [name.strip() for name in tool_names]
    errors: list[FieldError] = []
    if not text:
        errors.append({"field": "feedback", "message": "must not be blank"})
    elif len(text) > MAX_FEEDBACK:
        errors.append({"field": "feedback", "message": f"must be at most {MAX_FEEDBACK} characters"})
    if not names:
        errors.append({"field": "tool_names", "message": "must name at least one tool"})
    elif len(names) > MAX_TOOL_NAMES:
        errors.append({"field": "tool_names", "message": f"must name at most {MAX_TOOL_NAMES} tools"})
    for index, name in enumerate(names[:MAX_TOOL_NAMES]):
        if not name or len(name) > MAX_TOOL_NAME:
            errors.append(
                {"field": f"tool_names[{index}]", "message": f"must be 1 to {MAX_TOOL_NAME} characters"}
            )
    if errors:
        raise ValidationFailed("The feedback is invalid", errors=errors)
    account = await platform.store.accounts.get(project.id, account_id.strip())
    return await platform.store.tool_feedback.add(
        project.id, account_id=account.id, feedback=text, tool_names=names
    )


async def list_tool_feedback(platform: Platform, project: Project) -> tuple[list[ToolFeedback], int]:
    """The project's newest `LISTED` reports, newest first, and how many it has in all."""
    return await platform.store.tool_feedback.list(project.id, limit=LISTED)
