"""A connector's unified operations as actions for AI agents: `hris_list_employees`, `hris_create_employee`, ...

Reads: each resource a mapping declares offers StackOne's list operation over it, and its get operation, when
StackOne's table has them (`linkyard.connectors.unified.operations`); the tool takes StackOne's query conventions
as arguments (`page_size`, `next`, `fields`, the filters the mapping serves, `id`). The reads under a parent
record that the routes serve (`NESTED_READS`: an employee's shifts, a job's application stages) take the parent's
`id` and, for a get, the record's `sub_resource_id`.

Writes: each of StackOne's write operations in `WRITES` whose resource the mapping can write that way (a create
or update action taking at least one mapped field, a delete action, a named operation such as `move`); the
tool's arguments are the unified fields that action takes, typed as the unified model types them.

A tool is named as StackOne names the operation and needs the provider scopes of every action it calls. The
declarations are plain data here; the connector validates them as it validates its own actions
(`Connector.unified_actions`). File uploads are not tools: a file is no argument an agent passes as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from linkyard.connectors.parameters import Parameter
from linkyard.connectors.unified.mapping import ResourceMapping, UnifiedMapping
from linkyard.connectors.unified.models import UnifiedField
from linkyard.connectors.unified.operations import Operation, operation_at, operation_named

MAX_PAGE_SIZE = 1000
MAX_CURSOR = 1024
MAX_FIELDS_TEXT = 2000
MAX_FILTER = 254
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


CallKind = Literal["list", "get", "create", "update", "delete", "operation"]
READ_KINDS = frozenset({"list", "get"})


class UnifiedCall(BaseModel):
    """What a unified tool does: list or get records of a unified resource (`hris/employees`), or create,
    update, delete one, or run one of StackOne's operations on one (`move` an application)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resource: str
    kind: CallKind
    reads: tuple[str, ...]
    """The provider's actions it calls (reads or writes through): a profile that enables the tool enables them
    too."""
    operation: str | None = None
    """For `operation`: its name in the mapping (`move`)."""
    parent_field: str | None = None
    """For a read or write under another record (`/employees/{id}/time_off`): the unified field the path's `id`
    (the parent's) fixes; the record itself is then `sub_resource_id`."""
    renamed: Mapping[str, str] = {}
    """Arguments StackOne's request names otherwise than its model (`phone_number` -> `phone`)."""

    @property
    def writes(self) -> bool:
        return self.kind not in READ_KINDS


@dataclass(frozen=True, slots=True)
class UnifiedWrite:
    """One of StackOne's write operations and what it does to which unified resource."""

    name: str
    resource: str
    kind: Literal["create", "update", "delete", "operation"]
    operation: str | None = None
    parent_field: str | None = None
    renamed: Mapping[str, str] = field(default_factory=dict)


WRITES: tuple[UnifiedWrite, ...] = (
    UnifiedWrite("hris_create_employee", "hris/employees", "create"),
    UnifiedWrite("hris_update_employee", "hris/employees", "update"),
    UnifiedWrite("hris_invite_employee", "hris/employees", "operation", "invite"),
    UnifiedWrite("hris_create_employee_employment", "hris/employments", "create", parent_field="employee_id"),
    UnifiedWrite("hris_update_employee_employment", "hris/employments", "update", parent_field="employee_id"),
    UnifiedWrite(
        "hris_create_employee_time_off_request", "hris/time_off", "create", parent_field="employee_id"
    ),
    UnifiedWrite(
        "hris_update_employee_time_off_request", "hris/time_off", "update", parent_field="employee_id"
    ),
    UnifiedWrite(
        "hris_cancel_employee_time_off_request", "hris/time_off", "delete", parent_field="employee_id"
    ),
    UnifiedWrite("hris_update_employee_task", "hris/tasks", "update", parent_field="employee_id"),
    UnifiedWrite("ats_create_job", "ats/jobs", "create"),
    UnifiedWrite("ats_update_job", "ats/jobs", "update"),
    # StackOne's create request names the candidate's phone `phone_number`; its candidate model, `phone`.
    UnifiedWrite("ats_create_candidate", "ats/candidates", "create", renamed={"phone_number": "phone"}),
    UnifiedWrite("ats_update_candidate", "ats/candidates", "update"),
    UnifiedWrite("ats_create_application", "ats/applications", "create"),
    UnifiedWrite("ats_update_application", "ats/applications", "update"),
    UnifiedWrite("ats_move_application", "ats/applications", "operation", "move"),
    UnifiedWrite("ats_reject_application", "ats/applications", "operation", "reject"),
)
"""StackOne's write operations a mapping may back, each by its name in StackOne's table; the unified routes
serve the same ones (`linkyard.api.routes.unified_hris_people`, `unified_hris_time_off`, `unified_hris_records`,
`unified_ats`)."""


@dataclass(frozen=True, slots=True)
class UnifiedNestedRead:
    """One of StackOne's reads of records under another record (`/employees/{id}/shifts`), the unified
    resource it reads, and the unified field the parent's id is (`employee_id`)."""

    name: str
    resource: str
    kind: Literal["list", "get"]
    parent_field: str


def _nested(
    list_name: str, get_name: str | None, resource: str, parent_field: str
) -> list[UnifiedNestedRead]:
    reads = [UnifiedNestedRead(list_name, resource, "list", parent_field)]
    if get_name is not None:
        reads.append(UnifiedNestedRead(get_name, resource, "get", parent_field))
    return reads


NESTED_READS: tuple[UnifiedNestedRead, ...] = (
    *_nested(
        "hris_list_employee_employments", "hris_get_employee_employment", "hris/employments", "employee_id"
    ),
    *_nested(
        "hris_list_employee_time_off_requests",
        "hris_get_employees_time_off_request",  # StackOne's name
        "hris/time_off",
        "employee_id",
    ),
    *_nested(
        "hris_list_employee_time_off_balances",
        "hris_get_employee_time_off_balance",
        "hris/time_off_balances",
        "employee_id",
    ),
    *_nested("hris_list_employee_time_off_policies", None, "hris/time_off_policies", "employee_id"),
    *_nested("hris_list_employee_shifts", "hris_get_employee_shift", "hris/shifts", "employee_id"),
    *_nested("hris_list_employee_documents", "hris_get_employee_document", "hris/documents", "employee_id"),
    *_nested("hris_list_employee_tasks", "hris_get_employee_task", "hris/tasks", "employee_id"),
    *_nested(
        "ats_list_job_application_stages",
        "ats_get_job_application_stage",
        "ats/job_application_stages",
        "job_id",
    ),
    *_nested(
        "ats_list_application_scorecards",
        "ats_get_application_scorecard",
        "ats/application_scorecards",
        "application_id",
    ),
)
"""StackOne's reads under a parent record that the unified routes serve (every `GET /unified/.../{id}/...` but a
file's download), offered as tools where the mapping reads the resource under that parent
(`ResourceMapping.read_under`); route and tool read through the same `list_under` and `get_under`
(`linkyard.services.unified.nested`)."""


def unified_action_specs(
    unified: UnifiedMapping,
    provider: str,
    scopes_of: Mapping[str, Sequence[str]],
    parameters_of: Mapping[str, Sequence[Parameter]] | None = None,
) -> list[dict[str, Any]]:
    """The tools of `unified` as action declarations; `scopes_of` gives each provider action's required
    scopes, `parameters_of` its parameters (to type the arguments of a write), `provider` its name (the
    connector's) for the descriptions."""
    specs: list[dict[str, Any]] = []
    for mapping in unified.resources:
        listing = operation_at("GET", f"/unified/{mapping.resource}")
        if listing is not None:
            specs.append(_spec(listing, mapping, "list", provider, scopes_of))
        getting = operation_at("GET", f"/unified/{mapping.resource}/{{id}}")
        if getting is not None:
            specs.append(_spec(getting, mapping, "get", provider, scopes_of))
    for nested in NESTED_READS:
        read = unified.find(nested.resource)
        if read is not None and read.read_under(nested.parent_field) is not None:
            operation = operation_named(nested.name)
            specs.append(
                _spec(operation, read, nested.kind, provider, scopes_of, parent_field=nested.parent_field)
            )
    for write in WRITES:
        written = unified.find(write.resource)
        if written is not None:
            spec = _write_spec(write, written, provider, scopes_of, parameters_of or {})
            if spec is not None:
                specs.append(spec)
    return specs


def _spec(
    operation: Operation,
    mapping: ResourceMapping,
    kind: Literal["list", "get"],
    provider: str,
    scopes_of: Mapping[str, Sequence[str]],
    *,
    parent_field: str | None = None,
) -> dict[str, Any]:
    reads = [mapping.list_action] if kind == "list" or mapping.get_action is None else [mapping.get_action]
    reads += [lookup.action for lookup in mapping.lookups.values() if lookup.action not in reads]
    under = mapping.read_under(parent_field) if parent_field is not None else None
    if under == "parent" and mapping.parent is not None and mapping.parent.lookup is not None:
        # The parent's own record is read first (an employee's access id names its tasks).
        reads.insert(0, mapping.parent.lookup.action)
    scopes = dict.fromkeys(scope for action in reads for scope in scopes_of.get(action, ()))
    label = operation.name.split("_", 1)[1].replace("_", " ").capitalize()
    category = operation.category.upper()
    noun = "a page of records" if kind == "list" else "one record, by its id"
    if parent_field is not None:
        noun = "a page of a parent record's records" if kind == "list" else "one of a parent record's records"
    # A read under a parent leaves out the provider's action names: its words (a job's stages read through
    # `..._application_phases`) would make it a match for requests of the provider's own actions.
    through = f" through {', '.join(reads)}" if parent_field is None else ""
    description = (
        f"{label}: {noun} in StackOne's unified {category} model ({operation.method} {operation.path}), "
        f"read from the linked {provider} account{through}."
    )
    path = _PLACEHOLDER.sub(lambda found: "{" + _snake(found.group(1)) + "}", operation.path)
    parameters = [
        {
            "name": name,
            "location": "path",
            "required": True,
            "description": "The parent record's unified id"
            if parent_field is not None and name == "id"
            else "The record's unified id",
        }
        for name in _PLACEHOLDER.findall(path)
    ]
    if kind == "list":
        # Under a parent, the parent's filter is the path's `id`.
        parameters += [p for p in _list_parameters(mapping) if p["name"] != f"filter_{parent_field}"]
    parameters.append(
        {
            "name": "fields",
            "location": "query",
            "description": "Comma-separated unified fields to return (all when absent)",
            "max_length": MAX_FIELDS_TEXT,
        }
    )
    return {
        "id": operation.name,
        "label": label,
        "description": description,
        "method": "GET",
        "path": path,
        "model": mapping.resource.replace("/", "_"),
        "required_scopes": tuple(scopes),
        "parameters": parameters,
        "result": "list" if kind == "list" else "object",
        "unified": {
            "resource": mapping.resource,
            "kind": kind,
            "reads": tuple(reads),
            "parent_field": parent_field,
        },
    }


def _write_spec(
    write: UnifiedWrite,
    mapping: ResourceMapping,
    provider: str,
    scopes_of: Mapping[str, Sequence[str]],
    parameters_of: Mapping[str, Sequence[Parameter]],
) -> dict[str, Any] | None:
    """The tool of one write operation over `mapping`, or None when the mapping cannot write that way (no such
    action, or a create or update whose action takes none of the mapped fields)."""
    operation = operation_named(write.name)
    declared = mapping.operations.get(write.operation or "")
    action = {
        "create": mapping.create_action,
        "update": mapping.update_action,
        "delete": mapping.delete_action,
        "operation": declared.action if declared is not None else None,
    }[write.kind]
    if action is None:
        return None
    action_parameters = {parameter.name: parameter for parameter in parameters_of.get(action, ())}
    body: list[dict[str, Any]] = []
    if write.kind in ("create", "update"):
        body = _field_parameters(write, mapping, action_parameters, required=write.kind == "create")
        if not body:
            return None
    elif declared is not None:
        body = [
            _renamed(action_parameters[param], name, f"StackOne's `{name}` (sent as {provider}'s `{param}`)")
            for name, param in declared.fields.items()
            if param in action_parameters
        ]
    calls = [action]
    if write.parent_field is not None and write.kind in ("update", "delete"):
        # The record is read first, so that another parent's record is a 404 (`get_within`); a parent looked up
        # (an employee's access id, for its tasks) is read before.
        calls.insert(0, mapping.get_action or mapping.list_action)
        if mapping.parent is not None and mapping.parent.lookup is not None:
            calls.insert(0, mapping.parent.lookup.action)
    scopes = dict.fromkeys(scope for called in calls for scope in scopes_of.get(called, ()))
    label = operation.name.split("_", 1)[1].replace("_", " ").capitalize()
    description = (
        f"{label}: {_WRITE_NOUNS[write.kind]} in StackOne's unified {operation.category.upper()} model "
        f"({operation.method} {operation.path}), written to the linked {provider} account through "
        f"{', '.join(calls)}."
    )
    path = _PLACEHOLDER.sub(lambda found: "{" + _snake(found.group(1)) + "}", operation.path)
    parameters = [
        {
            "name": name,
            "location": "path",
            "required": True,
            # Under a parent (`/employees/{id}/time_off/{sub_resource_id}`), `id` is the parent's.
            "description": "The parent record's unified id"
            if write.parent_field is not None and name == "id"
            else "The record's unified id",
            "max_length": MAX_ID,
        }
        for name in _PLACEHOLDER.findall(path)
    ]
    return {
        "id": operation.name,
        "label": label,
        "description": description,
        "method": operation.method,
        "path": path,
        "model": mapping.resource.replace("/", "_"),
        "required_scopes": tuple(scopes),
        "parameters": [*parameters, *body],
        "result": "object",
        "unified": {
            "resource": mapping.resource,
            "kind": write.kind,
            "reads": tuple(calls),
            "operation": write.operation,
            "parent_field": write.parent_field,
            "renamed": dict(write.renamed),
        },
    }


_WRITE_NOUNS = {
    "create": "creates a record from the fields given",
    "update": "changes the fields given of one record",
    "delete": "removes (or cancels) one record",
    "operation": "acts on one record",
}
MAX_ID = 255
_KIND_TYPES: Mapping[str, str] = {
    "string": "string",
    "strings": "array",
    "datetime": "string",
    "number": "number",
    "boolean": "boolean",
    "enum": "string",
}


def _field_parameters(
    write: UnifiedWrite,
    mapping: ResourceMapping,
    action_parameters: Mapping[str, Parameter],
    *,
    required: bool,
) -> list[dict[str, Any]]:
    """The unified fields the write's action takes, as arguments typed as the unified model types them (an
    enum by its unified values, a date and time as ISO 8601), bounded as the provider's parameter is."""
    asked_as = {model_name: request_name for request_name, model_name in write.renamed.items()}
    model = mapping.model.fields
    parameters: list[dict[str, Any]] = []
    for name, field_mapping in mapping.fields.items():
        if field_mapping.write is None or name == write.parent_field:
            continue
        target = action_parameters.get(field_mapping.write.split(".")[0])
        if target is None or target.location != "body":
            continue
        unified = model[name]
        parameter: dict[str, Any] = {
            "name": asked_as.get(name, name),
            "location": "body",
            "type": _KIND_TYPES[unified.kind],
            "description": f"StackOne's `{asked_as.get(name, name)}` ({_kind_words(unified)})",
            # A field the create gives a value of its own when left out is not required of the caller.
            "required": required
            and target.required
            and target.from_context is None
            and field_mapping.write not in mapping.create_arguments,
        }
        parameter.update(_bounds(unified, field_mapping.enum, target))
        if field_mapping.write_as == "one":
            parameter["max_items"] = 1  # the provider keeps one
        parameters.append(parameter)
    return parameters


def _kind_words(unified: UnifiedField) -> str:
    return {
        "string": "text",
        "strings": "a list of texts",
        "datetime": "an ISO 8601 date and time",
        "number": "a number",
        "boolean": "true or false",
        "enum": "one of the listed values",
    }[unified.kind]


def _bounds(
    unified: UnifiedField, table: Mapping[str, str] | str | None, target: Parameter
) -> dict[str, Any]:
    if unified.kind == "datetime":
        return {"format": "date-time"}
    if unified.kind == "enum":
        if isinstance(table, Mapping):
            # The values whose provider equivalent the action takes (a posting is deleted by its own action).
            taken = [
                v for s, v in table.items() if unified.allows(v) and (not target.enum or s in target.enum)
            ]
            return {"enum": tuple(dict.fromkeys(taken))}
        if unified.pattern is not None:
            return {"pattern": {"regex": unified.pattern, "meaning": "one of the model's codes"}}
        return {"enum": tuple(sorted(unified.values))}
    if unified.kind == "number":
        return {"minimum": -1e15, "maximum": 1e15}
    if unified.kind in ("string", "strings") and target.max_length is not None:
        return {"max_length": target.max_length}
    return {}


def _renamed(parameter: Parameter, name: str, description: str) -> dict[str, Any]:
    """A provider action's parameter, asked for under StackOne's name."""
    copied = parameter.model_dump(exclude_defaults=True)
    copied.update({"name": name, "location": "body", "description": description})
    copied.pop("also_in_body", None)
    return copied


def _list_parameters(mapping: ResourceMapping) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": "page_size",
            "location": "query",
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "description": "Records per page (the provider's largest page at most; `next` gives the rest)",
        },
        {
            "name": "next",
            "location": "query",
            "max_length": MAX_CURSOR,
            "description": "The `next` cursor of the previous page",
        },
    ]
    if mapping.updated_after is not None:
        parameters.append(
            {
                "name": "filter_updated_after",
                "location": "query",
                "format": "date-time",
                "description": "Only records updated at or after this time (ISO 8601)",
            }
        )
    for name, list_filter in mapping.filters.items():
        parameters.append(
            {
                "name": f"filter_{name}",
                "location": "query",
                "max_length": MAX_FILTER,
                "description": f"Only records whose `{list_filter.field}` is this value (ignoring case)",
            }
        )
    return parameters


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
