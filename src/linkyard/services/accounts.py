"""Linked accounts: list, read, change (label, metadata, suspend / resume) and unlink (revoke, then wipe)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from linkyard.connectors import get_connector
from linkyard.domain import Account, AccountStatus, ConnectorProfile, Project
from linkyard.errors import Conflict, LinkyardError, NotFound, ValidationFailed
from linkyard.services.platform import Platform

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class AccountPage:
    accounts: list[Account]
    has_more: bool


async def list_accounts(
    platform: Platform,
    project: Project,
    *,
    connector: str | None = None,
    origin_owner_id: str | None = None,
    status: AccountStatus | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> AccountPage:
    """One page (1-based) of the project's accounts, oldest first, filtered."""
    if page < 1:
        raise ValidationFailed("Invalid page", errors=[{"field": "page", "message": "must be at least 1"}])
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            "Invalid page_size", errors=[{"field": "page_size", "message": f"must be 1-{MAX_PAGE_SIZE}"}]
        )
    found = await platform.store.accounts.list(
        project.id,
        provider=connector,  # the table's column
        origin_owner_id=origin_owner_id,
        status=status,
        offset=(page - 1) * page_size,
        limit=page_size + 1,
    )
    return AccountPage(found[:page_size], has_more=len(found) > page_size)


async def get_account(platform: Platform, project: Project, account_id: str) -> Account:
    return await platform.store.accounts.get(project.id, account_id)


async def account_profile(
    platform: Platform, project: Project, account_id: str
) -> tuple[Account, ConnectorProfile]:
    account = await platform.store.accounts.get(project.id, account_id)
    return account, await platform.store.connector_profiles.get(project.id, account.profile_id)


async def update_account(
    platform: Platform,
    project: Project,
    account_id: str,
    *,
    label: str | None = _UNSET,
    metadata: dict[str, Any] | None = _UNSET,
    status: Literal["active", "suspended"] = _UNSET,
) -> Account:
    """Change the label or metadata, or pause (`suspended`) and resume (`active`) the account.

    Only a suspended account can be resumed: one in `error` needs a re-link, one `inactive` its profile
    enabled again.
    """
    account = await platform.store.accounts.get(project.id, account_id)
    changes: dict[str, Any] = {}
    if label is not _UNSET:
        changes["label"] = label
    if metadata is not _UNSET:
        changes["metadata"] = metadata
    if changes:
        account = await platform.store.accounts.update(project.id, account_id, **changes)
    if status is not _UNSET and status != account.status:
        if status not in ("active", "suspended"):
            raise ValidationFailed(
                "Invalid status", errors=[{"field": "status", "message": "must be active or suspended"}]
            )
        if status == "active" and account.status != "suspended":
            raise Conflict(f"The account is {account.status}: only a suspended account can be resumed")
        if status == "suspended" and account.status != "active":
            raise Conflict(f"The account is {account.status}: only an active account can be suspended")
        reason = "suspended" if status == "suspended" else None
        account = await platform.store.accounts.set_status(
            project.id, account_id, status, reason_code=reason, description="Paused by the integrator"
        )
        platform.keeper.forget(project.id, account_id)
    return account


async def unlink_account(platform: Platform, project: Project, account_id: str) -> None:
    """Unlink: wipe the credentials under the row lock (after any refresh in flight, and for good), revoke the
    token at the provider, delete the account. The wipe and the delete happen even when revocation fails."""
    account, profile = await account_profile(platform, project, account_id)
    try:
        wiped = await platform.store.credentials.wipe(project.id, account_id)
    except NotFound:
        wiped = None
    platform.keeper.forget(project.id, account_id)
    if wiped is not None:
        connector = get_connector(profile.connector)
        try:
            endpoints = platform.endpoints(connector, profile.environment)
            client_secret = await platform.store.connector_profiles.client_secret(project.id, profile.id)
            await platform.provider.revoke(
                endpoints,
                client_id=profile.client_id,
                client_secret=client_secret,
                token=wiped.refresh_token or wiped.access_token,
            )
        except LinkyardError as exc:
            logger.warning(
                "account %s: revocation at the provider failed (%s); wiped anyway", account.id, exc.code
            )
    await platform.store.accounts.delete(project.id, account_id)
