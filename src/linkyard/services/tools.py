"""Actions as tools for language models: names, descriptions and input schemas in either param style.

Two param styles, as StackOne's MCP endpoint has them:

- `nested` (the default): arguments grouped by where they travel, `{"path": {"id": "7"}, "query": {...},
  "body": {...}}`;
- `flat_prefixed`: one level, each name prefixed with its group, `{"path_id": "7", "query_page_size": 5,
  "body_first_name": "Ada"}` (what `stackone-ai` asks for; its `to_openai()` keeps one level only).

`to_openai`, `to_anthropic` and `to_mcp` render definitions in the shapes those clients expect (the CLI's
`tools export` prints them); `group_arguments` turns a tool call's arguments back into the groups that
`flatten_arguments` takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from linkyard.connectors import Action, enabled_actions, get_connector
from linkyard.connectors.parameters import Location
from linkyard.domain import Project
from linkyard.errors import FieldError, ValidationFailed
from linkyard.services.accounts import account_profile
from linkyard.services.platform import Platform

ParamStyle = Literal["nested", "flat_prefixed"]
PARAM_STYLES: tuple[ParamStyle, ...] = ("nested", "flat_prefixed")
DEFAULT_PARAM_STYLE: ParamStyle = "nested"

GROUPS: tuple[Location, ...] = ("path", "query", "body")
_GROUP_DESCRIPTIONS: Mapping[Location, str] = {
    "path": "Which object: the identifiers in the request path.",
    "query": "Filters and paging.",
    "body": "The fields to send.",
}
# `headers` is a group StackOne's clients may send; the account is named by the request itself, so it is ignored.
_IGNORED_GROUP = "headers"
_PREFIXED = re.compile(r"^(path|query|body|headers)_(.+)$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolDefinition:
    """One action as a tool: `name` is the action id (`<connector>_list_employees`), `input_schema` a JSON
    schema in one param style."""

    name: str
    title: str
    description: str
    input_schema: dict[str, Any]
    read_only: bool
    idempotent: bool


@dataclass(frozen=True, slots=True)
class GroupedArguments:
    """A tool call's arguments by group, ready for `flatten_arguments(path=, query=, body=)`."""

    path: dict[str, Any]
    query: dict[str, Any]
    body: dict[str, Any]


def input_schema(action: Action, style: ParamStyle = DEFAULT_PARAM_STYLE) -> dict[str, Any]:
    """The action's input schema in `style`; no property nests deeper than one object (StackOne's rule), but an
    upload's file (`name` and base64 `content`, spelt out in its description too)."""
    # An upload's files travel in the body, each as StackOne's upload shape (the one deeper object).
    files = {slot.name: slot.json_schema() for slot in action.files}
    required_files = [slot.name for slot in action.files if slot.required]
    if style == "flat_prefixed":
        return {
            "type": "object",
            "properties": {
                **{f"{p.location}_{p.name}": p.json_schema() for p in action.all_parameters},
                **{f"body_{name}": schema for name, schema in files.items()},
            },
            "required": [
                *(f"{p.location}_{p.name}" for p in action.all_parameters if p.required),
                *(f"body_{name}" for name in required_files),
            ],
        }
    properties: dict[str, Any] = {}
    required: list[str] = []
    for group in GROUPS:
        members = [p for p in action.all_parameters if p.location == group]
        extra = files if group == "body" else {}
        if not members and not extra:
            continue
        needed = [p.name for p in members if p.required] + (required_files if group == "body" else [])
        properties[group] = {
            "type": "object",
            "description": _GROUP_DESCRIPTIONS[group],
            "properties": {**{p.name: p.json_schema() for p in members}, **extra},
            "required": needed,
        }
        if needed:
            required.append(group)
    return {"type": "object", "properties": properties, "required": required}


def tool_definition(action: Action, style: ParamStyle = DEFAULT_PARAM_STYLE) -> ToolDefinition:
    return ToolDefinition(
        name=action.id,
        title=action.label,
        description=action.description,
        input_schema=input_schema(action, style),
        read_only=action.method == "GET",
        idempotent=action.idempotent,
    )


def tool_definitions(
    actions: Iterable[Action], style: ParamStyle = DEFAULT_PARAM_STYLE
) -> list[ToolDefinition]:
    """The tools for `actions`, in their order."""
    return [tool_definition(action, style) for action in actions]


def to_openai(tools: Iterable[ToolDefinition]) -> list[dict[str, Any]]:
    """OpenAI's function-calling tools: `{"type": "function", "function": {name, description, parameters}}`."""
    return [
        {
            "type": "function",
            "function": {"name": tool.name, "description": tool.description, "parameters": tool.input_schema},
        }
        for tool in tools
    ]


def to_anthropic(tools: Iterable[ToolDefinition]) -> list[dict[str, Any]]:
    """Anthropic's Messages API tools: `{name, description, input_schema}`."""
    return [
        {"name": tool.name, "description": tool.description, "input_schema": tool.input_schema}
        for tool in tools
    ]


def to_mcp(tools: Iterable[ToolDefinition]) -> list[dict[str, Any]]:
    """MCP `Tool` objects as `tools/list` returns them, with behaviour hints for the client."""
    return [
        {
            "name": tool.name,
            "title": tool.title,
            "description": tool.description,
            "inputSchema": tool.input_schema,
            "annotations": {
                "title": tool.title,
                "readOnlyHint": tool.read_only,
                "idempotentHint": tool.idempotent,
                "openWorldHint": True,  # every tool talks to the provider
            },
        }
        for tool in tools
    ]


def group_arguments(
    arguments: Mapping[str, Any], style: ParamStyle = DEFAULT_PARAM_STYLE
) -> GroupedArguments:
    """A tool call's arguments, grouped as `path`, `query` and `body`.

    `flat_prefixed`: `path_id` goes to `path` as `id`, and so on; a bare `path`/`query`/`body` object is merged
    into its group (a client holding a nested schema), and any other name goes to `body`, as `stackone-ai`
    does. `nested`: only the group objects are accepted; anything else is a 422 naming it.
    """
    grouped: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "body": {}, _IGNORED_GROUP: {}}
    problems: list[FieldError] = []
    for key, value in arguments.items():
        if key in grouped:
            if value is None:
                continue
            if isinstance(value, Mapping):
                grouped[key].update(value)
                continue
            if style == "nested" or key == _IGNORED_GROUP:
                problems.append({"field": key, "message": "must be an object"})
                continue
        if style == "flat_prefixed":
            match = _PREFIXED.match(key)
            if match:
                grouped[match.group(1)].setdefault(match.group(2), value)
            else:
                grouped["body"][key] = value
            continue
        problems.append(
            {"field": _safe(key), "message": "is not an argument group: use path, query and body"}
        )
    if problems:
        raise ValidationFailed("The tool's arguments are invalid", errors=problems)
    return GroupedArguments(grouped["path"], grouped["query"], grouped["body"])


async def account_actions(platform: Platform, project: Project, account_id: str) -> tuple[Action, ...]:
    """The actions an account of `project` may call, in catalogue order: those its connector profile enables
    whose required scopes the account was granted (an account granted no explicit scopes is unrestricted).

    `NotFound` for an account that is not the project's. Calls still check everything (`run_action`).
    """
    account, profile = await account_profile(platform, project, account_id)
    connector = get_connector(account.connector)
    granted = account.scopes or None
    return tuple(
        action
        for action in enabled_actions(connector, profile.scopes, profile.actions)
        if not action.missing_scopes(granted)
    )


def _safe(name: object) -> str:
    text = _SAFE_NAME.sub("?", str(name))
    return text if len(text) <= 64 else f"{text[:61]}..."
