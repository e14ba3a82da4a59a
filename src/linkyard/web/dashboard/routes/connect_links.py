"""Connect links: a form that makes a connect session for one end user (StackOne's `POST /connect_sessions`) and
the page that shows its link, the one time its token is known; the page's "Embed" section is `embed.py`'s."""

from __future__ import annotations

from fastapi import Response

from linkyard import services
from linkyard.domain import Account
from linkyard.errors import ValidationFailed
from linkyard.services.connect_sessions import (
    DEFAULT_EXPIRES_IN,
    MAX_EXPIRES_IN,
    MIN_EXPIRES_IN,
    NewConnectSession,
)
from linkyard.services.views import connect_link
from linkyard.web.dashboard.ui import (
    Page,
    ProjectView,
    ProjectViewDep,
    Ui,
    UiDep,
    View,
    field_errors,
    form_text,
)

MAX_TEXT = 255
MAX_URL = 2048
DEFAULT_MINUTES = DEFAULT_EXPIRES_IN // 60
MIN_MINUTES = MIN_EXPIRES_IN // 60
MAX_MINUTES = MAX_EXPIRES_IN // 60
_REQUIRED = ("origin_owner_id", "origin_owner_name")
_TEXT = ("origin_owner_id", "origin_owner_name", "origin_username", "integration_id")


def render_created(
    ui: Ui, view: View, created: NewConnectSession, *, account: Account | None = None
) -> Response:
    """The page with a new session's link (for `account`, when it re-links one)."""
    return ui.render(
        view,
        "dashboard/connect_link_created.html",
        nav="accounts" if account is not None else "connect_links",
        connect_session=created.session,
        link=connect_link(view.platform.settings, created.token),
        minutes=round((created.session.expires_at - created.session.created_at).total_seconds() / 60),
        account=account,
    )


def _check(values: dict[str, str]) -> tuple[int | None, dict[str, str]]:
    """The form's own checks, in a person's words (minutes, not the API's seconds); the expiry in seconds."""
    errors: dict[str, str] = {}
    for name in _REQUIRED:
        if not values[name]:
            errors[name] = "must not be empty"
    for name in _TEXT:
        if len(values[name]) > MAX_TEXT:
            errors[name] = f"must be at most {MAX_TEXT} characters"
    if len(values["redirect_url"]) > MAX_URL:
        errors["redirect_url"] = f"must be at most {MAX_URL} characters"
    minutes = values["expires_in"]
    if not minutes:
        return None, errors
    if not minutes.isdigit() or not MIN_MINUTES <= int(minutes) <= MAX_MINUTES:
        errors["expires_in"] = (
            f"must be a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES} (7 days)"
        )
        return None, errors
    return int(minutes) * 60, errors


async def form_page(
    ui: Ui, view: ProjectView, *, status: int = 200, values: dict[str, str], errors: dict[str, str]
) -> Response:
    profiles = [p for p in await services.list_profiles(view.platform, view.project) if not p.disabled]
    if not values.get("integration_id"):
        default = next((p for p in profiles if p.is_default), profiles[0] if profiles else None)
        values["integration_id"] = default.id if default else ""
    return ui.render(
        view,
        "dashboard/connect_links.html",
        status=status,
        nav="connect_links",
        profiles=profiles,
        values=values,
        errors=errors,
        min_minutes=MIN_MINUTES,
        max_minutes=MAX_MINUTES,
        public_url=view.platform.settings.public_url,
        hub_script_set=view.platform.settings.hub_script_url is not None
        or view.platform.settings.hub_script_path is not None,
    )


async def connect_links(view: ProjectViewDep, ui: UiDep) -> Response:
    return await form_page(ui, view, values={"expires_in": str(DEFAULT_MINUTES)}, errors={})


async def connect_link_create(view: ProjectViewDep, ui: UiDep) -> Response:
    form = await ui.form(view)
    values = {name: form_text(form, name, limit=MAX_TEXT + 1) for name in _TEXT}
    values["redirect_url"] = form_text(form, "redirect_url", limit=MAX_URL + 1)
    values["expires_in"] = form_text(form, "expires_in", limit=20)
    expires_in, errors = _check(values)
    if errors:
        return await form_page(ui, view, status=422, values=values, errors=errors)
    try:
        created = await services.create_connect_session(
            view.platform,
            view.project,
            origin_owner_id=values["origin_owner_id"],
            origin_owner_name=values["origin_owner_name"],
            origin_username=values["origin_username"] or None,
            profile_id=values["integration_id"] or None,
            expires_in=expires_in,
            redirect_url=values["redirect_url"] or None,
        )
    except ValidationFailed as error:
        return await form_page(ui, view, status=422, values=values, errors=field_errors(error))
    return render_created(ui, view, created)


PAGES = (
    Page("GET", "/projects/{project_id}/connect-links", connect_links),
    Page("POST", "/projects/{project_id}/connect-links", connect_link_create),
)
