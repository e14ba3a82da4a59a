"""The unified reads under another record as tools for agents (`hris_list_employee_shifts`,
`ats_get_job_application_stage`, ...): every `GET /unified/.../{id}/...` the routes serve (but a file's download)
is a tool listed by `/actions`, and each answers, through `/actions/rpc` and MCP, what its route answers for the
same parent and record, on both backends; a record of another parent is a 404 from both."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mcp import types
from starlette.applications import Starlette

from linkyard.api.routes.unified_unsupported import TAG
from linkyard.connectors import Action, get_connector
from linkyard.connectors.unified.operations import operation_at
from tests.actions.conftest import Linked, link_admin
from tests.api.conftest import ON_BOTH_BACKENDS
from tests.mcp.conftest import Harness
from tests.mcp.test_endpoint import mcp_client

NESTED = [
    tool.id
    for tool in get_connector("factorialhr").unified_actions
    if tool.unified is not None and tool.unified.parent_field is not None and not tool.unified.writes
]


def _tool(name: str) -> Action:
    found = get_connector("factorialhr").find_tool(name)
    assert found is not None and found.unified is not None
    return found


def _headers(linked: Linked) -> dict[str, str]:
    return {**linked.tenant.auth, "x-account-id": linked.account_id}


async def _route(harness: Harness, linked: Linked, path: str, **params: Any) -> httpx.Response:
    return await harness.api.get(path, params=params, headers=_headers(linked))


async def _ids(harness: Harness, linked: Linked, path: str) -> list[str]:
    """The ids of every record of a unified list (`/unified/hris/employees`), following `next`."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        answer = await _route(harness, linked, path, page_size="100", **({"next": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.text
        ids += [record["id"] for record in answer.json()["data"]]
        cursor = answer.json()["next"]
        if cursor is None:
            return ids


def _paths(tool: Action) -> tuple[str, str]:
    """The parent's list (`/unified/hris/employees`) and the nested list (`/unified/hris/employees/{id}/shifts`)."""
    listing = tool.path.removesuffix("/{sub_resource_id}")
    return listing.split("/{id}")[0], listing


async def _parent_with_records(
    harness: Harness, linked: Linked, tool: Action
) -> tuple[list[str], str, list[dict[str, Any]]]:
    """Every parent, and the first one with records under it (and its first page of them)."""
    parents_path, listing = _paths(tool)
    parents = await _ids(harness, linked, parents_path)
    for parent in parents:
        page = await _route(harness, linked, listing.format(id=parent), page_size="2")
        assert page.status_code == 200, page.text
        if page.json()["data"]:
            return parents, parent, page.json()["data"]
    raise AssertionError(f"no parent has records under {listing}")


def test_every_nested_read_is_a_tool_with_the_parent_and_the_query_options() -> None:
    assert len(NESTED) == 17
    for name in NESTED:
        tool = _tool(name)
        schema = tool.input_schema()
        if tool.unified is not None and tool.unified.kind == "get":
            assert schema["required"] == ["id", "sub_resource_id"], name
            assert set(schema["properties"]) == {"id", "sub_resource_id", "fields"}, name
        else:
            assert schema["required"] == ["id"], name
            assert {"id", "page_size", "next", "fields"} <= set(schema["properties"]), name
    # An employee's tasks name it by its access id: the employee is read first, so its scope is needed too.
    tasks = _tool("hris_list_employee_tasks")
    assert tasks.unified is not None
    assert tasks.unified.reads == ("factorialhr_get_employee", "factorialhr_list_tasks")
    assert set(tasks.required_scopes) == {"employees", "tasks"}
    # The parent is the path's `id`: an employee's employments take no `filter_employee_id`.
    assert "filter_employee_id" not in _tool("hris_list_employee_employments").parameters_by_name
    assert "filter_type" in _tool("hris_list_employee_time_off_policies").parameters_by_name


async def test_every_nested_read_the_routes_serve_is_listed_by_actions(
    harness: Harness, emulator: Starlette
) -> None:
    linked = await link_admin(harness, emulator, every_action=True)
    await linked.provider.aclose()
    document = (await harness.api.get("/openapi.json")).json()
    served = {
        operation.name
        for path, item in document["paths"].items()
        for method, described in item.items()
        if "{id}/" in path and not path.endswith("/download") and TAG not in described.get("tags", ())
        for operation in [operation_at(method, path)]
        if method == "get" and operation is not None
    }
    assert served == set(NESTED)
    listed = await harness.api.get(
        "/actions", params={"filter[account_ids]": linked.account_id}, headers=linked.tenant.auth
    )
    assert listed.status_code == 200, listed.text
    [connector] = listed.json()["data"]
    tools = {action["id"]: action for action in connector["actions"]}
    assert set(NESTED) <= set(tools)
    assert tools["hris_get_employee_shift"]["input_schema"]["required"] == ["id", "sub_resource_id"]


@ON_BOTH_BACKENDS
@pytest.mark.parametrize("name", NESTED)
async def test_a_nested_read_tool_answers_what_its_route_answers(
    harness: Harness, emulator: Starlette, name: str
) -> None:
    tool = _tool(name)
    assert tool.unified is not None
    linked = await link_admin(harness, emulator, every_action=True)
    try:
        parents, owner, first = await _parent_with_records(harness, linked, tool)
        _, listing = _paths(tool)
        if tool.unified.kind == "list":
            route = await _route(harness, linked, listing.format(id=owner), page_size="2", fields="id")
            called = await harness.rpc(
                linked.tenant,
                linked.account_id,
                name,
                path={"id": owner},
                query={"page_size": 2, "fields": "id"},
            )
            assert called.status_code == 200, called.text
            assert called.json()["data"] == route.json()["data"] == [{"id": r["id"]} for r in first]
            if route.json()["next"] is not None:
                following = await _route(
                    harness, linked, listing.format(id=owner), page_size="2", next=route.json()["next"]
                )
                by_tool = await harness.rpc(
                    linked.tenant,
                    linked.account_id,
                    name,
                    path={"id": owner},
                    query={"page_size": 2, "next": called.json()["next"]},
                )
                assert by_tool.status_code == 200, by_tool.text
                assert by_tool.json()["data"] == following.json()["data"]
            return
        record = first[0]["id"]
        route = await _route(harness, linked, f"{listing.format(id=owner)}/{record}")
        assert route.status_code == 200, route.text
        called = await harness.rpc(
            linked.tenant, linked.account_id, name, path={"id": owner, "sub_resource_id": record}
        )
        assert called.status_code == 200, called.text
        assert called.json()["data"] == route.json()["data"] == first[0]
        narrowed = await harness.rpc(
            linked.tenant,
            linked.account_id,
            name,
            path={"id": owner, "sub_resource_id": record},
            query={"fields": "id"},
        )
        assert narrowed.json()["data"] == {"id": record}

        # Under a parent it is not of, the record is a 404 from the route and from the tool alike.
        others = [parent for parent in parents if parent != owner]
        for other in others:
            if record not in await _ids(harness, linked, listing.format(id=other)):
                break
        else:
            raise AssertionError(f"every parent has {record}")
        route = await _route(harness, linked, f"{listing.format(id=other)}/{record}")
        assert route.status_code == 404, route.text
        called = await harness.rpc(
            linked.tenant, linked.account_id, name, path={"id": other, "sub_resource_id": record}
        )
        assert called.status_code == 404, called.text
    finally:
        await linked.provider.aclose()


def _content(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.isError, result.content
    assert result.structuredContent is not None, result.content
    return result.structuredContent


async def test_mcp_calls_nested_read_tools_as_their_routes_answer(
    harness: Harness, emulator: Starlette, live_url: str
) -> None:
    linked = await link_admin(harness, emulator, every_action=True)
    try:
        shifts = _tool("hris_list_employee_time_off_requests")
        _, owner, first = await _parent_with_records(harness, linked, shifts)
        async with mcp_client(f"{live_url}/mcp", _headers(linked)) as session:
            page = await session.call_tool(
                "hris_list_employee_time_off_requests", {"path": {"id": owner}, "query": {"page_size": 2}}
            )
            assert _content(page)["data"] == first
            employments = _tool("hris_get_employee_employment")
            _, employee, contracts = await _parent_with_records(harness, linked, employments)
            one = await session.call_tool(
                "hris_get_employee_employment",
                {"path": {"id": employee, "sub_resource_id": contracts[0]["id"]}},
            )
            route = await _route(
                harness, linked, f"/unified/hris/employees/{employee}/employments/{contracts[0]['id']}"
            )
            assert _content(one) == {"data": route.json()["data"]}
    finally:
        await linked.provider.aclose()
