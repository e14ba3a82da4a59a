"""Linked accounts repository: link (create or re-link in place, with credentials), read, update, delete."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.domain import Account, AccountStatus, Clock, ProviderAccount, StatusReason, TokenSet, new_id
from linkyard.domain.events import PlannedSubscription, account_event_data
from linkyard.errors import Conflict, NotFound, StoreError
from linkyard.store.changes import Change
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.outbox import record_account_change, record_event
from linkyard.store.subscription_plans import plan_subscriptions
from linkyard.store.tables import ACCESS_TOKEN, REFRESH_TOKEN, accounts, connector_profiles, credentials


class AccountChanges(TypedDict, total=False):
    """What an integrator may change on an account; absent keys stay as they are."""

    label: str | None
    metadata: dict[str, Any] | None
    origin_owner_name: str
    origin_username: str | None


def account_from_row(m: Mapping[Any, Any]) -> Account:
    provider_account = m["provider_account"]
    return Account(
        id=m["id"],
        project_id=m["project_id"],
        connector=m["provider"],
        status=m["status"],
        status_reasons=tuple(
            StatusReason(
                code=reason["code"],
                description=reason["description"],
                timestamp=datetime.fromisoformat(reason["timestamp"]),
            )
            for reason in m["status_reasons"]
        ),
        origin_owner_id=m["origin_owner_id"],
        origin_owner_name=m["origin_owner_name"],
        origin_username=m["origin_username"],
        profile_id=m["profile_id"],
        token_type=m["token_type"],
        scopes=tuple(m["scopes"]),
        provider_account=ProviderAccount(**provider_account),
        label=m["label"],
        metadata=m["metadata"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def status_values(
    status: AccountStatus, reason_code: str | None, description: str, now: datetime
) -> dict[str, Any]:
    """The columns that put an account in `status`, with at most one reason (the latest)."""
    reasons = (
        [{"code": reason_code, "description": description, "timestamp": now.isoformat()}]
        if reason_code
        else []
    )
    return {"status": status, "status_reasons": reasons, "updated_at": now}


def idle_since(token: TokenSet) -> datetime | None:
    """`accounts.idle_since` for a token set: when it was issued if it expires and can be refreshed, else None
    (a token that never expires needs no refresh to stay usable, whatever its kind)."""
    if token.refresh_token is None or token.expires_at is None:
        return None
    return token.issued_at or token.expires_at


def credential_values(keyring: KeyRing, project_id: str, account_id: str, token: TokenSet) -> dict[str, Any]:
    """The encrypted columns of a token set, each bound to this account and column."""
    refresh = token.refresh_token
    return {
        "access_token_encrypted": keyring.encrypt(
            token.access_token, ACCESS_TOKEN.context(project_id, account_id)
        ),
        "refresh_token_encrypted": None
        if refresh is None
        else keyring.encrypt(refresh, REFRESH_TOKEN.context(project_id, account_id)),
        "expires_at": token.expires_at,
        "issued_at": token.issued_at,
        "scopes": list(token.scopes),
        "token_type": token.token_type,
    }


class AccountRepository:
    """A project's linked accounts; unique per (project, profile, origin_owner_id)."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self._db = database
        self._keyring = keyring
        self._clock = clock

    async def upsert(
        self,
        project_id: str,
        *,
        profile_id: str,
        origin_owner_id: str,
        origin_owner_name: str,
        provider_account: ProviderAccount,
        token: TokenSet,
        origin_username: str | None = None,
        label: str | None = None,
        metadata: dict[str, Any] | None = None,
        account_id: str | None = None,
        subscriptions: Sequence[PlannedSubscription] = (),
    ) -> tuple[Account, bool]:
        """Link an account with its credentials in one transaction; `(account, created)`.

        The same owner linking the same profile again updates that account in place (re-link), as does an
        explicit `account_id`. A re-link makes the account active and replaces its credentials. The account's
        `subscriptions` at its provider are written in the same transaction, to be made (again) in the
        background, when a webhook of the project wants their events (`store.event_subscriptions`).
        """
        now = self._clock()
        values: dict[str, Any] = {
            "origin_owner_id": origin_owner_id,
            "origin_owner_name": origin_owner_name,
            "origin_username": origin_username,
            "token_type": token.token_type,
            "scopes": list(token.scopes),
            "provider_account": asdict(provider_account),
            "idle_since": idle_since(token),
            **status_values("active", None, "", now),
        }
        if label is not None:
            values["label"] = label
        if metadata is not None:
            values["metadata"] = metadata
        async with self._db.write() as conn:
            provider = await conn.scalar(
                select(connector_profiles.c.connector).where(
                    connector_profiles.c.id == profile_id, connector_profiles.c.project_id == project_id
                )
            )
            if provider is None:
                raise NotFound("connector profile not found")
            existing = await self._find_for_link(conn, project_id, profile_id, origin_owner_id, account_id)
            target_id: str | None = None
            if existing is None:
                target_id = await conn.scalar(
                    self._insert(accounts)
                    .values(
                        id=new_id("acc"),
                        project_id=project_id,
                        profile_id=profile_id,
                        provider=provider,
                        label=label,
                        metadata=metadata,
                        created_at=now,
                        **{k: v for k, v in values.items() if k not in ("label", "metadata")},
                    )
                    .on_conflict_do_nothing(index_elements=["project_id", "profile_id", "origin_owner_id"])
                    .returning(accounts.c.id)
                )
                if target_id is None:
                    # Another worker linked the same owner a moment ago: re-link that account instead.
                    existing = await self._find_for_link(conn, project_id, profile_id, origin_owner_id, None)
                    if existing is None:
                        raise StoreError("the account was linked and removed concurrently; try again")
            created = existing is None
            if existing is not None:
                if existing["profile_id"] != profile_id:
                    raise Conflict("a re-link must use the account's own connector profile")
                target_id = existing["id"]
                await conn.execute(update(accounts).where(accounts.c.id == target_id).values(values))
            assert target_id is not None
            await self._write_credentials(conn, project_id, target_id, token, now)
            await self._db.announce(conn, Change("account", project_id, target_id))
            row = (await conn.execute(select(accounts).where(accounts.c.id == target_id))).one()
            account = account_from_row(row._mapping)
            await record_account_change(conn, None if existing is None else existing["status"], account, now)
            await plan_subscriptions(conn, project_id, target_id, subscriptions, now, renew=True)
        return account, created

    async def get(self, project_id: str, account_id: str) -> Account:
        async with self._db.read() as conn:
            row = (await conn.execute(select(accounts).where(*self._scope(project_id, account_id)))).first()
        if row is None:
            raise NotFound("account not found")
        return account_from_row(row._mapping)

    async def list(
        self,
        project_id: str,
        *,
        ids: str | Collection[str] | None = None,
        provider: str | Collection[str] | None = None,
        origin_owner_id: str | Collection[str] | None = None,
        status: AccountStatus | Collection[AccountStatus] | None = None,
        profile_id: str | None = None,
        after: tuple[datetime, str] | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[Account]:
        """The project's accounts in creation order; each filter is one value or several (any of them matches).
        `after` (the `(created_at, id)` of the last one of the previous page) reads by keyset: the index
        `(project_id, created_at, id)` starts right there, so a page deep in the list costs what the first does
        (`offset` reads every row it skips)."""
        statement = select(accounts).where(accounts.c.project_id == project_id)
        if after is not None:
            statement = statement.where(tuple_(accounts.c.created_at, accounts.c.id) > after)
        for column, wanted in (
            (accounts.c.id, ids),
            (accounts.c.provider, provider),
            (accounts.c.origin_owner_id, origin_owner_id),
            (accounts.c.status, status),
            (accounts.c.profile_id, profile_id),
        ):
            if isinstance(wanted, str):
                statement = statement.where(column == wanted)
            elif wanted is not None:
                statement = statement.where(column.in_(list(wanted)))
        statement = statement.order_by(accounts.c.created_at, accounts.c.id).limit(limit)
        if offset:
            statement = statement.offset(offset)
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [account_from_row(row._mapping) for row in rows]

    async def count(self, project_id: str, *, profile_id: str | None = None, up_to: int | None = None) -> int:
        """How many accounts the project (or the profile) has; with `up_to`, at most that many are counted, so
        the cost is bounded however many there are (a page shows "1,000+")."""
        rows = select(accounts.c.id).where(accounts.c.project_id == project_id)
        if profile_id is not None:
            rows = rows.where(accounts.c.profile_id == profile_id)
        if up_to is not None:
            rows = rows.limit(up_to)
        statement = select(func.count()).select_from(rows.subquery())
        async with self._db.read() as conn:
            return int(await conn.scalar(statement) or 0)

    async def update(self, project_id: str, account_id: str, **changes: Unpack[AccountChanges]) -> Account:
        values: dict[str, Any] = {"updated_at": self._clock(), **changes}
        return await self._update(project_id, account_id, values)

    async def set_status(
        self,
        project_id: str,
        account_id: str,
        status: AccountStatus,
        *,
        reason_code: str | None = None,
        description: str = "",
    ) -> Account:
        """Move an account to `status`; `reason_code` (e.g. `invalid_grant`) becomes its status reason."""
        return await self._update(
            project_id, account_id, status_values(status, reason_code, description, self._clock())
        )

    async def delete(self, project_id: str, account_id: str) -> None:
        """Delete an account and its credentials (revoke the token at the provider before or after)."""
        async with self._db.write() as conn:
            row = (
                await conn.execute(
                    delete(accounts).where(*self._scope(project_id, account_id)).returning(accounts)
                )
            ).first()
            if row is not None:
                await self._db.announce(conn, Change("account", project_id, account_id))
                deleted = account_from_row(row._mapping)
                await record_event(
                    conn, project_id, "account.deleted", account_event_data(deleted), self._clock()
                )
        if row is None:
            raise NotFound("account not found")

    async def _update(self, project_id: str, account_id: str, values: dict[str, Any]) -> Account:
        statement = (
            update(accounts).where(*self._scope(project_id, account_id)).values(values).returning(accounts)
        )
        async with self._db.write() as conn:
            before = await conn.scalar(
                select(accounts.c.status).where(*self._scope(project_id, account_id)).with_for_update()
            )
            row = (await conn.execute(statement)).first()
            if row is None:
                raise NotFound("account not found")
            await self._db.announce(conn, Change("account", project_id, account_id))
            account = account_from_row(row._mapping)
            await record_account_change(conn, before, account, values["updated_at"])
        return account

    async def _find_for_link(
        self,
        conn: AsyncConnection,
        project_id: str,
        profile_id: str,
        origin_owner_id: str,
        account_id: str | None,
    ) -> Mapping[Any, Any] | None:
        statement = select(accounts.c.id, accounts.c.profile_id, accounts.c.status).where(
            accounts.c.project_id == project_id
        )
        if account_id is not None:
            statement = statement.where(accounts.c.id == account_id)
        else:
            statement = statement.where(
                accounts.c.profile_id == profile_id, accounts.c.origin_owner_id == origin_owner_id
            )
        row = (await conn.execute(statement.with_for_update())).first()
        if row is None and account_id is not None:
            raise NotFound("account not found")
        return None if row is None else row._mapping

    async def _write_credentials(
        self, conn: AsyncConnection, project_id: str, account_id: str, token: TokenSet, now: datetime
    ) -> None:
        sealed = credential_values(self._keyring, project_id, account_id, token)
        result = await conn.execute(
            update(credentials)
            .where(credentials.c.account_id == account_id, credentials.c.project_id == project_id)
            .values(**sealed, generation=credentials.c.generation + 1, wiped_at=None, updated_at=now)
        )
        if result.rowcount == 0:
            await conn.execute(
                self._insert(credentials).values(
                    account_id=account_id,
                    project_id=project_id,
                    generation=1,
                    wiped_at=None,
                    updated_at=now,
                    **sealed,
                )
            )

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert if self._db.backend == "postgresql" else sqlite.insert)(table)

    @staticmethod
    def _scope(project_id: str, account_id: str) -> tuple[Any, ...]:
        return (accounts.c.id == account_id, accounts.c.project_id == project_id)
