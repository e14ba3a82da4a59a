"""The dashboard: server-rendered pages where people set up projects, connector profiles and linked accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Response

from linkyard.web.dashboard.routes import (
    accounts,
    api_keys,
    connect_links,
    connectors,
    playground,
    profiles,
    projects,
    sign_in,
)
from linkyard.web.dashboard.ui import Ui, add_pages

_STATIC = Path(__file__).parent.parent / "static"
_STATIC_TYPES = {"dashboard.css": "text/css", "dashboard.js": "text/javascript"}


def add_dashboard_routes(app: FastAPI, *, error_status: Callable[[BaseException], int]) -> None:
    """Every dashboard page and its two static files; templates are loaded here, when the app is built (the
    `Ui` is kept in `app.state.dashboard_ui`, where the pages' dependencies find it). `error_status` is the
    edge's one error table (the app factory passes `linkyard.api.errors.status_of`)."""
    app.state.dashboard_ui = Ui(error_status)
    for module in (sign_in, projects, api_keys, connectors, profiles, accounts, connect_links, playground):
        add_pages(app.router, module.PAGES)
    _add_static(app.router)


def _add_static(routes: APIRouter) -> None:
    files = {name: (_STATIC / name).read_bytes() for name in _STATIC_TYPES}

    def serve(name: str) -> Response:
        return Response(
            files[name],
            media_type=_STATIC_TYPES[name],
            headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
        )

    @routes.get("/static/dashboard.css", include_in_schema=False)
    async def dashboard_css() -> Response:
        return serve("dashboard.css")

    @routes.get("/static/dashboard.js", include_in_schema=False)
    async def dashboard_js() -> Response:
        return serve("dashboard.js")
