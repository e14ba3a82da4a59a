"""`POST /mcp`: the official MCP client over real HTTP, and the protocol's edges as plain JSON-RPC requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client

from tests.api.conftest import ALL_SCOPES, Harness
from tests.mcp.conftest import Linked, link_account

ACCEPT = {"accept": "application/json, text/event-stream"}
EMPLOYEE_ACTIONS = [
    "factorialhr_get_credentials",
    "factorialhr_list_employees",
    "factorialhr_get_employee",
    "factorialhr_create_employee",
]


@asynccontextmanager
async def mcp_client(url: str, headers: dict[str, str]) -> AsyncIterator[ClientSession]:
    """The MCP SDK's own client, initialised, with the auth and account headers on every request."""
    async with (
        httpx.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def jsonrpc(
    harness: Harness,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    headers: dict[str, str],
    query: dict[str, str] | None = None,
    notification: bool = False,
) -> httpx.Response:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    if not notification:
        message["id"] = 1
    return await harness.api.post("/mcp", json=message, params=query, headers={**ACCEPT, **headers})


def _structured(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structuredContent is not None
    return result.structuredContent


async def test_the_official_mcp_client_lists_and_calls_tools_with_the_nested_style(
    harness: Harness, live_url: str
) -> None:
    linked = await link_account(harness, actions=EMPLOYEE_ACTIONS)
    async with mcp_client(f"{live_url}/mcp", linked.headers()) as session:
        listed = await session.list_tools()
        assert [tool.name for tool in listed.tools] == EMPLOYEE_ACTIONS
        assert listed.nextCursor is None
        get_employee = next(tool for tool in listed.tools if tool.name == "factorialhr_get_employee")
        assert get_employee.inputSchema["properties"]["path"]["properties"]["id"]["type"] == "string"

        page = await session.call_tool("factorialhr_list_employees", {"query": {"page_size": 3}})
        assert not page.isError
        listing = _structured(page)
        assert len(listing["data"]) == 3
        assert isinstance(listing["next"], str)

        wanted = listing["data"][1]["id"]
        one = await session.call_tool("factorialhr_get_employee", {"path": {"id": wanted}})
        assert not one.isError
        assert _structured(one)["data"]["id"] == wanted
        assert "next" not in _structured(one)
        assert isinstance(one.content[0], types.TextContent) and wanted in one.content[0].text


async def test_flat_prefixed_tools_take_prefixed_arguments(harness: Harness) -> None:
    linked = await link_account(harness, actions=EMPLOYEE_ACTIONS)
    flat = {"param-style": "flat_prefixed"}
    listed = (await jsonrpc(harness, "tools/list", headers=linked.headers(), query=flat)).json()["result"]
    schemas = {tool["name"]: tool["inputSchema"] for tool in listed["tools"]}
    assert schemas["factorialhr_get_employee"]["properties"].keys() == {"path_id"}
    assert {"query_page_size", "query_next"} <= schemas["factorialhr_list_employees"]["properties"].keys()
    assert "body_first_name" in schemas["factorialhr_create_employee"]["properties"]

    called = await jsonrpc(
        harness,
        "tools/call",
        {"name": "factorialhr_list_employees", "arguments": {"query_page_size": "2"}},
        headers=linked.headers(),
        query=flat,
    )
    result = called.json()["result"]
    assert result["isError"] is False
    assert len(result["structuredContent"]["data"]) == 2


async def test_tools_list_holds_only_the_actions_the_account_may_run(harness: Harness) -> None:
    # The profile enables everything its (absent) scopes allow, but the account was granted employees only.
    application = await harness.application(scopes=["employees"])
    linked = await link_account(harness, application=application, scopes=None)
    assert linked.account["scopes"] == ["employees"]
    listed = (await jsonrpc(harness, "tools/list", headers=linked.headers())).json()["result"]
    names = {tool["name"] for tool in listed["tools"]}
    assert "factorialhr_list_employees" in names
    assert not {name for name in names if "time_off" in name or "candidate" in name}

    narrowed = await link_account(
        harness, name="Narrow", scopes=ALL_SCOPES, actions=["factorialhr_list_time_off_requests"]
    )
    listed = (await jsonrpc(harness, "tools/list", headers=narrowed.headers())).json()["result"]
    assert [tool["name"] for tool in listed["tools"]] == ["factorialhr_list_time_off_requests"]


async def test_a_call_that_fails_is_a_tool_error_carrying_the_platform_envelope(harness: Harness) -> None:
    linked = await link_account(harness, actions=EMPLOYEE_ACTIONS)

    async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        answer = await jsonrpc(
            harness, "tools/call", {"name": name, "arguments": arguments}, headers=linked.headers()
        )
        assert answer.status_code == 200
        result: dict[str, Any] = answer.json()["result"]
        assert result["isError"] is True
        return dict(result["structuredContent"])

    disabled = await call("factorialhr_list_teams", {})
    assert disabled["statusCode"] == 403
    assert (await call("factorialhr_no_such_action", {}))["statusCode"] == 404
    missing = await call("factorialhr_get_employee", {})
    assert missing["statusCode"] == 422
    assert missing["errors"] == [{"field": "id", "message": "is required"}]
    ungrouped = await call("factorialhr_get_employee", {"id": "secret-looking-value"})
    assert ungrouped["statusCode"] == 422
    assert "secret-looking-value" not in str(ungrouped)


async def test_initialize_echoes_a_supported_protocol_version(harness: Harness) -> None:
    linked = await link_account(harness)
    client = {"capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}}
    for version, expected in (
        ("2025-11-25", "2025-11-25"),  # what stackone-ai 2.10.1 sends
        ("2025-03-26", "2025-03-26"),
        ("1999-01-01", types.LATEST_PROTOCOL_VERSION),
    ):
        answer = await jsonrpc(
            harness, "initialize", {"protocolVersion": version, **client}, headers=linked.headers()
        )
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/json")
        result = answer.json()["result"]
        assert result["protocolVersion"] == expected
        assert result["serverInfo"]["name"] == "linkyard"
        assert "tools" in result["capabilities"]


async def test_the_initialized_notification_is_accepted_with_202(harness: Harness) -> None:
    linked = await link_account(harness)
    answer = await jsonrpc(harness, "notifications/initialized", headers=linked.headers(), notification=True)
    assert answer.status_code == 202


async def test_the_account_may_be_named_in_the_query(harness: Harness) -> None:
    linked = await link_account(harness, actions=EMPLOYEE_ACTIONS)
    answer = await jsonrpc(
        harness, "tools/list", headers=linked.tenant.auth, query={"x-account-id": linked.account_id}
    )
    assert len(answer.json()["result"]["tools"]) == len(EMPLOYEE_ACTIONS)


async def test_a_request_without_a_usable_account_gets_a_json_rpc_error_saying_why(harness: Harness) -> None:
    linked = await link_account(harness)
    other = await harness.tenant("Other project")
    answers = []
    for headers in (
        {**other.auth, "x-account-id": linked.account_id},
        {**linked.tenant.auth, "x-account-id": "acc_unknown"},
    ):
        answer = await jsonrpc(harness, "tools/list", headers=headers)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/json")
        error = answer.json()["error"]
        assert answer.json()["id"] == 1
        assert error["code"] == types.INVALID_PARAMS
        assert error["message"] == "x-account-id names no linked account of this API key's project"
        assert error["data"]["statusCode"] == 404
        answers.append((error["message"], error["data"]["code"]))
    assert answers[0] == answers[1]  # another project's account is not told apart from an unknown one

    unnamed = (await jsonrpc(harness, "tools/list", headers=linked.tenant.auth)).json()
    assert unnamed["id"] == 1
    assert unnamed["error"]["message"].startswith("Name the account: send the x-account-id header")
    assert unnamed["error"]["data"]["statusCode"] == 400
    too_long = await jsonrpc(harness, "initialize", headers={**linked.tenant.auth, "x-account-id": "a" * 65})
    assert "longer than 64 characters" in too_long.json()["error"]["message"]


async def test_a_notification_without_a_usable_account_is_an_http_error_with_an_id_less_json_rpc_error(
    harness: Harness,
) -> None:
    linked = await link_account(harness)
    for headers, status in (
        ({**linked.tenant.auth, "x-account-id": "acc_unknown"}, 404),
        (linked.tenant.auth, 400),
    ):
        answer = await jsonrpc(harness, "notifications/initialized", headers=headers, notification=True)
        assert answer.status_code == status
        body = answer.json()
        assert body["id"] == "server-error" and body["error"]["data"]["statusCode"] == status


async def test_no_key_or_a_refused_key_is_401_with_a_challenge_for_each_scheme(harness: Harness) -> None:
    linked = await link_account(harness)
    anonymous = await jsonrpc(harness, "tools/list", headers={"x-account-id": linked.account_id})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Basic realm="linkyard", Bearer realm="linkyard"'
    refused = await jsonrpc(
        harness,
        "tools/list",
        headers={"authorization": "Bearer lk_" + "x" * 43, "x-account-id": linked.account_id},
    )
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == (
        'Basic realm="linkyard", Bearer realm="linkyard", error="invalid_token", '
        'error_description="The API key is unknown or was revoked"'
    )
    assert refused.json()["message"] == "The API key is not valid: it is unknown or was revoked"
    bad_style = await jsonrpc(harness, "tools/list", headers=linked.headers(), query={"param-style": "deep"})
    assert bad_style.status_code == 422


async def test_get_and_delete_are_405_and_404_when_they_name_a_session(harness: Harness) -> None:
    linked: Linked = await link_account(harness)
    for method in ("GET", "DELETE"):
        answer = await harness.api.request(method, "/mcp", headers={**ACCEPT, **linked.headers()})
        assert answer.status_code == 405
        assert answer.json()["statusCode"] == 405
        assert answer.headers["allow"] == "POST"
        named = await harness.api.request(
            method, "/mcp", headers={**ACCEPT, **linked.headers(), "mcp-session-id": "s-1"}
        )
        assert named.status_code == 404
        assert named.json()["message"].startswith("No such MCP session: this MCP server is stateless")
        anonymous = await harness.api.request(method, "/mcp", headers={**ACCEPT, "mcp-session-id": "s-1"})
        assert anonymous.status_code == 401


async def test_a_request_without_a_usable_id_is_refused_not_taken_for_a_notification(
    harness: Harness,
) -> None:
    linked = await link_account(harness)
    headers = {**ACCEPT, **linked.headers()}
    for message, reason in (
        ({"jsonrpc": "2.0", "method": "tools/list"}, "tools/list is a request: send it with an id"),
        (
            {"jsonrpc": "2.0", "method": "initialize", "id": {}, "params": {}},
            "The id of a JSON-RPC request is",
        ),
        ({"jsonrpc": "2.0", "method": "tools/list", "id": True}, "The id of a JSON-RPC request is"),
    ):
        answer = await harness.api.post("/mcp", json=message, headers=headers)
        assert answer.status_code == 400, (message, answer.status_code)
        body = answer.json()
        # One body read two ways: StackOne's envelope, and a JSON-RPC error without an id.
        assert body["statusCode"] == 400 and body["message"].startswith(reason)
        assert body["error"]["code"] == types.INVALID_REQUEST and body["id"] == "server-error"
    accepted = await harness.api.post(
        "/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers
    )
    assert accepted.status_code == 202
