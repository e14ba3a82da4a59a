"""`POST /ai/tool-feedback` (StackOne's, as stackone-ai's feedback tool sends it): a report about the tools of one
of the project's linked accounts, kept for the dashboard's Tool feedback page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import FeedbackReceipt, error_responses
from linkyard.services.tool_feedback import MAX_FEEDBACK, MAX_TOOL_NAME, MAX_TOOL_NAMES, submit_tool_feedback
from linkyard.services.views import feedback_receipt

_NOT_BLANK = r"\S"  # unanchored, in JSON Schema and pydantic alike: some character that is not a space


class FeedbackBody(BaseModel):
    """What the SDK sends: the person's words, the account they were about, the tools they used (one request
    per account when the agent names several)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    feedback: str = Field(min_length=1, max_length=MAX_FEEDBACK, pattern=_NOT_BLANK, description="Verbatim")
    account_id: str = Field(min_length=1, max_length=64, description="A linked account of the project")
    tool_names: list[Annotated[str, Field(min_length=1, max_length=MAX_TOOL_NAME, pattern=_NOT_BLANK)]] = (
        Field(min_length=1, max_length=MAX_TOOL_NAMES)
    )


def add_routes(routes: APIRouter) -> None:

    @routes.post("/ai/tool-feedback", response_model=FeedbackReceipt, responses=error_responses(404))
    async def tool_feedback(body: FeedbackBody, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        stored = await submit_tool_feedback(
            platform, project, account_id=body.account_id, feedback=body.feedback, tool_names=body.tool_names
        )
        return feedback_receipt(stored)
