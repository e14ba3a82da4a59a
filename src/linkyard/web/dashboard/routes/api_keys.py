"""A project's API keys: list, create (the key is shown once, on the answer to the form), revoke."""

from __future__ import annotations

from fastapi import Response

from linkyard import services
from linkyard.errors import ValidationFailed
from linkyard.services.dashboard_sessions import sign_out
from linkyard.web.dashboard.ui import (
    SESSION_COOKIE,
    Page,
    ProjectView,
    ProjectViewDep,
    Ui,
    UiDep,
    field_errors,
    form_text,
)


async def keys_page(
    ui: Ui, view: ProjectView, *, status: int = 200, values: dict[str, str], errors: dict[str, str]
) -> Response:
    keys = await services.list_api_keys(view.platform.store, view.project.id)
    return ui.render(
        view,
        "dashboard/api_keys.html",
        status=status,
        nav="api_keys",
        keys=keys,
        values=values,
        errors=errors,
    )


async def api_keys(view: ProjectViewDep, ui: UiDep) -> Response:
    return await keys_page(ui, view, values={}, errors={})


async def api_key_create(view: ProjectViewDep, ui: UiDep, project_id: str) -> Response:
    form = await ui.form(view)
    values = {"name": form_text(form, "name", limit=300)}
    try:
        created = await services.create_api_key(view.platform.store, project_id, values["name"])
    except ValidationFailed as error:
        return await keys_page(ui, view, status=422, values=values, errors=field_errors(error))
    return ui.render(view, "dashboard/api_key_created.html", nav="api_keys", created=created, first_key=False)


async def api_key_revoke_confirm(view: ProjectViewDep, ui: UiDep, project_id: str, key_id: str) -> Response:
    key = await view.platform.store.api_keys.get(project_id, key_id)
    return ui.render(
        view,
        "dashboard/api_key_revoke.html",
        nav="api_keys",
        key=key,
        own_key=view.session.key_id == key.id,
    )


async def api_key_revoke(view: ProjectViewDep, ui: UiDep, project_id: str, key_id: str) -> Response:
    await ui.form(view)
    await services.revoke_api_key(view.platform.store, project_id, key_id)
    if view.session.key_id == key_id:
        # The session stood on this key: it ends here, for every worker, and the sign-in page says why.
        await sign_out(view.platform, view.session)
        response = ui.redirect("/sign-in", notice="api_key_revoked")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return ui.redirect(f"/projects/{project_id}/api-keys", notice="api_key_revoked")


PAGES = (
    Page("GET", "/projects/{project_id}/api-keys", api_keys),
    Page("POST", "/projects/{project_id}/api-keys", api_key_create),
    Page("GET", "/projects/{project_id}/api-keys/{key_id}/revoke", api_key_revoke_confirm),
    Page("POST", "/projects/{project_id}/api-keys/{key_id}/revoke", api_key_revoke),
)
