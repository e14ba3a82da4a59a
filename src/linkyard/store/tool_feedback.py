"""Tool feedback repository: reports kept per project, read back newest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select

from linkyard.domain import Clock, ToolFeedback, new_id
from linkyard.store.database import Database
from linkyard.store.tables import tool_feedback


def tool_feedback_from_row(m: Mapping[Any, Any]) -> ToolFeedback:
    return ToolFeedback(
        id=m["id"],
        project_id=m["project_id"],
        account_id=m["account_id"],
        feedback=m["feedback"],
        tool_names=tuple(m["tool_names"]),
        created_at=m["created_at"],
    )


class ToolFeedbackRepository:
    """A project's tool feedback; every read is scoped to one project."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def add(
        self, project_id: str, *, account_id: str, feedback: str, tool_names: Sequence[str]
    ) -> ToolFeedback:
        stored = ToolFeedback(
            id=new_id("tfb"),
            project_id=project_id,
            account_id=account_id,
            feedback=feedback,
            tool_names=tuple(tool_names),
            created_at=self._clock(),
        )
        async with self._db.write() as conn:
            await conn.execute(
                insert(tool_feedback).values(
                    id=stored.id,
                    project_id=project_id,
                    account_id=account_id,
                    feedback=feedback,
                    tool_names=list(stored.tool_names),
                    created_at=stored.created_at,
                )
            )
        return stored

    async def list(self, project_id: str, *, limit: int) -> tuple[list[ToolFeedback], int]:
        """The project's newest `limit` reports, newest first, and how many it has in all."""
        statement = (
            select(tool_feedback)
            .where(tool_feedback.c.project_id == project_id)
            .order_by(tool_feedback.c.created_at.desc(), tool_feedback.c.id.desc())
            .limit(limit)
        )
        counting = (
            select(func.count()).select_from(tool_feedback).where(tool_feedback.c.project_id == project_id)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
            total = (await conn.execute(counting)).scalar_one()
        return [tool_feedback_from_row(row._mapping) for row in rows], int(total)
