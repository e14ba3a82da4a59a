"""Connect sessions repository: a session's token is stored as a digest and found only while unexpired."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from linkyard.domain import Clock, ConnectSession, new_id
from linkyard.domain.events import connect_session_event_data
from linkyard.errors import Conflict, NotFound, StoreError
from linkyard.store.database import Database
from linkyard.store.digests import digest, new_secret
from linkyard.store.outbox import record_event
from linkyard.store.tables import accounts, connect_sessions, connector_profiles

SESSION_TOKEN_PREFIX = "lkcs_"  # noqa: S105 - a prefix, not a secret
DEFAULT_TTL = timedelta(minutes=30)
PURGE_BATCH_SIZE = 500
MAX_SESSION_NUMBER = 2**53 - 1
"""Session numbers stay below this: the largest integer a JavaScript number holds exactly."""
NUMBER_ATTEMPTS = 3


def new_session_number() -> int:
    """A session's number: random in [1, 2^53 - 1], so that a number tells nothing of how many sessions exist
    and concurrent workers never draw the same one in practice (the unique index refuses the rare repeat)."""
    return secrets.randbelow(MAX_SESSION_NUMBER) + 1


def session_from_row(m: Mapping[Any, Any]) -> ConnectSession:
    return ConnectSession(
        id=m["id"],
        number=m["number"],
        project_id=m["project_id"],
        profile_id=m["profile_id"],
        connector=m["connector"],
        origin_owner_id=m["origin_owner_id"],
        origin_owner_name=m["origin_owner_name"],
        origin_username=m["origin_username"],
        account_id=m["account_id"],
        label=m["label"],
        metadata=m["metadata"],
        redirect_url=m["redirect_url"],
        status=m["status"],
        linked_account_id=m["linked_account_id"],
        failure_code=m["failure_code"],
        expires_at=m["expires_at"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        categories=None if m["categories"] is None else tuple(m["categories"]),
    )


class ConnectSessionRepository:
    """A project's connect sessions; the hosted pages find one by its token, the API by project and id."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def create(
        self,
        project_id: str,
        *,
        profile_id: str,
        origin_owner_id: str,
        origin_owner_name: str,
        origin_username: str | None = None,
        account_id: str | None = None,
        label: str | None = None,
        metadata: dict[str, Any] | None = None,
        redirect_url: str | None = None,
        categories: Sequence[str] | None = None,
        ttl: timedelta = DEFAULT_TTL,
    ) -> tuple[ConnectSession, str]:
        """A new pending session and its token (returned this once, stored as a digest).

        `redirect_url` must already be checked against the project's allowed origins.
        """
        now = self._clock()
        for attempt in range(NUMBER_ATTEMPTS):
            token = new_secret(SESSION_TOKEN_PREFIX)
            try:
                async with self._db.write() as conn:
                    connector = await conn.scalar(
                        select(connector_profiles.c.connector).where(
                            connector_profiles.c.id == profile_id,
                            connector_profiles.c.project_id == project_id,
                        )
                    )
                    if connector is None:
                        raise NotFound("connector profile not found")
                    if account_id is not None:
                        owner = await conn.scalar(
                            select(accounts.c.id).where(
                                accounts.c.id == account_id, accounts.c.project_id == project_id
                            )
                        )
                        if owner is None:
                            raise NotFound("account not found")
                    values: dict[str, Any] = {
                        "id": new_id("cs"),
                        "number": new_session_number(),
                        "project_id": project_id,
                        "profile_id": profile_id,
                        "connector": connector,
                        "token_hash": digest(token),
                        "origin_owner_id": origin_owner_id,
                        "origin_owner_name": origin_owner_name,
                        "origin_username": origin_username,
                        "account_id": account_id,
                        "label": label,
                        "metadata": metadata,
                        "redirect_url": redirect_url,
                        "categories": None if categories is None else list(categories),
                        "status": "pending",
                        "linked_account_id": None,
                        "failure_code": None,
                        "expires_at": now + ttl,
                        "created_at": now,
                        "updated_at": now,
                    }
                    await conn.execute(insert(connect_sessions).values(values))
            except Conflict:
                # The database's integrity error (translated by `Database.write`): a number or token digest
                # another session drew (one chance in 2^53 per session), or a profile deleted meanwhile (the
                # next attempt answers that one with NotFound).
                if attempt + 1 == NUMBER_ATTEMPTS:
                    raise StoreError("could not number the connect session; try again") from None
                continue
            return session_from_row(values), token
        raise AssertionError("unreachable")

    async def find_by_token(self, token: str) -> ConnectSession | None:
        """The unexpired session a token belongs to (any status), or None."""
        statement = select(connect_sessions).where(
            connect_sessions.c.token_hash == digest(token), connect_sessions.c.expires_at > self._clock()
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else session_from_row(row._mapping)

    async def get(self, project_id: str, session_id: str) -> ConnectSession:
        statement = select(connect_sessions).where(
            connect_sessions.c.id == session_id, connect_sessions.c.project_id == project_id
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        if row is None:
            raise NotFound("connect session not found")
        return session_from_row(row._mapping)

    async def complete(self, project_id: str, session_id: str, account_id: str) -> ConnectSession:
        """Mark the session completed with the account it linked."""
        return await self._finish(project_id, session_id, status="completed", linked_account_id=account_id)

    async def fail(self, project_id: str, session_id: str, failure_code: str) -> ConnectSession:
        """Mark the session failed with a machine code (never the provider's raw text)."""
        return await self._finish(project_id, session_id, status="failed", failure_code=failure_code)

    async def purge(self, *, expired_before: datetime, batch_size: int = PURGE_BATCH_SIZE) -> int:
        """Delete the sessions (any status, any project) that expired before `expired_before`, in batches,
        with their OAuth states; returns how many (housekeeping keeps ended sessions for a retention period)."""
        return await self._db.delete_in_batches(
            connect_sessions, connect_sessions.c.expires_at < expired_before, batch_size=batch_size
        )

    async def _finish(self, project_id: str, session_id: str, **values: Any) -> ConnectSession:
        statement = (
            update(connect_sessions)
            .where(connect_sessions.c.id == session_id, connect_sessions.c.project_id == project_id)
            .values(updated_at=self._clock(), **values)
            .returning(connect_sessions)
        )
        async with self._db.write() as conn:
            row = (await conn.execute(statement)).first()
            if row is None:
                raise NotFound("connect session not found")
            session = session_from_row(row._mapping)
            if session.status == "failed":
                await record_event(
                    conn,
                    project_id,
                    "connect_session.failed",
                    connect_session_event_data(session),
                    self._clock(),
                )
        return session
