"""Signing in and out: `/sign-in` takes the admin token or an API key; `/` sends a person where they belong."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from linkyard.errors import RateLimited, Unauthenticated
from linkyard.services.auth_throttle import source_address
from linkyard.services.dashboard_sessions import SESSION_LIFETIME, seal_session, sign_in
from linkyard.web.dashboard.ui import PAGE_HEADERS, SESSION_COOKIE, Ui, form_text, safe_next

MAX_SIGN_IN_BYTES = 8 * 1024


def add_routes(routes: APIRouter, ui: Ui) -> None:

    @routes.get("/", include_in_schema=False)
    @ui.page
    async def home(request: Request) -> Response:
        view = await ui.view(request)
        if len(view.projects) == 1:
            return ui.redirect(f"/projects/{view.projects[0].id}")
        return ui.redirect("/projects")

    @routes.get("/sign-in", include_in_schema=False)
    async def sign_in_page(
        request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
    ) -> Response:
        if await ui.session(request) is not None:
            return ui.redirect(safe_next(next))
        return ui.render(None, "dashboard/sign_in.html", next=safe_next(next), error=None)

    @routes.post("/sign-in", include_in_schema=False)
    async def sign_in_submit(request: Request) -> Response:
        # No CSRF token exists before a session does; SameSite cookies and the form's own secret (an attacker
        # who has the token need not forge a form) make a forged sign-in harmless.
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_SIGN_IN_BYTES):
            return ui.render(None, "dashboard/sign_in.html", status=400, next="/", error="That is too long.")
        form = await request.form(max_files=0, max_fields=10)
        next_url = safe_next(form_text(form, "next"))
        platform = ui.platform(request)
        try:
            token = form_text(form, "token", limit=4096)
            session = await sign_in(platform, token, address=source_address(request.client))
        except RateLimited as throttled:
            return throttled_page(ui, throttled, next_url)
        except Unauthenticated:
            return ui.render(
                None,
                "dashboard/sign_in.html",
                status=401,
                next=next_url,
                error="That is neither the admin token nor a live API key of a project. Check it and try again.",
            )
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
        return response

    @routes.post("/sign-out", include_in_schema=False)
    @ui.page
    async def sign_out(request: Request) -> Response:
        view = await ui.view(request)
        await ui.form(view)
        response = ui.redirect("/sign-in", notice="signed_out")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response


def throttled_page(ui: Ui, throttled: RateLimited, next_url: str) -> Response:
    """The sign-in form again, 429 with `Retry-After`, after too many failed sign-ins."""
    seconds = max(1, round(throttled.retry_after or 1))
    page = ui.render(
        None,
        "dashboard/sign_in.html",
        status=429,
        next=next_url,
        error=f"Too many failed sign-ins. Wait {seconds} seconds before trying again.",
    )
    page.headers["Retry-After"] = str(seconds)
    return page
