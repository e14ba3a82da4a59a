"""Connector profiles repository; the client secret is encrypted and only `client_secret()` returns it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.domain import AuthType, Clock, ConnectorProfile, Environment, TokenType, new_id
from linkyard.errors import Conflict, NotFound
from linkyard.store.changes import Change
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.tables import CLIENT_SECRET, accounts, connector_profiles, projects

_HINT_MIN_LENGTH = 16


class ProfileChanges(TypedDict, total=False):
    """What a PATCH may change; a key that is absent stays as it is."""

    label: str | None
    environment: Environment
    client_id: str
    client_secret: str | None
    scopes: Sequence[str] | None
    token_type: TokenType
    actions: Sequence[str] | None
    is_default: bool
    disabled: bool


def secret_hint(secret: str | None) -> str | None:
    """`…abcd` for a long secret; a short one shows nothing of itself."""
    if not secret:
        return None
    return f"…{secret[-4:]}" if len(secret) >= _HINT_MIN_LENGTH else "…"


def profile_from_row(m: Mapping[Any, Any]) -> ConnectorProfile:
    return ConnectorProfile(
        id=m["id"],
        project_id=m["project_id"],
        connector=m["connector"],
        label=m["label"],
        auth_type=m["auth_type"],
        environment=m["environment"],
        client_id=m["client_id"],
        client_secret_hint=m["client_secret_hint"],
        has_client_secret=m["client_secret_encrypted"] is not None,
        scopes=None if m["scopes"] is None else tuple(m["scopes"]),
        token_type=m["token_type"],
        actions=None if m["actions"] is None else tuple(m["actions"]),
        is_default=m["is_default"],
        disabled=m["disabled"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


class ConnectorProfileRepository:
    """A project's connector profiles; at most one default per connector."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self._db = database
        self._keyring = keyring
        self._clock = clock

    async def create(
        self,
        project_id: str,
        *,
        connector: str,
        client_id: str,
        client_secret: str | None,
        environment: Environment,
        auth_type: AuthType = "oauth2",
        label: str | None = None,
        scopes: Sequence[str] | None = None,
        token_type: TokenType = "user",  # noqa: S107 - a token kind, not a secret
        actions: Sequence[str] | None = None,
        is_default: bool = False,
    ) -> ConnectorProfile:
        """Create a profile; the first profile of a connector in a project becomes its default."""
        now = self._clock()
        profile_id = new_id("cpr")
        values: dict[str, Any] = {
            "id": profile_id,
            "project_id": project_id,
            "connector": connector,
            "label": label,
            "auth_type": auth_type,
            "environment": environment,
            "client_id": client_id,
            "client_secret_encrypted": self._seal(project_id, profile_id, client_secret),
            "client_secret_hint": secret_hint(client_secret),
            "scopes": None if scopes is None else list(scopes),
            "token_type": token_type,
            "actions": None if actions is None else list(actions),
            "disabled": False,
            "created_at": now,
            "updated_at": now,
        }
        async with self._db.write() as conn:
            if (await conn.execute(select(projects.c.id).where(projects.c.id == project_id))).first() is None:
                raise NotFound("project not found")
            others = await conn.scalar(
                select(func.count())
                .select_from(connector_profiles)
                .where(
                    connector_profiles.c.project_id == project_id, connector_profiles.c.connector == connector
                )
            )
            values["is_default"] = is_default or not others
            if values["is_default"] and others:
                await self._clear_default(conn, project_id, connector)
                await self._db.announce(conn, Change("connector_profiles", project_id))
            await conn.execute(insert(connector_profiles).values(values))
        return profile_from_row(values)

    async def get(self, project_id: str, profile_id: str) -> ConnectorProfile:
        async with self._db.read() as conn:
            row = (
                await conn.execute(select(connector_profiles).where(*self._scope(project_id, profile_id)))
            ).first()
        if row is None:
            raise NotFound("connector profile not found")
        return profile_from_row(row._mapping)

    async def list(self, project_id: str, *, connector: str | None = None) -> list[ConnectorProfile]:
        statement = select(connector_profiles).where(connector_profiles.c.project_id == project_id)
        if connector is not None:
            statement = statement.where(connector_profiles.c.connector == connector)
        statement = statement.order_by(connector_profiles.c.created_at, connector_profiles.c.id)
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [profile_from_row(row._mapping) for row in rows]

    async def get_default(self, project_id: str, connector: str) -> ConnectorProfile | None:
        statement = select(connector_profiles).where(
            connector_profiles.c.project_id == project_id,
            connector_profiles.c.connector == connector,
            connector_profiles.c.is_default.is_(True),
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        return None if row is None else profile_from_row(row._mapping)

    async def client_secret(self, project_id: str, profile_id: str) -> str | None:
        """The decrypted client secret, for the token request only; never put it in a response or log."""
        async with self._db.read() as conn:
            row = (
                await conn.execute(
                    select(connector_profiles.c.client_secret_encrypted).where(
                        *self._scope(project_id, profile_id)
                    )
                )
            ).first()
        if row is None:
            raise NotFound("connector profile not found")
        sealed = row._mapping["client_secret_encrypted"]
        return (
            None
            if sealed is None
            else self._keyring.decrypt(sealed, CLIENT_SECRET.context(project_id, profile_id))
        )

    async def update(
        self, project_id: str, profile_id: str, **changes: Unpack[ProfileChanges]
    ) -> ConnectorProfile:
        supplied: dict[str, Any] = dict(changes)
        values: dict[str, Any] = {"updated_at": self._clock()}
        for name in ("label", "environment", "client_id", "token_type", "is_default", "disabled"):
            if name in supplied:
                values[name] = supplied[name]
        for name in ("scopes", "actions"):
            if name in supplied:
                values[name] = None if supplied[name] is None else list(supplied[name])
        if "client_secret" in supplied:
            secret = supplied["client_secret"]
            values["client_secret_encrypted"] = self._seal(project_id, profile_id, secret)
            values["client_secret_hint"] = secret_hint(secret)
        async with self._db.write() as conn:
            current = (
                await conn.execute(select(connector_profiles).where(*self._scope(project_id, profile_id)))
            ).first()
            if current is None:
                raise NotFound("connector profile not found")
            if values.get("is_default"):
                await self._clear_default(conn, project_id, current._mapping["connector"])
            row = (
                await conn.execute(
                    update(connector_profiles)
                    .where(*self._scope(project_id, profile_id))
                    .values(values)
                    .returning(connector_profiles)
                )
            ).one()
            await self._db.announce(conn, Change("connector_profiles", project_id))
        return profile_from_row(row._mapping)

    async def delete(self, project_id: str, profile_id: str) -> None:
        """Delete a profile that has no linked accounts (unlink them first: that revokes their tokens)."""
        async with self._db.write() as conn:
            linked = await conn.scalar(
                select(func.count())
                .select_from(accounts)
                .where(accounts.c.project_id == project_id, accounts.c.profile_id == profile_id)
            )
            if linked:
                raise Conflict(f"the connector profile has {linked} linked account(s); unlink them first")
            result = await conn.execute(
                delete(connector_profiles).where(*self._scope(project_id, profile_id))
            )
            if result.rowcount:
                await self._db.announce(conn, Change("connector_profiles", project_id))
        if result.rowcount == 0:
            raise NotFound("connector profile not found")

    @staticmethod
    def _scope(project_id: str, profile_id: str) -> tuple[Any, ...]:
        return (connector_profiles.c.id == profile_id, connector_profiles.c.project_id == project_id)

    @staticmethod
    async def _clear_default(conn: AsyncConnection, project_id: str, connector: str) -> None:
        await conn.execute(
            update(connector_profiles)
            .where(
                connector_profiles.c.project_id == project_id,
                connector_profiles.c.connector == connector,
                connector_profiles.c.is_default.is_(True),
            )
            .values(is_default=False)
        )

    def _seal(self, project_id: str, profile_id: str, secret: str | None) -> str | None:
        return (
            None
            if secret is None
            else self._keyring.encrypt(secret, CLIENT_SECRET.context(project_id, profile_id))
        )
