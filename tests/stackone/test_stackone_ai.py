"""`stackone-ai` 2.10.1, unchanged, against Linkyard: tools from `POST /mcp`, execution through `/actions/rpc`.

The SDK is synchronous (it runs the MCP client in a loop of its own), so each call goes through
`asyncio.to_thread` while the test's loop serves the platform on a loopback port.
"""

from __future__ import annotations

import asyncio
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema
import pytest
from stackone_ai import StackOneToolSet
from stackone_ai.models import StackOneAPIError
from stackone_ai.toolset import ToolsetLoadError

from linkyard.connectors.factorialhr import API_VERSION
from tests.api.conftest import Harness
from tests.mcp.conftest import Linked, link_account

ENABLED = [
    "factorialhr_get_credentials",
    "factorialhr_list_employees",
    "factorialhr_get_employee",
    "factorialhr_create_employee",
]
OPENAI_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@dataclass
class StackOne:
    harness: Harness
    linked: Linked
    toolset: StackOneToolSet
    base_url: str


@pytest.fixture
async def stackone(harness: Harness, live_url: str) -> StackOne:
    """An account whose profile enables `ENABLED`, and the SDK's toolset pointed at the platform."""
    linked = await link_account(harness, actions=ENABLED)
    toolset = StackOneToolSet(api_key=linked.tenant.key, base_url=live_url)
    return StackOne(harness, linked, toolset, live_url)


async def _first_employees(harness: Harness, count: int) -> list[dict[str, Any]]:
    """What the emulator itself lists first, asked with an API key of the company."""
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    listed = await harness.factorial.get(
        f"/api/{API_VERSION}/resources/employees/employees",
        params={"limit": str(count)},
        headers={"x-api-key": created.json()["api_key"]},
    )
    assert listed.status_code == 200, listed.text
    return list(listed.json()["data"])


async def test_fetch_tools_returns_exactly_the_profiles_enabled_actions(stackone: StackOne) -> None:
    tools = await asyncio.to_thread(stackone.toolset.fetch_tools, account_ids=[stackone.linked.account_id])
    assert sorted(tool.name for tool in tools) == sorted(ENABLED)
    assert tools.get_connectors() == {"factorialhr"}


async def test_execute_lists_the_same_employees_the_emulator_lists_first(stackone: StackOne) -> None:
    tools = await asyncio.to_thread(stackone.toolset.fetch_tools, account_ids=[stackone.linked.account_id])
    tool = tools.get_tool("factorialhr_list_employees")
    assert tool is not None
    result = await asyncio.to_thread(tool.execute, {"query_page_size": "5"})
    expected = await _first_employees(stackone.harness, 5)
    assert [employee["id"] for employee in result["data"]] == [employee["id"] for employee in expected]
    assert result["data"] == expected
    assert isinstance(result["next"], str)


async def test_call_with_path_id_returns_that_employee(stackone: StackOne) -> None:
    tools = await asyncio.to_thread(stackone.toolset.fetch_tools, account_ids=[stackone.linked.account_id])
    tool = tools.get_tool("factorialhr_get_employee")
    assert tool is not None
    wanted = (await _first_employees(stackone.harness, 3))[2]
    result = await asyncio.to_thread(lambda: tool.call(path_id=wanted["id"]))
    assert result["data"]["id"] == wanted["id"]
    assert result["data"]["email"] == wanted["email"]


async def test_to_openai_yields_one_valid_function_spec_per_tool(stackone: StackOne) -> None:
    tools = await asyncio.to_thread(stackone.toolset.fetch_tools, account_ids=[stackone.linked.account_id])
    specs = tools.to_openai()
    assert len(specs) == len(tools) == len(ENABLED)
    assert sorted(spec["function"]["name"] for spec in specs) == sorted(ENABLED)
    for spec in specs:
        function = spec["function"]
        assert spec["type"] == "function"
        assert OPENAI_NAME.match(function["name"])
        assert function["description"]
        parameters = function["parameters"]
        jsonschema.Draft202012Validator.check_schema(parameters)
        assert parameters["type"] == "object"
        assert set(parameters.get("required", [])) <= set(parameters["properties"])
    by_name = {spec["function"]["name"]: spec["function"]["parameters"] for spec in specs}
    assert by_name["factorialhr_get_employee"]["required"] == ["path_id"]
    assert by_name["factorialhr_list_employees"]["properties"]["query_page_size"]["type"] == "integer"


async def test_a_disabled_action_is_absent_from_the_tools_and_refused_by_rpc_with_403(
    stackone: StackOne,
) -> None:
    account_id = stackone.linked.account_id
    tools = await asyncio.to_thread(stackone.toolset.fetch_tools, account_ids=[account_id])
    assert tools.get_tool("factorialhr_list_teams") is None  # the profile does not enable it
    create = tools.get_tool("factorialhr_create_employee")
    assert create is not None

    # The integrator disables an action the SDK already holds a tool for: the platform refuses the call.
    profile_id = stackone.linked.profile["id"]
    disabled = await stackone.harness.api.patch(
        f"/connector_profiles/{profile_id}",
        json={"actions": [name for name in ENABLED if name != "factorialhr_create_employee"]},
        headers=stackone.linked.tenant.auth,
    )
    assert disabled.status_code == 200, disabled.text
    before = (await stackone.harness.stats())["api_requests"]
    with pytest.raises(StackOneAPIError) as refused:
        await asyncio.to_thread(
            create.execute,
            {"body_first_name": "Ada", "body_last_name": "Lovelace", "body_email": "ada@example.com"},
        )
    assert refused.value.status_code == 403
    assert (await stackone.harness.stats())["api_requests"] == before

    fresh = StackOneToolSet(api_key=stackone.linked.tenant.key, base_url=stackone.base_url)
    tools = await asyncio.to_thread(fresh.fetch_tools, account_ids=[account_id])
    assert "factorialhr_create_employee" not in {tool.name for tool in tools}
    async with httpx.AsyncClient(base_url=stackone.base_url) as http:
        teams = await http.post(
            "/actions/rpc",
            json={"action": "factorialhr_list_teams", "body": {}, "headers": {"x-account-id": account_id}},
            headers=stackone.linked.tenant.auth,
        )
    assert teams.status_code == 403
    assert teams.json()["statusCode"] == 403


def _shown(error: BaseException) -> str:
    """What Python prints for the exception when the developer does not catch it (its causes and groups too)."""
    return "".join(traceback.format_exception(error))


def _raised(error: BaseException) -> Iterator[BaseException]:
    """The exception, the exceptions it was raised from and those its groups hold."""
    yield error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _raised(inner)
    if error.__cause__ is not None:
        yield from _raised(error.__cause__)


async def test_an_unknown_account_reaches_the_developer_as_the_reason_not_session_terminated(
    stackone: StackOne,
) -> None:
    with pytest.raises(ToolsetLoadError) as failed:
        await asyncio.to_thread(stackone.toolset.fetch_tools, account_ids=["acc_unknown"])
    shown = _shown(failed.value)
    assert "x-account-id names no linked account of this API key's project" in shown
    assert "Session terminated" not in shown


async def test_no_account_named_reaches_the_developer_as_the_reason_not_session_terminated(
    stackone: StackOne,
) -> None:
    # With no account given (neither to `fetch_tools` nor to the toolset), the SDK sends no x-account-id.
    with pytest.raises(ToolsetLoadError) as failed:
        await asyncio.to_thread(stackone.toolset.fetch_tools)
    shown = _shown(failed.value)
    assert "Name the account: send the x-account-id header" in shown
    assert "Session terminated" not in shown


async def test_a_bad_key_is_a_401_with_an_invalid_token_challenge_and_no_key_in_the_error(
    stackone: StackOne,
) -> None:
    key = "lk_" + "z" * 43
    toolset = StackOneToolSet(api_key=key, base_url=stackone.base_url)
    with pytest.raises(ToolsetLoadError) as failed:
        await asyncio.to_thread(toolset.fetch_tools, account_ids=[stackone.linked.account_id])
    shown = _shown(failed.value)
    # The MCP SDK reads no body of a non-2xx answer: the status line is the reason the developer sees.
    assert "401 Unauthorized" in shown
    assert key not in shown
    refused = next(error for error in _raised(failed.value) if isinstance(error, httpx.HTTPStatusError))
    assert refused.response.status_code == 401
    assert 'error="invalid_token"' in refused.response.headers["www-authenticate"]
