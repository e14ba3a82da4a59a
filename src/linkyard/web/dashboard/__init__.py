"""The dashboard: server-rendered pages where people set up projects, connector profiles and linked accounts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response

from linkyard.errors import NotFound
from linkyard.web.dashboard.routes import (
    accounts,
    api_keys,
    connect_links,
    connectors,
    embed,
    logs,
    playground,
    profiles,
    projects,
    sign_in,
    tool_feedback,
    webhooks,
)
from linkyard.web.dashboard.routes.embed import LOCAL_SCRIPT
from linkyard.web.dashboard.ui import Ui, add_pages

_STATIC = Path(__file__).parent.parent / "static"
_STATIC_TYPES = {
    "dashboard.css": "text/css",
    "dashboard.js": "text/javascript",
    "embed.js": "text/javascript",
}


def add_dashboard_routes(app: FastAPI, *, error_status: Callable[[BaseException], int]) -> None:
    """Every dashboard page and its two static files; templates are loaded here, when the app is built (the
    `Ui` is kept in `app.state.dashboard_ui`, where the pages' dependencies find it). `error_status` is the
    edge's one error table (the app factory passes `linkyard.api.errors.status_of`)."""
    app.state.dashboard_ui = Ui(error_status)
    for module in (
        sign_in,
        projects,
        api_keys,
        connectors,
        profiles,
        accounts,
        connect_links,
        embed,
        playground,
        logs,
        tool_feedback,
        webhooks,
    ):
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

    @routes.get("/static/embed.js", include_in_schema=False)
    async def embed_js() -> Response:
        return serve("embed.js")

    loaded: dict[Path, bytes] = {}

    @routes.get(LOCAL_SCRIPT, include_in_schema=False)
    async def stackone_hub_js(request: Request) -> Response:
        # The operator's local copy of `@stackone/hub`'s web component (LINKYARD_HUB_SCRIPT_PATH), read once.
        path = request.app.state.platform.settings.hub_script_path
        if path is None:
            raise NotFound("No local copy of @stackone/hub is configured (LINKYARD_HUB_SCRIPT_PATH)")
        if path not in loaded:
            try:
                loaded[path] = await asyncio.to_thread(Path(path).read_bytes)
            except OSError:
                raise NotFound("LINKYARD_HUB_SCRIPT_PATH names no readable file") from None
        return Response(
            loaded[path],
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
        )
