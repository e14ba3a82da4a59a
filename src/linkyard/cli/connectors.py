"""`linkyard connectors show`: a connector's declaration, and with `--unified` the source of each unified field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from linkyard.cli.output import fail, print_fields, print_json, print_table
from linkyard.cli.runtime import json_option

if TYPE_CHECKING:
    from linkyard.connectors import Connector
    from linkyard.connectors.unified import FieldMapping, Parent, ResourceMapping

app = typer.Typer(help="Connectors: the providers Linkyard links, their actions and unified mappings.")


@app.command("show")
def show(
    key: str = typer.Argument(..., help="The connector's key (factorialhr)."),
    unified: bool = typer.Option(
        False, "--unified", help="Print each unified field's source: a JMESPath expression over the provider."
    ),
    markdown: bool = typer.Option(
        False, "--markdown", help="With --unified: print the mapping as Markdown tables (docs/unified.md)."
    ),
    as_json: bool = json_option(),
) -> None:
    """What the connector declares; with `--unified`, its unified resources field by field."""
    from linkyard.connectors import get_connector
    from linkyard.errors import NotFound

    try:
        connector = get_connector(key)
    except NotFound as error:
        fail(error)
    if not unified:
        summary = _summary(connector)
        if as_json:
            print_json(summary)
        else:
            print_fields(connector.name, summary.items())
        return
    resources = connector.unified.resources if connector.unified is not None else ()
    if as_json:
        print_json([_resource(mapping) for mapping in resources])
    elif markdown:
        typer.echo("\n\n".join(markdown_table(mapping) for mapping in resources))
    elif not resources:
        typer.echo(f"{connector.name} serves no unified resource.")
    from rich.markup import (
        escape,
    )  # JMESPath's brackets are Rich markup otherwise: `[?@ != null]` would vanish

    for mapping in () if as_json or markdown else resources:
        print_table(
            f"{connector.name}: /unified/{mapping.resource} ({_actions(mapping)})",
            ["field", "source (JMESPath)", "enum", "written to"],
            [(name, escape(_source_text(m)), _enum_text(m), m.write) for name, m in mapping.fields.items()],
        )
        if mapping.filters:
            typer.echo(f"Filters: {_filters_text(mapping)}.")
        if _writes_text(mapping):
            typer.echo(f"Writes: {_writes_text(mapping)}.")
        if mapping.create_arguments:
            typer.echo(_create_arguments_text(mapping))
        if mapping.parent is not None:
            typer.echo(_parent_text(mapping.parent))
        if _expansions(mapping):
            typer.echo(escape(f"Expand: {_expansions(mapping)}."))
        if mapping.lookups:
            typer.echo(escape(f"Looked up: {_lookups(mapping)}."))


def markdown_table(mapping: ResourceMapping) -> str:
    """One resource's mapping as a Markdown table, headed by its path and the actions it reads."""
    lines = [
        f"#### `/unified/{mapping.resource}` ({_actions(mapping)})",
        "",
        "| field | source (JMESPath) | enum | written to |",
        "|---|---|---|---|",
    ]
    for name, field in mapping.fields.items():
        source = (field.source or "").replace("|", "\\|")
        source = f"`{source}`" if field.source is not None else "(written only)"
        if field.divide_by is not None:
            source += f" ÷ {field.divide_by:g}"
        lines.append(f"| `{name}` | {source} | {_enum_text(field) or ''} | {field.write or ''} |")
    if mapping.filters:
        lines += ["", f"Filters: {_filters_text(mapping)}."]
    if mapping.list_arguments:
        sent = ", ".join(
            f"`{name}={_argument_text(value)}`" for name, value in mapping.list_arguments.items()
        )
        lines += ["", f"Every list call sends {sent}."]
    if _writes_text(mapping):
        lines += ["", f"Writes: {_writes_text(mapping)}."]
    if mapping.create_arguments:
        lines += ["", _create_arguments_text(mapping)]
    if mapping.parent is not None:
        lines += ["", _parent_text(mapping.parent)]
    if _expansions(mapping):
        lines += ["", f"Expand: {_expansions(mapping).replace('|', chr(92) + '|')}."]
    if mapping.lookups:
        lines += ["", f"Looked up: {_lookups(mapping)}."]
    return "\n".join(lines)


def _summary(connector: Connector) -> dict[str, Any]:
    return {
        "key": connector.key,
        "name": connector.name,
        "categories": list(connector.categories),
        "environments": list(connector.environments),
        "token_types": [option.name for option in connector.token_types],
        "scopes": len(connector.scopes),
        "actions": len(connector.actions),
        "unified": [m.resource for m in connector.unified.resources] if connector.unified else [],
    }


def _resource(mapping: ResourceMapping) -> dict[str, Any]:
    return {
        "resource": mapping.resource,
        "list_action": mapping.list_action,
        "get_action": mapping.get_action,
        "get_by": mapping.get_by,
        "filters": {name: f.model_dump() for name, f in mapping.filters.items()},
        "create_action": mapping.create_action,
        "update_action": mapping.update_action,
        "delete_action": mapping.delete_action,
        "operations": {name: o.model_dump() for name, o in mapping.operations.items()},
        "expands": {name: e.model_dump(exclude_none=True) for name, e in mapping.expands.items()},
        "derived": {name: d.model_dump() for name, d in mapping.derived.items()},
        "custom_fields": None if mapping.custom_fields is None else mapping.custom_fields.model_dump(),
        "lookups": {name: lookup.model_dump() for name, lookup in mapping.lookups.items()},
        "fields": [
            {"field": name, "source": m.source, "divide_by": m.divide_by, "enum": m.enum, "write": m.write}
            for name, m in mapping.fields.items()
        ],
    }


def _filters_text(mapping: ResourceMapping) -> str:
    parts = []
    for name, list_filter in mapping.filters.items():
        by = f"the provider's `{list_filter.param}`, then " if list_filter.param else ""
        parts.append(f"`filter[{name}]`: {by}`{list_filter.field}` equal to it")
    return "; ".join(parts)


def _argument_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _parent_text(parent: Parent) -> str:
    if parent.lookup is not None:
        return (
            f"Listed under a parent record, read first ({parent.lookup.action}): its `{parent.lookup.key}` narrows "
            f"the list by the provider's `{parent.param}`, a record's parent is named in `{parent.source}`, and "
            f"`{parent.field}` is the parent's id."
        )
    named = (
        f"the provider's `{parent.source}`" if parent.source is not None else f"its unified `{parent.field}`"
    )
    return (
        f"Listed under a parent record: the provider's `{parent.param}` narrows the list to it, and a record's "
        f"parent is {named}."
    )


def _create_arguments_text(mapping: ResourceMapping) -> str:
    sent = ", ".join(f"`{name}={_argument_text(value)}`" for name, value in mapping.create_arguments.items())
    return f"A create sends {sent}, unless the body gives them."


def _writes_text(mapping: ResourceMapping) -> str:
    """The actions that write the resource: create and update (the fields' `written to`), delete, and StackOne's
    other operations on a record, each field of its request with the parameter it is sent as."""
    parts = [
        f"{verb}: {action}"
        for verb, action in (
            ("create", mapping.create_action),
            ("update", mapping.update_action),
            ("delete", mapping.delete_action),
        )
        if action is not None
    ]
    for name, operation in mapping.operations.items():
        sent = ", ".join(f"`{field}` as `{param}`" for field, param in operation.fields.items())
        parts.append(f"{name}: {operation.action}" + (f" ({sent})" if sent else ""))
    return "; ".join(parts)


def _expansions(mapping: ResourceMapping) -> str:
    from linkyard.connectors.unified.describe import expansions_text

    return expansions_text(mapping)


def _lookups(mapping: ResourceMapping) -> str:
    from linkyard.connectors.unified.describe import lookups_text

    return lookups_text(mapping)


def _actions(mapping: ResourceMapping) -> str:
    from linkyard.connectors.unified.describe import reads_text

    return reads_text(mapping)


def _source_text(field: FieldMapping) -> str:
    from linkyard.connectors.unified.describe import source_text

    return source_text(field)


def _enum_text(field: FieldMapping) -> str | None:
    from linkyard.connectors.unified.describe import enum_text

    return enum_text(field)
