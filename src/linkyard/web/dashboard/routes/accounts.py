"""Linked accounts: the filtered list, one account's facts, and what can be done to it (re-link in place,
suspend / resume, edit the label, unlink after a confirmation)."""

from __future__ import annotations

import json
from typing import Literal
from urllib.parse import urlencode

from fastapi import Request, Response

from linkyard import services
from linkyard.domain import AccountStatus
from linkyard.errors import BadRequest, ValidationFailed
from linkyard.services.account_summaries import (
    AccountSummary,
    AccountSummaryPage,
    summarise_account,
    summarise_accounts,
)
from linkyard.services.provider_events import account_subscriptions
from linkyard.web.dashboard.routes.connect_links import render_created
from linkyard.web.dashboard.ui import Page, ProjectView, ProjectViewDep, Ui, UiDep, View, form_text

PAGE_SIZE = 25
MAX_LABEL = 200
STATUSES: tuple[AccountStatus, ...] = ("active", "error", "suspended", "inactive")


def detail_url(view: View, account_id: str) -> str:
    return f"{view.project_url}/accounts/{account_id}"


async def detail_page(
    ui: Ui,
    view: ProjectView,
    summary: AccountSummary,
    *,
    status: int = 200,
    label: str | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    account = summary.account
    return ui.render(
        view,
        "dashboard/account.html",
        status=status,
        nav="accounts",
        summary=summary,
        account=account,
        now=view.platform.clock(),
        label=account.label or "" if label is None else label,
        metadata_json=(
            None if account.metadata is None else json.dumps(account.metadata, indent=2, ensure_ascii=False)
        ),
        errors=errors or {},
        subscriptions=await account_subscriptions(view.platform, view.project, account.id),
    )


async def accounts_list(view: ProjectViewDep, ui: UiDep, request: Request) -> Response:
    query = request.query_params
    status = next((known for known in STATUSES if known == query.get("status")), None)
    owner = query.get("origin_owner_id", "").strip()[:255]
    after = query.get("next") or None

    async def page(after: str | None) -> AccountSummaryPage:
        return await summarise_accounts(
            view.platform,
            view.project,
            origin_owner_id=owner or None,
            status=status,
            after=after,
            page_size=PAGE_SIZE,
        )

    try:
        found = await page(after)
    except BadRequest:
        # A cursor a person edited (or an old `?page=` link's): the first page, as for any odd query.
        after = None
        found = await page(None)
    filters = {name: value for name, value in (("status", status or ""), ("origin_owner_id", owner)) if value}
    base = f"{view.project_url}/accounts"

    return ui.render(
        view,
        "dashboard/accounts.html",
        nav="accounts",
        summaries=found.summaries,
        filters=filters,
        statuses=STATUSES,
        later=after is not None,
        first_url=f"{base}?{urlencode(filters)}" if filters else base,
        next_url=None if found.next is None else f"{base}?{urlencode({**filters, 'next': found.next})}",
        now=view.platform.clock(),
    )


async def account_detail(view: ProjectViewDep, ui: UiDep, account_id: str) -> Response:
    return await detail_page(ui, view, await summarise_account(view.platform, view.project, account_id))


async def account_label(view: ProjectViewDep, ui: UiDep, account_id: str) -> Response:
    summary = await summarise_account(view.platform, view.project, account_id)
    form = await ui.form(view)
    label = form_text(form, "label", limit=MAX_LABEL + 1)
    if len(label) > MAX_LABEL:
        errors = {"label": f"must be at most {MAX_LABEL} characters"}
        return await detail_page(ui, view, summary, status=422, label=label, errors=errors)
    await services.update_account(view.platform, view.project, account_id, label=label or None)
    return ui.redirect(detail_url(view, account_id), notice="account_updated")


async def set_status(
    ui: Ui,
    request: Request,
    project_id: str,
    account_id: str,
    status: Literal["active", "suspended"],
    notice: str,
) -> Response:
    view = await ui.project_view(request, project_id)
    await ui.form(view)
    await services.update_account(view.platform, view.project, account_id, status=status)
    return ui.redirect(detail_url(view, account_id), notice=notice)


async def account_suspend(ui: UiDep, request: Request, project_id: str, account_id: str) -> Response:
    return await set_status(ui, request, project_id, account_id, "suspended", "account_suspended")


async def account_resume(ui: UiDep, request: Request, project_id: str, account_id: str) -> Response:
    return await set_status(ui, request, project_id, account_id, "active", "account_resumed")


async def account_relink(view: ProjectViewDep, ui: UiDep, account_id: str) -> Response:
    """A connect session for this very account: the person who opens it re-links it in place."""
    summary = await summarise_account(view.platform, view.project, account_id)
    await ui.form(view)
    account = summary.account
    try:
        created = await services.create_connect_session(
            view.platform,
            view.project,
            origin_owner_id=account.origin_owner_id,
            origin_owner_name=account.origin_owner_name,
            origin_username=account.origin_username,
            account_id=account.id,
        )
    except ValidationFailed as error:
        # The account's connector profile is disabled: say so on the account's page.
        return await detail_page(ui, view, summary, status=422, errors={"relink": f"{error.message}."})
    return render_created(ui, view, created, account=account)


async def account_unlink_confirm(view: ProjectViewDep, ui: UiDep, account_id: str) -> Response:
    summary = await summarise_account(view.platform, view.project, account_id)
    return ui.render(view, "dashboard/account_unlink.html", nav="accounts", account=summary.account)


async def account_unlink(view: ProjectViewDep, ui: UiDep, account_id: str) -> Response:
    await services.get_account(view.platform, view.project, account_id)
    await ui.form(view)
    await services.unlink_account(view.platform, view.project, account_id)
    return ui.redirect(f"{view.project_url}/accounts", notice="account_unlinked")


PAGES = (
    Page("GET", "/projects/{project_id}/accounts", accounts_list),
    Page("GET", "/projects/{project_id}/accounts/{account_id}", account_detail),
    Page("POST", "/projects/{project_id}/accounts/{account_id}/label", account_label),
    Page("POST", "/projects/{project_id}/accounts/{account_id}/suspend", account_suspend),
    Page("POST", "/projects/{project_id}/accounts/{account_id}/resume", account_resume),
    Page("POST", "/projects/{project_id}/accounts/{account_id}/relink", account_relink),
    Page("GET", "/projects/{project_id}/accounts/{account_id}/unlink", account_unlink_confirm),
    Page("POST", "/projects/{project_id}/accounts/{account_id}/unlink", account_unlink),
)
