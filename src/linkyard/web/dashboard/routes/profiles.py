"""Connector profiles: the list, the wizard that creates one (connector → how to authenticate → the form), a
profile's page, its edit form, disable/enable and delete.

A form that fails validation comes back with every value kept and each problem next to its field; the client
secret is kept too, sealed to the session in a hidden field, and never written back into the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import FormData

from linkyard import services
from linkyard.connectors import Connector, get_connector, list_connectors
from linkyard.domain import ConnectorProfile
from linkyard.errors import Conflict, ValidationFailed
from linkyard.services.dashboard_sessions import open_draft_secret, seal_draft_secret
from linkyard.services.profiles import MAX_CLIENT_ID_LENGTH, MAX_CLIENT_SECRET_LENGTH, MAX_LABEL_LENGTH
from linkyard.services.views import profile_actions
from linkyard.web.dashboard.routes.connectors import (
    default_environment,
    environment_choices,
    find_connector,
    words,
)
from linkyard.web.dashboard.ui import Ui, View, form_list, form_text

MAX_QUERY_LENGTH = 100
MAX_CHOICE_LENGTH = 100

# The form's fields as a person reads them, for the list of problems at the top of a failed form.
FIELD_TITLES = {
    "connector": "Connector",
    "auth_type": "Authentication",
    "label": "Label",
    "environment": "Environment",
    "client_id": "Client ID",
    "client_secret": "Client Secret",
    "scopes": "OAuth Scopes",
    "token_type": "Token Type",
    "actions": "Actions",
    "default": "Default profile",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileForm:
    """What the profile form shows: the values typed (or stored), and the sealed secret a failed submit kept."""

    label: str = ""
    environment: str = ""
    client_id: str = ""
    scopes: tuple[str, ...] = ()
    token_type: str = "user"  # noqa: S105 - a token kind, not a secret
    actions: tuple[str, ...] = ()
    default: bool = False
    sealed_secret: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problems:
    """A failed submit: each field's message, each named action's inline explanation, and the summary."""

    fields: dict[str, str] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)
    """(the id of the control to jump to, the message) for the alert at the top."""


def missing_scopes_text(missing: tuple[str, ...]) -> str:
    """The inline explanation by an action (dashboard.js writes the very same words as boxes are ticked)."""
    if len(missing) == 1:
        return f"Needs the {missing[0]} scope, which is not selected"
    return f"Needs the {' and '.join(missing)} scopes, which are not selected"


def read_form(form: FormData) -> tuple[ProfileForm, str]:
    """The submitted values, and the secret typed into the password input (empty when none was)."""
    values = ProfileForm(
        label=form_text(form, "label", limit=MAX_LABEL_LENGTH + 1),
        environment=form_text(form, "environment", limit=MAX_CHOICE_LENGTH),
        client_id=form_text(form, "client_id", limit=MAX_CLIENT_ID_LENGTH + 1),
        # The service dedupes too; doing it first keeps its error positions (`actions[3]`) pointing here.
        scopes=tuple(dict.fromkeys(v[:MAX_CHOICE_LENGTH] for v in form_list(form, "scopes"))),
        token_type=form_text(form, "token_type", limit=MAX_CHOICE_LENGTH) or "user",
        actions=tuple(dict.fromkeys(v[:MAX_CHOICE_LENGTH] for v in form_list(form, "actions"))),
        default=form_text(form, "default") == "1",
        sealed_secret=form_text(form, "client_secret_sealed", limit=4096),
    )
    return values, form_text(form, "client_secret", limit=MAX_CLIENT_SECRET_LENGTH + 1)


def describe(error: ValidationFailed, connector: Connector, values: ProfileForm) -> Problems:
    """The service's 422 laid out on the form: an action's missing scopes by that action, the rest by field."""
    problems = Problems()
    for item in error.errors:
        name, _, position = item["field"].partition("[")
        message = item["message"]
        action_id = _at(values.actions, position) if name == "actions" else None
        action = connector.find_action(action_id) if action_id else None
        if action is not None:
            missing = action.missing_scopes(values.scopes or None)
            problems.actions.setdefault(action.id, missing_scopes_text(missing) if missing else message)
            problems.summary.append((f"action-{action.id}", message))
            continue
        problems.fields.setdefault(name, message)
        title = FIELD_TITLES.get(name)
        problems.summary.append((f"f-{name}" if title else "", f"{title}: {message}" if title else message))
    if not problems.summary:
        problems.summary.append(("", error.message))
    return problems


def _at(items: tuple[str, ...], position: str) -> str | None:
    index = position.rstrip("]")
    return items[int(index)] if index.isdigit() and int(index) < len(items) else None


def stored_values(profile: ConnectorProfile) -> ProfileForm:
    return ProfileForm(
        label=profile.label or "",
        environment=profile.environment,
        client_id=profile.client_id,
        scopes=profile.scopes or (),
        token_type=profile.token_type,
        actions=profile.actions or (),
        default=profile.is_default,
    )


def search_connectors(query: str) -> list[Connector]:
    """Connectors whose key, name or a category contains the query (all of them for an empty one)."""
    wanted = query.casefold().strip()
    return [
        connector
        for connector in list_connectors()
        if not wanted
        or any(wanted in text.casefold() for text in (connector.key, connector.name, *connector.categories))
    ]


def add_routes(routes: APIRouter, ui: Ui) -> None:

    def profiles_url(view: View, *parts: str) -> str:
        return "/".join((f"{view.project_url}/connector-profiles", *parts))

    def render_form(
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

    # -- the list ---------------------------------------------------------------------------------------

    @routes.get("/projects/{project_id}/connector-profiles", include_in_schema=False)
    @ui.page
    async def profiles_page(request: Request, project_id: str) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        profiles = await services.list_profiles(view.platform, view.project)
        rows = [
            {"profile": p, "connector": get_connector(p.connector), "enabled": profile_actions(p)}
            for p in profiles
        ]
        return ui.render(view, "dashboard/profiles.html", nav="profiles", rows=rows, **words())

    # -- the wizard -------------------------------------------------------------------------------------

    @routes.get("/projects/{project_id}/connector-profiles/new", include_in_schema=False)
    @ui.page
    async def profile_new(
        request: Request,
        project_id: str,
        connector: Annotated[str | None, Query(max_length=64)] = None,
        auth_type: Annotated[str | None, Query(max_length=32)] = None,
        q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    ) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
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
        values = ProfileForm(environment=default_environment(view.platform, found), default=not existing)
        return render_form(view, found, values)

    @routes.post("/projects/{project_id}/connector-profiles/new", include_in_schema=False)
    @ui.page
    async def profile_create(
        request: Request,
        project_id: str,
        connector: Annotated[str, Query(max_length=64)] = "",
        auth_type: Annotated[str, Query(max_length=32)] = "oauth2",
    ) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        found = find_connector(connector)
        values, typed = read_form(await ui.form(view))
        secret, problems = open_secret(view, values, typed)
        if problems is not None:
            return render_form(view, found, keep_secret(view, values, None), problems=problems, status=422)
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
                token_type=values.token_type,
                actions=list(values.actions) or None,
                default=values.default,
            )
        except ValidationFailed as error:
            kept = keep_secret(view, values, secret)
            return render_form(view, found, kept, problems=describe(error, found, values), status=422)
        return ui.redirect(profiles_url(view, profile.id), notice="profile_created")

    # -- one profile ------------------------------------------------------------------------------------

    @routes.get("/projects/{project_id}/connector-profiles/{profile_id}", include_in_schema=False)
    @ui.page
    async def profile_page(request: Request, project_id: str, profile_id: str) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        profile = await services.get_profile(view.platform, view.project, profile_id)
        return ui.render(
            view,
            "dashboard/profile.html",
            nav="profiles",
            profile=profile,
            connector=get_connector(profile.connector),
            enabled=profile_actions(profile),
            account_count=await view.platform.store.accounts.count(view.project.id, profile_id=profile.id),
            redirect_uri=view.platform.settings.redirect_uri(profile.connector),
            **words(),
        )

    @routes.get("/projects/{project_id}/connector-profiles/{profile_id}/edit", include_in_schema=False)
    @ui.page
    async def profile_edit(request: Request, project_id: str, profile_id: str) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        profile = await services.get_profile(view.platform, view.project, profile_id)
        connector = get_connector(profile.connector)
        return render_form(view, connector, stored_values(profile), profile=profile)

    @routes.post("/projects/{project_id}/connector-profiles/{profile_id}/edit", include_in_schema=False)
    @ui.page
    async def profile_save(request: Request, project_id: str, profile_id: str) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        profile = await services.get_profile(view.platform, view.project, profile_id)
        connector = get_connector(profile.connector)
        values, typed = read_form(await ui.form(view))
        secret, problems = open_secret(view, values, typed)
        if problems is not None:
            kept = keep_secret(view, values, None)
            return render_form(view, connector, kept, profile=profile, problems=problems, status=422)
        changes: dict[str, Any] = {
            "label": values.label or None,
            "environment": values.environment,
            "client_id": values.client_id,
            "scopes": list(values.scopes) or None,
            "token_type": values.token_type,
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
            return render_form(view, connector, kept, profile=profile, problems=problems, status=422)
        return ui.redirect(profiles_url(view, profile.id), notice="profile_updated")

    async def set_disabled(request: Request, project_id: str, profile_id: str, *, disabled: bool) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        await ui.form(view)
        profile = await services.update_profile(view.platform, view.project, profile_id, disabled=disabled)
        notice = "profile_disabled" if disabled else "profile_enabled"
        return ui.redirect(profiles_url(view, profile.id), notice=notice)

    @routes.post("/projects/{project_id}/connector-profiles/{profile_id}/disable", include_in_schema=False)
    @ui.page
    async def profile_disable(request: Request, project_id: str, profile_id: str) -> Response:
        return await set_disabled(request, project_id, profile_id, disabled=True)

    @routes.post("/projects/{project_id}/connector-profiles/{profile_id}/enable", include_in_schema=False)
    @ui.page
    async def profile_enable(request: Request, project_id: str, profile_id: str) -> Response:
        return await set_disabled(request, project_id, profile_id, disabled=False)

    # -- delete -----------------------------------------------------------------------------------------

    async def delete_page(
        view: View, profile: ConnectorProfile, *, status: int = 200, error: str | None = None
    ) -> Response:
        assert view.project is not None
        return ui.render(
            view,
            "dashboard/profile_delete.html",
            status=status,
            nav="profiles",
            profile=profile,
            connector=get_connector(profile.connector),
            account_count=await view.platform.store.accounts.count(view.project.id, profile_id=profile.id),
            error=error,
        )

    @routes.get("/projects/{project_id}/connector-profiles/{profile_id}/delete", include_in_schema=False)
    @ui.page
    async def profile_delete_confirm(request: Request, project_id: str, profile_id: str) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        return await delete_page(view, await services.get_profile(view.platform, view.project, profile_id))

    @routes.post("/projects/{project_id}/connector-profiles/{profile_id}/delete", include_in_schema=False)
    @ui.page
    async def profile_delete(request: Request, project_id: str, profile_id: str) -> Response:
        view = await ui.view(request, project_id)
        assert view.project is not None
        profile = await services.get_profile(view.platform, view.project, profile_id)
        force = form_text(await ui.form(view), "force") == "1"
        try:
            await services.delete_profile(view.platform, view.project, profile.id, force=force)
        except Conflict:
            message = (
                "Nothing was deleted: the profile still has linked accounts. Tick the box to unlink them too, "
                "or unlink them first."
            )
            return await delete_page(view, profile, status=409, error=message)
        return ui.redirect(profiles_url(view), notice="profile_deleted")
