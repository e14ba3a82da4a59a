"""Records read under a parent record (`/employees/{id}/shifts`, `/jobs/{id}/application_stages`): the list
narrowed to the parent, and a record read only if it is the parent's.

`list_under` and `get_under` are what the nested routes and their tools both call; they read the way the mapping
reads the resource under that parent (`ResourceMapping.read_under`): by its declared `parent`
(`list_records` with `parent_id`), or by its filter of the parent's field (`employee_id`: the provider's
`employee_ids` where it has one; `list_within`, `get_within`), or, when the model names no such parent, the whole
list (Factorial's time off policies are everybody's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.connectors.unified import model_of
from linkyard.domain import Project
from linkyard.errors import NotFound, ValidationFailed
from linkyard.services.platform import Platform
from linkyard.services.unified.reads import (
    UnifiedPage,
    UnifiedQuery,
    UnifiedRecord,
    get_record,
    list_records,
    mapping_of,
)


def no_record() -> NotFound:
    """The 404 of a record the account does not have (or that is not the parent's)."""
    return NotFound("No such record in the account", code="record_not_found")


async def list_within(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    parent: tuple[str, str],
    query: UnifiedQuery,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> UnifiedPage:
    """One page of `resource` narrowed by the mapping's filter `parent` (`("employee_id", "7")`), as
    `list_records`; a parent id the provider could never have given names no parent: 404."""
    name, value = parent
    narrowed = replace(query, filters={**query.filters, name: value})
    try:
        return await list_records(platform, project, account_id, resource, narrowed, policy=policy)
    except ValidationFailed as invalid:
        # The provider's parameter for the parent (`employee_ids`) refused the id: it is not an id at all.
        if invalid.errors and all(error["field"].endswith("_ids") for error in invalid.errors):
            raise no_record() from None
        raise


async def get_within(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    record_id: str,
    within: Mapping[str, str],
    *,
    query: UnifiedQuery | None = None,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> UnifiedRecord:
    """One record read as `get_record` does, that must hold the unified values `within` (its employee): 404
    otherwise, so that `/employees/7/employments/9` never answers another employee's employment."""
    wanted = query or UnifiedQuery()
    # All fields, to compare; the caller's `fields` (names of the model: the route checks them) are kept after.
    everything = replace(wanted, fields=())
    # A parent looked up (an employee's tasks name its access id) is checked by the read itself, which then
    # fills the parent's field.
    _, mapping = await mapping_of(platform, project, account_id, resource)
    fills = mapping.parent.fills if mapping.parent is not None else None
    parent_id = within.get(fills) if fills is not None else None
    found = await get_record(
        platform, project, account_id, resource, record_id, everything, parent_id=parent_id, policy=policy
    )
    for name, value in within.items():
        if str(found.data.get(name)) != value:
            raise no_record()
    data = found.data
    if wanted.fields:
        # What `expand`, `include` and `raw` added is kept beside the fields asked for.
        own = model_of(resource).fields
        data = {name: value for name, value in data.items() if name in wanted.fields or name not in own}
    return UnifiedRecord(data, found.raw)


async def list_under(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    parent: tuple[str, str],
    query: UnifiedQuery,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> UnifiedPage:
    """One page of `resource` under a parent record (`("employee_id", "7")`: `/employees/7/shifts`), as the
    nested list routes and their tools read it, the way the mapping reads it there (`ResourceMapping.read_under`):
    narrowed by its `parent`, by its filter, or the whole list (records that are everybody's)."""
    _, mapping = await mapping_of(platform, project, account_id, resource)
    name, parent_id = parent
    match mapping.read_under(name):
        case "filter":
            return await list_within(platform, project, account_id, resource, parent, query, policy=policy)
        case "everybody":
            return await list_records(platform, project, account_id, resource, query, policy=policy)
        case _:  # the declared parent, or none: then the 404 of a resource not served under a parent
            return await list_records(
                platform, project, account_id, resource, query, parent_id=parent_id, policy=policy
            )


async def get_under(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    parent: tuple[str, str],
    record_id: str,
    query: UnifiedQuery,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> UnifiedRecord:
    """One record of `resource` under a parent record (`/employees/7/shifts/9`), as the nested get routes and
    their tools read it: a record that is not the parent's is a 404."""
    _, mapping = await mapping_of(platform, project, account_id, resource)
    name, parent_id = parent
    if mapping.read_under(name) == "filter":
        return await get_within(
            platform, project, account_id, resource, record_id, {name: parent_id}, query=query, policy=policy
        )
    return await get_record(
        platform, project, account_id, resource, record_id, query, parent_id=parent_id, policy=policy
    )
