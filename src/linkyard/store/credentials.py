"""Credentials repository: encrypted token sets, read freely, rotated and wiped only under a row lock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from linkyard.domain import AccountStatus, Clock, TokenFacts, TokenSet
from linkyard.errors import CredentialsWiped, DecryptionFailed, NotFound, StoreError
from linkyard.store.accounts import account_from_row, credential_values, idle_since, status_values
from linkyard.store.changes import Change
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.outbox import record_account_change
from linkyard.store.tables import ACCESS_TOKEN, REFRESH_TOKEN, accounts, credentials


def token_from_row(keyring: KeyRing, m: Mapping[Any, Any]) -> TokenSet | None:
    """Decrypt a credentials row; None once wiped."""
    if m["wiped_at"] is not None or m["access_token_encrypted"] is None:
        return None
    project_id, account_id = m["project_id"], m["account_id"]
    refresh = m["refresh_token_encrypted"]
    return TokenSet(
        access_token=keyring.decrypt(
            m["access_token_encrypted"], ACCESS_TOKEN.context(project_id, account_id)
        ),
        refresh_token=None
        if refresh is None
        else keyring.decrypt(refresh, REFRESH_TOKEN.context(project_id, account_id)),
        expires_at=m["expires_at"],
        issued_at=m["issued_at"],
        scopes=tuple(m["scopes"]),
        token_type=m["token_type"],
    )


class IdleCandidate(NamedTuple):
    """An account the idle refresher should look at, and its place in the sweep's order."""

    idle_since: datetime
    project_id: str
    account_id: str


def idle_statement(cutoff: datetime, *, after: IdleCandidate | None, limit: int) -> Select[Any]:
    """The idle refresher's page: the partial index's condition, a range on its first column, keyset after."""
    statement = (
        select(accounts.c.idle_since, accounts.c.project_id, accounts.c.id)
        .where(
            accounts.c.status == "active",
            accounts.c.idle_since.is_not(None),
            accounts.c.idle_since <= cutoff,
        )
        .order_by(accounts.c.idle_since, accounts.c.id)
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(
            tuple_(accounts.c.idle_since, accounts.c.id) > (after.idle_since, after.account_id)
        )
    return statement


class HeldCredentials:
    """An account's credentials inside a locked transaction: re-read, then replace or wipe, atomically.

    Everything written here commits when the `lock()` block exits without an error, and not before: use a
    new access token only after the block.
    """

    def __init__(
        self,
        database: Database,
        conn: AsyncConnection,
        keyring: KeyRing,
        clock: Clock,
        project_id: str,
        account_id: str,
        row: Mapping[Any, Any],
    ) -> None:
        self._db = database
        self._conn = conn
        self._keyring = keyring
        self._clock = clock
        self.project_id = project_id
        self.account_id = account_id
        self.generation: int = row["generation"]
        self._row: Mapping[Any, Any] | None = row
        self._token: TokenSet | None = None
        self._open = True

    @property
    def token(self) -> TokenSet | None:
        """The credentials as they are now, after any other worker's refresh; None once wiped."""
        if self._row is not None:
            self._token = token_from_row(self._keyring, self._row)
            self._row = None
        return self._token

    async def replace(self, token: TokenSet) -> None:
        """Store a refreshed token set (keep the old refresh token in it if the provider sent none)."""
        self._check_open()
        if self.token is None:
            raise CredentialsWiped("the account was unlinked; its credentials are gone")
        now = self._clock()
        result = await self._conn.execute(
            update(credentials)
            .where(
                *self._scope(),
                credentials.c.generation == self.generation,
                credentials.c.wiped_at.is_(None),
            )
            .values(
                **credential_values(self._keyring, self.project_id, self.account_id, token),
                generation=self.generation + 1,
                updated_at=now,
            )
        )
        if result.rowcount != 1:
            # Cannot happen while the lock is held; refuse rather than resurrect wiped credentials.
            raise CredentialsWiped("the credentials changed or were wiped while locked")
        await self._conn.execute(
            update(accounts).where(*self._account()).values(idle_since=idle_since(token))
        )
        self.generation += 1
        self._row, self._token = None, token

    async def wipe(self) -> TokenSet | None:
        """Erase the credentials for good (a later refresh cannot bring them back); returns what was wiped."""
        self._check_open()
        try:
            wiped = self.token
        except DecryptionFailed:
            wiped = None  # unreadable credentials are wiped all the same
        await self._conn.execute(
            update(credentials)
            .where(*self._scope())
            .values(
                access_token_encrypted=None,
                refresh_token_encrypted=None,
                expires_at=None,
                issued_at=None,
                generation=self.generation + 1,
                wiped_at=self._clock(),
                updated_at=self._clock(),
            )
        )
        await self._conn.execute(update(accounts).where(*self._account()).values(idle_since=None))
        self.generation += 1
        self._row, self._token = None, None
        return wiped

    async def set_account_status(
        self,
        status: AccountStatus,
        *,
        reason_code: str | None = None,
        description: str = "",
        only_from: AccountStatus | None = None,
    ) -> bool:
        """Change the account's status in the same transaction (e.g. `error` after `invalid_grant`); with
        `only_from`, only an account in that status changes. Whether it changed."""
        self._check_open()
        before = await self._conn.scalar(select(accounts.c.status).where(*self._account()).with_for_update())
        if before is None or (only_from is not None and before != only_from):
            return False
        now = self._clock()
        row = (
            await self._conn.execute(
                update(accounts)
                .where(*self._account())
                .values(status_values(status, reason_code, description, now))
                .returning(accounts)
            )
        ).one()
        await self._db.announce(self._conn, Change("account", self.project_id, self.account_id))
        await record_account_change(self._conn, before, account_from_row(row._mapping), now)
        return True

    def _scope(self) -> tuple[Any, ...]:
        return (credentials.c.account_id == self.account_id, credentials.c.project_id == self.project_id)

    def _account(self) -> tuple[Any, ...]:
        return (accounts.c.id == self.account_id, accounts.c.project_id == self.project_id)

    def _check_open(self) -> None:
        if not self._open:
            raise StoreError("the credentials lock was released; take it again")


class CredentialRepository:
    """Access and refresh tokens of accounts, encrypted per row and column."""

    def __init__(self, database: Database, keyring: KeyRing, clock: Clock) -> None:
        self._db = database
        self._keyring = keyring
        self._clock = clock

    async def get(self, project_id: str, account_id: str) -> TokenSet | None:
        """The current token set without locking (the fast path: use it if it needs no refresh)."""
        statement = select(credentials).where(
            credentials.c.account_id == account_id, credentials.c.project_id == project_id
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        if row is None:
            raise NotFound("account not found")
        return token_from_row(self._keyring, row._mapping)

    async def idle(
        self, cutoff: datetime, *, after: IdleCandidate | None = None, limit: int = 100
    ) -> list[IdleCandidate]:
        """Active accounts whose refreshable, expiring token was issued at or before `cutoff`, in every project,
        oldest first, after `after` (the last of the previous page): the idle refresher's candidates (it
        re-checks each under its lock). Nothing is decrypted.

        One index range scan (`ix_accounts_idle_since`): the rows read are the candidates, however many
        accounts are stored.
        """
        async with self._db.read() as conn:
            rows = (await conn.execute(idle_statement(cutoff, after=after, limit=limit))).all()
        return [IdleCandidate(row.idle_since, row.project_id, row.id) for row in rows]

    async def facts(self, project_id: str, account_ids: Sequence[str]) -> dict[str, TokenFacts]:
        """Expiry and issue time of some accounts' tokens, without decrypting anything."""
        if not account_ids:
            return {}
        statement = select(
            credentials.c.account_id,
            credentials.c.expires_at,
            credentials.c.issued_at,
            credentials.c.wiped_at,
            credentials.c.access_token_encrypted.is_not(None).label("has_access"),
            credentials.c.refresh_token_encrypted.is_not(None).label("has_refresh"),
        ).where(credentials.c.project_id == project_id, credentials.c.account_id.in_(list(account_ids)))
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return {
            row.account_id: TokenFacts(
                expires_at=row.expires_at,
                issued_at=row.issued_at,
                refreshable=bool(row.has_refresh) and row.wiped_at is None,
                held=bool(row.has_access) and row.wiped_at is None,
            )
            for row in rows
        }

    @asynccontextmanager
    async def lock(self, project_id: str, account_id: str) -> AsyncIterator[HeldCredentials]:
        """Hold the account's credentials exclusively, across workers, for the length of the block.

        PostgreSQL: `SELECT ... FOR UPDATE` on the credentials row (other accounts are not blocked).
        SQLite: `BEGIN IMMEDIATE`, the database's single write lock (every writer waits).
        The block sees the latest committed token set: another worker may have refreshed it already.
        """
        statement = (
            select(credentials)
            .where(credentials.c.account_id == account_id, credentials.c.project_id == project_id)
            .with_for_update()
        )
        async with self._db.write() as conn:
            row = (await conn.execute(statement)).first()
            if row is None:
                raise NotFound("account not found")
            held = HeldCredentials(
                self._db, conn, self._keyring, self._clock, project_id, account_id, row._mapping
            )
            try:
                yield held
            finally:
                held._open = False

    async def wipe(self, project_id: str, account_id: str) -> TokenSet | None:
        """Wipe under the lock, after any refresh in flight; returns the wiped tokens (to revoke them)."""
        async with self.lock(project_id, account_id) as held:
            return await held.wipe()
