"""Connector profiles: the list, the wizard that creates one (connector → how to authenticate → the form), a
profile's page, its edit form, disable/enable and delete.

A form that fails validation comes back with every value kept and each problem next to its field; the client
secret is kept too, sealed to the session in a hidden field, and never written back into the page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import Query, Request, Response

from linkyard import services
from linkyard.connectors import Connector, get_connector
from linkyard.domain import ConnectorProfile
from linkyard.errors import Conflict, ValidationFailed
from linkyard.services.dashboard_sessions import open_draft_secret, seal_draft_secret
from linkyard.services.views import profile_actions
from linkyard.web.dashboard.counts import linked_accounts
from linkyard.web.dashboard.profile_form import (
    MAX_QUERY_LENGTH,
    Problems,
    ProfileForm,
    action_groups,
    describe,
    read_form,
    search_connectors,
    stored_values,
)
from linkyard.web.dashboard.routes.connectors import (
    default_environment,
    environment_choices,
    find_connector,
    words,
)
from linkyard.web.dashboard.ui import Page, ProjectView, ProjectViewDep, Ui, UiDep, View, form_text


def profiles_url(view: View, *parts: str) -> str:
    return "/".join((f"{view.project_url}/connector-profiles", *parts))


def render_form(
    ui: Ui,
    view: View,
    connector: Connector,
    values: ProfileForm,
    *,
    profile: ConnectorProfile | None = None,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    """The profile form: step 3 of the wizard (no `profile`) or a profile's edit page."""
    problems = problems or Problems()
    if profile is None:
        action = f"{profiles_url(view, 'new')}?connector={connector.key}&auth_type={connector.auth.mode}"
    else:
        action = profiles_url(view, profile.id, "edit")
    return ui.render(
        view,
        "dashboard/profile_form.html",
        status=status,
        nav="profiles",
        connector=connector,
        profile=profile,
        values=values,
        errors=problems.fields,
        action_errors=problems.actions,
        action_groups=action_groups(connector),
        summary=problems.summary,
        form_action=action,
        environments=environment_choices(view.platform, connector),
        redirect_uri=view.platform.settings.redirect_uri(connector.key),
        **words(),
    )


def open_secret(view: View, values: ProfileForm, typed: str) -> tuple[str | None, Problems | None]:
    """The secret to save: the one typed, else the one a failed submit kept; None when neither was given.
    A kept secret that does not open (another session's, or tampered with) is asked for again."""
    if typed:
        return typed, None
    if not values.sealed_secret:
        return None, None
    opened = open_draft_secret(view.platform, view.session, values.sealed_secret)
    if opened is None:
        message = "could not be kept from the last attempt: type it again"
        return None, Problems(
            fields={"client_secret": message}, summary=[("f-client_secret", f"Client Secret: {message}")]
        )
    return opened, None


def keep_secret(view: View, values: ProfileForm, secret: str | None) -> ProfileForm:
    sealed = seal_draft_secret(view.platform, view.session, secret) if secret else ""
    return replace(values, sealed_secret=sealed)


# -- the list ------------------------------------------------------------------------------------------------


async def profiles_page(view: ProjectViewDep, ui: UiDep) -> Response:
    profiles = await services.list_profiles(view.platform, view.project)
    rows = [
        {"profile": p, "connector": get_connector(p.connector), "enabled": profile_actions(p)}
        for p in profiles
    ]
    return ui.render(view, "dashboard/profiles.html", nav="profiles", rows=rows, **words())


# -- the wizard ----------------------------------------------------------------------------------------------


async def profile_new(
    view: ProjectViewDep,
    ui: UiDep,
    connector: Annotated[str | None, Query(max_length=64)] = None,
    auth_type: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
) -> Response:
    if not connector:
        return ui.render(
            view,
            "dashboard/profile_new.html",
            nav="profiles",
            step=1,
            query=q,
            matches=search_connectors(q),
            **words(),
        )
    found = find_connector(connector)
    if auth_type not in found.auth_types:
        return ui.render(
            view, "dashboard/profile_new.html", nav="profiles", step=2, connector=found, **words()
        )
    existing = await view.platform.store.connector_profiles.list(view.project.id, connector=found.key)
    values = ProfileForm(
        environment=default_environment(view.platform, found),
        token_type=found.token_types[0].name,
        default=not existing,
    )
    return render_form(ui, view, found, values)


async def profile_create(
    view: ProjectViewDep,
    ui: UiDep,
    connector: Annotated[str, Query(max_length=64)] = "",
    auth_type: Annotated[str, Query(max_length=32)] = "oauth2",
) -> Response:
    found = find_connector(connector)
    values, typed = read_form(await ui.form(view), found)
    secret, problems = open_secret(view, values, typed)
    if problems is not None:
        return render_form(ui, view, found, keep_secret(view, values, None), problems=problems, status=422)
    try:
        profile = await services.create_profile(
            view.platform,
            view.project,
            connector=found.key,
            auth_type=auth_type,
            environment=values.environment,
            client_id=values.client_id,
            client_secret=secret,
            label=values.label or None,
            scopes=list(values.scopes) or None,
            token_type=values.token_type or None,
            actions=list(values.actions) or None,
            default=values.default,
        )
    except ValidationFailed as error:
        kept = keep_secret(view, values, secret)
        return render_form(ui, view, found, kept, problems=describe(error, found, values), status=422)
    return ui.redirect(profiles_url(view, profile.id), notice="profile_created")


# -- one profile ---------------------------------------------------------------------------------------------


async def profile_page(view: ProjectViewDep, ui: UiDep, profile_id: str) -> Response:
    profile = await services.get_profile(view.platform, view.project, profile_id)
    return ui.render(
        view,
        "dashboard/profile.html",
        nav="profiles",
        profile=profile,
        connector=get_connector(profile.connector),
        enabled=profile_actions(profile),
        account_count=await linked_accounts(view.platform, view.project.id, profile_id=profile.id),
        redirect_uri=view.platform.settings.redirect_uri(profile.connector),
        **words(),
    )


async def profile_edit(view: ProjectViewDep, ui: UiDep, profile_id: str) -> Response:
    profile = await services.get_profile(view.platform, view.project, profile_id)
    connector = get_connector(profile.connector)
    return render_form(ui, view, connector, stored_values(profile), profile=profile)


async def profile_save(view: ProjectViewDep, ui: UiDep, profile_id: str) -> Response:
    profile = await services.get_profile(view.platform, view.project, profile_id)
    connector = get_connector(profile.connector)
    values, typed = read_form(await ui.form(view), connector)
    secret, problems = open_secret(view, values, typed)
    if problems is not None:
        kept = keep_secret(view, values, None)
        return render_form(ui, view, connector, kept, profile=profile, problems=problems, status=422)
    changes: dict[str, Any] = {
        "label": values.label or None,
        "environment": values.environment,
        "client_id": values.client_id,
        "scopes": list(values.scopes) or None,
        "token_type": values.token_type or profile.token_type,
        "actions": list(values.actions) or None,
    }
    if secret is not None:  # an empty password input keeps the stored secret
        changes["client_secret"] = secret
    if values.default:  # a default stays so until another profile takes over; unticking asks nothing
        changes["default"] = True
    try:
        await services.update_profile(view.platform, view.project, profile.id, **changes)
    except ValidationFailed as error:
        kept = keep_secret(view, values, secret)
        problems = describe(error, connector, values)
        return render_form(ui, view, connector, kept, profile=profile, problems=problems, status=422)
    return ui.redirect(profiles_url(view, profile.id), notice="profile_updated")


async def set_disabled(
    ui: Ui, request: Request, project_id: str, profile_id: str, *, disabled: bool
) -> Response:
    view = await ui.project_view(request, project_id)
    await ui.form(view)
    profile = await services.update_profile(view.platform, view.project, profile_id, disabled=disabled)
    notice = "profile_disabled" if disabled else "profile_enabled"
    return ui.redirect(profiles_url(view, profile.id), notice=notice)


async def profile_disable(ui: UiDep, request: Request, project_id: str, profile_id: str) -> Response:
    return await set_disabled(ui, request, project_id, profile_id, disabled=True)


async def profile_enable(ui: UiDep, request: Request, project_id: str, profile_id: str) -> Response:
    return await set_disabled(ui, request, project_id, profile_id, disabled=False)


# -- delete --------------------------------------------------------------------------------------------------


async def delete_page(
    ui: Ui, view: ProjectView, profile: ConnectorProfile, *, status: int = 200, error: str | None = None
) -> Response:
    return ui.render(
        view,
        "dashboard/profile_delete.html",
        status=status,
        nav="profiles",
        profile=profile,
        connector=get_connector(profile.connector),
        account_count=await linked_accounts(view.platform, view.project.id, profile_id=profile.id),
        error=error,
    )


async def profile_delete_confirm(view: ProjectViewDep, ui: UiDep, profile_id: str) -> Response:
    return await delete_page(ui, view, await services.get_profile(view.platform, view.project, profile_id))


async def profile_delete(view: ProjectViewDep, ui: UiDep, profile_id: str) -> Response:
    profile = await services.get_profile(view.platform, view.project, profile_id)
    force = form_text(await ui.form(view), "force") == "1"
    try:
        await services.delete_profile(view.platform, view.project, profile.id, force=force)
    except Conflict:
        message = (
            "Nothing was deleted: the profile still has linked accounts. Tick the box to unlink them too, "
            "or unlink them first."
        )
        return await delete_page(ui, view, profile, status=409, error=message)
    return ui.redirect(profiles_url(view), notice="profile_deleted")


PAGES = (
    Page("GET", "/projects/{project_id}/connector-profiles", profiles_page),
    Page("GET", "/projects/{project_id}/connector-profiles/new", profile_new),
    Page("POST", "/projects/{project_id}/connector-profiles/new", profile_create),
    Page("GET", "/projects/{project_id}/connector-profiles/{profile_id}", profile_page),
    Page("GET", "/projects/{project_id}/connector-profiles/{profile_id}/edit", profile_edit),
    Page("POST", "/projects/{project_id}/connector-profiles/{profile_id}/edit", profile_save),
    Page("POST", "/projects/{project_id}/connector-profiles/{profile_id}/disable", profile_disable),
    Page("POST", "/projects/{project_id}/connector-profiles/{profile_id}/enable", profile_enable),
    Page("GET", "/projects/{project_id}/connector-profiles/{profile_id}/delete", profile_delete_confirm),
    Page("POST", "/projects/{project_id}/connector-profiles/{profile_id}/delete", profile_delete),
)
