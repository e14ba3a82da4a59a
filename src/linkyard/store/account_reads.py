"""The hot path's one read of an account: the account, its connector profile and its sealed credentials, joined.

A call on an account needs all three. Read one by one, each costs a pool checkout and a transaction; joined,
a cold call costs a single statement (`Database.fetch`: one round trip on PostgreSQL). The credentials stay
encrypted until the token keeper, their one user, asks for the token.

Each table is reached by its primary key alone (the account's id, its profile's id, the credentials' account
id), so that the read can only be planned as three primary-key probes: on PostgreSQL it is prepared once per
connection and that plan is kept (`linkyard.store.point_reads`), and a condition on `project_id` in the SQL
would let the planner pick an index on the project instead (a scan of every account of the project), as it did
for a plan made while the tables were small. The project is checked on the row read instead: an account of
another project, or rows that disagree on their project, are not found.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, bindparam, select

from linkyard.domain import Account, ConnectorProfile, TokenSet
from linkyard.store.accounts import account_from_row
from linkyard.store.credentials import token_from_row
from linkyard.store.crypto import KeyRing
from linkyard.store.profiles import profile_from_row
from linkyard.store.tables import accounts, connector_profiles, credentials

_PARTS = {"a_": accounts, "p_": connector_profiles, "c_": credentials}


@dataclass(frozen=True, slots=True)
class SealedCredentials:
    """An account's credentials row as read, still encrypted; `token()` decrypts it (`DecryptionFailed` if it
    does not decrypt; None once wiped)."""

    row: Mapping[str, Any]
    keyring: KeyRing

    def token(self) -> TokenSet | None:
        return token_from_row(self.keyring, self.row)


@dataclass(frozen=True, slots=True)
class AccountRead:
    """An account with its connector profile and, when they were read with it, its sealed credentials."""

    account: Account
    profile: ConnectorProfile
    credentials: SealedCredentials | None = None
    """None when the account came from a cache (the keeper reads the credentials itself then), or when the
    account has no credentials row."""


@functools.cache
def _statement() -> Select[Any]:
    # Built once (on first use, not at import): building and hashing a 44-column select costs more than
    # the database's answer to it.
    columns = [
        column.label(f"{prefix}{column.name}") for prefix, table in _PARTS.items() for column in table.c
    ]
    joined = accounts.join(connector_profiles, connector_profiles.c.id == accounts.c.profile_id).outerjoin(
        credentials, credentials.c.account_id == accounts.c.id
    )
    return select(*columns).select_from(joined).where(accounts.c.id == bindparam("account_id"))


def account_read_statement() -> Select[Any]:
    """One statement: the account, its profile and (outer-joined) its credentials, each by primary key; its
    parameter is `account_id`. The project is `account_read_from_row`'s to check."""
    return _statement()


def account_read_from_row(keyring: KeyRing, m: Mapping[Any, Any], project_id: str) -> AccountRead | None:
    """The read of a row of `account_read_statement`; None unless the account, its profile and its
    credentials (when there are any) all belong to `project_id`."""
    account, profile, sealed = (dict(zip(names, read(m), strict=True)) for names, read in _split())
    if account["project_id"] != project_id or profile["project_id"] != project_id:
        return None
    if sealed["account_id"] is not None and sealed["project_id"] != project_id:
        return None
    return AccountRead(
        account=account_from_row(account),
        profile=profile_from_row(profile),
        credentials=None if sealed["account_id"] is None else SealedCredentials(sealed, keyring),
    )


@functools.cache
def _split() -> tuple[tuple[tuple[str, ...], Callable[[Mapping[Any, Any]], tuple[Any, ...]]], ...]:
    """For the account, the profile and the credentials, in that order: the table's column names, and a
    function taking their values out of a row of the statement (by their labels)."""
    split = []
    for prefix, table in _PARTS.items():
        names = tuple(column.name for column in table.c)
        split.append((names, itemgetter(*(f"{prefix}{name}" for name in names))))
    return tuple(split)
