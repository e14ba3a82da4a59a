"""Reading unified records: a list page or one record of a linked account, through its connector's mapping.

Every call goes through `run_action` with the mapping's action, so the unified API is enforced exactly as actions
are (the action enabled on the profile, its scopes granted, the account active, the fair shares, the token
keeper, the retries). This module adds what StackOne's query conventions ask for on top: its cursor around the
action's, `fields`, `raw` and `filter[updated_after]`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from linkyard.connectors import Connector, decode_next, encode_next, get_connector
from linkyard.connectors.parameters import ArgumentError
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.connectors.unified import Parent, ResourceMapping, model_of
from linkyard.domain import Project
from linkyard.errors import FieldError, NotFound, ProviderError, ValidationFailed
from linkyard.services.actions import ActionResult, run_action
from linkyard.services.platform import Platform
from linkyard.services.unified.expansions import Additions, add_related, plan_additions
from linkyard.services.unified.lookups import join_lookups
from linkyard.services.unified.proxied import proxied_query
from linkyard.services.unified.steps import check_steps

MAX_FIELDS = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class UnifiedQuery:
    """StackOne's query conventions for a read; `next` is the cursor a previous page gave."""

    page_size: int | None = None
    next: str | None = None
    fields: Sequence[str] = ()
    raw: bool = False
    updated_after: datetime | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    """StackOne's other `filter[<name>]` values (`email`, `employee_number`), by name."""
    proxy: Mapping[str, str] = field(default_factory=dict)
    """StackOne's `proxy[<name>]` values, passed to the provider's list call (`linkyard.services.unified.proxied`)."""
    expand: Sequence[str] = ()
    """StackOne's `expand`: the related objects to embed (`linkyard.services.unified.expansions`)."""
    include: Sequence[str] = ()
    """StackOne's `include`: the extra parts to add (`custom_fields`)."""


@dataclass(frozen=True, slots=True)
class UnifiedPage:
    data: list[dict[str, Any]]
    next: str | None
    raw: list[dict[str, Any]] | None


@dataclass(frozen=True, slots=True)
class UnifiedRecord:
    data: dict[str, Any]
    raw: list[dict[str, Any]] | None


async def list_records(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    query: UnifiedQuery,
    *,
    parent_id: str | None = None,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> UnifiedPage:
    """One page of `resource` (`hris/employees`) of an account, in the unified model.

    The provider's page is mapped record by record; `filter[updated_after]` is sent to the provider where its
    mapping names a parameter (at the provider's precision) and then applied exactly to the mapped
    `updated_at`, so a page may hold fewer records than `page_size` but no record is skipped. With
    `parent_id`, only the records of that parent (an employee's time off; the mapping's `parent`). 422 for a
    `fields` name the model does not have, a cursor of another resource, or `filter[updated_after]` on a
    resource whose provider records no update time; otherwise as `run_action`.
    """
    connector, mapping = await mapping_of(platform, project, account_id, resource)
    owner = resource if parent_id is None else f"{resource}@{parent_id}"
    fields = _fields(resource, query.fields)
    additions = _plan(mapping, query)
    arguments: dict[str, Any] = {}
    if query.page_size is not None:
        # More than the provider pages at once is its largest page, and `next` gives the rest.
        largest = connector.action(mapping.list_action).pagination.parameters()
        bound = next((p.maximum for p in largest if p.name == "page_size"), None)
        arguments["page_size"] = query.page_size if bound is None else min(query.page_size, int(bound))
    if query.next is not None:
        arguments["next"] = _inner_cursor(owner, query.next)
    after = _aware(query.updated_after)
    if after is not None:
        if mapping.updated_after is None:
            raise ValidationFailed(
                "Invalid filter",
                errors=[
                    {
                        "field": "filter[updated_after]",
                        "message": f"the provider records no update time for {resource}",
                    }
                ],
            )
        if mapping.updated_after.param is not None:
            precise = mapping.updated_after.precision == "datetime"
            utc = after.astimezone(UTC)
            # A provider's day may be its company's, not UTC's: the day before the UTC one never leaves out a
            # record updated since (whatever the provider's zone), and the exact comparison below drops the
            # extra ones. The caller's offset never moves the day either.
            day = (utc - timedelta(days=1)).date().isoformat()
            arguments[mapping.updated_after.param] = utc.isoformat() if precise else day
    wanted = _filters(connector, mapping, query.filters, arguments)
    key, parent_read = None, None
    if parent_id is not None:
        parent = _parent(mapping)
        key, parent_read = await _parent_key(
            platform, project, account_id, parent, parent_id, mapping.list_action, policy
        )
        if key is None:
            # The parent has no key its records could name (an employee with no access): none are its.
            return UnifiedPage([], None, _raw([parent_read] if parent_read else [], query.raw))
        param = connector.action(mapping.list_action).parameters_by_name[parent.param]
        arguments[parent.param] = [key] if param.type == "array" else key
        if parent.field is not None and parent.fills is None:
            wanted[parent.field] = parent_id
    arguments.update(mapping.list_arguments)
    passthrough = await proxied_query(
        platform, project, account_id, connector, mapping.list_action, query.proxy
    )
    try:
        result = await run_action(
            platform,
            project,
            account_id,
            mapping.list_action,
            arguments,
            policy=policy,
            passthrough=passthrough,
        )
    except ValidationFailed as invalid:
        # A parent id the provider could never have given names no parent: 404, as a get answers.
        if parent_id is not None and any(e["field"] == _parent(mapping).param for e in invalid.errors):
            raise NotFound("No such record in the account", code="record_not_found") from None
        raise
    found = result.data or ()
    if key is not None and _parent(mapping).source is not None:
        # The model has no field naming the parent (documents, or a task's assignees): the provider's record
        # does, by the parent's id or the key looked up.
        found = [record for record in found if _parent(mapping).owns(record, {}, key)]
    found, looked_up = await join_lookups(
        platform, project, account_id, connector, mapping, found, policy=policy
    )
    pairs = [
        (record, _filled(mapping, mapped, parent_id))
        for record, mapped in zip(found, mapping.read_many(found), strict=True)
    ]
    if after is not None:
        pairs = [pair for pair in pairs if _updated_since(pair[1].get("updated_at"), after)]
    for name, value in wanted.items():
        pairs = [pair for pair in pairs if _same_text(pair[1].get(name), value)]
    calls = await add_related(
        platform, project, account_id, connector, mapping, pairs, additions, policy=policy
    )
    cursor = None if result.next is None else encode_next(_cursor_owner(owner), result.next)
    return UnifiedPage(
        [_select(record, fields, additions) for _, record in pairs],
        cursor,
        _raw([result, *looked_up, *calls, *([parent_read] if parent_read else [])], query.raw),
    )


async def get_record(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    record_id: str,
    query: UnifiedQuery,
    *,
    parent_id: str | None = None,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> UnifiedRecord:
    """One record of `resource` by its unified id, in the unified model; 404 when the provider has none, or
    with `parent_id` when the record is not that parent's."""
    connector, mapping = await mapping_of(platform, project, account_id, resource)
    parent = None if parent_id is None else _parent(mapping)
    fields = _fields(resource, query.fields)
    additions = _plan(mapping, query)
    key, parent_read = None, None
    if parent is not None and parent_id is not None:
        reads = mapping.get_action or mapping.list_action
        key, parent_read = await _parent_key(platform, project, account_id, parent, parent_id, reads, policy)
        if key is None:
            raise NotFound("No such record in the account", code="record_not_found")
    try:
        if mapping.get_action is not None:
            result = await run_action(
                platform, project, account_id, mapping.get_action, {"id": record_id}, policy=policy
            )
            found = result.data
        else:
            # The provider has no endpoint for one record: its list, narrowed to the id.
            arguments = {"ids": [record_id], "page_size": 1}
            result = await run_action(
                platform, project, account_id, mapping.list_action, arguments, policy=policy
            )
            found = result.data[0] if result.data else None
    except ValidationFailed as invalid:
        # An id the provider could never have given names no record: 404, as for an id it does not have.
        if invalid.errors and all(error["field"] in ("id", "ids") for error in invalid.errors):
            raise NotFound("No such record in the account", code="record_not_found") from None
        raise
    if not isinstance(found, dict):
        if found is None:
            raise NotFound("No such record in the account", code="record_not_found")
        raise ProviderError("The provider answered with something that is not a record")
    record = mapping.read(found)
    if parent is not None and not parent.owns(found, record, str(key)):
        raise NotFound("No such record in the account", code="record_not_found")
    joined, looked_up = await join_lookups(
        platform, project, account_id, connector, mapping, [found], policy=policy
    )
    if looked_up:
        record = mapping.read(joined[0])
    record = _filled(mapping, record, parent_id)
    calls = await add_related(
        platform, project, account_id, connector, mapping, [(found, record)], additions, policy=policy
    )
    raw = _raw([result, *looked_up, *calls, *([parent_read] if parent_read else [])], query.raw)
    return UnifiedRecord(_select(record, fields, additions), raw)


async def mapping_of(
    platform: Platform, project: Project, account_id: str, resource: str
) -> tuple[Connector, ResourceMapping]:
    """The linked account's connector and its mapping of `resource` (404 when it maps none)."""
    account = await platform.store.accounts.get_recent(project.id, account_id)
    connector = get_connector(account.connector)
    mapping = connector.unified.find(resource) if connector.unified is not None else None
    if mapping is None:
        raise NotFound(f"{connector.name} has no unified {resource}", code="unified_resource_not_mapped")
    return connector, mapping


def _filters(
    connector: Connector, mapping: ResourceMapping, given: Mapping[str, str], arguments: dict[str, Any]
) -> dict[str, str]:
    """The unified fields to keep records by, for StackOne's filters; each filter the provider can narrow by is
    also put in the action's `arguments`. 422 naming a filter the mapping does not serve."""
    listing = connector.action(mapping.list_action)
    wanted: dict[str, str] = {}
    for name, value in given.items():
        list_filter = mapping.filters.get(name)
        if list_filter is None:
            raise ValidationFailed(
                "Invalid filter",
                errors=[{"field": f"filter[{name}]", "message": f"{connector.name} cannot filter by it"}],
            )
        if list_filter.param is not None:
            param = listing.parameters_by_name[list_filter.param]
            arguments[list_filter.param] = [value] if param.type == "array" else value
        wanted[list_filter.field] = value
    return wanted


def _same_text(found: Any, wanted: str) -> bool:
    """Whether a unified value (an enum object by its unified `value`) is `wanted`, ignoring case."""
    if isinstance(found, dict):
        found = found.get("value")
    return isinstance(found, str) and found.casefold() == wanted.casefold()


async def _parent_key(
    platform: Platform,
    project: Project,
    account_id: str,
    parent: Parent,
    parent_id: str,
    then: str,
    policy: RetryPolicy,
) -> tuple[str | None, ActionResult | None]:
    """The key a parent's records name it by: its id, or for a parent looked up (an employee's tasks name its
    access id), the key read from the parent's own record, with that call, once the action that `then` reads the
    records may run too (403 before any call otherwise). 404 when there is no such parent."""
    lookup = parent.lookup
    if lookup is None:
        return parent_id, None
    await check_steps(platform, project, account_id, [lookup.action, then])
    try:
        result = await run_action(
            platform, project, account_id, lookup.action, {"id": parent_id}, policy=policy
        )
    except ValidationFailed as invalid:
        if invalid.errors and all(error["field"] == "id" for error in invalid.errors):
            raise NotFound("No such record in the account", code="record_not_found") from None
        raise
    found = lookup.search(result.data) if isinstance(result.data, dict) else None
    if isinstance(found, bool) or not isinstance(found, str | int):
        return None, result
    return str(found), result


def _filled(mapping: ResourceMapping, record: dict[str, Any], parent_id: str | None) -> dict[str, Any]:
    """The record with the field its looked-up parent fills (a task's `employee_id` under the employee), in the
    model's order."""
    name = mapping.parent.fills if mapping.parent is not None and parent_id is not None else None
    if name is None:
        return record
    return {
        field: parent_id if field == name else record[field]
        for field in mapping.model.fields
        if field in record or field == name
    }


def _parent(mapping: ResourceMapping) -> Parent:
    if mapping.parent is None:
        raise NotFound(f"{mapping.resource} is not served under a parent", code="unified_resource_not_mapped")
    return mapping.parent


def _fields(resource: str, wanted: Sequence[str]) -> tuple[str, ...]:
    """The unified fields asked for, each one of the model's (422 naming the position of one that is not)."""
    if len(wanted) > MAX_FIELDS:
        raise ValidationFailed(
            "Too many fields", errors=[{"field": "fields", "message": f"takes at most {MAX_FIELDS} names"}]
        )
    known = model_of(resource).fields
    problems: list[FieldError] = [
        {"field": f"fields[{index}]", "message": "is not a field of the unified model"}
        for index, name in enumerate(wanted)
        if name not in known
    ]
    if problems:
        raise ValidationFailed("Unknown fields", errors=problems)
    return tuple(wanted)


def _plan(mapping: ResourceMapping, query: UnifiedQuery) -> Additions:
    return plan_additions(
        mapping, expand=query.expand, include=query.include, fields=query.fields, raw=query.raw
    )


def _select(record: dict[str, Any], fields: tuple[str, ...], additions: Additions) -> dict[str, Any]:
    """The fields asked for (all when none are), and what `expand`, `include` and `raw` added."""
    if not fields:
        return record
    return {name: record[name] for name in (*fields, *additions.extra_keys) if name in record}


def _cursor_owner(resource: str) -> str:
    return f"unified:{resource}"


def _inner_cursor(resource: str, cursor: str) -> str:
    """The action's cursor inside a unified one; 422 for a cursor of another resource or none at all."""
    try:
        return decode_next(_cursor_owner(resource), cursor)
    except ArgumentError:
        raise ValidationFailed(
            "Invalid cursor",
            errors=[{"field": "next", "message": "is not a cursor of this list: pass the previous `next`"}],
        ) from None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _updated_since(updated_at: Any, after: datetime) -> bool:
    if not isinstance(updated_at, str):
        return False  # no update time: nothing shows it changed since
    try:
        moment = datetime.fromisoformat(updated_at)
    except ValueError:
        return False
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)) >= after


def _raw(results: Sequence[ActionResult], wanted: bool) -> list[dict[str, Any]] | None:
    """StackOne's `raw`: each call made to the provider, with its answer (its URL carries no secret): the
    record's or the page's own first, then those of its expansions and custom fields."""
    if not wanted:
        return None
    calls: list[dict[str, Any]] = []
    for result in results:
        response = result.response
        if response is None:
            continue
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text
        method = "GET"  # the unified reads call list and get actions, all GETs (`Connector._check_unified`)
        calls.append({"method": method, "url": response.url, "response": body})
    return calls or None
