"""Calling a tool by name: a connector's action (`run_action`), or a unified operation (`hris_list_employees`,
`hris_create_employee`) read or written through the connector's mapping, as `/unified/...` reads and writes it.

A unified operation is enabled on a connector profile as an action is, and needs the scopes of the actions it
calls; its arguments are StackOne's query conventions (`page_size`, `next`, `fields`, `filter_<name>`, `id`) for a
read, the unified fields for a write, checked against its input schema before anything is called. Writes go
through the one write service (`linkyard.services.unified.writes`), as the routes' do. The calls themselves are
enforced as every action call is (`run_action`: the account active, the fair shares, the token keeper, the
request log).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from linkyard.connectors import Action, build_request, get_connector, is_enabled, list_connectors
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.connectors.unified.tools import UnifiedCall
from linkyard.domain import Project
from linkyard.errors import Forbidden
from linkyard.services.actions import ActionResult, run_action
from linkyard.services.platform import Platform
from linkyard.services.unified.nested import get_under, list_under
from linkyard.services.unified.reads import UnifiedQuery, get_record, list_records
from linkyard.services.unified.writes import create_record, delete_record, run_operation, update_record

_FILTER = "filter_"


async def run_tool(
    platform: Platform,
    project: Project,
    account_id: str,
    tool_id: str,
    arguments: Mapping[str, Any],
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> ActionResult:
    """Run the action or unified operation `tool_id` on an account of `project` with flat `arguments`.

    For a unified operation: 403 when the profile does not enable it or the account lacks a scope it needs,
    422 naming each bad argument, then as `list_records` and `get_record`; anything else is `run_action`'s.
    """
    if not _is_unified(tool_id):
        # An action (or nothing): `run_action` reads the account once, as it does for every call.
        return await run_action(platform, project, account_id, tool_id, arguments, policy=policy)
    found = await platform.store.accounts.read_recent(project.id, account_id)
    tool = get_connector(found.account.connector).find_tool(tool_id)
    if tool is None or tool.unified is None:
        return await run_action(platform, project, account_id, tool_id, arguments, policy=policy)
    if not is_enabled(tool, found.profile.scopes, found.profile.actions):
        raise Forbidden(f"{tool.id} is not enabled on the account's connector profile")
    missing = tool.missing_scopes(found.account.scopes or None)
    if missing:
        raise Forbidden(
            f"{tool.id} needs scope(s) the account did not grant: {', '.join(missing)}",
            missing_scopes=missing,
        )
    values = _arguments(tool, arguments)
    resource = tool.unified.resource
    if tool.unified.writes:
        return await _write(platform, project, account_id, tool, tool.unified, values, policy)
    fields = [name.strip() for name in str(values.pop("fields", "")).split(",") if name.strip()]
    # Under a parent (`/employees/{id}/shifts/{sub_resource_id}`), `id` is the parent's: read as its routes read.
    parent_field = tool.unified.parent_field
    parent = None if parent_field is None else (parent_field, str(values.pop("id")))
    if tool.unified.kind == "get":
        query = UnifiedQuery(fields=fields)
        if parent is None:
            record = await get_record(
                platform, project, account_id, resource, str(values["id"]), query, policy=policy
            )
        else:
            record_id = str(values["sub_resource_id"])
            record = await get_under(
                platform, project, account_id, resource, parent, record_id, query, policy=policy
            )
        return ActionResult(record.data, None, False)
    after = values.pop("filter_updated_after", None)
    query = UnifiedQuery(
        page_size=values.get("page_size"),
        next=values.get("next"),
        fields=fields,
        updated_after=datetime.fromisoformat(after) if after is not None else None,
        filters={
            name.removeprefix(_FILTER): value for name, value in values.items() if name.startswith(_FILTER)
        },
    )
    if parent is None:
        page = await list_records(platform, project, account_id, resource, query, policy=policy)
    else:
        page = await list_under(platform, project, account_id, resource, parent, query, policy=policy)
    return ActionResult(page.data, page.next, True)


async def _write(
    platform: Platform,
    project: Project,
    account_id: str,
    tool: Action,
    call: UnifiedCall,
    values: dict[str, Any],
    policy: RetryPolicy,
) -> ActionResult:
    """A unified write with the tool's arguments: the path's ids, then the body under the model's names. It
    answers the written record's `id` and `remote_id` (a removal, the removed record's `id`)."""
    located = tool.parameters_by_name
    path = {name: str(value) for name, value in values.items() if located[name].location == "path"}
    body = {
        call.renamed.get(name, name): value
        for name, value in values.items()
        if located[name].location == "body"
    }
    if call.parent_field is not None and "sub_resource_id" in path:
        record_id: str | None = path["sub_resource_id"]
        within: dict[str, str] | None = {call.parent_field: path["id"]}
    elif call.parent_field is not None:
        record_id, within = None, {call.parent_field: path["id"]}
    else:
        record_id, within = path.get("id"), None
    match call.kind:
        case "create":
            written = await create_record(
                platform, project, account_id, call.resource, body, within=within, policy=policy
            )
        case "update":
            written = await update_record(
                platform,
                project,
                account_id,
                call.resource,
                str(record_id),
                body,
                within=within,
                policy=policy,
            )
        case "delete":
            await delete_record(
                platform, project, account_id, call.resource, str(record_id), within=within, policy=policy
            )
            return ActionResult({"id": record_id}, None, False)
        case _:
            written = await run_operation(
                platform,
                project,
                account_id,
                call.resource,
                str(call.operation),
                str(record_id),
                body,
                policy=policy,
            )
    return ActionResult({"id": written.id, "remote_id": written.remote_id}, None, False)


def _is_unified(tool_id: str) -> bool:
    """Whether some connector offers a unified operation of this name."""
    return any(tool.id == tool_id for connector in list_connectors() for tool in connector.unified_actions)


def _arguments(tool: Action, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments coerced to their types (`"5"` -> 5); 422 naming each unknown, missing or bad one, as an
    action's arguments are checked (`build_request`)."""
    build_request(tool, arguments)
    known = tool.parameters_by_name
    return {name: known[name].coerce(value) for name, value in arguments.items() if value is not None}
