"""Connection attempts repository: the embedded connect UI's polls read one; the OAuth callback settles it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from linkyard.domain import Clock, ConnectionAttempt, new_id
from linkyard.errors import NotFound
from linkyard.store.database import Database
from linkyard.store.tables import connect_sessions, connection_attempts

ATTEMPT_TTL = timedelta(minutes=10)
"""As long as the OAuth state of the flow the attempt starts: past it, the flow cannot finish."""
MAX_ATTEMPTS_PER_SESSION = 20
"""Attempts one session keeps; making another deletes the oldest (a person pressing Connect again and again)."""


class ConnectionAttemptRepository:
    """A session's connection attempts; every read and write names the project and the session."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def create(
        self, project_id: str, session_id: str, *, ttl: timedelta = ATTEMPT_TTL
    ) -> ConnectionAttempt:
        """A new pending attempt of the session; the session keeps its newest `MAX_ATTEMPTS_PER_SESSION`.

        The session row is locked first (PostgreSQL; SQLite's write transaction is exclusive already), so that
        concurrent attempts count one after another and the bound holds.
        """
        now = self._clock()
        async with self._db.write() as conn:
            found = await conn.scalar(
                select(connect_sessions.c.id)
                .where(connect_sessions.c.id == session_id, connect_sessions.c.project_id == project_id)
                .with_for_update(key_share=True)
            )
            if found is None:
                raise NotFound("connect session not found")
            kept = (
                select(connection_attempts.c.id)
                .where(connection_attempts.c.session_id == session_id)
                .order_by(connection_attempts.c.created_at.desc(), connection_attempts.c.id.desc())
                .limit(MAX_ATTEMPTS_PER_SESSION - 1)
            )
            await conn.execute(
                delete(connection_attempts).where(
                    connection_attempts.c.session_id == session_id, connection_attempts.c.id.not_in(kept)
                )
            )
            values: dict[str, Any] = {
                "id": new_id("ca"),
                "project_id": project_id,
                "session_id": session_id,
                "status": "pending",
                "account_id": None,
                "error_code": None,
                "error_description": None,
                "expires_at": now + ttl,
                "created_at": now,
                "updated_at": now,
            }
            await conn.execute(insert(connection_attempts).values(values))
        return self._from_row(values)

    async def get(self, project_id: str, session_id: str, attempt_id: str) -> ConnectionAttempt:
        """The session's attempt; another session's (or project's) is not found."""
        statement = select(connection_attempts).where(
            connection_attempts.c.id == attempt_id,
            connection_attempts.c.session_id == session_id,
            connection_attempts.c.project_id == project_id,
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        if row is None:
            raise NotFound("connection attempt not found")
        return self._from_row(row._mapping)

    async def cancel(self, project_id: str, session_id: str, attempt_id: str) -> ConnectionAttempt:
        """Cancel the session's attempt if it is still pending; an attempt that ended stays as it ended."""
        await self._settle(project_id, attempt_id, session_id=session_id, status="cancelled")
        return await self.get(project_id, session_id, attempt_id)

    async def authenticated(self, project_id: str, session_id: str, attempt_id: str, account_id: str) -> bool:
        """The attempt's flow linked `account_id`; False when the attempt had already ended (or is gone)."""
        return await self._settle(
            project_id, attempt_id, session_id=session_id, status="authenticated", account_id=account_id
        )

    async def failed(
        self, project_id: str, session_id: str, attempt_id: str, code: str, description: str
    ) -> bool:
        """The attempt's flow failed (`code` is a machine word, `description` the end user's words)."""
        return await self._settle(
            project_id,
            attempt_id,
            session_id=session_id,
            status="error",
            error_code=code,
            error_description=description,
        )

    async def _settle(self, project_id: str, attempt_id: str, *, session_id: str, **values: Any) -> bool:
        """Move the session's pending, unexpired attempt to its end; one conditional UPDATE, so it ends once."""
        now = self._clock()
        conditions = [
            connection_attempts.c.id == attempt_id,
            connection_attempts.c.project_id == project_id,
            connection_attempts.c.session_id == session_id,
            connection_attempts.c.status == "pending",
            connection_attempts.c.expires_at > now,
        ]
        statement = (
            update(connection_attempts)
            .where(*conditions)
            .values(updated_at=now, **values)
            .returning(connection_attempts.c.id)
        )
        async with self._db.write() as conn:
            settled = (await conn.execute(statement)).first()
        return settled is not None

    def _from_row(self, m: Mapping[Any, Any]) -> ConnectionAttempt:
        status = m["status"]
        if status == "pending" and m["expires_at"] <= self._clock():
            status = "expired"
        return ConnectionAttempt(
            id=m["id"],
            project_id=m["project_id"],
            session_id=m["session_id"],
            status=status,
            account_id=m["account_id"],
            error_code=m["error_code"],
            error_description=m["error_description"],
            expires_at=m["expires_at"],
            created_at=m["created_at"],
            updated_at=m["updated_at"],
        )
