"""Ended dashboard sessions: signing out records the session's id (as a digest) until it would have expired, so
that every worker on the database refuses a copy of the cookie from then on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from linkyard.domain import Clock
from linkyard.store.database import Database
from linkyard.store.digests import digest
from linkyard.store.tables import ended_dashboard_sessions as ended


class DashboardSessionRepository:
    """The sessions signed out before their end; no project data (an admin's session has no project)."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def end(self, session_id: str, *, expires_at: datetime) -> None:
        """Refuse the session from now on. Records past their session's expiry go in the same write: the
        sealed cookie refuses itself by then, so the table holds at most the sign-outs of one session lifetime.
        Ending a session twice (a double-clicked Sign out) is the same as once."""
        now = self._clock()
        insert = postgresql.insert if self._db.backend == "postgresql" else sqlite.insert
        async with self._db.write() as conn:
            await conn.execute(delete(ended).where(ended.c.expires_at <= now))
            if expires_at > now:
                await conn.execute(
                    insert(ended)
                    .values(session_hash=digest(session_id), expires_at=expires_at, ended_at=now)
                    .on_conflict_do_nothing(index_elements=["session_hash"])
                )

    async def has_ended(self, session_id: str) -> bool:
        """Whether the session was signed out (read from the database every time: no process may miss it)."""
        statement = select(ended.c.session_hash).where(ended.c.session_hash == digest(session_id))
        async with self._db.read() as conn:
            return (await conn.execute(statement)).first() is not None

    async def purge(self) -> int:
        """Delete the records of sessions that have expired anyway; returns how many (housekeeping)."""
        async with self._db.write() as conn:
            result = await conn.execute(delete(ended).where(ended.c.expires_at <= self._clock()))
        return int(result.rowcount)
