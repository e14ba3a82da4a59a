"""The embedded connect UI on the dashboard: the Connect links page's "Embed" section (a snippet to copy), and a
live preview that hosts StackOne's `<stackone-hub>` web component for a fresh connect session.

Linkyard ships no copy of `@stackone/hub`: integrators install it from npm into their own product. The preview
loads it from where the operator says (`LINKYARD_HUB_SCRIPT_URL`, or a local file in `LINKYARD_HUB_SCRIPT_PATH`
that the platform serves at `/static/stackone-hub.js`); without either, it says how to set one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Response

from linkyard import services
from linkyard.config import Settings
from linkyard.errors import ValidationFailed
from linkyard.web.dashboard.routes.connect_links import MAX_TEXT, form_page
from linkyard.web.dashboard.ui import Page, ProjectViewDep, UiDep, field_errors, form_text

LOCAL_SCRIPT = "/static/stackone-hub.js"
PREVIEW_MINUTES = 30
_FIELDS = ("preview_owner_id", "preview_owner_name", "preview_integration_id")


def hub_script(settings: Settings) -> str | None:
    """Where the preview's page loads the web component from; None when the operator set neither setting."""
    if settings.hub_script_url is not None:
        return settings.hub_script_url
    if settings.hub_script_path is not None:
        return LOCAL_SCRIPT
    return None


def preview_policy(script: str) -> str:
    """The preview's Content-Security-Policy: the dashboard's, plus what the web component needs (the script's
    origin, the `<style>` elements it adds, its fonts and images in `data:` URLs); its calls go to this
    platform only."""
    parts = urlsplit(script)
    sources = f"'self' {parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"
    return (
        f"default-src 'none'; script-src {sources}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src data:; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


async def embed_preview(view: ProjectViewDep, ui: UiDep) -> Response:
    """A fresh connect session for the form's origin owner and profile, and the page that hosts the UI for it."""
    form = await ui.form(view)
    values = {name: form_text(form, name, limit=MAX_TEXT + 1) for name in _FIELDS}
    settings = view.platform.settings
    script = hub_script(settings)
    try:
        created = await services.create_connect_session(
            view.platform,
            view.project,
            origin_owner_id=values["preview_owner_id"][:MAX_TEXT] or "dashboard-preview",
            origin_owner_name=values["preview_owner_name"][:MAX_TEXT] or "Dashboard preview",
            profile_id=values["preview_integration_id"] or None,
            expires_in=PREVIEW_MINUTES * 60,
        )
    except ValidationFailed as error:
        errors = {"preview": "; ".join(field_errors(error).values()) or error.message}
        return await form_page(ui, view, status=422, values={"expires_in": "30", **values}, errors=errors)
    response = ui.render(
        view,
        "dashboard/embed_preview.html",
        nav="connect_links",
        connect_session=created.session,
        token=created.token,
        base_url=settings.public_url,
        script=script,
    )
    if script is not None:
        response.headers["Content-Security-Policy"] = preview_policy(script)
    return response


PAGES = (Page("POST", "/projects/{project_id}/connect-links/preview", embed_preview),)
