"""Signing in and out: `/sign-in` takes the admin token or an API key; `/` sends a person where they belong.

The sign-in form is refused when the browser says it was posted from another site, and when its token is not
the one this dashboard sealed to the browser's sign-in cookie (login CSRF: another site must not sign a person
in to its own project). Signing out ends the session for every worker, not only in this browser.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import RedirectResponse

from linkyard.errors import RateLimited, Unauthenticated
from linkyard.services.auth_throttle import source_address
from linkyard.services.dashboard_sessions import (
    SESSION_LIFETIME,
    SIGN_IN_FORM_LIFETIME,
    new_sign_in_binding,
    seal_session,
    seal_sign_in_form,
    sign_in,
    sign_in_form_matches,
    sign_out,
    usable_binding,
)
from linkyard.web.dashboard.notices import notice_text
from linkyard.web.dashboard.ui import (
    PAGE_HEADERS,
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    SIGN_IN_COOKIE_PATH,
    Page,
    Ui,
    UiDep,
    ViewDep,
    form_text,
    safe_next,
    sent_from_another_site,
)

MAX_SIGN_IN_BYTES = 8 * 1024
# Notices the sign-in page shows: after signing out, and after revoking the key one was signed in with.
SIGN_IN_NOTICES = frozenset({"signed_out", "api_key_revoked"})

NOT_RECOGNISED_MESSAGE = (
    "That is neither the admin token nor a live API key of a project. Check it and try again."
)
STALE_FORM_MESSAGE = "This sign-in form has expired or was not opened in this browser. Sign in again here."


def _cross_site_error(public_url: str) -> str:
    return (
        "This sign-in was sent from another site, so it was refused: someone may be trying to sign you in to "
        f"their project. To sign in, use the form at {public_url}/sign-in."
    )


def sign_in_page(
    ui: Ui,
    request: Request,
    *,
    status: int = 200,
    next_url: str = "/",
    error: str | None = None,
    notice: str | None = None,
) -> Response:
    """The sign-in form with a fresh token, sealed to the browser's sign-in cookie (kept if it has one)."""
    platform = ui.platform(request)
    binding = usable_binding(request.cookies.get(SIGN_IN_COOKIE)) or new_sign_in_binding()
    response = ui.render(
        None,
        "dashboard/sign_in.html",
        status=status,
        next=next_url,
        error=error,
        notice=notice_text(notice) if notice in SIGN_IN_NOTICES else None,
        csrf=seal_sign_in_form(platform, binding),
    )
    # Strict: no other site's page, not even a link, makes the browser send it; only this form needs it.
    response.set_cookie(
        SIGN_IN_COOKIE,
        binding,
        max_age=int(SIGN_IN_FORM_LIFETIME.total_seconds()),
        path=SIGN_IN_COOKIE_PATH,
        secure=platform.settings.public_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )
    return response


async def home(view: ViewDep, ui: UiDep) -> Response:
    if len(view.projects) == 1:
        return ui.redirect(f"/projects/{view.projects[0].id}")
    return ui.redirect("/projects")


async def sign_in_form(
    ui: UiDep,
    request: Request,
    next: Annotated[str | None, Query(max_length=2000)] = None,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    if await ui.session(request) is not None:
        return ui.redirect(safe_next(next))
    return sign_in_page(ui, request, next_url=safe_next(next), notice=notice)


async def sign_in_submit(ui: UiDep, request: Request) -> Response:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_SIGN_IN_BYTES):
        return sign_in_page(ui, request, status=400, error="That is too long.")
    platform = ui.platform(request)
    if sent_from_another_site(request, platform.settings.public_url):
        return sign_in_page(ui, request, status=403, error=_cross_site_error(platform.settings.public_url))
    form = await request.form(max_files=0, max_fields=10)
    next_url = safe_next(form_text(form, "next"))
    if not sign_in_form_matches(
        platform, request.cookies.get(SIGN_IN_COOKIE), form_text(form, "csrf", limit=1024)
    ):
        return sign_in_page(ui, request, status=403, next_url=next_url, error=STALE_FORM_MESSAGE)
    try:
        token = form_text(form, "token", limit=4096)
        session = await sign_in(platform, token, address=source_address(request.client))
    except RateLimited as throttled:
        seconds = max(1, round(throttled.retry_after or 1))
        page = sign_in_page(
            ui,
            request,
            status=429,
            next_url=next_url,
            error=f"Too many failed sign-ins. Wait {seconds} seconds before trying again.",
        )
        page.headers["Retry-After"] = str(seconds)
        return page
    except Unauthenticated:
        return sign_in_page(ui, request, status=401, next_url=next_url, error=NOT_RECOGNISED_MESSAGE)
    response = RedirectResponse(next_url, status_code=303, headers=PAGE_HEADERS)
    response.set_cookie(
        SESSION_COOKIE,
        seal_session(platform, session),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=platform.settings.public_url.startswith("https://"),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(SIGN_IN_COOKIE, path=SIGN_IN_COOKIE_PATH)
    return response


async def sign_out_submit(view: ViewDep, ui: UiDep) -> Response:
    await ui.form(view)
    await sign_out(view.platform, view.session)
    response = ui.redirect("/sign-in", notice="signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


PAGES = (
    Page("GET", "/", home),
    Page("GET", "/sign-in", sign_in_form),
    Page("POST", "/sign-in", sign_in_submit),
    Page("POST", "/sign-out", sign_out_submit),
)
