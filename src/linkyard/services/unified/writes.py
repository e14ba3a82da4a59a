"""Writing unified records: a body in StackOne's model turned into the provider's by the mapping read backwards,
and sent through the mapped create, update, delete or record operation.

Any resource whose mapping names a `create_action` or `update_action` and marks fields `write` is written this
way (employees, employments, time off, candidates, applications): nothing here knows a resource. As reads, every
write goes through `run_action`, so it is enforced exactly as actions are (enabled on the profile, scopes,
account status, fair shares, token keeper); a POST is never retried when its outcome is unknown.

What the caller sent is never dropped: a field the provider cannot take, a value of the wrong kind, an enum
value with no provider equivalent, each is one entry of a single 422, named by its unified field; the
provider action's own complaints about the body it was given (a required field, a malformed email) are told in
the unified names too. StackOne's `passthrough` object (a field of the body) goes to the provider as it is,
beside the mapped fields, and the action checks it as any argument; a provider field both give is a 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from linkyard.connectors import Connector
from linkyard.connectors.calls import build_request
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.connectors.unified import ResourceMapping, UnifiedField
from linkyard.domain import Project
from linkyard.errors import FieldError, NotFound, ProviderError, ValidationFailed
from linkyard.services.actions import run_action
from linkyard.services.platform import Platform
from linkyard.services.unified.nested import get_within, no_record
from linkyard.services.unified.reads import mapping_of
from linkyard.services.unified.steps import check_steps

PASSTHROUGH = "passthrough"
"""StackOne's field for provider fields sent as they are."""


@dataclass(frozen=True, slots=True)
class Written:
    """The record a write created or changed: its unified `id` and the provider's `remote_id`."""

    id: str | None
    remote_id: str | None


async def create_record(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    body: Mapping[str, Any],
    *,
    within: Mapping[str, str] | None = None,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> Written:
    """Create a record of `resource` (`hris/employees`) from a unified `body` through the mapping's create action.

    `within`: the unified fields a nested route fixes (`{"employee_id": "7"}` for an employee's employments or
    time off); the body may repeat them only with the same value. 422 naming every field that cannot be written
    (or not by a create), has the wrong kind or no provider equivalent, or that the provider's action refuses;
    404 when the resource is not mapped or has no create; otherwise as `run_action`.
    """
    connector, mapping = await mapping_of(platform, project, account_id, resource)
    if mapping.create_action is None:
        raise NotFound(f"The provider cannot create {resource}", code="unified_write_not_mapped")
    arguments = _arguments(connector, mapping, mapping.create_action, body, within or {})
    return await _send(platform, project, account_id, mapping, mapping.create_action, arguments, policy)


async def update_record(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    record_id: str,
    body: Mapping[str, Any],
    *,
    within: Mapping[str, str] | None = None,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> Written:
    """Change the fields of one record that `body` gives, through the mapping's update action.

    With `within`, the record is read first and must hold those values (an employment of another employee is
    404, as a record the account does not have is). Errors as `create_record`.
    """
    connector, mapping = await mapping_of(platform, project, account_id, resource)
    if mapping.update_action is None:
        raise NotFound(f"The provider cannot update {resource}", code="unified_write_not_mapped")
    arguments = _arguments(connector, mapping, mapping.update_action, body, {}, record_id)
    if within:
        # The record is read first (another parent's is a 404), once the update may run: a scope the account
        # lacks is a 403 before any call.
        await check_steps(platform, project, account_id, [mapping.update_action])
        await get_within(platform, project, account_id, resource, record_id, within, policy=policy)
    return await _send(platform, project, account_id, mapping, mapping.update_action, arguments, policy)


async def delete_record(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    record_id: str,
    *,
    within: Mapping[str, str] | None = None,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> None:
    """Remove (or cancel, as the provider does) one record through the mapping's delete action; with `within`,
    404 when the record does not hold those values (another employee's time off)."""
    _, mapping = await mapping_of(platform, project, account_id, resource)
    if mapping.delete_action is None:
        raise NotFound(f"The provider cannot remove {resource}", code="unified_write_not_mapped")
    if within:
        await check_steps(platform, project, account_id, [mapping.delete_action])
        await get_within(platform, project, account_id, resource, record_id, within, policy=policy)
    await run_action(platform, project, account_id, mapping.delete_action, {"id": record_id}, policy=policy)


async def run_operation(
    platform: Platform,
    project: Project,
    account_id: str,
    resource: str,
    operation: str,
    record_id: str,
    body: Mapping[str, Any] | None = None,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> Written:
    """One of StackOne's operations on a record besides create and update (`invite` an employee, `move` or
    `reject` an application) through the action the mapping names for it: each field of `body` sent as the
    parameter the operation names for it (a field it names none for is a 422), `passthrough` beside them; 404
    when the provider has no such operation."""
    _, mapping = await mapping_of(platform, project, account_id, resource)
    declared = mapping.operations.get(operation)
    if declared is None:
        raise NotFound(f"The provider cannot {operation} {resource}", code="unified_write_not_mapped")
    given = {name: value for name, value in (body or {}).items() if name != PASSTHROUGH}
    unknown: list[FieldError] = [
        {"field": name, "message": "cannot be written to this provider"}
        for name in given
        if name not in declared.fields
    ]
    if unknown:
        raise ValidationFailed("Invalid body", errors=unknown)
    sent = {declared.fields[name]: value for name, value in given.items() if value is not None}
    passthrough = _passthrough(body or {}, sent)
    arguments = {**passthrough, **sent, "id": record_id}
    named = {param: name for name, param in declared.fields.items()}
    return await _send(
        platform, project, account_id, mapping, declared.action, arguments, policy, named, passthrough
    )


def _passthrough(body: Mapping[str, Any], mapped: Mapping[str, Any]) -> dict[str, Any]:
    """StackOne's `passthrough` of `body`: the provider's own arguments, sent as they are (a name the mapped
    arguments also give is a 422: the unified field already says it)."""
    passthrough = body.get(PASSTHROUGH) or {}
    if not isinstance(passthrough, Mapping):
        raise ValidationFailed(
            "Invalid body", errors=[{"field": PASSTHROUGH, "message": "must be an object"}]
        )
    both: list[FieldError] = [
        {"field": f"{PASSTHROUGH}.{name}", "message": "is already set by a unified field"}
        for name in sorted(set(passthrough) & set(mapped))
    ]
    if both:
        raise ValidationFailed("Invalid body", errors=both)
    return dict(passthrough)


def _arguments(
    connector: Connector,
    mapping: ResourceMapping,
    action_id: str,
    body: Mapping[str, Any],
    within: Mapping[str, str],
    record_id: str | None = None,
) -> dict[str, Any]:
    """The action's arguments for a unified body: its fields checked and inverted, `passthrough` beside them;
    one 422 naming every problem."""
    problems: list[FieldError] = []
    unified = {name: value for name, value in body.items() if name != PASSTHROUGH}
    for name, value in within.items():
        if name in unified and str(unified[name]) != value:
            problems.append({"field": name, "message": "must be the record's in the path, or left out"})
        unified[name] = value
    model = mapping.model.fields
    for name in list(unified):
        field = model.get(name)
        if field is not None and not _fits(unified[name], field):
            problems.append({"field": name, "message": _kind_message(field)})
            del unified[name]
    action = connector.action(action_id)
    accepts = frozenset(p.name for p in action.all_parameters if p.location == "body")
    writable: dict[str, Any] = {}
    for name, value in unified.items():
        try:
            mapping.write({name: value}, accepts)
        except ValidationFailed as invalid:
            problems += invalid.errors
        else:
            writable[name] = value
    # The fields that can be written are, even beside some that cannot: the action then names only what is
    # really missing.
    provider = mapping.write(writable, accepts)
    try:
        passthrough = _passthrough(body, provider)
    except ValidationFailed as invalid:
        problems += invalid.errors
        passthrough = {}
    arguments = {**passthrough, **provider}
    if record_id is not None:
        arguments["id"] = record_id
    elif action_id == mapping.create_action:
        # What the provider requires of a new record and the body leaves out (a posting's CV requirement).
        arguments = {**mapping.create_arguments, **arguments}
    # The action's own checks (required fields, formats) too, so that one answer names every culprit; a field
    # already refused above is not named twice.
    try:
        build_request(action, arguments)
    except ValidationFailed as invalid:
        if any(error["field"] == "id" for error in invalid.errors):
            raise no_record() from None  # an id the provider could never have given names no record
        named = {problem["field"] for problem in problems}
        for error in invalid.errors:
            unified_error = _unified_error(mapping, error, {}, set(passthrough))
            if unified_error["field"] not in named:
                problems.append(unified_error)
    if problems:
        raise ValidationFailed("Invalid body", errors=problems)
    return arguments


async def _send(
    platform: Platform,
    project: Project,
    account_id: str,
    mapping: ResourceMapping,
    action_id: str,
    arguments: dict[str, Any],
    policy: RetryPolicy,
    named: Mapping[str, str] | None = None,
    passed: Mapping[str, Any] | None = None,
) -> Written:
    """Run the write action; a refused argument is named as the caller sent it, an id refused names no record."""
    try:
        result = await run_action(platform, project, account_id, action_id, arguments, policy=policy)
    except ValidationFailed as invalid:
        if any(error["field"] == "id" for error in invalid.errors):
            raise no_record() from None
        errors = [_unified_error(mapping, error, named or {}, set(passed or {})) for error in invalid.errors]
        raise ValidationFailed("Invalid body", errors=errors) from None
    record = result.data
    if not isinstance(record, dict):
        raise ProviderError("The provider answered with something that is not a record")
    unified = mapping.read(record)
    return Written(_text(unified.get("id")), _text(unified.get("remote_id")))


def _unified_error(
    mapping: ResourceMapping, error: FieldError, named: Mapping[str, str], passed: set[str]
) -> FieldError:
    """The action's complaint about its (the provider's) field, named as the caller sent it: the request field of
    an operation (`named`), the unified field written to it, or `passthrough.<field>` for one passed through."""
    field = error["field"]
    if field == "id":
        return error
    name = named.get(field) or mapping.written_as(field)
    if name is None:
        name = f"{PASSTHROUGH}.{field}" if field in passed else field
    return {"field": name, "message": error["message"]}


def _fits(value: Any, field: UnifiedField) -> bool:
    """Whether `value` has the unified field's kind (None clears a field of any kind)."""
    if value is None:
        return True
    if field.kind == "string":
        return isinstance(value, str)
    if field.kind == "strings":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if field.kind == "datetime":
        return isinstance(value, str) and _is_datetime(value)
    if field.kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field.kind == "boolean":
        return isinstance(value, bool)
    wanted = value.get("value") if isinstance(value, Mapping) else value
    return isinstance(wanted, str)


def _kind_message(field: UnifiedField) -> str:
    return {
        "string": "must be a string",
        "strings": "must be a list of strings",
        "datetime": "must be an ISO 8601 date and time (e.g. 2026-03-02T00:00:00Z)",
        "number": "must be a number",
        "boolean": "must be true or false",
        "enum": 'must be one of the enum\'s values, or {"value": ...}',
    }[field.kind]


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
