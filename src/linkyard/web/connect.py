"""The hosted connect pages: the consent page, the start of the OAuth flow, and the provider's callback.

    GET /connect?token=...                           the page: who asks, which provider, which permissions
    GET /connect/oauth2/{profile_id}?token=...       sets the binding cookie, 302 to the provider (the embedded
                                                     connect UI's popup adds `connection_attempt_id`)
    GET /connect/oauth2/{connector}/callback?...     303 to the integrator's return URL, or a success page

A failed step answers with a page that says, in the end user's words, what happened and what to do next
(`_EXPLANATIONS`, by the failure's reason). Every answer is `no-store` and `no-referrer` (the URLs carry a
session token, a code or a state), cannot be framed, and loads nothing from elsewhere. What the provider sent
is escaped by the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from linkyard import services
from linkyard.connectors import get_connector
from linkyard.errors import ConnectFailed, NotFound
from linkyard.oauth.flow import BINDING_COOKIE_PATH, binding_cookie_name, parse_callback
from linkyard.services import Platform

_HERE = Path(__file__).parent
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    ),
}


@dataclass(frozen=True, slots=True)
class _Explanation:
    """A failure page in the end user's words: what happened, and what to do next. `{provider}` is filled in,
    and `{app}` / `{App}` with the project's name when the failure knows it ("the application that sent you
    here" otherwise)."""

    title: str
    happened: str
    next_step: str


_NEW_LINK = "Go back to {app} and ask for a new link."
_LINK_INVALID = _Explanation(
    "This link is not valid",
    "This link has expired or is not valid: connect links work for a limited time.",
    _NEW_LINK,
)
_NOT_AVAILABLE = _Explanation(
    "This connection is not available",
    "{App} has turned this connection off, or it no longer exists. Nothing was shared.",
    "Contact {app}'s support: they can turn it back on and send you a new link.",
)
_SIGN_IN_LOST = _Explanation(
    "This sign-in could not be completed",
    "It expired, was already used, or was started in another browser. Nothing was shared.",
    "Go back to {app} and open its connect link again, in this browser.",
)
_PROVIDER_FAILED = _Explanation(
    "The connection could not be completed",
    "{provider} could not complete the sign-in, so no account was linked.",
    "Go back to {app} and ask for a new link to try again. If it fails again, contact {app}'s support.",
)
# By `ConnectFailed.reason` (services/connect.py); `token_<error>` reasons are the provider refusing the code.
_EXPLANATIONS = {
    "link_invalid": _LINK_INVALID,
    "link_used": _Explanation(
        "This link was already used",
        "Each connect link works once, and this one was already used.",
        "If you connected your account with it, there is nothing more to do. If not, go back to {app} and "
        "ask for a new link.",
    ),
    "access_denied": _Explanation(
        "Connection cancelled",
        "You declined to connect your {provider} account. Nothing was shared.",
        "If you change your mind, go back to {app} and ask for a new link.",
    ),
    "profile_unavailable": _NOT_AVAILABLE,
    "profile_disabled": _NOT_AVAILABLE,
    "state_missing": _SIGN_IN_LOST,
    "state_invalid": _SIGN_IN_LOST,
    "state_mismatch": _SIGN_IN_LOST,
    "provider_error": _PROVIDER_FAILED,
    "code_missing": _PROVIDER_FAILED,
    "attempt_ended": _Explanation(
        "This sign-in has ended",
        "It was cancelled in {app}, or took too long. Nothing was shared.",
        "Close this window and press Connect in {app} again.",
    ),
}
_DEFAULT_TITLE = "The connection could not be completed"

TokenQuery = Annotated[str, Query(max_length=200)]
_MAX_ATTEMPT_ID = 64


def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def add_connect_routes(routes: APIRouter) -> None:
    """The hosted connect routes; templates and the stylesheet are loaded here, when the app is built."""
    templates = _templates()
    stylesheet = (_HERE / "static" / "connect.css").read_bytes()
    icon_svg = (_HERE / "static" / "icon.svg").read_bytes()

    def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = templates.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def failed(failure: ConnectFailed, provider: str = "The provider") -> HTMLResponse:
        explained = _EXPLANATIONS.get(failure.reason)
        if explained is None and failure.reason.startswith("token_"):
            explained = _PROVIDER_FAILED
        app = failure.project_name or "the application that sent you here"
        words = {"provider": provider, "app": app, "App": app[:1].upper() + app[1:]}
        title, happened, next_step = (
            (explained.title, explained.happened.format(**words), explained.next_step.format(**words))
            if explained is not None
            else (_DEFAULT_TITLE, failure.message, _NEW_LINK.format(**words))
        )
        return render(
            "error.html",
            400,
            title=title,
            message=happened,
            next_step=next_step,
            provider_name=provider,
            provider_description=failure.provider_description,
        )

    @routes.get("/favicon.ico", include_in_schema=False)
    async def icon() -> Response:
        # Browsers ask every page of the server for it; a 404 would be a console error on each first visit.
        return Response(
            icon_svg,
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    @routes.get("/connect/style.css", include_in_schema=False)
    async def connect_stylesheet() -> Response:
        return Response(
            stylesheet,
            media_type="text/css",
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    @routes.get("/connect", include_in_schema=False)
    async def connect_page(request: Request, token: TokenQuery = "") -> Response:
        try:
            page = await services.describe_connect(_platform(request), token)
        except ConnectFailed as failure:
            return failed(failure)
        return render(
            "connect.html",
            project_name=page.project.name,
            connector_name=page.connector.name,
            scopes=page.scopes,
            token_type_description=page.token_type_description,
            start_url=f"/connect/oauth2/{quote(page.profile.id, safe='')}?token={quote(token, safe='')}",
        )

    @routes.get("/connect/oauth2/{profile_id}", include_in_schema=False)
    async def connect_start(
        request: Request, profile_id: str, token: TokenQuery = "", connection_attempt_id: str = ""
    ) -> Response:
        # The embedded connect UI opens this in a popup with `connection_attempt_id` (and a `redirect_uri` of
        # its own, which is never followed: the flow ends on the hosted success page).
        attempt = connection_attempt_id or None
        if not _top_level_navigation(request) or (attempt is not None and len(attempt) > _MAX_ATTEMPT_ID):
            return failed(ConnectFailed("This link is not valid.", reason="link_invalid"))
        try:
            started = await services.start_connect(
                _platform(request), token, profile_id, connection_attempt_id=attempt
            )
        except ConnectFailed as failure:
            return failed(failure)
        response = RedirectResponse(started.authorize_url, status_code=302, headers=PAGE_HEADERS)
        cookie = started.cookie
        response.set_cookie(
            cookie.name,
            cookie.value,
            max_age=cookie.max_age,
            path=cookie.path,
            secure=cookie.secure,
            httponly=cookie.httponly,
            samesite=cookie.samesite,
        )
        return response

    @routes.get("/connect/oauth2/{connector}/callback", include_in_schema=False)
    async def connect_callback(request: Request, connector: str) -> Response:
        platform = _platform(request)
        callback = parse_callback(request.query_params)
        cookie_name = binding_cookie_name(callback.state) if callback.state else None
        binding = request.cookies.get(cookie_name) if cookie_name else None
        consumed = True
        try:
            finished = await services.finish_connect(platform, connector, callback, browser_binding=binding)
        except ConnectFailed as failure:
            consumed = failure.state_consumed
            response: Response = failed(failure, _provider_name(connector))
        else:
            if finished.redirect_url is not None:
                response = RedirectResponse(finished.redirect_url, status_code=303, headers=PAGE_HEADERS)
            else:
                response = render(
                    "success.html",
                    project_name=finished.project.name,
                    connector_name=get_connector(finished.account.connector).name,
                )
        if consumed and cookie_name and binding is not None:
            # The binding has served; a refused attempt (say, a stray request) leaves the real one usable.
            response.delete_cookie(
                cookie_name,
                path=BINDING_COOKIE_PATH,
                secure=platform.settings.public_url.startswith("https://"),
            )
        return response


def _top_level_navigation(request: Request) -> bool:
    """Whether the browser opened the page itself (a link, a popup), rather than a script fetching it: the
    session token is taken in a URL from top-level navigations only. Browsers that do not send the Fetch
    Metadata headers are not refused."""
    mode = request.headers.get("sec-fetch-mode")
    return mode is None or mode == "navigate"


def _provider_name(connector_key: str) -> str:
    try:
        return get_connector(connector_key).name
    except NotFound:
        return "The provider"
