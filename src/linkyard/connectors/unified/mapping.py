"""Mappings as data: each unified field of a resource as a JMESPath expression over the provider's record, enums as
tables, and where a field may be written, the provider field it is written to (the inverse used by writes).

A mapping is validated when its connector is (the catalogue's first use): an expression JMESPath cannot parse, a
field the unified model does not have, an enum table whose values are not the model's, all fail then, naming the
resource and the field. The connector checks the rest (that the actions and parameters named exist).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cached_property, lru_cache
from typing import Any, Literal, Self

import jmespath
from jmespath import functions
from jmespath.exceptions import JMESPathError, JMESPathTypeError
from jmespath.parser import ParsedResult
from jmespath.visitor import TreeInterpreter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from linkyard.connectors.unified.models import CUSTOM_FIELDS, UNMAPPED, UnifiedField, UnifiedModel, model_of
from linkyard.errors import FieldError, NotFound, ValidationFailed

_WRITE_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAYS_CACHED = 40_000
"""Days whose unified text is kept: over a century's, at most 8.5 MB (measured with tracemalloc)."""
_TEXT_OR_NULL = frozenset({str, type(None)})
_OBJECT = frozenset({dict})
_IMMUTABLE_KINDS = frozenset({"string", "datetime", "number", "boolean", "choice"})
"""Kinds of unified field whose values are never changed in place (texts, numbers, booleans)."""
_LOOKUP_NAME = re.compile(r"^_[a-z][a-z0-9_]*$")
"""A lookup is put in the provider's record under a name with a leading underscore: no provider field has one."""

CODE = "code"
"""An enum whose source value is already the unified value, in any case (a country code): no table needed."""


class _Arithmetic(functions.Functions):
    """What JMESPath leaves out and a provider's units need: a division (cents to units, a percentage in
    hundredths to a fraction) and a number as text with fixed decimals (StackOne's `pay_rate` is a string)."""

    # A provider's missing value (null) gives null, as a field JMESPath does not find does.
    @functions.signature({"types": ["number", "null"]}, {"types": ["number"]})
    def _func_divide(self, dividend: float | None, divisor: float) -> float | None:
        return None if dividend is None or divisor == 0 else dividend / divisor

    @functions.signature({"types": ["number", "null"]}, {"types": ["number"]})
    def _func_fixed(self, number: float | None, decimals: int) -> str | None:
        return None if number is None else f"{number:.{max(0, min(int(decimals), 10))}f}"


def jmespath_options() -> jmespath.Options:
    """JMESPath's options for a mapping's expressions: its own functions and `_Arithmetic`'s."""
    return jmespath.Options(custom_functions=_Arithmetic())


EXTRA_FUNCTIONS = ("divide", "fixed")
"""The functions a mapping may call besides JMESPath's own (`divide(salary_amount, `100`)`)."""


def _functions_called(tree: Mapping[str, Any]) -> set[str]:
    called = {str(tree["value"])} if tree.get("type") == "function_expression" else set()
    for child in tree.get("children", ()):
        if isinstance(child, Mapping):
            called |= _functions_called(child)
    return called


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldMapping(_Frozen):
    """Where one unified field comes from, and where it goes when written."""

    source: str | None = Field(None, min_length=1, max_length=500)
    """A JMESPath expression over the provider's record (`first_name`, `preferred_name || full_name`); None for
    a field that is written only, the provider's record of this resource not carrying it (Factorial takes an
    employee's first job title when hiring, and keeps it on the contract, not on the employee)."""
    enum: Mapping[str, str] | Literal["code"] | None = None
    """For an enum field: the provider's value (as text: `true`, `female`) -> the unified value; others are
    `unmapped_value`. `"code"`: the provider's value is the unified one (a country code)."""
    write: str | None = Field(None, max_length=200)
    """The provider's body field (dotted) that this unified field is written to; None: read-only."""
    write_as: Literal["value", "date", "one"] = "value"
    """`date`: a datetime (or a date-time text without offset, as StackOne's time off dates are) is written as
    its day (`YYYY-MM-DD`), for providers that take dates. `one`: a list of at most one value written as that
    value (none: null), for a provider that keeps one where the unified model has a list (a job's one team)."""
    divide_by: float | None = Field(None, gt=0)
    """For a number field: the provider's number divided by this (Factorial's minutes as StackOne's hours: 60)."""

    @cached_property
    def compiled(self) -> ParsedResult:
        return jmespath.compile(self.source or "`null`")

    @cached_property
    def search(self) -> Callable[[Any], Any]:
        """The expression as a function of a record. A bare field name (most of them) is a dictionary lookup,
        which is what JMESPath does for it; anything else runs JMESPath's interpreter, made once: a page of
        100 employees is some 2,000 evaluations."""
        tree = self.compiled.parsed
        if tree["type"] == "field":
            name = tree["value"]
            return lambda record: record.get(name) if isinstance(record, dict) else None
        children = tree.get("children") or ()
        if tree["type"] == "or_expression" and all(child["type"] == "field" for child in children):
            # `a || b` of two fields (a preferred name, else the full name): JMESPath's own rule, without its
            # interpreter's recursive walk, the dearest of an employee's fields otherwise.
            first, second = (child["value"] for child in children)

            def either(record: Any) -> Any:
                if not isinstance(record, dict):
                    return None
                found = record.get(first)
                return record.get(second) if _jmespath_false(found) else found

            return either
        interpreter = TreeInterpreter(jmespath_options())
        return lambda record: interpreter.visit(tree, record)

    def check(self, name: str, field: UnifiedField) -> None:
        """Raises `ValueError` naming `name` for an expression that does not parse, or an enum table or write
        that does not fit the unified field."""
        if self.source is None and self.write is None:
            raise ValueError(f"{name}: a field is read (`source`), written (`write`) or both")
        try:
            self.compiled  # noqa: B018 - compiling is the check
        except JMESPathError as error:
            raise ValueError(f"{name}: the expression {self.source!r} is not JMESPath: {error}") from None
        known = {
            *EXTRA_FUNCTIONS,
            *(n[len("_func_") :] for n in dir(functions.Functions) if n.startswith("_func_")),
        }
        unknown = sorted(_functions_called(self.compiled.parsed) - known)
        if unknown:
            raise ValueError(f"{name}: the expression calls unknown functions: {', '.join(unknown)}")
        if field.kind in ("enum", "choice"):
            if self.enum is None:
                raise ValueError(f"{name}: an enum field needs an `enum` table")
            if not isinstance(self.enum, Mapping):
                if field.pattern is None:
                    raise ValueError(f"{name}: `code` is only for code-list enums (countries); give a table")
            else:
                wrong = sorted(value for value in self.enum.values() if not field.allows(value))
                if wrong:
                    raise ValueError(f"{name}: {', '.join(wrong)} are not values of the unified enum")
        elif self.enum is not None:
            raise ValueError(f"{name}: only an enum field takes an `enum` table")
        if self.write is not None and field.kind == "objects":
            raise ValueError(f"{name}: a list of objects is read only")
        if self.write is not None and not _WRITE_PATH.match(self.write):
            raise ValueError(f"{name}: write path {self.write!r} is not a dotted field name")
        if self.write_as == "date" and field.kind not in ("datetime", "string"):
            raise ValueError(f"{name}: only a datetime or a text field is written as a date")
        if self.write_as == "one" and field.kind != "strings":
            raise ValueError(f"{name}: only a list field is written as its one value")
        if self.divide_by is not None and (field.kind != "number" or self.write is not None):
            raise ValueError(f"{name}: only a read-only number field is divided")

    def read(self, record: Any, field: UnifiedField) -> Any:
        """The unified value of this field in `record` (None where the provider has none)."""
        try:
            found = self.search(record)
        except JMESPathTypeError:
            found = None  # the provider's value is not of the kind the expression works on: none to give
        if found is None:
            return None
        if field.kind == "enum":
            return _enum_object(found, self.enum, field)
        if field.kind == "choice":
            return _enum_object(found, self.enum, field)["value"]
        value = _convert(found, field)
        if self.divide_by is not None and value is not None:
            return round(value / self.divide_by, 6)  # no float noise: 467 minutes are 7.783333 hours
        return value

    def reader(self, field: UnifiedField) -> Callable[[Any], Any]:
        """`read` for one unified field as a single function of a record: the same values, in fewer calls. A
        page of 100 employees is some 2,000 reads, which made the mapping most of the unified API's own time
        (`bench/unified_bench.py`). A bare field name read as text (most fields) is a lookup and a type check."""
        if self.divide_by is not None:
            return lambda record: self.read(record, field)
        tree = self.compiled.parsed
        if field.kind == "string" and tree["type"] == "field":
            name = tree["value"]

            def text(record: Any) -> Any:
                found = record.get(name) if isinstance(record, dict) else None
                if found is None or type(found) is str:
                    return found
                if type(found) is int:  # a provider's numeric id (not a bool: the type is int exactly)
                    return str(found)
                return _convert(found, field)

            return text
        if field.kind == "datetime" and tree["type"] == "field":
            moment_name = tree["value"]

            def moment(record: Any) -> Any:
                found = record.get(moment_name) if isinstance(record, dict) else None
                if type(found) is str and len(found) == 10:
                    return _day(found)  # a birthday, a hire date: one of a few thousand, converted once
                return None if found is None else _datetime(found)

            return moment
        search, table = self.search, self.enum
        if _functions_called(tree):
            # A function's argument of the wrong kind (a provider's text where a number was expected): none.
            evaluate = search

            def search(record: Any) -> Any:
                try:
                    return evaluate(record)
                except JMESPathTypeError:
                    return None

        if field.kind == "enum" and isinstance(table, Mapping):
            values = dict(table)

            def enum_by_table(record: Any) -> Any:
                found = search(record)
                if found is None:
                    return None
                if type(found) is str:
                    return {"value": values.get(found, UNMAPPED), "source_value": found}
                if type(found) is bool:
                    return {
                        "value": values.get("true" if found else "false", UNMAPPED),
                        "source_value": found,
                    }
                return _enum_object(found, values, field)

            return enum_by_table
        if field.kind == "choice":

            def choice(record: Any) -> Any:
                found = search(record)
                return None if found is None else _enum_object(found, table, field)["value"]

            return choice
        if field.kind == "enum":

            def enum(record: Any) -> Any:
                found = search(record)
                return None if found is None else _enum_object(found, table, field)

            return enum

        if field.kind == "string":

            def computed_text(record: Any) -> Any:
                found = search(record)
                if found is None or type(found) is str:
                    return found
                return _convert(found, field)

            return computed_text

        def other(record: Any) -> Any:
            found = search(record)
            return None if found is None else _convert(found, field)

        return other

    def page_reader(self, field: UnifiedField) -> Callable[[Sequence[dict[str, Any]]], list[Any]]:
        """`reader` over a page of records that are all objects: each one's value, in order. A bare field read as
        text or as a date is one lookup per record in a single loop, the values' types checked at once (any other
        than text or null: each record goes through `reader`); any other field is `reader` mapped over the page."""
        read = self.reader(field)
        tree = self.compiled.parsed
        plain = self.divide_by is None and tree["type"] == "field"
        if plain and field.kind == "string":
            name = tree["value"]

            def texts(records: Sequence[dict[str, Any]]) -> list[Any]:
                values = [record.get(name) for record in records]
                return values if set(map(type, values)) <= _TEXT_OR_NULL else list(map(read, records))

            return texts
        if plain and field.kind == "datetime":
            moment_name = tree["value"]

            def moments(records: Sequence[dict[str, Any]]) -> list[Any]:
                found = [record.get(moment_name) for record in records]
                if not set(map(type, found)) <= _TEXT_OR_NULL:
                    return list(map(read, records))
                return [
                    None if value is None else _day(value) if len(value) == 10 else _datetime(value)
                    for value in found
                ]

            return moments
        return lambda records: list(map(read, records))

    def inverse(self, value: Any, field: UnifiedField, name: str) -> Any:
        """The provider's value for a unified `value` (an enum's `{value}` or its bare value), or
        `ValidationFailed` naming `name` when the value has no provider equivalent."""
        if value is None:
            return None
        if field.kind in ("enum", "choice"):
            wanted = value.get("value") if isinstance(value, Mapping) else value
            if self.enum == CODE and isinstance(wanted, str):
                return wanted.lower()
            if isinstance(self.enum, Mapping):
                for source, unified in self.enum.items():
                    if unified == wanted:
                        return {"true": True, "false": False}.get(source, source)
            raise ValidationFailed(
                "Invalid value", errors=[{"field": name, "message": "has no equivalent in the provider"}]
            )
        if self.write_as == "date" and isinstance(value, str):
            return value[:10]
        if self.write_as == "one" and isinstance(value, list):
            if len(value) > 1:
                raise ValidationFailed(
                    "Invalid value", errors=[{"field": name, "message": "the provider takes at most one"}]
                )
            return value[0] if value else None
        return value


class UpdatedAfter(_Frozen):
    """How the provider narrows a list to records updated after a time (`filter[updated_after]`); the mapped
    `updated_at` then filters exactly, so a coarser provider filter (a day) never lets an older record through."""

    param: str | None = None
    """The list action's parameter; None: filtered by the platform alone."""
    precision: Literal["date", "datetime"] = "datetime"


class ListFilter(_Frozen):
    """A StackOne `filter[<name>]` on a list: the unified field it keeps records by (equal, ignoring case), and the
    provider's list parameter that narrows the list first where it has one."""

    field: str
    param: str | None = None


class ParentLookup(_Frozen):
    """A parent whose records name it by another key than its id (Factorial's tasks name their assignees by
    access id, not employee id): the parent's own record is read first with `action` (its id as `id`), and the
    JMESPath expression `key` over it gives the key the list is narrowed by and the records name."""

    action: str
    key: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _compiles(self) -> Self:
        try:
            jmespath.compile(self.key)
        except JMESPathError as error:
            raise ValueError(f"the look-up key {self.key!r} is not JMESPath: {error}") from None
        return self

    @cached_property
    def search(self) -> Callable[[Any], Any]:
        return FieldMapping(source=self.key).search


class Parent(_Frozen):
    """A resource listed under a record of another (an employee's time off, a job's application stages): the
    list action's parameter that narrows it to one parent's records (a list of ids or one id), and where a record
    names its parent, so that a record got under another parent is a 404. That is either a unified `field`
    (then also written on a create under the parent) or, where the unified model has none, a JMESPath `source`
    over the provider's record (a list names each of its parents: a task's assignees).

    With a `lookup`, records name the parent by the key read from the parent's record (`source` says where),
    and `field`, when given, is the unified field filled with the parent's id in the records read under it."""

    param: str
    field: str | None = None
    source: str | None = Field(default=None, min_length=1, max_length=500)
    lookup: ParentLookup | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.lookup is not None:
            if self.source is None:
                raise ValueError("a parent looked up names its key in each record by a `source`")
        elif (self.field is None) == (self.source is None):
            raise ValueError(
                "a parent names its record's parent by a `field` or by a `source`, one of the two"
            )
        return self

    @property
    def fills(self) -> str | None:
        """The unified field filled with the parent's id (a looked-up parent's `field`), not read."""
        return self.field if self.lookup is not None else None

    @cached_property
    def compiled(self) -> ParsedResult | None:
        return None if self.source is None else jmespath.compile(self.source)

    def owns(self, provider_record: Any, unified_record: Mapping[str, Any], parent_id: str) -> bool:
        """Whether a record (as the provider gave it, and mapped) is `parent_id`'s (with a `lookup`, `parent_id`
        is the key looked up); a list names each of its parents."""
        if self.compiled is not None:
            found = self.compiled.search(provider_record)
        else:
            found = unified_record.get(self.field or "")
        if isinstance(found, Mapping):
            found = found.get("value")
        if isinstance(found, list):
            return any(item is not None and _text(item) == parent_id for item in found)
        return found is not None and _text(found) == parent_id


class FileDownload(_Frozen):
    """How a record's file is fetched: an action that answers temporary URLs for record ids (given as `ids`), the
    JMESPath expression of the URL in each answered item; the URL is then fetched without credentials."""

    action: str
    ids: str = "ids"
    url: str = "url"


class FileUpload(_Frozen):
    """How a file is uploaded as a record of one employee: the multipart action, its file part, and the
    arguments the file's name, the employee and the category go to, besides those always sent."""

    action: str
    file: str
    filename: str
    parent: str
    category: str | None = None
    arguments: Mapping[str, str | bool | int] = Field(default_factory=dict)


class Operation(_Frozen):
    """One of StackOne's operations on a record besides create and update (an employee's `invite`, an
    application's `move` and `reject`): the provider action it runs, and the action parameter each field of
    StackOne's request is sent as (none for an operation that takes nothing but the record). The record's id is
    sent as the action's `id`."""

    action: str
    fields: Mapping[str, str] = Field(default_factory=dict)
    """StackOne's request field (`interview_stage_id`) -> the action's parameter (`ats_application_phase_id`)."""


class Expansion(_Frozen):
    """How the provider backs one `expand` of a resource (an employee's `company`): the related records are the
    unified records of the mapped resource `resource` (the model's own by default), found one of three ways:

    - `key`: a JMESPath expression over this record's provider JSON giving the related records' ids (one id or a
      list: an employee's `legal_entity_id`); they are fetched in batches by the related list's `ids`;
    - `back`: a JMESPath expression over a related record's provider JSON giving the id (or ids) of the records
      it belongs to (a contract version's `employee_id`, a team's `employee_ids`); the related list is narrowed
      to the page's ids by its parameter `param`, or read whole where it has none;
    - `fields`: the related record is in this record's own provider JSON (an employee's home address), mapped
      field by field to the related model.
    """

    resource: str | None = None
    key: str | None = Field(None, min_length=1, max_length=500)
    back: str | None = Field(None, min_length=1, max_length=500)
    param: str | None = None
    fields: Mapping[str, FieldMapping] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        ways = [way for way in (self.key, self.back, self.fields) if way is not None]
        if len(ways) != 1:
            raise ValueError("an expansion is found by `key`, `back` or `fields`, one of the three")
        if self.param is not None and self.back is None:
            raise ValueError("only an expansion found by `back` narrows the related list by a `param`")
        if self.fields is not None and self.resource is not None:
            raise ValueError("an expansion read from the record's own `fields` has no `resource` to fetch")
        for expression in (self.key, self.back):
            if expression is not None:
                try:
                    jmespath.compile(expression)
                except JMESPathError as error:
                    raise ValueError(f"the expression {expression!r} is not JMESPath: {error}") from None
        return self

    @cached_property
    def search(self) -> Callable[[Any], Any]:
        """`key` or `back` as a function of a provider record."""
        return FieldMapping(source=self.key or self.back).search

    def read(self, record: Any, model: UnifiedModel) -> dict[str, Any]:
        """The related record held in `record` itself (`fields`), in `model`'s order."""
        mappings = self.fields or {}
        return {
            name: mappings[name].read(record, field)
            for name, field in model.fields.items()
            if name in mappings and mappings[name].source is not None
        }


class Lookup(_Frozen):
    """Another provider record that a resource's fields read (a feedback's evaluation form, whose name and
    questions are a scorecard's label and sections): the list action that finds it by `param` (ids), and the
    JMESPath expression of its id in this record. It is put in the record under the lookup's name before the
    fields are read, one list call for a whole page."""

    action: str
    key: str = Field(min_length=1, max_length=500)
    param: str = "ids"

    @model_validator(mode="after")
    def _compiles(self) -> Self:
        try:
            jmespath.compile(self.key)
        except JMESPathError as error:
            raise ValueError(f"the expression {self.key!r} is not JMESPath: {error}") from None
        return self

    @cached_property
    def search(self) -> Callable[[Any], Any]:
        return FieldMapping(source=self.key).search


class Derived(_Frozen):
    """A unified field filled from an expansion (an employee's `job_title` from its employments): a JMESPath
    expression over the unified record with that expansion embedded. It is filled when the caller expands
    `expand`, or names the field in `fields` (the expansion is then fetched, and not shown)."""

    expand: str
    source: str = Field(min_length=1, max_length=500)

    @cached_property
    def search(self) -> Callable[[Any], Any]:
        return FieldMapping(source=self.source).search

    def read(self, record: Mapping[str, Any], field: UnifiedField) -> Any:
        """The field's value in the unified `record` with the expansion embedded (None where there is none)."""
        try:
            found = self.search(record)
        except JMESPathTypeError:
            return None
        return None if found is None else _convert(found, field)


class CustomFieldValues(_Frozen):
    """Where a record's custom field values are (`raw=true`'s `unified_custom_fields`, `include=custom_fields`):
    a list action narrowed to the page's records by `param`, each value's record named by `owner`, and the
    value's field key (`key`: the name it has in `unified_custom_fields`), label, value and ids, all JMESPath
    over the provider's value record."""

    action: str
    param: str
    owner: str
    key: str
    name: str
    value: str
    field_id: str
    value_id: str

    @model_validator(mode="after")
    def _compiles(self) -> Self:
        for expression in (self.owner, self.key, self.name, self.value, self.field_id, self.value_id):
            try:
                jmespath.compile(expression)
            except JMESPathError as error:
                raise ValueError(f"the expression {expression!r} is not JMESPath: {error}") from None
        return self

    def read(self, value: Any) -> tuple[str | None, str | None, dict[str, Any]]:
        """The owner's id, the key, and StackOne's `custom_fields` item of one provider value record."""

        def found(expression: str) -> Any:
            return FieldMapping(source=expression).search(value)

        def text(expression: str) -> str | None:
            result = found(expression)
            return None if result is None else _text(result)

        item = {
            "id": text(self.field_id),
            "remote_id": text(self.field_id),
            "name": text(self.name),
            "value": found(self.value),
            "value_id": text(self.value_id),
            "remote_value_id": text(self.value_id),
        }
        return text(self.owner), text(self.key), item


class ResourceMapping(_Frozen):
    """A unified resource over one provider's actions, and its fields."""

    resource: str
    """The unified model: `hris/employees`."""
    list_action: str
    get_action: str | None = None
    get_by: Literal["path", "ids"] = "path"
    """`path`: the get action takes the record's `id`; `ids`: the list action filtered by `ids` (a provider
    with no endpoint for one record), its first record or 404."""
    updated_after: UpdatedAfter | None = None
    """None: the provider records no update time, so `filter[updated_after]` is refused rather than guessed."""
    filters: Mapping[str, ListFilter] = Field(default_factory=dict)
    """StackOne's filters of this list (`email`, `employee_number`) that the mapping serves."""
    create_action: str | None = None
    create_arguments: Mapping[str, str | bool | int] = Field(default_factory=dict)
    """Arguments a create sends unless the body gives them (by a field or in `passthrough`): what the
    provider requires and the unified model has no field for (a Factorial posting's CV requirement)."""
    update_action: str | None = None
    delete_action: str | None = None
    """The action that removes (or cancels) one record by its `id`."""
    fields: Mapping[str, FieldMapping]
    operations: Mapping[str, Operation] = Field(default_factory=dict)
    """StackOne's operations on one record beyond create and update (`invite`, `move`, `reject`), by name."""
    parent: Parent | None = None
    list_arguments: Mapping[str, str | bool | int] = Field(default_factory=dict)
    """Arguments every list call sends (Factorial's documents: `by_trash_bin=false`, deleted ones left out)."""
    download: FileDownload | None = None
    """For records that are files (documents): how a file is downloaded; None: it is not."""
    upload: FileUpload | None = None
    """For records that are files: how a file is uploaded for an employee; None: it is not."""
    expands: Mapping[str, Expansion] = Field(default_factory=dict)
    """How the provider backs the model's `expand` names; a name the model has and this leaves out is accepted
    and not filled (the provider has nothing for it)."""
    derived: Mapping[str, Derived] = Field(default_factory=dict)
    """Unified fields filled from an expansion (`job_title` from `employments`)."""
    custom_fields: CustomFieldValues | None = None
    """Where the records' custom field values are; None: the provider keeps none for this resource."""
    lookups: Mapping[str, Lookup] = Field(default_factory=dict)
    """Other provider records the fields read, each put in the record under its name (`_LOOKUP_NAME`)."""
    """For a resource StackOne lists under another's record (`/employees/{id}/time_off`,
    `/jobs/{id}/application_stages`)."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        try:
            model = model_of(self.resource)
        except NotFound:
            raise ValueError(f"{self.resource}: not a unified resource") from None
        for name, mapping in self.fields.items():
            field = model.fields.get(name)
            if field is None:
                raise ValueError(f"{self.resource}.{name}: not a field of the unified model")
            mapping.check(f"{self.resource}.{name}", field)
        if (self.get_by == "path") != (self.get_action is not None):
            raise ValueError(f"{self.resource}: name a get_action exactly when records are got by path")
        for name, list_filter in self.filters.items():
            compared = self.fields.get(list_filter.field)
            if compared is None or compared.source is None:  # a field written only is never read to compare
                raise ValueError(
                    f"{self.resource}: filter {name} compares {list_filter.field}, which is not mapped"
                )
        parent = self.parent
        if parent is not None and parent.fills is not None:
            if parent.fills not in model.fields or parent.fills in self.fields:
                raise ValueError(f"{self.resource}: the parent's field {parent.fills} is filled, not mapped")
        elif parent is not None and parent.field is not None and parent.field not in self.fields:
            raise ValueError(f"{self.resource}: the parent's field {parent.field} is not mapped")
        if self.create_arguments and self.create_action is None:
            raise ValueError(f"{self.resource}: create arguments are given but no create action is named")
        if self.parent is not None:
            try:
                self.parent.compiled  # noqa: B018 - compiling is the check
            except JMESPathError as error:
                raise ValueError(f"{self.resource}: the parent expression is not JMESPath: {error}") from None
        for name in self.lookups:
            if not _LOOKUP_NAME.match(name):
                raise ValueError(f"{self.resource}: lookup {name!r} is not named `_<word>`")
        if self.updated_after is not None and "updated_at" not in self.fields:
            raise ValueError(f"{self.resource}: filtering on updated_after needs `updated_at` mapped")
        if any(m.write for m in self.fields.values()) and not (self.create_action or self.update_action):
            raise ValueError(f"{self.resource}: fields are writable but no create or update action is named")
        self._check_expansions(model)
        return self

    def _check_expansions(self, model: UnifiedModel) -> None:
        for name, expansion in self.expands.items():
            nested = model.expands.get(name)
            if nested is None or nested.resource is None:
                raise ValueError(f"{self.resource}: {name} is not an expansion of the unified model")
            if expansion.fields is not None:
                related = model_of(nested.resource)
                for field_name, mapping in expansion.fields.items():
                    field = related.fields.get(field_name)
                    if field is None:
                        raise ValueError(
                            f"{self.resource}.{name}.{field_name}: not a field of {nested.resource}"
                        )
                    mapping.check(f"{self.resource}.{name}.{field_name}", field)
        for name, derived in self.derived.items():
            if name not in model.fields:
                raise ValueError(f"{self.resource}.{name}: not a field of the unified model")
            if name in self.fields and self.fields[name].source is not None:
                raise ValueError(f"{self.resource}.{name}: read from the record, it is not also derived")
            if derived.expand not in self.expands:
                raise ValueError(
                    f"{self.resource}.{name}: derived from {derived.expand}, which is not mapped"
                )
            try:
                jmespath.compile(derived.source)
            except JMESPathError as error:
                raise ValueError(
                    f"{self.resource}.{name}: {derived.source!r} is not JMESPath: {error}"
                ) from None
        if self.custom_fields is not None and CUSTOM_FIELDS not in model.includes:
            raise ValueError(f"{self.resource}: the unified model has no custom fields")

    @property
    def model(self) -> UnifiedModel:
        return model_of(self.resource)

    def read_under(self, parent_field: str) -> Literal["parent", "filter", "everybody"] | None:
        """How the records are read under a parent record whose id is `parent_field`'s value
        (`/employees/{id}/...`: `employee_id`): narrowed by the declared `parent`, or by the mapping's filter
        of that name; or not at all, when the model names no such parent (Factorial's time off policies are
        everybody's). None: the mapping cannot read them under that parent."""
        if self.parent is not None:
            return "parent"
        if parent_field in self.filters:
            return "filter"
        return "everybody" if parent_field not in self.model.fields else None

    @cached_property
    def _readers(self) -> tuple[tuple[str, FieldMapping, UnifiedField], ...]:
        return tuple(
            (name, self.fields[name], field)
            for name, field in self.model.fields.items()
            if name in self.fields and self.fields[name].source is not None
        )

    @cached_property
    def _field_readers(self) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
        return tuple((name, mapping.reader(field)) for name, mapping, field in self._readers)

    @cached_property
    def _shared_readers(self) -> tuple[tuple[Callable[[Any], Any], ...], tuple[tuple[str, int], ...]]:
        """The distinct readers, and each field's by position: fields read alike from the same source (an
        employee's `id` and `remote_id`, its `hire_date` and `start_date`) are read once. Only values that
        cannot be changed in place are shared (text, dates, numbers, booleans, a choice's value): an enum
        object or a list stays each field's own."""
        distinct, slots = self._distinct
        return tuple(read for read, _ in distinct), slots

    @cached_property
    def _page_readers(self) -> tuple[Callable[[Sequence[dict[str, Any]]], list[Any]], ...]:
        """`FieldMapping.page_reader` of each distinct reader of `_shared_readers`, in the same order."""
        return tuple(mapping.page_reader(field) for _, (mapping, field) in self._distinct[0])

    @cached_property
    def _distinct(
        self,
    ) -> tuple[
        tuple[tuple[Callable[[Any], Any], tuple[FieldMapping, UnifiedField]], ...],
        tuple[tuple[str, int], ...],
    ]:
        """The distinct readers, each with the field mapping it reads by, and each field's reader by position."""
        readers: list[tuple[Callable[[Any], Any], tuple[FieldMapping, UnifiedField]]] = []
        positions: dict[tuple[Any, ...], int] = {}
        slots: list[tuple[str, int]] = []
        for (name, mapping, field), (_, read) in zip(self._readers, self._field_readers, strict=True):
            key: tuple[Any, ...] | None = None
            if field.kind in _IMMUTABLE_KINDS:
                enum = tuple(mapping.enum.items()) if isinstance(mapping.enum, Mapping) else mapping.enum
                key = (mapping.source, field.kind, field.values, field.pattern, enum, mapping.divide_by)
            if key is None or key not in positions:
                readers.append((read, (mapping, field)))
                if key is not None:
                    positions[key] = len(readers) - 1
                slots.append((name, len(readers) - 1))
            else:
                slots.append((name, positions[key]))
        return tuple(readers), tuple(slots)

    def read(self, record: Any) -> dict[str, Any]:
        """The unified record for the provider's `record`: every mapped field, in the model's order."""
        readers, slots = self._shared_readers
        values = [read(record) for read in readers]
        return {name: values[position] for name, position in slots}

    def read_many(self, records: Sequence[Any]) -> list[dict[str, Any]]:
        """The unified record of each of the provider's `records`, in order (`read` of each). A page is read
        field by field (`FieldMapping.page_reader`), and each record's dictionary is filled from its row of
        values in one step: no Python loop per record and field (a page of 100 employees in half the time)."""
        readers, slots = self._shared_readers
        if set(map(type, records)) <= _OBJECT:
            columns = [read_page(records) for read_page in self._page_readers]
        else:  # a provider's page holding something else than objects: each record read alone
            columns = [list(map(read, records)) for read in readers]
        names, template = self._names
        mapped = []
        for row in zip(*(columns[at] for _, at in slots), strict=True):
            record = template.copy()  # the model's keys in order, sized once
            record.update(zip(names, row, strict=True))
            mapped.append(record)
        return mapped

    @cached_property
    def _names(self) -> tuple[tuple[str, ...], dict[str, None]]:
        names = tuple(name for name, _ in self._shared_readers[1])
        return names, dict.fromkeys(names)

    def write(self, unified: Mapping[str, Any], accepts: Collection[str] | None = None) -> dict[str, Any]:
        """The provider's body for a unified body: each given field that is writable, at its write path.

        `accepts`: the provider's body fields the action being called takes (an update may take fewer than a
        create); None: any. A field that is not writable, or not by that action, is refused rather than
        dropped: one 422 naming every such field (and every value with no provider equivalent)."""
        body: dict[str, Any] = {}
        problems: list[FieldError] = []
        fields = self.model.fields
        for name, value in unified.items():
            mapping = self.fields.get(name)
            if mapping is None or mapping.write is None or name not in fields:
                problems.append({"field": name, "message": "cannot be written to this provider"})
                continue
            *parents, leaf = mapping.write.split(".")
            if accepts is not None and mapping.write.split(".")[0] not in accepts:
                problems.append({"field": name, "message": "cannot be written by this operation"})
                continue
            try:
                provided = mapping.inverse(value, fields[name], name)
            except ValidationFailed as invalid:
                problems += invalid.errors
                continue
            target = body
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = provided
        if problems:
            raise ValidationFailed("Invalid body", errors=problems)
        return body

    def written_as(self, provider_field: str) -> str | None:
        """The unified field written to the provider's body field `provider_field` (the first, if several are),
        so that the provider's complaint about a field is told in the unified model's names."""
        return next(
            (
                name
                for name, mapping in self.fields.items()
                if mapping.write is not None and mapping.write.split(".")[0] == provider_field
            ),
            None,
        )


class UnifiedMapping(_Frozen):
    """A connector's unified resources, each mapped once."""

    resources: tuple[ResourceMapping, ...]

    @model_validator(mode="after")
    def _check(self) -> Self:
        keys = [resource.resource for resource in self.resources]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"unified resources mapped twice: {', '.join(repeated)}")
        for mapping in self.resources:
            for name, expansion in mapping.expands.items():
                if expansion.fields is not None:
                    continue
                related = self.find(self.related_resource(mapping, name))
                if related is None:
                    raise ValueError(f"{mapping.resource}: {name} expands a resource that is not mapped")
                wanted = model_of(str(mapping.model.expands[name].resource)).fields
                extra = sorted(set(related.model.fields) - set(wanted))
                if extra:
                    raise ValueError(
                        f"{mapping.resource}: {name}'s records have fields its model has not: {', '.join(extra)}"
                    )
        return self

    @staticmethod
    def related_resource(mapping: ResourceMapping, name: str) -> str:
        """The mapped resource whose records `mapping`'s expansion `name` embeds."""
        expansion = mapping.expands[name]
        return expansion.resource or str(mapping.model.expands[name].resource)

    def find(self, resource: str) -> ResourceMapping | None:
        return next((mapping for mapping in self.resources if mapping.resource == resource), None)


def _jmespath_false(value: Any) -> bool:
    """JMESPath's false values (null, false, empty text, list or object), which are not Python's (0 is true)."""
    if type(value) is str:
        return not value
    return value is None or value is False or value == [] or value == {}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _enum_object(found: Any, table: Mapping[str, str] | str | None, field: UnifiedField) -> dict[str, Any]:
    """StackOne's enum object: the unified `value` and the provider's own as `source_value`."""
    key = _text(found) if isinstance(found, str | int | float | bool) else None
    value = UNMAPPED
    if key is not None and isinstance(table, Mapping):
        value = table.get(key, UNMAPPED)
    elif key is not None and table == CODE and field.allows(key.upper()):
        value = key.upper()
    return {"value": value, "source_value": found}


def _convert(found: Any, field: UnifiedField) -> Any:
    if field.kind == "string":
        return _text(found) if isinstance(found, str | int | float | bool) else None
    if field.kind == "strings":
        items = found if isinstance(found, list) else [found]
        return [_text(item) for item in items if isinstance(item, str | int | float | bool)]
    if field.kind == "datetime":
        return _datetime(found)
    if field.kind == "number":
        return found if isinstance(found, int | float) and not isinstance(found, bool) else None
    if field.kind == "objects":
        # The expression builds StackOne's objects (a scorecard's sections): a list of them, or none.
        return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else None
    return found if isinstance(found, bool) else None


@lru_cache(maxsize=DAYS_CACHED)
def _day(found: str) -> str | None:
    """`_datetime` of a text of ten characters (a provider's day, or not a date at all), kept for the next
    record that has it."""
    return _datetime(found)


def _datetime(found: Any) -> str | None:
    """ISO 8601 with an offset, as StackOne's schemas require: a provider's day is midnight UTC that day."""
    if not isinstance(found, str):
        return None
    try:
        if len(found) == 10 and _DATE.match(found):
            date.fromisoformat(found)  # a real day, or ValueError
            return f"{found}T00:00:00+00:00"
        moment = datetime.fromisoformat(found)
    except ValueError:
        return None
    # The provider's own text when it has an offset (the values stay the provider's, to the millisecond).
    return found if moment.tzinfo is not None else moment.replace(tzinfo=UTC).isoformat()
