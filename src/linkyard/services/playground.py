"""The actions playground: an action's input schema as form controls, a submitted form as the action's flat
arguments, and the outcome as the JSON that `POST /actions/rpc` answers (the data, or the error envelope)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from linkyard.connectors import Action
from linkyard.connectors.parameters import Location, Parameter
from linkyard.domain import Project
from linkyard.services.actions import ActionResult, list_actions
from linkyard.services.platform import Platform

CURSOR = "next"
"""The list actions' opaque cursor: carried by the page's "Next page" button, not typed by a person."""

Control = Literal["text", "number", "select"]

_PLACEHOLDERS = {"date": "YYYY-MM-DD", "date-time": "2026-03-02T09:00:00Z", "email": "name@example.com"}


@dataclass(frozen=True, slots=True, kw_only=True)
class FormControl:
    """One parameter of an action as a form control: a select for a boolean (`true`, `false` or not sent) and
    for an enum, a number for integers and numbers, text for the rest (lists are
    comma-separated, as the SDKs send them)."""

    name: str
    location: Location
    control: Control
    required: bool
    description: str
    options: tuple[str, ...] = ()
    step: str | None = None
    placeholder: str | None = None


def form_controls(action: Action) -> list[FormControl]:
    """The action's parameters as controls, in schema order, without the cursor."""
    return [_control(parameter) for parameter in action.all_parameters if parameter.name != CURSOR]


def _control(parameter: Parameter) -> FormControl:
    common: dict[str, Any] = {
        "name": parameter.name,
        "location": parameter.location,
        "required": parameter.required,
        "description": parameter.description,
    }
    if parameter.type == "boolean":
        # A select, not a checkbox: an unticked box could not tell "false" (which filters) from "not sent".
        return FormControl(control="select", options=("true", "false"), **common)
    if parameter.type == "string" and parameter.enum is not None:
        return FormControl(control="select", options=parameter.enum, **common)
    if parameter.type in ("integer", "number"):
        return FormControl(control="number", step="1" if parameter.type == "integer" else "any", **common)
    if parameter.type == "array":
        example = ", ".join(parameter.enum[:2]) if parameter.enum else "a, b"
        return FormControl(control="text", placeholder=example, **common)
    return FormControl(control="text", placeholder=_PLACEHOLDERS.get(parameter.format or ""), **common)


def form_arguments(action: Action, values: Mapping[str, str]) -> dict[str, Any]:
    """A submitted form's values as the action's flat arguments: blanks are left out, strings are passed as
    typed (the action coerces `"5"`, `"true"` and `"a,b"` as it does for the SDKs), other names are ignored."""
    arguments: dict[str, Any] = {}
    for parameter in action.all_parameters:
        value = values.get(parameter.name)
        if value is not None and value.strip():
            arguments[parameter.name] = value.strip()
    return arguments


async def runnable_actions(platform: Platform, project: Project, account_id: str) -> tuple[Action, ...]:
    """The actions enabled on an account's connector profile, in catalogue order (`GET /actions` for it)."""
    listed = await list_actions(platform, project, account_ids=[account_id])
    return tuple(action for entry in listed for action in entry.actions)


def answer_view(result: ActionResult) -> dict[str, Any]:
    """What `POST /actions/rpc` answers: `{data}`, and `next` for a list."""
    content: dict[str, Any] = {"data": result.data}
    if result.is_list:
        content[CURSOR] = result.next
    return content
