"""Tiny HR's provider, in-process: OAuth 2 (authorization code, HTTP Basic client authentication at its own
token endpoint) and a small directory API, for the tests to link and call as they do Factorial's emulator.

Like the emulator, it shares no code with the connector: it is what the provider does, written from its side.
"""

from __future__ import annotations

import base64
import html
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

ORGANISATION = "org_42"
MEMBER_EMAIL = "ada@tinyhr.example"
TEAMS = ("design", "finance", "people", "platform", "sales")


@dataclass
class Grant:
    """Who a code or token acts for, and what it may do."""

    client_id: str
    email: str
    scopes: frozenset[str]
    redirect_uri: str = ""


@dataclass
class TinyHr:
    """The provider's state, open to the tests (`app.state.tinyhr`)."""

    people: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    clients: dict[str, tuple[str, str]] = field(default_factory=dict)
    """client id → (secret, redirect URI)."""
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, Grant] = field(default_factory=dict)
    api_calls: list[str] = field(default_factory=list)
    """The URL of every API call, as it arrived."""
    token_calls: list[str] = field(default_factory=list)
    """The URL and grant type of every token request (`http://tinyhr.test/oauth2/token refresh_token`)."""
    teams_link_base: str | None = None
    """Where the teams list's `Link` header sends the next page (tests point it at a stranger's host)."""


def create_provider(*, people: int = 57, teams: int = 23) -> Starlette:
    state = TinyHr(
        people=[
            {"id": f"p_{n}", "name": f"Person {n}", "team": TEAMS[n % len(TEAMS)]}
            for n in range(1, people + 1)
        ],
        teams=[{"id": n, "name": f"Team {n}"} for n in range(1, teams + 1)],
    )

    async def register_app(request: Request) -> Response:
        body = await request.json()
        client_id, secret = f"tiny_{secrets.token_hex(6)}", secrets.token_urlsafe(24)
        state.clients[client_id] = (secret, str(body["redirect_uri"]))
        return JSONResponse({"client_id": client_id, "client_secret": secret}, status_code=201)

    async def apps_page(request: Request) -> Response:
        return HTMLResponse("<h1>Tiny HR developer apps</h1>")

    async def consent_page(request: Request) -> Response:
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(request.query_params.get(name, ""))}">'
            for name in ("client_id", "redirect_uri", "state", "scope")
        )
        return HTMLResponse(
            f'<form method="post">{fields}<input name="email"><button name="decision" value="approve">Allow'
            "</button></form>"
        )

    async def consent(request: Request) -> Response:
        form = await request.form()
        client_id, redirect_uri = str(form.get("client_id", "")), str(form.get("redirect_uri", ""))
        if state.clients.get(client_id, ("", ""))[1] != redirect_uri:
            return HTMLResponse("unknown application or redirect URI", status_code=400)
        query: dict[str, str] = {"state": str(form.get("state", ""))}
        if form.get("decision") == "approve":
            code = secrets.token_urlsafe(16)
            scopes = frozenset(str(form.get("scope", "")).split())
            state.codes[code] = Grant(client_id, str(form.get("email", "")), scopes, redirect_uri)
            query["code"] = code
        else:
            query["error"] = "access_denied"
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    async def token(request: Request) -> Response:
        client_id = _basic_client(request, state)
        if client_id is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        form = await request.form()
        state.token_calls.append(f"{request.url} {form.get('grant_type')}")
        grant: Grant | None = None
        if form.get("grant_type") == "authorization_code":
            grant = state.codes.pop(str(form.get("code", "")), None)
            if grant is not None and grant.redirect_uri != form.get("redirect_uri"):
                grant = None
        elif form.get("grant_type") == "refresh_token":
            grant = state.tokens.pop(f"refresh:{form.get('refresh_token', '')}", None)
        if grant is None or grant.client_id != client_id:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        state.tokens[access] = grant
        state.tokens[f"refresh:{refresh}"] = grant
        return JSONResponse(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": refresh,
                "scope": " ".join(sorted(grant.scopes)),
            }
        )

    def caller(request: Request, scope: str | None = None) -> Grant | Response:
        header = request.headers.get("authorization", "")
        grant = state.tokens.get(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None
        if grant is None:
            return JSONResponse({"message": "bad token"}, status_code=401)
        if scope is not None and grant.scopes and scope not in grant.scopes:
            return JSONResponse({"message": f"needs {scope}"}, status_code=403)
        state.api_calls.append(str(request.url))
        return grant

    async def me(request: Request) -> Response:
        grant = caller(request)
        if isinstance(grant, Response):
            return grant
        return JSONResponse(
            {
                "organisation_id": ORGANISATION,
                "person_id": "p_1",
                "email": grant.email,
                "display_name": "Ada Lovelace",
            }
        )

    async def people_list(request: Request) -> Response:
        grant = caller(request, "people:read")
        if isinstance(grant, Response):
            return grant
        teams = request.query_params.getlist("team")
        chosen = [p for p in state.people if not teams or p["team"] in teams]
        page, size = (
            int(request.query_params.get("page", "1")),
            int(request.query_params.get("per_page", "20")),
        )
        start = (page - 1) * size
        more = start + size < len(chosen)
        following = f"{request.url.replace(query=None)}?{urlencode({'page': page + 1, 'per_page': size})}"
        return JSONResponse(
            {
                "results": chosen[start : start + size],
                "next": following if more else None,
                "count": len(chosen),
            }
        )

    async def people_create(request: Request) -> Response:
        grant = caller(request, "people:write")
        if isinstance(grant, Response):
            return grant
        body = await request.json()
        person = {"id": f"p_{len(state.people) + 1}", "name": body["name"], "team": body["team"]}
        state.people.append(person)
        return JSONResponse(person, status_code=201)

    async def person(request: Request) -> Response:
        grant = caller(request, "people:read")
        if isinstance(grant, Response):
            return grant
        found = next((p for p in state.people if p["id"] == request.path_params["id"]), None)
        return JSONResponse(found or {"message": "not found"}, status_code=200 if found else 404)

    async def teams_list(request: Request) -> Response:
        # GitHub's style: `since` is the last id seen, the next page is in the `Link` header.
        grant = caller(request, "teams:read")
        if isinstance(grant, Response):
            return grant
        since, size = (
            int(request.query_params.get("since", "0")),
            int(request.query_params.get("per_page", "5")),
        )
        page = [team for team in state.teams if team["id"] > since][:size]
        headers = {}
        if page and page[-1]["id"] < state.teams[-1]["id"]:
            base = state.teams_link_base or str(request.url.replace(query=None))
            target = f"{base}?{urlencode({'since': page[-1]['id'], 'per_page': size})}"
            headers["link"] = f'<{target}>; rel="next"'
        return JSONResponse(page, headers=headers)

    app = Starlette(
        routes=[
            Route("/developers/apps", apps_page, methods=["GET"]),
            Route("/developers/apps", register_app, methods=["POST"]),
            Route("/oauth2/auth", consent_page, methods=["GET"]),
            Route("/oauth2/auth", consent, methods=["POST"]),
            Route("/oauth2/token", token, methods=["POST"]),
            Route("/v1/me", me, methods=["GET"]),
            Route("/v1/people", people_list, methods=["GET"]),
            Route("/v1/people", people_create, methods=["POST"]),
            Route("/v1/people/{id}", person, methods=["GET"]),
            Route("/v1/teams", teams_list, methods=["GET"]),
        ]
    )
    app.state.tinyhr = state
    return app


def _basic_client(request: Request, state: TinyHr) -> str | None:
    """The client id of a request whose `Authorization: Basic` carries a registered client's credentials."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    except ValueError:
        return None
    known = state.clients.get(client_id)
    return client_id if known is not None and secrets.compare_digest(known[0], secret) else None
