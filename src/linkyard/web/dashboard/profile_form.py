"""The connector profile form as data: what a person typed (`ProfileForm`), read from a submitted form or from a
stored profile, and a failed validation turned into problems shown next to their fields (`Problems`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from linkyard.connectors import Action, Connector, list_connectors
from linkyard.domain import ConnectorProfile
from linkyard.errors import ValidationFailed
from linkyard.services.profiles import MAX_CLIENT_ID_LENGTH, MAX_CLIENT_SECRET_LENGTH, MAX_LABEL_LENGTH
from linkyard.web.dashboard.ui import form_list, form_text

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
    token_type: str = ""
    """Empty: the connector's first token type (its usual one)."""
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


UNIFIED_GROUP = "unified"
"""The group of the unified operations (StackOne's models), which belong to no area of the provider's API."""


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """The actions of one area of the provider's API (Factorial's namespace), as the form groups them."""

    key: str
    title: str
    actions: tuple[Action, ...]


def action_groups(connector: Connector) -> list[ActionGroup]:
    """The connector's tools by area, in the connector's order of areas, then the unified operations; an action
    of no known area goes with the unified ones' neighbours under "Other"."""
    by_area: dict[str, list[Action]] = {}
    for action in connector.tools:
        key = UNIFIED_GROUP if action.unified is not None else action.area or "other"
        by_area.setdefault(key, []).append(action)
    titles = {**connector.areas, "other": "Other", UNIFIED_GROUP: "Unified API (StackOne's models)"}
    order = [*connector.areas, "other", UNIFIED_GROUP]
    return [ActionGroup(key, titles[key], tuple(by_area[key])) for key in order if key in by_area]


def expand_groups(connector: Connector, actions: tuple[str, ...], groups: list[str]) -> tuple[str, ...]:
    """The ticked actions and every action of each ticked group (a whole area chosen at once), without repeats,
    in the order they were given then the catalogue's."""
    wanted = set(groups)
    chosen = [a.id for group in action_groups(connector) if group.key in wanted for a in group.actions]
    return tuple(dict.fromkeys((*actions, *chosen)))


def missing_scopes_text(missing: tuple[str, ...]) -> str:
    """The inline explanation by an action (dashboard.js writes the very same words as boxes are ticked)."""
    if len(missing) == 1:
        return f"Needs the {missing[0]} scope, which is not selected"
    return f"Needs the {' and '.join(missing)} scopes, which are not selected"


def read_form(form: FormData, connector: Connector) -> tuple[ProfileForm, str]:
    """The submitted values, and the secret typed into the password input (empty when none was). A ticked
    group (`action_groups`: a whole area) stands for each of its actions."""
    values = ProfileForm(
        label=form_text(form, "label", limit=MAX_LABEL_LENGTH + 1),
        environment=form_text(form, "environment", limit=MAX_CHOICE_LENGTH),
        client_id=form_text(form, "client_id", limit=MAX_CLIENT_ID_LENGTH + 1),
        # The service dedupes too; doing it first keeps its error positions (`actions[3]`) pointing here.
        scopes=tuple(dict.fromkeys(v[:MAX_CHOICE_LENGTH] for v in form_list(form, "scopes"))),
        token_type=form_text(form, "token_type", limit=MAX_CHOICE_LENGTH),
        actions=expand_groups(
            connector,
            tuple(dict.fromkeys(v[:MAX_CHOICE_LENGTH] for v in form_list(form, "actions"))),
            [v[:MAX_CHOICE_LENGTH] for v in form_list(form, "action_groups")],
        ),
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
        action = connector.find_tool(action_id) if action_id else None
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
