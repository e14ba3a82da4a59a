"""Tool feedback: what a developer's agent reported about the tools of a linked account (stackone-ai's tool)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolFeedback:
    """One report, kept in the project of the API key that sent it, about tools used with one of its accounts."""

    id: str
    project_id: str
    account_id: str
    feedback: str
    tool_names: tuple[str, ...]
    created_at: datetime
