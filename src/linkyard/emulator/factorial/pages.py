"""The browser pages: sign-in picker, OAuth consent (`/oauth/authorize`) and the OAuth applications admin.

The session is an HttpOnly, SameSite=Lax cookie naming the signed-in login email: this is a test double,
so any user may be picked without a password. POSTs from these pages are refused when the browser says they
come from another origin (`Origin` / `Sec-Fetch-Site`); the applications pages also need an admin's session
cookie. `POST /oauth/authorize` identifies the user by its `login_email` field, so tests can post the
consent form without a cookie.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .seed import describe_company
from .state import Company, OAuthApplication, Row, World, can_sign_in, is_admin
from .tokens import (
    SCOPES,
    AuthorizationRequest,
    OAuthError,
    RedirectError,
    check_authorization_request,
    create_application,
    issue_code,
)

__all__ = ["SCOPE_DESCRIPTIONS", "SESSION_COOKIE", "create_application", "page_routes"]

SESSION_COOKIE = "factorial_session"
PICKER_LIMIT = 25  # companies with more sign-in users list `describe_company`'s users plus a free email field
AUTHORIZE_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "resource_owner_type",
    "code_challenge",
    "code_challenge_method",
    "login_email",
    "decision",
)

# What each scope lets an application do, in plain words for the consent screen (each grants read and write).
SCOPE_DESCRIPTIONS: dict[str, str] = {
    "banking": "Bank accounts, account numbers and transactions",
    "company_legal_entities": "The company's legal entities",
    "company_holidays": "Company holidays",
    "company_locations": "Locations and work areas",
    "contracts": "Contracts, contract versions and compensations",
    "custom_fields": "Custom fields and custom resources",
    "documents": "Documents and their download links",
    "employees": "Employees, teams and team memberships",
    "employee_updates": "Employee updates: new hires, terminations, absences, personal and contract changes",
    "expenses": "Expenses, mileage and per diems",
    "finance": "Finance: accounts, cost centres, journal entries, contacts and tax rates",
    "integrations": "Payroll integration codes",
    "job_catalog": "The job catalog: roles and levels",
    "marketplace": "Marketplace installation settings",
    "payroll": "Payroll: family situations, policy periods and payroll identifiers",
    "payroll_supplements": "Payroll supplements",
    "performance": "Performance reviews, evaluations, scores and agreements",
    "posts": "Posts, comments and groups",
    "project_management_expenses": "Project expense records",
    "project_management_projects": "Projects, project tasks, workers and subprojects",
    "project_management_time": "Project time records",
    "shift_management": "Planned shifts",
    "tasks": "Tasks and their files",
    "time_off": "Time off: leaves, leave types, allowances and policies",
    "time_tracking": "Time tracking: clock-ins, worked time, overtime and work schedules",
    "trainings": "Trainings, sessions and attendance",
    "recruitment": "Recruitment: job postings, candidates and applications",
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _render(template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", None)
    context.setdefault("current_path", "/")
    context.setdefault("switch_user", False)
    context["status_code"] = status
    html = _templates.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=_PAGE_HEADERS)


def _redirect(url: str, status: int = 302) -> RedirectResponse:
    return RedirectResponse(url, status_code=status, headers={"Cache-Control": "no-store"})


def _with_query(uri: str, params: dict[str, str | None]) -> str:
    """`uri` plus `params` (None values dropped), joined with `&` when `uri` already has a query."""
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


def _path_with_query(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _same_origin(request: Request) -> bool:
    """False when the browser says a POST comes from another site (CSRF); tools with neither header pass.

    The browser's `Sec-Fetch-Site` decides when it is sent: under these pages' `no-referrer` policy Chromium
    posts this very page's forms with `Origin: null`, which alone would read as a foreign (opaque) origin.
    """
    site = request.headers.get("sec-fetch-site", "").lower()
    if site:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin == f"{request.url.scheme}://{request.url.netloc}"


def _safe_return_to(request: Request, value: str | None) -> str | None:
    """A same-site path to go back to after signing in, or None (open redirects are refused)."""
    if not value or any(ch in value for ch in "\r\n\t\\") or len(value) > 4000:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if f"{parts.scheme}://{parts.netloc}" != f"{request.url.scheme}://{request.url.netloc}":
            return None
        value = parts.path + (f"?{parts.query}" if parts.query else "")
    if not value.startswith("/") or value.startswith("//"):
        return None
    return value


def _person(company: Company, employee: Row) -> dict[str, Any]:
    name = employee.get("full_name") or " ".join(
        str(part) for part in (employee.get("first_name"), employee.get("last_name")) if part
    )
    return {
        "email": employee.get("login_email") or "",
        "name": name or employee.get("login_email") or f"Employee {employee['id']}",
        "role": "admin" if is_admin(employee) else "basic",
        "admin": is_admin(employee),
        "company": company.name,
        "company_id": company.id,
    }


def _application_view(application: OAuthApplication) -> dict[str, Any]:
    return {
        "id": application.id,
        "name": application.name,
        "client_id": application.client_id,
        "redirect_uris": application.redirect_uris,
        "scopes": application.scopes,
        "confidential": application.confidential,
    }


def _validate_application_form(form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed values (kept for a re-render) and the errors by field name."""
    values: dict[str, Any] = {
        "name": str(form.get("name") or ""),
        "redirect_uri": str(form.get("redirect_uri") or ""),
        "confidential": form.get("confidential") is not None,
        "scopes": [str(scope) for scope in form.getlist("scopes")],
    }
    errors: dict[str, str] = {}
    if not values["name"].strip():
        errors["name"] = "Name can't be blank."
    elif len(values["name"]) > 255:
        errors["name"] = "Name is too long (at most 255 characters)."
    uris = [line.strip() for line in values["redirect_uri"].splitlines() if line.strip()]
    if not uris:
        errors["redirect_uri"] = "Add at least one redirect URI."
    for uri in uris:
        problem = _redirect_uri_problem(uri)
        if problem:
            errors["redirect_uri"] = f"{uri[:200]}: {problem}"
            break
    unknown = [scope for scope in values["scopes"] if scope not in SCOPES]
    if unknown:
        errors["scopes"] = f"Unknown scope: {unknown[0][:100]}."
    elif not values["scopes"]:
        errors["scopes"] = "Select at least one scope."
    values["redirect_uris"] = uris
    return values, errors


def _redirect_uri_problem(uri: str) -> str | None:
    if any(ch.isspace() for ch in uri):
        return "must not contain spaces."
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return "is not a valid URI."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http:// or https:// URI."
    if "#" in uri:
        return "must not contain a fragment (#)."
    return None


def page_routes(world: World) -> list[BaseRoute]:
    """The sign-in, consent and OAuth applications pages bound to `world`."""

    def signed_in(request: Request) -> tuple[Company, Row] | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        found = world.user_by_email(unquote(cookie)) if cookie else None
        if found is None or not can_sign_in(found[1]):
            return None
        return found

    def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        found = signed_in(request)
        user = None if found is None else _person(*found)
        return _render(template, status=status, user=user, current_path=_path_with_query(request), **context)

    def error_page(
        request: Request, status: int, title: str, message: str, *, switch: bool = False
    ) -> HTMLResponse:
        return page(request, "error.html", status=status, title=title, message=message, switch_user=switch)

    def to_sign_in(request: Request) -> RedirectResponse:
        return _redirect("/sign_in?" + urlencode({"return_to": _path_with_query(request)}))

    def picker(company: Company) -> dict[str, Any]:
        employees = world.table("employees/employees").rows(company.id)
        rows = [row for row in employees if row.get("login_email") and can_sign_in(row)]
        complete = len(rows) <= PICKER_LIMIT
        if not complete:
            described = describe_company(world, company)
            wanted = [int(user["employee_id"]) for user in described["users"]]
            rows = [
                row for row in (world.employee(company.id, i) for i in wanted) if row and can_sign_in(row)
            ]
        else:
            rows.sort(key=lambda row: (not is_admin(row), row["id"]))
        return {"name": company.name, "users": [_person(company, row) for row in rows], "complete": complete}

    def sign_in_form(
        request: Request, *, return_to: str | None, email: str = "", error: str = ""
    ) -> HTMLResponse:
        companies = [picker(company) for company in world.companies.values()]
        return page(
            request,
            "sign_in.html",
            status=400 if error else 200,
            companies=companies,
            return_to=return_to or "",
            email=email,
            error=error,
        )

    async def sign_in_page(request: Request) -> Response:
        return sign_in_form(
            request, return_to=_safe_return_to(request, request.query_params.get("return_to"))
        )

    async def sign_in(request: Request) -> Response:
        if not _same_origin(request):
            return error_page(request, 403, "Request refused", "This form was posted from another site.")
        form = await request.form()
        email = str(form.get("login_email") or "").strip()
        return_to = _safe_return_to(request, str(form.get("return_to") or ""))
        found = world.user_by_email(email) if email else None
        if found is None or not can_sign_in(found[1]):
            message = (
                "No user with login access has this email." if email else "Enter an email or pick a user."
            )
            return sign_in_form(request, return_to=return_to, email=email, error=message)
        _, employee = found
        target = return_to or ("/oauth/applications" if is_admin(employee) else "/sign_in")
        response = _redirect(target, 303)
        response.set_cookie(
            SESSION_COOKIE,
            quote(str(employee["login_email"]).lower(), safe=""),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    async def sign_out(request: Request) -> Response:
        if not _same_origin(request):
            return error_page(request, 403, "Request refused", "This form was posted from another site.")
        form = await request.form()
        return_to = _safe_return_to(request, str(form.get("return_to") or ""))
        target = "/sign_in" + (f"?{urlencode({'return_to': return_to})}" if return_to else "")
        response = _redirect(target, 303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
        return response

    # --- consent ---------------------------------------------------------------------------------

    def authorize_error(request: Request, error: OAuthError, values: dict[str, str]) -> Response:
        """Client and redirect URI problems are shown here; other errors go back to the (checked) client."""
        if isinstance(error, RedirectError):
            params = {
                "error": error.error,
                "error_description": error.description,
                "state": values.get("state") or None,
            }
            return _redirect(_with_query(values["redirect_uri"], params))
        return error_page(request, 400, "Authorization failed", error.description)

    def check(values: dict[str, str]) -> AuthorizationRequest:
        return check_authorization_request(
            world,
            client_id=values.get("client_id"),
            redirect_uri=values.get("redirect_uri"),
            response_type=values.get("response_type"),
            scope=values.get("scope"),
            state=values.get("state"),
            resource_owner_type=values.get("resource_owner_type"),
            code_challenge=values.get("code_challenge"),
            code_challenge_method=values.get("code_challenge_method"),
        )

    async def authorize_page(request: Request) -> Response:
        values = dict(request.query_params)
        try:
            checked = check(values)
        except OAuthError as error:
            return authorize_error(request, error, values)
        found = signed_in(request)
        if found is None:
            return to_sign_in(request)
        company, employee = found
        if checked.resource_owner_type == "company" and not is_admin(employee):
            denied = RedirectError("access_denied", "Only a company admin can grant a company token.")
            return authorize_error(request, denied, values)
        hidden = {
            "client_id": checked.application.client_id,
            "redirect_uri": checked.redirect_uri,
            "response_type": "code",
            "scope": " ".join(checked.scopes),
            "state": checked.state or "",
            "resource_owner_type": checked.resource_owner_type,
            "code_challenge": checked.code_challenge or "",
            "code_challenge_method": checked.code_challenge_method or "",
            "login_email": str(employee["login_email"]),
        }
        owner = world.companies.get(checked.application.company_id)
        return page(
            request,
            "consent.html",
            application=_application_view(checked.application),
            publisher=owner.name if owner else None,
            person=_person(company, employee),
            scopes=[(scope, SCOPE_DESCRIPTIONS.get(scope, scope)) for scope in checked.scopes],
            company_token=checked.resource_owner_type == "company",
            redirect_host=urlsplit(checked.redirect_uri).netloc,
            hidden=hidden,
        )

    async def authorize(request: Request) -> Response:
        form = await request.form()
        values = {name: str(form.get(name) or "") for name in AUTHORIZE_FIELDS}
        if not _same_origin(request):
            return error_page(request, 403, "Request refused", "This form was posted from another site.")
        try:
            checked = check(values)
            if values["decision"] == "deny":
                raise RedirectError("access_denied", "The user denied the authorization request.")
            if values["decision"] != "approve":
                raise RedirectError("invalid_request", "decision must be 'approve' or 'deny'.")
            found = world.user_by_email(values["login_email"]) if values["login_email"] else None
            if found is None:
                raise RedirectError("access_denied", "No user with login access has this email.")
            company, employee = found
            code = issue_code(world, checked, company_id=company.id, employee=employee)
        except OAuthError as error:
            return authorize_error(request, error, values)
        return _redirect(_with_query(checked.redirect_uri, {"code": code, "state": checked.state}))

    # --- applications admin ----------------------------------------------------------------------

    def admin_or_refusal(request: Request) -> tuple[Company, Row] | Response:
        found = signed_in(request)
        if found is None:
            return to_sign_in(request)
        if not is_admin(found[1]):
            return error_page(
                request,
                403,
                "Admins only",
                "Only a company admin can manage OAuth applications. Sign in as an admin of your company.",
                switch=True,
            )
        return found

    def owned_applications(company_id: int) -> list[OAuthApplication]:
        return [app for app in world.applications.values() if app.company_id == company_id]

    def application_form(
        request: Request, values: dict[str, Any], errors: dict[str, str], *, status: int = 200
    ) -> HTMLResponse:
        choices = [(scope, SCOPE_DESCRIPTIONS[scope]) for scope in SCOPES]
        return page(
            request, "application_form.html", status=status, values=values, errors=errors, choices=choices
        )

    async def applications(request: Request) -> Response:
        admin = admin_or_refusal(request)
        if isinstance(admin, Response):
            return admin
        company, _ = admin
        views = [_application_view(app) for app in owned_applications(company.id)]
        return page(request, "applications.html", applications=views, company=company.name)

    async def new_application(request: Request) -> Response:
        admin = admin_or_refusal(request)
        if isinstance(admin, Response):
            return admin
        return application_form(
            request, {"name": "", "redirect_uri": "", "confidential": True, "scopes": []}, {}
        )

    async def create(request: Request) -> Response:
        admin = admin_or_refusal(request)
        if isinstance(admin, Response):
            return admin
        if not _same_origin(request):
            return error_page(request, 403, "Request refused", "This form was posted from another site.")
        values, errors = _validate_application_form(await request.form())
        if errors:
            return application_form(request, values, errors, status=422)
        company, _ = admin
        application = create_application(
            world,
            company_id=company.id,
            name=values["name"].strip(),
            redirect_uris=values["redirect_uris"],
            scopes=values["scopes"],
            confidential=values["confidential"],
        )
        return page(
            request,
            "application_created.html",
            status=201,
            application=_application_view(application),
            client_secret=application.client_secret,
        )

    async def application_detail(request: Request) -> Response:
        admin = admin_or_refusal(request)
        if isinstance(admin, Response):
            return admin
        company, _ = admin
        wanted = request.path_params["application_id"]
        found = next((app for app in owned_applications(company.id) if app.id == wanted), None)
        if found is None:
            return error_page(
                request, 404, "Not found", "Your company has no OAuth application with this id."
            )
        return page(request, "application_detail.html", application=_application_view(found))

    return [
        Route("/sign_in", sign_in_page, methods=["GET"], name="sign_in_page"),
        Route("/sign_in", sign_in, methods=["POST"], name="sign_in"),
        Route("/sign_out", sign_out, methods=["POST"], name="sign_out"),
        Route("/oauth/authorize", authorize_page, methods=["GET"], name="oauth_authorize_page"),
        Route("/oauth/authorize", authorize, methods=["POST"], name="oauth_authorize"),
        Route("/oauth/applications", applications, methods=["GET"], name="oauth_applications"),
        Route("/oauth/applications", create, methods=["POST"], name="oauth_applications_create"),
        Route("/oauth/applications/new", new_application, methods=["GET"], name="oauth_applications_new"),
        Route(
            "/oauth/applications/{application_id:int}",
            application_detail,
            methods=["GET"],
            name="oauth_application",
        ),
    ]
