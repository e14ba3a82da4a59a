"""OAuth state repository: digests of 256-bit states, bound to a browser, used once, a few live per session."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Delete, delete, insert, or_, select, update

from linkyard.domain import Clock, OAuthState, new_id
from linkyard.errors import NotFound
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.digests import digest, new_secret
from linkyard.store.tables import CODE_VERIFIER, connect_sessions, oauth_states

STATE_TTL = timedelta(minutes=10)
MAX_LIVE_STATES_PER_SESSION = 10
"""Flows one connect link may have in progress; starting another drops the oldest (see `create`)."""
PURGE_BATCH_SIZE = 500


class OAuthStateRepository:
    """The server-side half of an OAuth flow; the callback trusts only what `consume` returns."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self._db = database
        self._keyring = keyring
        self._clock = clock

    async def create(
        self,
        project_id: str,
        *,
        session_id: str,
        browser_binding: str,
        authorize_url: str,
        token_url: str,
        redirect_uri: str,
        code_verifier: str,
        return_url: str | None,
        connection_attempt_id: str | None = None,
        ttl: timedelta = STATE_TTL,
    ) -> tuple[OAuthState, str]:
        """Record a started flow; returns it and the raw `state` for the authorize URL (stored as a digest).

        `connection_attempt_id` names the embedded connect UI's attempt the flow reports to, if any.
        `browser_binding` is the random value of the HttpOnly cookie set with the redirect; only a callback
        that presents it can consume the state. The PKCE verifier is stored encrypted.

        A session keeps at most `MAX_LIVE_STATES_PER_SESSION` live states: this one and the newest others. The
        oldest live ones, and every used or expired one, are deleted here, so repeated starts of one link
        (a user pressing Connect again, or someone scripting it) cannot grow the table. The newest flow is the
        one the user is looking at, so it is the one kept; refusing new starts instead would let whoever holds
        the link lock its owner out. The session row is locked first (PostgreSQL; SQLite's write transaction
        is exclusive already), so concurrent starts count one after another and the bound holds.
        """
        now = self._clock()
        state = new_secret("")
        state_id = new_id("ost")
        async with self._db.write() as conn:
            session = (
                await conn.execute(
                    select(connect_sessions.c.profile_id, connect_sessions.c.connector)
                    .where(connect_sessions.c.id == session_id, connect_sessions.c.project_id == project_id)
                    .with_for_update(key_share=True)
                )
            ).first()
            if session is None:
                raise NotFound("connect session not found")
            await conn.execute(_evict_for_new_state(session_id, now))
            values: dict[str, Any] = {
                "id": state_id,
                "project_id": project_id,
                "state_hash": digest(state),
                "browser_binding_hash": digest(browser_binding),
                "session_id": session_id,
                "profile_id": session._mapping["profile_id"],
                "connector": session._mapping["connector"],
                "authorize_url": authorize_url,
                "token_url": token_url,
                "redirect_uri": redirect_uri,
                "code_verifier_encrypted": self._keyring.encrypt(
                    code_verifier, CODE_VERIFIER.context(project_id, state_id)
                ),
                "return_url": return_url,
                "connection_attempt_id": connection_attempt_id,
                "expires_at": now + ttl,
                "consumed_at": None,
                "created_at": now,
            }
            await conn.execute(insert(oauth_states).values(values))
        return self._from_row(values), state

    async def consume(self, state: str, *, browser_binding: str | None, connector: str) -> OAuthState | None:
        """Use a state once: None when unknown, expired, used, from another browser or another connector.

        One conditional UPDATE ... RETURNING: of two concurrent callbacks with the same state, exactly one
        gets the row. A refused attempt does not use the state up.
        """
        if not state or not browser_binding:
            return None
        now = self._clock()
        statement = (
            update(oauth_states)
            .where(
                oauth_states.c.state_hash == digest(state),
                oauth_states.c.browser_binding_hash == digest(browser_binding),
                oauth_states.c.connector == connector,
                oauth_states.c.consumed_at.is_(None),
                oauth_states.c.expires_at > now,
            )
            .values(consumed_at=now)
            .returning(oauth_states)
        )
        async with self._db.write() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else self._from_row(row._mapping)

    async def purge(self, *, batch_size: int = PURGE_BATCH_SIZE) -> int:
        """Delete expired and consumed states, in batches; returns how many (housekeeping, any project)."""
        return await self._db.delete_in_batches(oauth_states, _dead(self._clock()), batch_size=batch_size)

    def _from_row(self, m: Mapping[Any, Any]) -> OAuthState:
        return OAuthState(
            id=m["id"],
            project_id=m["project_id"],
            session_id=m["session_id"],
            profile_id=m["profile_id"],
            connector=m["connector"],
            authorize_url=m["authorize_url"],
            token_url=m["token_url"],
            redirect_uri=m["redirect_uri"],
            code_verifier=self._keyring.decrypt(
                m["code_verifier_encrypted"], CODE_VERIFIER.context(m["project_id"], m["id"])
            ),
            return_url=m["return_url"],
            expires_at=m["expires_at"],
            created_at=m["created_at"],
            connection_attempt_id=m["connection_attempt_id"],
        )


def _dead(now: datetime) -> ColumnElement[bool]:
    """A state no callback can use any more."""
    return or_(oauth_states.c.expires_at <= now, oauth_states.c.consumed_at.is_not(None))


def _evict_for_new_state(session_id: str, now: datetime) -> Delete:
    """Make room for one more live state in a session: keep only its newest live states but one."""
    kept = (
        select(oauth_states.c.id)
        .where(oauth_states.c.session_id == session_id, ~_dead(now))
        .order_by(oauth_states.c.created_at.desc(), oauth_states.c.id.desc())
        .limit(MAX_LIVE_STATES_PER_SESSION - 1)
    )
    return delete(oauth_states).where(
        oauth_states.c.session_id == session_id, or_(_dead(now), oauth_states.c.id.not_in(kept))
    )
