"""A mapping in words, as `linkyard connectors show --unified` prints it and the dashboard's connector page shows
it: each field's source, its enum table, where it is written, and the actions a resource reads."""

from __future__ import annotations

from dataclasses import dataclass

from linkyard.connectors.unified.mapping import FieldMapping, ResourceMapping


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One unified field of a resource: its name, JMESPath source, enum table in words and write target."""

    field: str
    source: str
    enum: str | None
    write: str | None


def enum_text(field: FieldMapping) -> str | None:
    """`male → male, female → female`; a code list's words; None for a field that is not an enum."""
    if field.enum is None:
        return None
    if isinstance(field.enum, str):
        return "the provider's code, upper-cased"
    return ", ".join(f"{source} → {value}" for source, value in field.enum.items())


def source_text(field: FieldMapping) -> str:
    """The field's JMESPath expression (and the divisor its number is read through), or `(written only)` for a
    field that is only written."""
    if field.source is None:
        return "(written only)"
    return field.source if field.divide_by is None else f"{field.source} ÷ {field.divide_by:g}"


def reads_text(mapping: ResourceMapping) -> str:
    """`list: <action>; get: <action>` (or `<list action> by ids`)."""
    getter = mapping.get_action or f"{mapping.list_action} by ids"
    return f"list: {mapping.list_action}; get: {getter}"


def field_rows(mapping: ResourceMapping) -> list[FieldRow]:
    """The resource's fields in the mapping's order."""
    return [FieldRow(name, source_text(m), enum_text(m), m.write) for name, m in mapping.fields.items()]


def expansions_text(mapping: ResourceMapping) -> str:
    """How each `expand` is backed: `company`: hris/companies by `legal_entity_id`; ..."""
    parts = []
    for name, expansion in mapping.expands.items():
        nested = mapping.model.expands[name]
        related = expansion.resource or nested.resource
        if expansion.fields is not None:
            read = ", ".join(f"`{field}` ← {_code(m.source or '')}" for field, m in expansion.fields.items())
            parts.append(f"`{name}`: a {nested.resource} record read from the record itself ({read})")
        elif expansion.key is not None:
            parts.append(f"`{name}`: the {related} records whose ids are `{expansion.key}`, fetched by ids")
        else:
            by = f"narrowed by `{expansion.param}`" if expansion.param else "read whole"
            parts.append(f"`{name}`: the {related} records naming it by `{expansion.back}` ({by})")
    unbacked = [name for name in mapping.model.expands if name not in mapping.expands]
    if unbacked:
        parts.append(
            ", ".join(f"`{name}`" for name in unbacked) + ": taken, not filled (the provider has none)"
        )
    for name, derived in mapping.derived.items():
        parts.append(
            f"`{name}` is filled with `{derived.expand}` (or when named in `fields`): `{derived.source}`"
        )
    values = mapping.custom_fields
    if values is not None:
        parts.append(
            f"custom field values (`raw=true`, `include=custom_fields`): {values.action} by `{values.param}`, "
            f"keyed by `{values.key}`"
        )
    return "; ".join(parts)


def lookups_text(mapping: ResourceMapping) -> str:
    """The other provider records the fields read (`lookups`): `_evaluation_form`: the form whose id is ..."""
    return "; ".join(
        f"`{name}`: the {lookup.action} record whose id is `{lookup.key}` (by `{lookup.param}`), put in the "
        "record before its fields are read"
        for name, lookup in mapping.lookups.items()
    )


def _code(text: str) -> str:
    """Markdown code for `text`, which may hold backticks (a JMESPath literal)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"
