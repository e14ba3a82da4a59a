"""Connectors: the catalogue a project can configure profiles from, and each connector's scopes, token types,
environments and actions, its unified mapping field by field and the unified operations it offers agents
(read-only; the same for every project)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Response

from linkyard import services
from linkyard.connectors import Connector, get_connector, list_connectors
from linkyard.connectors.unified.describe import (
    FieldRow,
    expansions_text,
    field_rows,
    lookups_text,
    reads_text,
)
from linkyard.errors import NotFound
from linkyard.services import Platform
from linkyard.web.dashboard.profile_form import UNIFIED_GROUP, action_groups
from linkyard.web.dashboard.ui import Page, ProjectViewDep, UiDep

# The words a person reads for the catalogue's keys (the keys themselves stay as they are in the API).
AUTH_TYPE_NAMES = {"oauth2": "OAuth 2.0"}
CATEGORY_NAMES = {"hris": "HRIS", "ats": "ATS"}
ENVIRONMENT_NAMES = {"production": "Production", "demo": "Demo", "sandbox": "Sandbox"}
TOKEN_TYPE_NAMES = {"user": "User", "company": "Company"}


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvironmentChoice:
    """An environment as a form offers it: its name, where it points, and whether this server enables it."""

    name: str
    title: str
    url: str | None
    explanation: str

    @property
    def available(self) -> bool:
        return self.url is not None


def environment_choices(platform: Platform, connector: Connector) -> list[EnvironmentChoice]:
    """The connector's environments with their URLs; one the catalogue gives no URL is the operator's local
    emulator (its sandbox), available only when this server was started with one."""
    sandbox = services.sandbox_url(platform.settings, connector.key)
    choices = []
    for index, (name, url) in enumerate(connector.environments.items()):
        title = ENVIRONMENT_NAMES.get(name, name.replace("_", " ").capitalize())
        if url is None:
            explanation = (
                f"The local {connector.name} emulator this server was started with: try everything without a "
                f"real company."
                if sandbox
                else "The local emulator: not enabled on this server (start it with linkyard up --sandbox)."
            )
            url = sandbox
        elif index == 0:
            explanation = f"{connector.name} itself: your customers' real companies."
        else:
            explanation = f"{connector.name}'s {title.lower()} environment, for testing with a test company."
        choices.append(EnvironmentChoice(name=name, title=title, url=url, explanation=explanation))
    return choices


def default_environment(platform: Platform, connector: Connector) -> str:
    """The local emulator when this server runs one (nothing real can break), the connector's first otherwise."""
    for name, url in connector.environments.items():
        if url is None and services.sandbox_url(platform.settings, connector.key):
            return name
    return next(iter(connector.environments))


def find_connector(key: str) -> Connector:
    try:
        return get_connector(key)
    except NotFound:
        raise NotFound("connector not found") from None


def words() -> dict[str, Any]:
    """The display names the connector and profile templates share."""
    return {
        "auth_type_names": AUTH_TYPE_NAMES,
        "category_names": CATEGORY_NAMES,
        "environment_names": ENVIRONMENT_NAMES,
        "token_type_names": TOKEN_TYPE_NAMES,
    }


@dataclass(frozen=True, slots=True)
class UnifiedTable:
    """One unified resource of the connector's mapping, field by field (what `linkyard connectors show
    --unified` prints)."""

    resource: str
    reads: str
    rows: list[FieldRow]
    expands: str = ""
    """How `expand` and custom fields are backed, in words (empty when the resource has none)."""
    lookups: str = ""
    """The other provider records the fields read, in words (empty when none)."""


def unified_tables(connector: Connector) -> list[UnifiedTable]:
    resources = connector.unified.resources if connector.unified is not None else ()
    return [
        UnifiedTable(m.resource, reads_text(m), field_rows(m), expansions_text(m), lookups_text(m))
        for m in resources
    ]


async def connectors_page(view: ProjectViewDep, ui: UiDep) -> Response:
    return ui.render(
        view, "dashboard/connectors.html", nav="connectors", connectors=list_connectors(), **words()
    )


async def connector_page(view: ProjectViewDep, ui: UiDep, connector: str) -> Response:
    found = find_connector(connector)
    return ui.render(
        view,
        "dashboard/connector.html",
        nav="connectors",
        connector=found,
        environments=environment_choices(view.platform, found),
        unified=unified_tables(found),
        areas=[
            (group.key, group.title, group.actions)
            for group in action_groups(found)
            if group.key != UNIFIED_GROUP  # listed on their own, with their mappings
        ],
        **words(),
    )


PAGES = (
    Page("GET", "/projects/{project_id}/connectors", connectors_page),
    Page("GET", "/projects/{project_id}/connectors/{connector}", connector_page),
)
