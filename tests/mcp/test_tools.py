"""Tool definitions from the catalogue: both param styles, the OpenAI / Anthropic / MCP shapes, arguments back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from mcp import types
from mcp.shared.exceptions import McpError

from linkyard.api.mcp import tools_page
from linkyard.connectors import Connector, get_connector
from linkyard.errors import ValidationFailed
from linkyard.services.tools import (
    PARAM_STYLES,
    ParamStyle,
    group_arguments,
    input_schema,
    to_anthropic,
    to_mcp,
    to_openai,
    tool_definitions,
)

OPENAI_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@pytest.fixture
def factorialhr() -> Connector:
    return get_connector("factorialhr")


def _depth(schema: Any) -> int:
    """How many levels of declared members (`properties`) a schema nests below its root. An object argument
    of no declared members (a provider's nested record, sent as given) is a value, as `to_openai()` keeps it."""
    if not isinstance(schema, dict):
        return 0
    inner = [_depth(child) for child in schema.get("properties", {}).values()]
    inner += [_depth(schema["items"])] if isinstance(schema.get("items"), dict) else []
    return (1 if "properties" in schema else 0) + max(inner, default=0)


def test_nested_schemas_group_arguments_as_path_query_and_body(factorialhr: Connector) -> None:
    get_employee = input_schema(factorialhr.action("factorialhr_get_employee"), "nested")
    assert get_employee["required"] == ["path"]
    assert get_employee["properties"]["path"]["properties"]["id"]["type"] == "string"
    assert get_employee["properties"]["path"]["required"] == ["id"]

    update = input_schema(factorialhr.action("factorialhr_update_employee"), "nested")
    assert set(update["properties"]) == {"path", "body"}
    assert "first_name" in update["properties"]["body"]["properties"]

    listing = input_schema(factorialhr.action("factorialhr_list_employees"), "nested")
    assert set(listing["properties"]) == {"query"}
    assert {"page_size", "next", "ids"} <= set(listing["properties"]["query"]["properties"])
    assert listing["required"] == []


def test_flat_prefixed_schemas_name_each_argument_after_its_group(factorialhr: Connector) -> None:
    get_employee = input_schema(factorialhr.action("factorialhr_get_employee"), "flat_prefixed")
    assert set(get_employee["properties"]) == {"path_id"}
    assert get_employee["required"] == ["path_id"]

    create = input_schema(factorialhr.action("factorialhr_create_employee"), "flat_prefixed")
    assert {"body_first_name", "body_last_name", "body_email"} <= set(create["properties"])
    assert set(create["required"]) == {"body_first_name", "body_last_name", "body_email"}

    listing = input_schema(factorialhr.action("factorialhr_list_employees"), "flat_prefixed")
    assert {"query_page_size", "query_next", "query_ids", "query_only_active"} <= set(listing["properties"])


@pytest.mark.parametrize("style", PARAM_STYLES)
def test_every_schema_stays_within_one_nested_object_level(factorialhr: Connector, style: ParamStyle) -> None:
    for tool in tool_definitions(factorialhr.actions, style):
        limit = 2 if style == "nested" else 1
        assert _depth(_without_files(tool.input_schema)) <= limit, tool.name


def _without_files(schema: Any) -> Any:
    """The schema without an upload's files: the one deeper object (StackOne's upload shape), whose description
    spells out its members for a client that keeps one level."""
    if not isinstance(schema, dict):
        return schema
    kept = {}
    for name, child in schema.get("properties", {}).items():
        one = child.get("items", child) if isinstance(child, dict) else child
        if isinstance(one, dict) and set(one.get("properties", {})) == {
            "name",
            "content",
            "file_format",
            "content_type",
        }:
            assert '"content": "<the bytes in standard base64>"' in child["description"]
            continue
        kept[name] = _without_files(child)
    return {**schema, "properties": kept} if "properties" in schema else schema


@pytest.mark.parametrize("style", PARAM_STYLES)
def test_openai_anthropic_and_mcp_shapes_have_one_entry_per_action(
    factorialhr: Connector, style: ParamStyle
) -> None:
    tools = tool_definitions(factorialhr.actions, style)
    ids = [action.id for action in factorialhr.actions]

    openai = to_openai(tools)
    assert [spec["function"]["name"] for spec in openai] == ids
    for spec in openai:
        assert spec["type"] == "function"
        assert OPENAI_NAME.match(spec["function"]["name"])
        assert spec["function"]["description"]
        assert spec["function"]["parameters"]["type"] == "object"

    anthropic = to_anthropic(tools)
    assert [tool["name"] for tool in anthropic] == ids
    assert all(tool["input_schema"]["type"] == "object" for tool in anthropic)

    mcp_tools = [types.Tool.model_validate(tool) for tool in to_mcp(tools)]
    assert [tool.name for tool in mcp_tools] == ids
    by_name = {tool.name: tool for tool in mcp_tools}
    assert by_name["factorialhr_list_employees"].annotations is not None
    assert by_name["factorialhr_list_employees"].annotations.readOnlyHint is True
    assert by_name["factorialhr_create_employee"].annotations is not None
    assert by_name["factorialhr_create_employee"].annotations.readOnlyHint is False


def test_flat_prefixed_arguments_go_back_to_their_groups_and_unprefixed_ones_to_the_body() -> None:
    grouped = group_arguments(
        {"path_id": "7", "query_page_size": "5", "body_first_name": "Ada", "headers_x": "y", "note": "n"},
        "flat_prefixed",
    )
    assert grouped.path == {"id": "7"}
    assert grouped.query == {"page_size": "5"}
    assert grouped.body == {"first_name": "Ada", "note": "n"}


def test_nested_arguments_are_taken_by_group_and_anything_else_is_named_in_a_422() -> None:
    grouped = group_arguments({"path": {"id": "7"}, "query": {"page_size": 5}, "body": None}, "nested")
    assert (grouped.path, grouped.query, grouped.body) == ({"id": "7"}, {"page_size": 5}, {})
    with pytest.raises(ValidationFailed) as refused:
        group_arguments({"path_id": "7", "query": "page_size=5"}, "nested")
    assert {error["field"] for error in refused.value.errors} == {"path_id", "query"}


def test_tools_pages_carry_an_opaque_cursor_to_the_next_page(factorialhr: Connector) -> None:
    tools = tool_definitions(factorialhr.actions)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page, cursor = tools_page(tools, cursor, size=10)
        seen += [tool.name for tool in page]
        pages += 1
        if cursor is None:
            break
        assert not cursor.isdigit()
    assert seen == [tool.name for tool in tools]
    assert pages == -(-len(tools) // 10)
    for bad in ("not a cursor", "MA==", "OTk5"):  # garbage, offset 0, offset 999
        with pytest.raises(McpError):
            tools_page(tools, bad, size=10)
