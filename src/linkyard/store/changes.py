"""What a write changed, as the read caches know it, and the feed that tells every process's caches about it.

A repository announces each change inside the transaction that makes it (`Database.announce`), so no writer can
change a cached row without telling: the CLI, the API, the dashboard and the token keeper all write through the
repositories. The feed then delivers the change to its subscribers (the store's read caches):

- in the writing process, as soon as the transaction ends (`settle`);
- in every other process, by the backend's own means: PostgreSQL's NOTIFY, sent in the transaction and so
  delivered only on commit (`linkyard.store.change_listener`); on SQLite, whose processes share one host, a
  file next to the database that the writer appends to after the commit and readers `stat` on each cache hit
  (`linkyard.store.change_file`).

A subscriber receives a `Change`, or None when changes may have been missed (the listener reconnected, another
process wrote on SQLite): then it must drop everything it holds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy.ext.asyncio import AsyncConnection

logger = logging.getLogger(__name__)

ChangeKind = Literal["project", "api_keys", "account", "connector_profiles"]
"""`project`: the project and everything cached of it; `api_keys`: the project's keys; `account`: one account;
`connector_profiles`: the project's profiles (a new default changes the others' flag)."""

_KINDS: frozenset[str] = frozenset(get_args(ChangeKind))


@dataclass(frozen=True, slots=True)
class Change:
    """One committed (or possibly committed) change to rows the read caches hold, scoped by project."""

    kind: ChangeKind
    project_id: str
    account_id: str | None = None

    def encode(self) -> str:
        """The NOTIFY payload (ids only: never a secret or a key digest)."""
        return json.dumps({"kind": self.kind, "project": self.project_id, "account": self.account_id})

    @classmethod
    def decode(cls, payload: str) -> Change | None:
        """The change a payload describes; None for anything else (the caller then drops everything)."""
        try:
            data = json.loads(payload)
            kind, project_id, account_id = data["kind"], data["project"], data.get("account")
        except (ValueError, TypeError, KeyError):
            return None
        if kind not in _KINDS or not isinstance(project_id, str):
            return None
        if kind == "account" and not isinstance(account_id, str):
            return None
        return cls(kind, project_id, account_id if kind == "account" else None)


Subscriber = Callable[[Change | None], None]
"""Told of each change; None means "anything may have changed": drop everything."""


class ChangeFeed:
    """Delivers the changes made through this process to its subscribers, at once.

    This base knows no other process; the backends' feeds extend it (`SqliteChangeFeed`,
    `PostgresChangeFeed`). Subscribers run synchronously and must not fail.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    @property
    def live(self) -> bool:
        """Whether other processes' changes reach this one now: while not, the caches keep nothing."""
        return True

    def check(self) -> None:
        """Deliver what other processes changed since the last check, if that is cheap to learn (no database
        round trip): called before every cache hit."""

    async def publish(self, connection: AsyncConnection, change: Change) -> None:
        """The part of announcing a change that belongs in its transaction (nothing, for this process alone)."""

    def settle(self, changes: Sequence[Change]) -> None:
        """The transaction that announced `changes` has ended (committed, or failed at a point where it may
        have committed): tell this process's subscribers."""
        for change in changes:
            self.deliver(change)

    @asynccontextmanager
    async def follow(self) -> AsyncIterator[None]:
        """Hear other processes' changes for the length of the block (a background listener, if the backend
        needs one)."""
        yield

    async def aclose(self) -> None:
        """Stop hearing other processes' changes."""

    def deliver(self, change: Change | None) -> None:
        for subscriber in self._subscribers:
            subscriber(change)
