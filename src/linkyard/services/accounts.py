"""Linked accounts: list, read, change (label, metadata, suspend / resume) and unlink (revoke, then wipe)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from linkyard.connectors import get_connector
from linkyard.domain import Account, AccountStatus, ConnectorProfile, Project
from linkyard.errors import BadRequest, Conflict, LinkyardError, NotFound, ValidationFailed
from linkyard.services.account_cursors import filters_scope, next_cursor, read_cursor
from linkyard.services.platform import Platform
from linkyard.services.provider_events.subscriber import unsubscribe_account

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
"""How deep `page` may reach (`page * page_size`): an offset read steps over every row before the page, so past
this the list is walked by its `next` cursors, which cost the same at any depth."""
_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class AccountPage:
    accounts: list[Account]
    has_more: bool
    profiles: Mapping[str, ConnectorProfile]
    """The connector profiles of the page's accounts, by id."""
    next: str | None = None
    """The cursor of the next page (`linkyard.services.account_cursors`, tied to the filters); None on the last."""


async def list_accounts(
    platform: Platform,
    project: Project,
    *,
    account_ids: Collection[str] = (),
    connectors: Collection[str] = (),
    origin_owner_ids: Collection[str] = (),
    statuses: Collection[AccountStatus] = (),
    page: int | None = None,
    after: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> AccountPage:
    """One page of the project's accounts, oldest first: the first, the `page`th (1-based, at most
    `MAX_OFFSET` accounts deep), or the one after the `after` cursor (the `next` of the previous page, read by
    keyset; never with `page`). Each filter keeps the accounts that match any of its values; an empty filter
    keeps every account (the filters together: all of them)."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            "Invalid page_size", errors=[{"field": "page_size", "message": f"must be 1-{MAX_PAGE_SIZE}"}]
        )
    if page is not None and after is not None:
        raise BadRequest("Pass `page` or `next`, not both: `next` already names its page", code="bad_request")
    if page is not None and page < 1:
        raise ValidationFailed("Invalid page", errors=[{"field": "page", "message": "must be at least 1"}])
    if page is not None and page * page_size > MAX_OFFSET:
        raise BadRequest(
            f"`page` reaches at most {MAX_OFFSET:,} accounts deep (page * page_size): walk the list by the "
            '`next` cursor of each page (its `Link: rel="next"` header) instead',
            code="page_too_deep",
        )
    scope = filters_scope(
        {
            "ids": account_ids,
            "provider": connectors,
            "origin_owner_id": origin_owner_ids,
            "status": [str(status) for status in statuses],
        }
    )
    found = await platform.store.accounts.list(
        project.id,
        ids=account_ids or None,
        provider=connectors or None,  # the table's column
        origin_owner_id=origin_owner_ids or None,
        status=statuses or None,
        after=None if after is None else read_cursor(after, scope),
        offset=((page or 1) - 1) * page_size,
        limit=page_size + 1,
    )
    shown = found[:page_size]
    more = len(found) > page_size
    profiles = {profile.id: profile for profile in await platform.store.connector_profiles.list(project.id)}
    return AccountPage(
        shown, has_more=more, profiles=profiles, next=next_cursor(shown[-1], scope) if more else None
    )


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
    origin_owner_name: str = _UNSET,
    origin_username: str | None = _UNSET,
    status: Literal["active", "suspended"] = _UNSET,
) -> Account:
    """Change the label, the metadata or how the integrator names its end user (`origin_owner_name`,
    `origin_username`), or pause (`suspended`) and resume (`active`) the account.

    Only a suspended account can be resumed: one in `error` needs a re-link, one `inactive` its profile
    enabled again.
    """
    account = await platform.store.accounts.get(project.id, account_id)
    changes: dict[str, Any] = {}
    if label is not _UNSET:
        changes["label"] = label
    if metadata is not _UNSET:
        changes["metadata"] = metadata
    if origin_owner_name is not _UNSET:
        if not origin_owner_name.strip():
            raise ValidationFailed(
                "Invalid origin_owner_name",
                errors=[{"field": "origin_owner_name", "message": "cannot be blank"}],
            )
        changes["origin_owner_name"] = origin_owner_name
    if origin_username is not _UNSET:
        changes["origin_username"] = origin_username
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
    """Unlink: delete its subscriptions at the provider (best effort), wipe the credentials under the row lock
    (after any refresh in flight, and for good), revoke the token at the provider, delete the account. The wipe
    and the delete happen even when unsubscribing or revocation fails."""
    account, profile = await account_profile(platform, project, account_id)
    await unsubscribe_account(platform, account)  # with its token, before that goes
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
