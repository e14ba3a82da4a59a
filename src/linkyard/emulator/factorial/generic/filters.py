"""The declared query parameters of a generic list, as filters on its rows (or validated and accepted)."""

from __future__ import annotations

from collections.abc import Callable

from linkyard.factorial_facts import Field

from ..caller import Caller
from ..query import Filter, Predicate, accepted, equals_bool, equals_text, ids_on, parse_bool, parse_date
from .fabricate import is_reference
from .shapes import ResourceShape

PAGING = frozenset({"after_id", "before_id", "limit", "page", "per_page", "ids"})


def list_filters(shape: ResourceShape) -> tuple[Filter, ...]:
    """A filter for each query parameter of the resource's list endpoint that names a field of its rows."""
    if shape.listing is None:
        return ()
    fields = {field.name: field for field in shape.row_fields}
    filters = []
    for parameter in shape.listing.query_parameters:
        name = parameter.name.removesuffix("[]")
        if name in PAGING:
            continue
        filters.append(_filter(name, parameter, fields))
    return tuple(filters)


def _filter(name: str, parameter: Field, fields: dict[str, Field]) -> Filter:
    if parameter.array or name.endswith("_ids"):
        target = name[:-1] if name.endswith("_ids") else name
        if target in fields and is_reference(target):
            return ids_on(name, target)
        if target in fields:
            return Filter(name, _one_of(target))
        return accepted(name)
    field = fields.get(name)
    if field is not None and not field.array:
        if field.type == "boolean":
            return equals_bool(name, name)
        if is_reference(name) and field.type in ("string", "integer"):
            return ids_on(name, name)
        if field.type == "string" and not _dated(name):
            return equals_text(name, name)
    if parameter.type == "boolean":
        return accepted(name, parse_bool)
    if _dated(name):
        return accepted(name, parse_date)
    return accepted(name)


def _dated(name: str) -> bool:
    return name.endswith(("_on", "_at", "_date", "_from", "_to", "_gteq", "_lteq")) or name in ("from", "to")


def _one_of(field: str) -> Callable[[Caller, list[str]], Predicate]:
    def build(_: Caller, raw: list[str]) -> Predicate:
        wanted = {part.strip() for item in raw for part in item.split(",")}
        return lambda row: str(row.get(field)) in wanted

    return build
