"""What a unified read adds to its records beyond their own fields: StackOne's `expand` (an employee's company,
employments, work and home locations, groups; a time off request's policy; a job's interview stages), the fields
derived from an expansion (an employee's `job_title` from its employments), and the records' custom field values
(`raw=true`'s `unified_custom_fields`, `include=custom_fields`).

Related records are fetched for the whole page at once: one list call (a few where the provider pages, or bounds
how many ids one call takes) per expansion, narrowed to the page's ids, never a call per record; the answers are
kept for the request, so two expansions reading the same list read it once. Each call is an action run through
`run_action`, enforced as any action is: an expansion needs the scopes of the list it reads (403 naming them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from linkyard.connectors import Connector
from linkyard.connectors.parameters import DEFAULT_MAX_ITEMS
from linkyard.connectors.retry import RetryPolicy
from linkyard.connectors.unified import (
    CUSTOM_FIELDS,
    Expansion,
    ResourceMapping,
    UnifiedMapping,
    model_of,
)
from linkyard.domain import Project
from linkyard.errors import BadRequest, ValidationFailed
from linkyard.services.actions import ActionResult, run_action
from linkyard.services.platform import Platform

MAX_RELATED_PAGES = 20
"""The provider pages one expansion of one page may read; more is refused (a smaller `page_size` reads fewer)."""
MAX_NAMES = 20
"""The most names one `expand` or `include` takes."""
MAX_SHOWN = 64
"""An unknown name is shown cut to this length: it is the caller's text."""

UNIFIED_CUSTOM_FIELDS = "unified_custom_fields"


@dataclass(frozen=True, slots=True)
class Additions:
    """What to add to a page's records: the expansions to show, those to fetch (shown, or only read by a
    derived field the caller named), and whether to add custom field values as `raw` or as `custom_fields`."""

    shown: frozenset[str] = frozenset()
    fetched: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()
    raw_custom_fields: bool = False
    custom_fields: bool = False

    @property
    def extra_keys(self) -> frozenset[str]:
        """The keys besides the model's fields that a record may then carry."""
        keys = set(self.shown)
        if self.raw_custom_fields:
            keys.add(UNIFIED_CUSTOM_FIELDS)
        if self.custom_fields:
            keys.add(CUSTOM_FIELDS)
        return frozenset(keys)


def plan_additions(
    mapping: ResourceMapping,
    *,
    expand: Sequence[str],
    include: Sequence[str],
    fields: Sequence[str],
    raw: bool,
) -> Additions:
    """What `expand`, `include`, `fields` and `raw` add to records of `mapping`'s resource; 400 naming an
    `expand` or `include` value the resource does not document. A documented name the provider cannot back (an
    employee's `skills` on Factorial) is taken and adds nothing: there is nothing to embed."""
    model = mapping.model
    _refuse_unknown("expand", expand, model.expands)
    _refuse_unknown("include", include, model.includes)
    shown = frozenset(name for name in expand if name in mapping.expands)
    # A derived field is filled when its expansion is, and when the caller names it in `fields`.
    derived = frozenset(
        name for name, source in mapping.derived.items() if source.expand in shown or name in fields
    )
    fetched = shown | {mapping.derived[name].expand for name in derived}
    values = mapping.custom_fields is not None
    return Additions(
        shown=shown,
        fetched=frozenset(fetched),
        derived=derived,
        raw_custom_fields=raw and values,
        custom_fields=CUSTOM_FIELDS in include and values,
    )


def _refuse_unknown(parameter: str, given: Sequence[str], known: Iterable[str]) -> None:
    names = sorted(set(known))
    if len(given) > MAX_NAMES:
        raise BadRequest(f"`{parameter}` takes at most {MAX_NAMES} names", code=f"unknown_{parameter}")
    unknown = [name for name in given if name not in names]
    if unknown:
        shown = ", ".join(_shown(name) for name in unknown[:5])
        takes = f"it takes: {', '.join(names)}" if names else "this resource takes none"
        raise BadRequest(f"Unknown `{parameter}` value: {shown} ({takes})", code=f"unknown_{parameter}")


def _shown(name: str) -> str:
    printable = "".join(char if char.isprintable() else "?" for char in name[:MAX_SHOWN])
    return f"'{printable}'" + ("…" if len(name) > MAX_SHOWN else "")


@dataclass(slots=True)
class Reader:
    """One request's reads of related lists: each list call once (by its arguments), every page walked."""

    platform: Platform
    project: Project
    account_id: str
    connector: Connector
    policy: RetryPolicy
    calls: list[ActionResult] = field(default_factory=list)
    _seen: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    async def every(self, action_id: str, arguments: Mapping[str, Any]) -> list[Any]:
        """Every record of the list `action_id` narrowed by `arguments` (its pages walked)."""
        key = (action_id, repr(sorted(arguments.items())))
        if key in self._seen:
            return self._seen[key]
        listing = self.connector.action(action_id)
        largest = next((p.maximum for p in listing.pagination.parameters() if p.name == "page_size"), None)
        records: list[Any] = []
        cursor: str | None = None
        for _ in range(MAX_RELATED_PAGES):
            sent = dict(arguments)
            if largest is not None:
                sent["page_size"] = int(largest)
            if cursor is not None:
                sent["next"] = cursor
            result = await run_action(
                self.platform, self.project, self.account_id, action_id, sent, policy=self.policy
            )
            self.calls.append(result)
            records += [record for record in result.data or () if isinstance(record, dict)]
            cursor = result.next
            if cursor is None:
                self._seen[key] = records
                return records
        raise ValidationFailed(
            "Too many related records",
            errors=[
                {
                    "field": "expand",
                    "message": f"the related records take more than {MAX_RELATED_PAGES} pages of the "
                    "provider's: ask for a smaller page_size",
                }
            ],
        )

    async def narrowed(
        self, action_id: str, param: str, ids: Sequence[str], extra: Mapping[str, Any]
    ) -> list[Any]:
        """The records of `action_id` whose `param` is one of `ids`, in batches the parameter takes."""
        if not ids:
            return []
        parameter = self.connector.action(action_id).parameters_by_name[param]
        records: list[Any] = []
        if parameter.type != "array":
            # A parameter of one id (none of Factorial's lists): one list per id.
            for one in ids:
                records += await self.every(action_id, {**extra, param: one})
            return records
        batch = parameter.max_items or DEFAULT_MAX_ITEMS
        for start in range(0, len(ids), batch):
            records += await self.every(action_id, {**extra, param: list(ids[start : start + batch])})
        return records


async def add_related(
    platform: Platform,
    project: Project,
    account_id: str,
    connector: Connector,
    mapping: ResourceMapping,
    pairs: Sequence[tuple[Any, dict[str, Any]]],
    additions: Additions,
    *,
    policy: RetryPolicy,
) -> list[ActionResult]:
    """Add `additions` to each unified record of `pairs` (the provider's record, its unified record) in place;
    the provider calls made, for `raw`."""
    if not pairs or not (additions.fetched or additions.raw_custom_fields or additions.custom_fields):
        return []
    unified = connector.unified
    assert unified is not None  # a mapping is the connector's
    reader = Reader(platform, project, account_id, connector, policy)
    ids = unique(_own_id(record) for _, record in pairs)
    for name in sorted(additions.fetched):
        expansion = mapping.expands[name]
        many = mapping.model.expands[name].many
        if expansion.fields is not None:
            target = model_of(str(mapping.model.expands[name].resource))
            for source, record in pairs:
                one = expansion.read(source, target)
                record[name] = [one] if many else one
            continue
        related = unified.find(UnifiedMapping.related_resource(mapping, name))
        assert related is not None  # checked when the connector loads
        if expansion.key is not None:
            await _by_key(reader, related, expansion, name, many, pairs)
        else:
            await _by_back(reader, related, expansion, name, many, pairs, ids)
    for field_name in sorted(additions.derived):
        derived = mapping.derived[field_name]
        model_field = mapping.model.fields[field_name]
        for _, record in pairs:
            record[field_name] = derived.read(record, model_field)
    for name in additions.fetched - additions.shown:
        for _, record in pairs:
            record.pop(name, None)
    if additions.raw_custom_fields or additions.custom_fields:
        await _custom_fields(reader, mapping, pairs, ids, additions)
    return reader.calls


async def _by_key(
    reader: Reader,
    related: ResourceMapping,
    expansion: Expansion,
    name: str,
    many: bool,
    pairs: Sequence[tuple[Any, dict[str, Any]]],
) -> None:
    """Related records named by this record's ids (an employee's `legal_entity_id`), fetched by `ids`."""
    wanted = {id(record): texts(expansion.search(source)) for source, record in pairs}
    ids = unique(value for values in wanted.values() for value in values)
    found = await reader.narrowed(related.list_action, "ids", ids, related.list_arguments)
    by_id = {_own_id(mapped): mapped for mapped in related.read_many(found)}
    for _, record in pairs:
        embedded = [by_id[value] for value in wanted[id(record)] if value in by_id]
        record[name] = embedded if many else (embedded[0] if embedded else None)


async def _by_back(
    reader: Reader,
    related: ResourceMapping,
    expansion: Expansion,
    name: str,
    many: bool,
    pairs: Sequence[tuple[Any, dict[str, Any]]],
    ids: Sequence[str],
) -> None:
    """Related records that name the record they belong to (a contract version's `employee_id`)."""
    if expansion.param is not None:
        found = await reader.narrowed(related.list_action, expansion.param, ids, related.list_arguments)
    else:
        found = await reader.every(related.list_action, related.list_arguments)
    owned: dict[str, list[dict[str, Any]]] = {}
    for record in found:
        mapped = related.read(record)
        for owner in unique(texts(expansion.search(record))):
            owned.setdefault(owner, []).append(mapped)
    for _, record in pairs:
        embedded = owned.get(_own_id(record), [])
        record[name] = embedded if many else (embedded[0] if embedded else None)


async def _custom_fields(
    reader: Reader,
    mapping: ResourceMapping,
    pairs: Sequence[tuple[Any, dict[str, Any]]],
    ids: Sequence[str],
    additions: Additions,
) -> None:
    values = mapping.custom_fields
    assert values is not None  # planned only where mapped
    found = await reader.narrowed(values.action, values.param, ids, {})
    owned: dict[str, list[tuple[str | None, dict[str, Any]]]] = {}
    for value in found:
        owner, key, item = values.read(value)
        if owner is not None:
            owned.setdefault(owner, []).append((key, item))
    for _, record in pairs:
        mine = owned.get(_own_id(record), [])
        if additions.raw_custom_fields:
            record[UNIFIED_CUSTOM_FIELDS] = {key: item["value"] for key, item in mine if key is not None}
        if additions.custom_fields:
            record[CUSTOM_FIELDS] = [item for _, item in mine]


def _own_id(record: Mapping[str, Any]) -> str:
    """The provider's id of a unified record (what related records name it by)."""
    found = record.get("remote_id") or record.get("id")
    return "" if found is None else str(found)


def texts(found: Any) -> list[str]:
    """An id or a list of ids, as texts (None and nested values left out)."""
    items = found if isinstance(found, list) else [found]
    return [
        ("true" if item else "false") if isinstance(item, bool) else str(item)
        for item in items
        if isinstance(item, str | int | float | bool)
    ]


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))
