"""Refusing a unified operation the account's provider cannot back, as StackOne does: 501, naming the operation
and the provider, once the account is known to be the caller's."""

from __future__ import annotations

from typing import NoReturn

from linkyard.connectors import get_connector
from linkyard.connectors.unified.operations import Operation
from linkyard.domain import Project
from linkyard.errors import NotSupported
from linkyard.services.platform import Platform


async def refuse_unsupported(
    platform: Platform, project: Project, account_id: str, operation: Operation
) -> NoReturn:
    """Raise `NotSupported` for `operation` on the account's provider; `NotFound` first for an account that
    is not the project's (the answer says nothing of another project's accounts)."""
    account = await platform.store.accounts.get_recent(project.id, account_id)
    provider = get_connector(account.connector).name
    raise NotSupported(
        f"Not supported by this provider: {provider} cannot back {operation.name} "
        f"({operation.method} {operation.path})",
        operation=operation.name,
        provider=provider,
    )
