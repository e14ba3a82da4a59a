"""The unified operations as tools for agents (`hris_list_employees`, `hris_get_employee`, ...): enabled on a
connector profile as actions are, listed by `/actions`, `/actions/search` and `/mcp`, called through the MCP SDK's
client and `stackone-ai` unchanged, and answering what `GET /unified/hris/...` answers."""

from __future__ import annotations

import asyncio
from typing import Any

import jsonschema
from mcp import types
from stackone_ai import StackOneToolSet

from linkyard.connectors import get_connector
from tests.api.conftest import ALL_SCOPES
from tests.mcp.conftest import Harness, Linked
from tests.mcp.test_endpoint import mcp_client

SCOPES = [*ALL_SCOPES, "company_legal_entities"]
ENABLED = [
    "factorialhr_list_employees",
    "factorialhr_get_employee",
    "factorialhr_list_legal_entities",
    "hris_list_employees",
    "hris_get_employee",
    "hris_list_companies",
    "hris_get_company",
]
UNIFIED = [name for name in ENABLED if name.startswith("hris_")]


async def _linked(harness: Harness, actions: list[str] = ENABLED) -> Linked:
    """An account of a Factorial application granted the legal entities' scope too (companies)."""
    tenant = await harness.tenant()
    application = await harness.application(scopes=SCOPES)
    profile = await harness.profile(tenant, application, token_type="company", scopes=SCOPES, actions=actions)
    _, account = await harness.link(tenant, await harness.admin_email())
    return Linked(tenant, profile, account)


def _content(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structuredContent is not None, result.content
    return result.structuredContent


async def _unified(harness: Harness, linked: Linked, path: str, **params: Any) -> dict[str, Any]:
    answer = await harness.api.get(f"/unified/hris/{path}", params=params, headers=linked.headers())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_mcp_lists_the_enabled_unified_tools_and_calls_them_as_the_unified_api_answers(
    harness: Harness, live_url: str
) -> None:
    linked = await _linked(harness)
    async with mcp_client(f"{live_url}/mcp", linked.headers()) as session:
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert sorted(listed) == sorted(ENABLED)
        schema = listed["hris_list_employees"].inputSchema
        jsonschema.Draft202012Validator.check_schema(schema)
        query = schema["properties"]["query"]["properties"]
        assert {"page_size", "next", "fields", "filter_updated_after", "filter_email"} <= set(query)
        assert listed["hris_get_employee"].inputSchema["required"] == ["path"]
        annotations = listed["hris_list_employees"].annotations
        assert annotations is not None and annotations.readOnlyHint is True

        first = await session.call_tool(
            "hris_list_employees", {"query": {"page_size": 3, "fields": "id,work_email,gender"}}
        )
        assert not first.isError, first.content
        page = _content(first)
        expected = await _unified(harness, linked, "employees", page_size="3", fields="id,work_email,gender")
        assert page["data"] == expected["data"]
        assert len(page["data"]) == 3 and isinstance(page["next"], str)

        following = await session.call_tool(
            "hris_list_employees", {"query": {"page_size": 3, "next": page["next"]}}
        )
        after = await _unified(harness, linked, "employees", page_size="3", next=page["next"])
        assert _content(following)["data"] == after["data"]
        assert _content(following)["data"][0]["id"] not in {e["id"] for e in page["data"]}

        wanted = page["data"][1]["id"]
        one = await session.call_tool("hris_get_employee", {"path": {"id": wanted}})
        assert _content(one) == {"data": (await _unified(harness, linked, f"employees/{wanted}"))["data"]}

        email = page["data"][2]["work_email"]
        by_email = await session.call_tool("hris_list_employees", {"query": {"filter_email": email.upper()}})
        assert [e["id"] for e in _content(by_email)["data"]] == [page["data"][2]["id"]]

        companies = await session.call_tool("hris_list_companies", {})
        assert _content(companies)["data"] == (await _unified(harness, linked, "companies"))["data"]

        # Bad arguments are the tool's answer (422 naming them), as an action's are.
        wrong = await session.call_tool("hris_list_employees", {"query": {"page_size": 0, "fields": "nope"}})
        assert wrong.isError
        assert _content(wrong)["statusCode"] == 422
        assert [e["field"] for e in _content(wrong)["errors"]] == ["page_size"]
        unknown = await session.call_tool("hris_list_employees", {"query": {"fields": "id,nope"}})
        assert _content(unknown)["statusCode"] == 422
        assert [e["field"] for e in _content(unknown)["errors"]] == ["fields[1]"]


async def test_a_profile_without_the_unified_tools_neither_lists_nor_runs_them(
    harness: Harness, live_url: str
) -> None:
    linked = await _linked(harness, actions=["factorialhr_list_employees"])
    async with mcp_client(f"{live_url}/mcp", linked.headers()) as session:
        assert [tool.name for tool in (await session.list_tools()).tools] == ["factorialhr_list_employees"]
        refused = await session.call_tool("hris_list_employees", {})
        assert refused.isError
        assert _content(refused)["statusCode"] == 403
        assert "hris_list_employees is not enabled" in _content(refused)["message"]


async def test_a_profile_enabling_a_unified_tool_enables_the_actions_it_reads_through(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    application = await harness.application()
    created = await harness.api.post(
        "/connector_profiles",
        json={
            "connector": "factorialhr",
            "environment": "sandbox",
            "client_id": application["client_id"],
            "client_secret": application["client_secret"],
            "scopes": ["employees"],
            "actions": ["factorialhr_get_credentials", "hris_list_employees"],
        },
        headers=tenant.auth,
    )
    assert created.status_code == 422, created.text
    assert created.json()["errors"] == [
        {
            "field": "actions[1]",
            "message": "hris_list_employees reads through factorialhr_list_employees: enable it too",
        }
    ]


async def test_actions_and_search_list_the_unified_tools(harness: Harness) -> None:
    linked = await _linked(harness)
    listed = await harness.api.get(
        "/actions", params={"filter[account_ids]": linked.account_id}, headers=linked.tenant.auth
    )
    assert listed.status_code == 200, listed.text
    [connector] = listed.json()["data"]
    # The actions in catalogue order, then the unified operations in the mapping's.
    assert [action["id"] for action in connector["actions"]] == [
        tool.id for tool in get_connector("factorialhr").tools if tool.id in ENABLED
    ]
    assert [action["id"] for action in connector["actions"]][-len(UNIFIED) :] == [
        "hris_list_companies",
        "hris_get_company",
        "hris_list_employees",
        "hris_get_employee",
    ]
    found = await harness.api.post(
        "/actions/search", json={"query": "unified hris list employees"}, headers=linked.tenant.auth
    )
    assert found.status_code == 200, found.text
    names = [result["action_name"] for result in found.json()["results"]]
    assert "hris_list_employees" in names[:3]


async def test_stackone_ai_fetches_and_executes_the_unified_tools(harness: Harness, live_url: str) -> None:
    linked = await _linked(harness)
    toolset = StackOneToolSet(api_key=linked.tenant.key, base_url=live_url)
    tools = await asyncio.to_thread(toolset.fetch_tools, account_ids=[linked.account_id])
    assert sorted(tool.name for tool in tools) == sorted(ENABLED)
    listing = tools.get_tool("hris_list_employees")
    assert listing is not None
    result = await asyncio.to_thread(listing.execute, {"query_page_size": "5", "query_fields": "id,name"})
    expected = await _unified(harness, linked, "employees", page_size="5", fields="id,name")
    assert result["data"] == expected["data"]
    assert isinstance(result["next"], str)
    getting = tools.get_tool("hris_get_employee")
    assert getting is not None
    one = await asyncio.to_thread(lambda: getting.call(path_id=expected["data"][0]["id"]))
    assert one["data"]["name"] == expected["data"][0]["name"]
    specs = {spec["function"]["name"]: spec["function"]["parameters"] for spec in tools.to_openai()}
    assert specs["hris_get_employee"]["required"] == ["path_id"]
    assert specs["hris_list_employees"]["properties"]["query_page_size"]["type"] == "integer"
