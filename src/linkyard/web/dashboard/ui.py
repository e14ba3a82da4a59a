"""What every dashboard page shares: the signed-in view, rendering, forms with their CSRF checks (the session's
token, and the browser's word on where a form was sent from), and the error pages (an error becomes a page here,
never the API's JSON envelope).

A page is a module-level handler with typed dependencies, listed in its module's `PAGES`:

    async def api_keys(view: ProjectViewDep, ui: UiDep) -> Response:
        # `view.project` is the path's project, never None; not signed in or not found became a page already
        return ui.render(view, "dashboard/api_keys.html", keys=...)

    PAGES = (Page("GET", "/projects/{project_id}/api-keys", api_keys),)
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.datastructures import FormData

from linkyard.connectors import list_connectors
from linkyard.domain import Project
from linkyard.errors import BadRequest, Forbidden, LinkyardError, NotFound, Unauthenticated, ValidationFailed
from linkyard.services import Platform
from linkyard.services.dashboard_sessions import (
    DashboardSession,
    csrf_matches,
    open_project,
    open_session,
    visible_projects,
)
from linkyard.services.origins import is_origin_of
from linkyard.web.dashboard.notices import notice_text

SESSION_COOKIE = "linkyard_dashboard"
# The sign-in form's browser binding: sent with the sign-in page's own requests only.
SIGN_IN_COOKIE = "linkyard_sign_in"
SIGN_IN_COOKIE_PATH = "/sign-in"
MAX_FORM_FIELDS = 2000  # a profile form may tick each of some 670 actions; the size bound below still holds
MAX_FORM_BYTES = 256 * 1024
_TEMPLATES = Path(__file__).parent.parent / "templates"

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class View:
    """A signed-in request: the platform, the session, the projects it may open and the one it is in."""

    request: Request
    platform: Platform
    session: DashboardSession
    projects: list[Project]
    project: Project | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def project_url(self) -> str:
        assert self.project is not None
        return f"/projects/{quote(self.project.id, safe='')}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectView(View):
    """A signed-in request inside one of its projects (every page under `/projects/{project_id}`)."""

    project: Project


class Ui:
    """The dashboard's templates and the helpers every page uses; built once per app."""

    def __init__(self, error_status: Callable[[BaseException], int]) -> None:
        self.error_status = error_status
        """The edge's error table (`linkyard.api.errors.status_of`): the status an error's page answers with."""
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["when"] = _when
        self.templates.filters["q"] = lambda value: quote(str(value), safe="")
        self.templates.filters["connector_name"] = _connector_name

    # -- reading the request --------------------------------------------------------------------------------

    @staticmethod
    def platform(request: Request) -> Platform:
        platform: Platform = request.app.state.platform
        return platform

    async def session(self, request: Request) -> DashboardSession | None:
        return await open_session(self.platform(request), request.cookies.get(SESSION_COOKIE))

    async def view(self, request: Request) -> View:
        """The signed-in view of a request outside any project; `Unauthenticated` (answered with the sign-in
        page) else."""
        platform = self.platform(request)
        session = await self._signed_in(request)
        projects = await visible_projects(platform, session)
        return View(request=request, platform=platform, session=session, projects=projects)

    async def project_view(self, request: Request, project_id: str) -> ProjectView:
        """The signed-in view of a request in project `project_id` (typed: its `project` is never None);
        `Unauthenticated` (answered with the sign-in page) or `NotFound` (a project the session may not
        open) else."""
        platform = self.platform(request)
        session = await self._signed_in(request)
        projects = await visible_projects(platform, session)
        project = await open_project(platform, session, project_id)
        return ProjectView(
            request=request, platform=platform, session=session, projects=projects, project=project
        )

    async def _signed_in(self, request: Request) -> DashboardSession:
        session = await self.session(request)
        if session is None:
            raise Unauthenticated("Sign in to continue")
        return session

    async def form(self, view: View) -> FormData:
        """The submitted form, once it came from this dashboard's own pages and its CSRF token matched the
        session's (a stale or forged form is refused)."""
        request = view.request
        if sent_from_another_site(request, view.platform.settings.public_url):
            raise Forbidden(CROSS_SITE_MESSAGE)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
            raise BadRequest("The form is too large")
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
        token = form.get("csrf")
        if not csrf_matches(view.session, token if isinstance(token, str) else None):
            raise BadRequest(
                "This form has expired or did not come from this dashboard. Reload the page and try again.",
                code="csrf_failed",
            )
        return form

    # -- answering ------------------------------------------------------------------------------------------

    def render(self, view: View | None, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        base: dict[str, Any] = {"view": view, "session": None, "project": None, "projects": [], "csrf": ""}
        if view is not None:
            base.update(
                session=view.session, project=view.project, projects=view.projects, csrf=view.session.csrf
            )
            base["notice"] = notice_text(view.request.query_params.get("notice"))
        base.setdefault("notice", None)
        base.update(context)
        html = self.templates.get_template(template).render(**base)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    @staticmethod
    def redirect(url: str, *, notice: str | None = None) -> RedirectResponse:
        """303 to a page of the dashboard (POST → redirect → GET), with a notice to show there."""
        if notice is not None:
            url = f"{url}{'&' if '?' in url else '?'}notice={quote(notice, safe='')}"
        return RedirectResponse(url, status_code=303, headers=PAGE_HEADERS)

    def error_answer(self, request: Request, error: LinkyardError) -> Response:
        """The page for a platform error: sign-in (back here after, for a GET), not found, forbidden, or the
        error's message with the status of the edge's error table."""
        if isinstance(error, Unauthenticated):
            target = "/sign-in"
            if request.method == "GET":
                target += f"?next={quote(_local_path(request), safe='')}"
            return RedirectResponse(target, status_code=303, headers=PAGE_HEADERS)
        if isinstance(error, NotFound):
            return self.error_page(request, 404, "Not found", _not_found_message(error))
        if isinstance(error, Forbidden):
            return self.error_page(request, 403, "Not allowed", error.message)
        return self.error_page(request, self.error_status(error), "That did not work", error.message)

    def error_page(self, request: Any, status: int, title: str, message: str) -> HTMLResponse:
        return self.render(None, "dashboard/error.html", status=status, title=title, message=message)


async def dashboard_ui(request: Request) -> Ui:
    """The app's `Ui` (built with its routes by `add_dashboard_routes`)."""
    ui: Ui = request.app.state.dashboard_ui
    return ui


UiDep = Annotated[Ui, Depends(dashboard_ui)]


async def signed_in_view(request: Request, ui: UiDep) -> View:
    return await ui.view(request)


async def project_view(request: Request, project_id: str, ui: UiDep) -> ProjectView:
    return await ui.project_view(request, project_id)


ViewDep = Annotated[View, Depends(signed_in_view)]
"""The signed-in view (a page outside any project); not signed in is the sign-in page."""
ProjectViewDep = Annotated[ProjectView, Depends(project_view)]
"""The signed-in view in the path's `{project_id}` (typed: its project is never None); a project the session
may not open is the not-found page."""


class PageRoute(APIRoute):
    """A dashboard page: a platform error raised by the page or by its dependencies (the signed-in view)
    becomes a page (`Ui.error_answer`), never the API's JSON envelope."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except LinkyardError as error:
                ui: Ui = request.app.state.dashboard_ui
                return ui.error_answer(request, error)

        return page


@dataclass(frozen=True, slots=True)
class Page:
    """One dashboard route: method, path, handler (each route module lists its own in `PAGES`)."""

    method: str
    path: str
    handler: Callable[..., Coroutine[Any, Any, Response]]


def add_pages(routes: APIRouter, pages: Iterable[Page]) -> None:
    for page in pages:
        routes.add_api_route(
            page.path,
            page.handler,
            methods=[page.method],
            include_in_schema=False,
            route_class_override=PageRoute,
        )


CROSS_SITE_MESSAGE = (
    "This form was sent from another site, not from this dashboard's own page, so nothing was changed. "
    "If you meant to do this, open the dashboard at its address and try again."
)


def sent_from_another_site(request: Request, public_url: str) -> bool:
    """Whether the browser says a form was posted from anywhere but this dashboard's own pages.

    `Sec-Fetch-Site` is the browser's own word (another port or subdomain is `same-site`: refused too); `Origin`
    must be the configured public URL's, never the request's `Host`. Chromium posts a page's own form with
    `Origin: null` under some referrer policies, believed only with `Sec-Fetch-Site: same-origin`. Tools that
    send neither header pass: a browser always sends one, and the forms' tokens still have to match.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin.strip() == "null":
        return site is None
    return not is_origin_of(origin.strip(), public_url)


def _local_path(request: Request) -> str:
    path = request.url.path
    return f"{path}?{request.url.query}" if request.url.query else path


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this dashboard only (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(ch) < 0x20 for ch in value):
        return "/"
    return value


def _not_found_message(error: NotFound) -> str:
    message = error.message.rstrip(".")
    return f"{message[:1].upper()}{message[1:]}. It may have been deleted, or it belongs to another project."


def _when(moment: Any) -> str:
    """A timestamp as people read it in a table: `2026-11-28 14:05 UTC`."""
    if moment is None:
        return "—"
    return str(moment.strftime("%Y-%m-%d %H:%M UTC"))


def form_text(form: Mapping[str, Any], name: str, *, limit: int = 2000) -> str:
    """A text field of a form, trimmed; a missing or file field reads as empty."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def form_list(form: FormData, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), trimmed, blanks dropped, order kept."""
    return [value.strip() for value in form.getlist(name) if isinstance(value, str) and value.strip()]


def field_errors(error: ValidationFailed) -> dict[str, str]:
    """A 422's culprits by form field (the first message of each; `allowed_origins[2]` reads as
    `allowed_origins`); a failure naming no field is shown at the top of the form (`form`)."""
    found: dict[str, str] = {}
    for item in error.errors:
        name = item["field"].split("[", 1)[0].split(".", 1)[0]
        found.setdefault(name, item["message"])
    if not found:
        found["form"] = error.message
    return found


def _connector_name(key: str) -> str:
    """A connector's name for people (its key → its declared name); the key itself if it is unknown."""
    found = next((connector for connector in list_connectors() if connector.key == key), None)
    return key if found is None else found.name
