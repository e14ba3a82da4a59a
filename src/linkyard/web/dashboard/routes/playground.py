"""The actions playground: choose an account and one of its enabled actions, fill a form generated from the
action's input schema, run it, and read the JSON that `POST /actions/rpc` would answer (page after page)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response

from linkyard.connectors import Action, get_connector
from linkyard.domain import Account
from linkyard.errors import LinkyardError
from linkyard.services.account_summaries import choosable_accounts
from linkyard.services.actions import run_action
from linkyard.services.playground import (
    CURSOR,
    answer_view,
    form_arguments,
    form_controls,
    runnable_actions,
)
from linkyard.services.views import error_view
from linkyard.web.dashboard.ui import Page, ProjectView, ProjectViewDep, Ui, UiDep, View, form_text

ARG = "arg_"
"""Form fields named `arg_<parameter>` hold the action's arguments, apart from the page's own fields."""
MAX_ID = 100
MAX_VALUE = 4000


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """What the page is about: the accounts to choose from, the chosen account, its actions, the action."""

    accounts: list[Account]
    account: Account | None
    actions: tuple[Action, ...]
    action_id: str
    action: Action | None
    """The chosen action when it is enabled on the account (so that its form may be shown)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """A run: its HTTP status as the API would answer, the JSON, and the page it was (lists)."""

    status: int
    body: dict[str, Any]
    page: int
    error: LinkyardError | None = None

    @property
    def phrase(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""

    @property
    def json(self) -> str:
        return json.dumps(self.body, indent=2, ensure_ascii=False, default=str)

    @property
    def field_errors(self) -> dict[str, str]:
        errors = getattr(self.error, "errors", None) or []
        found: dict[str, str] = {}
        for item in errors:
            found.setdefault(item["field"], item["message"])
        return found


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) <= 1_000_000 else 1


async def _choose(view: ProjectView, account_id: str, action_id: str) -> Choice:
    """The accounts and actions on offer; an account of another project (or none at all) is `NotFound`."""
    accounts = await choosable_accounts(view.platform, view.project, including=account_id or None)
    account = next((a for a in accounts if a.id == account_id), accounts[0] if accounts else None)
    actions = await runnable_actions(view.platform, view.project, account.id) if account else ()
    action = next((a for a in actions if a.id == action_id), None)
    return Choice(accounts=accounts, account=account, actions=actions, action_id=action_id, action=action)


def render(
    ui: Ui, view: View, choice: Choice, *, values: dict[str, str], outcome: Outcome | None = None
) -> Response:
    return ui.render(
        view,
        "dashboard/playground.html",
        status=outcome.status if outcome is not None else 200,
        nav="playground",
        choice=choice,
        controls=form_controls(choice.action) if choice.action is not None else [],
        values=values,
        outcome=outcome,
        errors=outcome.field_errors if outcome is not None else {},
        cursor_name=f"{ARG}{CURSOR}",
        arg=ARG,
    )


async def playground(view: ProjectViewDep, ui: UiDep, request: Request) -> Response:
    query = request.query_params
    choice = await _choose(
        view, query.get("account", "").strip()[:MAX_ID], query.get("action", "").strip()[:MAX_ID]
    )
    return render(ui, view, choice, values={})


async def playground_run(view: ProjectViewDep, ui: UiDep) -> Response:
    form = await ui.form(view)
    choice = await _choose(
        view, form_text(form, "account", limit=MAX_ID), form_text(form, "action", limit=MAX_ID)
    )
    values = {
        name.removeprefix(ARG): value[:MAX_VALUE]
        for name, value in form.multi_items()
        if name.startswith(ARG) and isinstance(value, str)
    }
    page = _page_number(form_text(form, "page", limit=10)) if values.get(CURSOR) else 1
    if choice.account is None:
        return render(ui, view, choice, values=values)
    # The service decides what may run (a disabled action is its 403, an inactive account its 412): the
    # page passes on whatever was asked and shows the answer.
    known = get_connector(choice.account.connector).find_action(choice.action_id)
    arguments = form_arguments(known, values) if known is not None else {}
    try:
        result = await run_action(view.platform, view.project, choice.account.id, choice.action_id, arguments)
    except LinkyardError as error:
        body = error_view(error, ui.error_status(error), view.platform.clock())
        outcome = Outcome(status=body["statusCode"], body=body, page=page, error=error)
    else:
        outcome = Outcome(status=200, body=answer_view(result), page=page)
    values.pop(CURSOR, None)
    return render(ui, view, choice, values=values, outcome=outcome)


PAGES = (
    Page("GET", "/projects/{project_id}/playground", playground),
    Page("POST", "/projects/{project_id}/playground", playground_run),
)
