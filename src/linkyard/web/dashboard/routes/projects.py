"""Projects: the list (and, for the admin, a new project with its first API key shown once), a project's
overview with the steps that are left, and its settings (name, allowed origins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request, Response

from linkyard import services
from linkyard.connectors import Connector, list_connectors
from linkyard.errors import Forbidden, ValidationFailed
from linkyard.web.dashboard.counts import linked_accounts
from linkyard.web.dashboard.ui import Page, ProjectViewDep, UiDep, ViewDep, field_errors, form_text


@dataclass(frozen=True, slots=True, kw_only=True)
class Registration:
    """How to register an OAuth application at one provider: the redirect URI to paste, and the local
    emulator's applications page when this server runs the provider's sandbox."""

    connector: Connector
    redirect_uri: str
    sandbox_applications_url: str | None


def _origins(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


async def projects_page(view: ViewDep, ui: UiDep) -> Response:
    return ui.render(view, "dashboard/projects.html", values={}, errors={})


async def project_create(view: ViewDep, ui: UiDep, request: Request) -> Response:
    if not view.session.is_admin:
        raise Forbidden("Projects are created with the admin token: sign in with it to add one.")
    form = await ui.form(view)
    values = {
        "name": form_text(form, "name", limit=300),
        "allowed_origins": form_text(form, "allowed_origins"),
    }
    try:
        created = await services.create_project(
            view.platform.store, values["name"], allowed_origins=_origins(values["allowed_origins"])
        )
    except ValidationFailed as error:
        return ui.render(
            view, "dashboard/projects.html", status=422, values=values, errors=field_errors(error)
        )
    view = await ui.project_view(request, created.project.id)
    return ui.render(view, "dashboard/api_key_created.html", created=created.api_key, first_key=True)


async def project_switch(
    ui: UiDep, request: Request, project_id: Annotated[str, Query(max_length=64)]
) -> Response:
    # The project is in the query (the switcher's form), not the path: no `ProjectViewDep` here.
    view = await ui.project_view(request, project_id)
    return ui.redirect(view.project_url)


async def project_overview(view: ProjectViewDep, ui: UiDep, project_id: str) -> Response:
    store = view.platform.store
    profiles = await store.connector_profiles.list(project_id)
    return ui.render(
        view,
        "dashboard/project.html",
        nav="overview",
        profiles=profiles,
        account_count=await linked_accounts(view.platform, project_id),
        registrations=[_registration(view.platform, connector) for connector in list_connectors()],
    )


async def project_settings(view: ProjectViewDep, ui: UiDep) -> Response:
    values = {"name": view.project.name, "allowed_origins": "\n".join(view.project.allowed_origins)}
    return ui.render(view, "dashboard/project_settings.html", nav="settings", values=values, errors={})


async def project_settings_save(view: ProjectViewDep, ui: UiDep, project_id: str) -> Response:
    form = await ui.form(view)
    values = {
        "name": form_text(form, "name", limit=300),
        "allowed_origins": form_text(form, "allowed_origins"),
    }
    try:
        await services.update_project(
            view.platform.store,
            project_id,
            name=values["name"],
            allowed_origins=_origins(values["allowed_origins"]),
        )
    except ValidationFailed as error:
        return ui.render(
            view,
            "dashboard/project_settings.html",
            status=422,
            nav="settings",
            values=values,
            errors=field_errors(error),
        )
    return ui.redirect(f"/projects/{project_id}/settings", notice="origins_updated")


PAGES = (
    Page("GET", "/projects", projects_page),
    Page("POST", "/projects", project_create),
    Page("GET", "/projects/switch", project_switch),
    Page("GET", "/projects/{project_id}", project_overview),
    Page("GET", "/projects/{project_id}/settings", project_settings),
    Page("POST", "/projects/{project_id}/settings", project_settings_save),
)


def _registration(platform: services.Platform, connector: Connector) -> Registration:
    url = services.sandbox_url(platform.settings, connector.key)
    path = connector.auth.applications_path
    return Registration(
        connector=connector,
        redirect_uri=platform.settings.redirect_uri(connector.key),
        sandbox_applications_url=f"{url}{path}" if url and path else None,
    )
