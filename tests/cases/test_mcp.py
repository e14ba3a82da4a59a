"""MCP works the same for every connector: `tools/list` names the account's enabled actions with their schemas,
`tools/call` runs one and pages with `next`."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import basic
from tests.cases.conftest import World

ACCEPT = {"accept": "application/json, text/event-stream"}


async def _jsonrpc(
    world: World, headers: dict[str, str], method: str, params: dict[str, Any]
) -> httpx.Response:
    message = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    return await world.api.post("/mcp", json=message, headers={**ACCEPT, **headers})


async def test_tools_list_and_call_run_the_connectors_actions(world: World) -> None:
    _, key = await world.tenant()
    reading = world.case.reading
    enabled = [reading.list_action, reading.get_action]
    await world.profile(key, actions=enabled)
    account = await world.link(key)
    headers = {**basic(key), "x-account-id": str(account["id"])}

    listed = await _jsonrpc(world, headers, "tools/list", {})
    assert listed.status_code == 200, listed.text
    tools = {tool["name"]: tool for tool in listed.json()["result"]["tools"]}
    assert sorted(tools) == sorted(enabled)
    schema = tools[reading.list_action]["inputSchema"]
    assert {"page_size", "next"} <= schema["properties"]["query"]["properties"].keys()

    called = await _jsonrpc(
        world, headers, "tools/call", {"name": reading.list_action, "arguments": {"query": {"page_size": 2}}}
    )
    result = called.json()["result"]
    assert result["isError"] is False, result
    first = result["structuredContent"]
    assert len(first["data"]) == 2 and isinstance(first["next"], str)

    again = await _jsonrpc(
        world,
        headers,
        "tools/call",
        {"name": reading.list_action, "arguments": {"query": {"page_size": 2, "next": first["next"]}}},
    )
    second = again.json()["result"]["structuredContent"]
    assert len(second["data"]) == 2
    assert not {r["id"] for r in first["data"]} & {r["id"] for r in second["data"]}

    refused = await _jsonrpc(world, headers, "tools/call", {"name": reading.write_action, "arguments": {}})
    assert refused.json()["result"]["isError"] is True
    assert refused.json()["result"]["structuredContent"]["statusCode"] == 403  # not enabled on the profile
