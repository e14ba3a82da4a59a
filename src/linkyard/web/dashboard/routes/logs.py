"""Request logs in the dashboard: filter a project's calls (account, action, outcome, status, dates), open one
to read why it failed and every provider call it made, and choose whether bodies are kept."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response

from linkyard.domain.request_log import LogKind, StepLog
from linkyard.errors import BadRequest
from linkyard.services.log_queries import (
    LOG_FILTERS,
    PLATFORM_FILTERS,
    get_request_log,
    list_request_logs,
    parse_query,
    set_body_logging,
)
from linkyard.web.dashboard.ui import Page, ProjectViewDep, UiDep, form_text

PAGE_SIZE = 25
KINDS = {"request": "Actions and token refreshes", "platform": "Other API calls"}
# The filters the page offers (the API's names, so a URL can be shared with a developer); the rest stay API-only.
_OFFERED = ("account_ids", "actions", "status_codes", "success", "start_date", "end_date", "categories")


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _sent(step: StepLog) -> dict[str, Any]:
    """What a provider call sent, as the page shows it: its query's parameters, headers and body."""
    return {"query_params": dict(step.query_params), **step.request}


async def logs_list(view: ProjectViewDep, ui: UiDep, request: Request) -> Response:
    query = request.query_params
    kind: LogKind = "platform" if query.get("kind") == "platform" else "request"
    filters = {name: query[name].strip()[:512] for name in _OFFERED if query.get(name, "").strip()}
    if kind == "request":
        filters.pop("categories", None)
    cursor = query.get("next", "")[:2048]
    allowed = LOG_FILTERS if kind == "request" else PLATFORM_FILTERS
    problem = None
    logs: list[Any] = []
    next_url = None
    try:
        parsed, _ = parse_query(
            [*filters.items(), ("page_size", str(PAGE_SIZE)), *([("next", cursor)] if cursor else [])],
            filters=allowed,
        )
        page = await list_request_logs(view.platform, view.project, parsed, kind=kind)
    except BadRequest as error:
        problem = error.message
    else:
        logs = page.logs
        if page.next:
            next_url = f"{view.project_url}/logs?{urlencode({**filters, 'kind': kind, 'next': page.next})}"
    return ui.render(
        view,
        "dashboard/logs.html",
        nav="logs",
        kind=kind,
        kinds=KINDS,
        logs=logs,
        filters=filters,
        problem=problem,
        next_url=next_url,
        first_url=f"{view.project_url}/logs?{urlencode({**filters, 'kind': kind})}" if cursor else None,
    )


async def log_detail(view: ProjectViewDep, ui: UiDep, log_id: str) -> Response:
    log = await get_request_log(view.platform, view.project, log_id[:64])
    return ui.render(view, "dashboard/log.html", nav="logs", log=log, pretty=_pretty, sent=_sent)


async def log_bodies(view: ProjectViewDep, ui: UiDep) -> Response:
    form = await ui.form(view)
    keep = form_text(form, "bodies", limit=3) == "on"
    await set_body_logging(view.platform, view.project.id, keep)
    notice = (
        "Request logs now keep request and response bodies (secrets redacted)."
        if keep
        else "Request logs no longer keep request and response bodies."
    )
    return ui.redirect(f"{view.project_url}/logs", notice=notice)


PAGES = (
    Page("GET", "/projects/{project_id}/logs", logs_list),
    Page("GET", "/projects/{project_id}/logs/{log_id}", log_detail),
    Page("POST", "/projects/{project_id}/logs/bodies", log_bodies),
)
