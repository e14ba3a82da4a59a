"""fastmcp's client (the one most Python agents use), unchanged, against `POST /mcp`: each refusal reaches the
developer with its reason in the exception's text, not "Session terminated" or a bare status."""

from __future__ import annotations

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from mcp import McpError

from tests.mcp.conftest import Harness, link_account

EMPLOYEES = ["factorialhr_list_employees"]


async def _list_tools(url: str, headers: dict[str, str]) -> list[str]:
    async with Client(StreamableHttpTransport(f"{url}/mcp", headers=headers)) as client:
        return [tool.name for tool in await client.list_tools()]


async def test_an_unknown_account_is_an_mcp_error_naming_the_reason(harness: Harness, live_url: str) -> None:
    linked = await link_account(harness, actions=EMPLOYEES)
    assert await _list_tools(live_url, linked.headers()) == EMPLOYEES  # the same client, the account named
    with pytest.raises(McpError) as failed:
        await _list_tools(live_url, {**linked.tenant.auth, "x-account-id": "acc_unknown"})
    assert str(failed.value) == "x-account-id names no linked account of this API key's project"


async def test_a_missing_account_is_an_mcp_error_saying_to_send_x_account_id(
    harness: Harness, live_url: str
) -> None:
    linked = await link_account(harness, actions=EMPLOYEES)
    with pytest.raises(McpError) as failed:
        await _list_tools(live_url, linked.tenant.auth)
    assert str(failed.value).startswith("Name the account: send the x-account-id header")


async def test_a_bad_key_is_a_401_the_developer_sees_with_the_servers_challenge(
    harness: Harness, live_url: str
) -> None:
    linked = await link_account(harness, actions=EMPLOYEES)
    key = "lk_" + "z" * 43
    with pytest.raises(httpx.HTTPStatusError) as failed:
        await _list_tools(live_url, {"authorization": f"Bearer {key}", "x-account-id": linked.account_id})
    # The MCP SDK under fastmcp reads no body of a non-2xx answer: the status line is what it shows.
    assert "401 Unauthorized" in str(failed.value)
    assert key not in str(failed.value)
    assert failed.value.response.headers["www-authenticate"].endswith(
        'error="invalid_token", error_description="The API key is unknown or was revoked"'
    )
