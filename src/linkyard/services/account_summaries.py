"""Linked accounts as the dashboard shows them: each account with its connector profile and what may be shown of
its tokens (type, expiry, last issue), never a token itself."""

from __future__ import annotations

from dataclasses import dataclass

from linkyard.domain import Account, AccountStatus, ConnectorProfile, Project, TokenFacts
from linkyard.services.account_cursors import next_cursor, read_cursor
from linkyard.services.accounts import DEFAULT_PAGE_SIZE
from linkyard.services.platform import Platform

MAX_CHOICES = 200
"""Accounts offered in one select (the playground's); the account in use is always among them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSummary:
    """An account, its connector profile, and its token facts (`None` when no credentials row exists)."""

    account: Account
    profile: ConnectorProfile | None
    token: TokenFacts | None


@dataclass(frozen=True, slots=True)
class AccountSummaryPage:
    summaries: list[AccountSummary]
    next: str | None
    """The cursor of the next page (`linkyard.services.account_cursors`); None on the last one."""


async def summarise_accounts(
    platform: Platform,
    project: Project,
    *,
    origin_owner_id: str | None = None,
    status: AccountStatus | None = None,
    after: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> AccountSummaryPage:
    """One page of the project's accounts, oldest first, filtered as `GET /accounts` filters; `after` is the
    `next` cursor of the previous page (`BadRequest` if it is not one)."""
    found = await platform.store.accounts.list(
        project.id,
        origin_owner_id=origin_owner_id,
        status=status,
        after=None if after is None else read_cursor(after),
        limit=page_size + 1,
    )
    shown = found[:page_size]
    more = len(found) > page_size
    return AccountSummaryPage(
        await _summaries(platform, project, shown), next_cursor(shown[-1]) if more else None
    )


async def summarise_account(platform: Platform, project: Project, account_id: str) -> AccountSummary:
    """One account of the project, summarised; `NotFound` for another project's."""
    account = await platform.store.accounts.get(project.id, account_id)
    [summary] = await _summaries(platform, project, [account])
    return summary


async def choosable_accounts(
    platform: Platform, project: Project, *, including: str | None = None
) -> list[Account]:
    """The active accounts actions can run on (the first `MAX_CHOICES`), and `including` whatever its status
    (the account a person came with), so that the page can say why it is not runnable."""
    accounts = await platform.store.accounts.list(project.id, status="active", limit=MAX_CHOICES)
    if including is not None and all(account.id != including for account in accounts):
        accounts.append(await platform.store.accounts.get(project.id, including))
    return accounts


async def _summaries(platform: Platform, project: Project, accounts: list[Account]) -> list[AccountSummary]:
    if not accounts:
        return []
    profiles = {profile.id: profile for profile in await platform.store.connector_profiles.list(project.id)}
    facts = await platform.store.credentials.facts(project.id, [account.id for account in accounts])
    return [
        AccountSummary(account=account, profile=profiles.get(account.profile_id), token=facts.get(account.id))
        for account in accounts
    ]
