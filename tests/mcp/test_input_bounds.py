"""MCP tools carry the bounds of their arguments in `inputSchema`, and a call past them is a tool error with the
platform's 422 envelope: nothing reaches Factorial (the emulator's counters prove it)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Harness
from tests.mcp.conftest import link_account
from tests.mcp.test_endpoint import EMPLOYEE_ACTIONS, _structured, jsonrpc, mcp_client

FIVE_THOUSAND_DIGITS = "1" * 5000
ID_ERROR = {"field": "id", "message": "must be an id: a string of 1 to 19 digits"}


async def _api_requests(harness: Harness) -> int:
    return int((await harness.factorial.get("/_emulator/stats")).json()["api_requests"])


async def test_a_5000_digit_id_is_a_422_tool_error_and_a_real_id_still_works(
    harness: Harness, live_url: str
) -> None:
    linked = await link_account(harness, actions=EMPLOYEE_ACTIONS)
    async with mcp_client(f"{live_url}/mcp", linked.headers()) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        schema = tools["factorialhr_get_employee"].inputSchema["properties"]["path"]["properties"]["id"]
        assert (schema["pattern"], schema["maxLength"]) == ("^[0-9]{1,19}$", 19)
        paging = tools["factorialhr_list_employees"].inputSchema["properties"]["query"]["properties"]
        assert (paging["page_size"]["minimum"], paging["page_size"]["maximum"]) == (1, 100)

        before = await _api_requests(harness)
        refused = await session.call_tool("factorialhr_get_employee", {"path": {"id": FIVE_THOUSAND_DIGITS}})
        assert refused.isError
        envelope = _structured(refused)
        assert envelope["statusCode"] == 422 and envelope["errors"] == [ID_ERROR]
        assert FIVE_THOUSAND_DIGITS[:50] not in str(refused.content)
        too_big = await session.call_tool("factorialhr_list_employees", {"query": {"page_size": 10**40}})
        assert too_big.isError and _structured(too_big)["errors"] == [
            {"field": "page_size", "message": "must be between 1 and 100"}
        ]
        assert await _api_requests(harness) == before

        page = await session.call_tool("factorialhr_list_employees", {"query": {"page_size": 1}})
        wanted = _structured(page)["data"][0]["id"]
        one = await session.call_tool("factorialhr_get_employee", {"path": {"id": wanted}})
        assert not one.isError and _structured(one)["data"]["id"] == wanted
        assert await _api_requests(harness) == before + 2


async def test_flat_prefixed_arguments_are_checked_the_same_way(harness: Harness) -> None:
    linked = await link_account(harness, actions=EMPLOYEE_ACTIONS)
    flat = {"param-style": "flat_prefixed"}
    before = await _api_requests(harness)

    async def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        answer = await jsonrpc(
            harness,
            "tools/call",
            {"name": name, "arguments": arguments},
            headers=linked.headers(),
            query=flat,
        )
        result: dict[str, Any] = answer.json()["result"]
        assert result["isError"] is True
        return dict(result["structuredContent"])

    assert (await call("factorialhr_get_employee", {"path_id": FIVE_THOUSAND_DIGITS}))["errors"] == [ID_ERROR]
    created = await call(
        "factorialhr_create_employee",
        {"body_first_name": "A" * 300, "body_last_name": "B", "body_email": "a@example.test"},
    )
    assert created["statusCode"] == 422
    assert created["errors"] == [{"field": "first_name", "message": "must be at most 255 characters long"}]
    assert await _api_requests(harness) == before
