"""A resource reads each field with one function made once (`FieldMapping.reader`, for speed, with shortcuts for
the commonest expressions): for every field of every resource Factorial maps, it gives exactly what reading with
JMESPath's own `search` gives, whatever the provider sent in its place."""

from __future__ import annotations

from typing import Any

import pytest
from jmespath.exceptions import JMESPathError

from linkyard.connectors import get_connector
from linkyard.connectors.unified.mapping import ResourceMapping, jmespath_options

ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "text",
    "female",
    "vacation",
    "1990-03-02",
    "1990-02-30",
    "2024-01-02T10:00:00.000Z",
    "2024-01-02T10:00:00",
    "18.5",
    0,
    7,
    2.5,
    True,
    False,
    ["a", 1, None],
    [],
    {"nested": "object"},
    {},
)


def _records(sources: list[str]) -> list[dict[str, Any]]:
    """Records holding each odd value in every top-level field the expressions name, then records where the
    fields hold different ones (`preferred_name || full_name` with an empty first and a text second...)."""
    count = len(ODD_VALUES)
    same = [dict.fromkeys(sources, value) for value in ODD_VALUES]
    mixed = [
        {name: ODD_VALUES[(shift + step * index) % count] for index, name in enumerate(sources)}
        for shift in range(count)
        for step in (1, 3, 5)
    ]
    return same + mixed


@pytest.mark.parametrize(
    "resource",
    [mapping.resource for mapping in get_connector("factorialhr").unified.resources],  # type: ignore[union-attr]
)
def test_the_fast_readers_read_what_the_mapping_reads(resource: str) -> None:
    unified = get_connector("factorialhr").unified
    assert unified is not None
    mapping = unified.find(resource)
    assert mapping is not None
    read = {
        name: field for name, field in mapping.fields.items() if field.source is not None
    }  # not written only
    names = sorted({token for field in read.values() for token in _names(str(field.source))})
    for record in [*_records(names), {}]:
        for name, field_mapping in read.items():
            field = mapping.model.fields[name]
            # The reference reads with JMESPath's own `search`, no shortcut of the mapping's (its functions added).
            reference = field_mapping.model_copy()
            compiled = reference.compiled
            reference.__dict__["search"] = lambda record, c=compiled: c.search(
                record, options=jmespath_options()
            )
            try:
                expected: Any = reference.read(record, field)
            except Exception as error:  # a JMESPath type error must be the fast reader's too
                with pytest.raises(type(error)):
                    field_mapping.reader(field)(record)
                continue
            assert field_mapping.reader(field)(record) == expected, (resource, name, record)
        assert set(mapping.read({})) == set(read)


@pytest.mark.parametrize(
    "resource",
    [mapping.resource for mapping in get_connector("factorialhr").unified.resources],  # type: ignore[union-attr]
)
def test_a_record_read_whole_is_each_field_read_alone_and_shares_nothing_mutable(resource: str) -> None:
    """`ResourceMapping.read` reads fields read alike from one source once (`id` and `remote_id`): the same
    values as each field's own reader, in the model's order, and never one list or object in two fields."""
    unified = get_connector("factorialhr").unified
    assert unified is not None
    mapping = unified.find(resource)
    assert mapping is not None
    read = {
        name: (field_mapping, mapping.model.fields[name])
        for name, field_mapping in mapping.fields.items()
        if field_mapping.source is not None and name in mapping.model.fields
    }
    names = sorted({token for field, _ in read.values() for token in _names(str(field.source))})
    for record in [*_records(names), {}]:
        alone: dict[str, Any] = {}
        for name, (field_mapping, field) in read.items():
            try:
                alone[name] = field_mapping.reader(field)(record)
            except Exception:  # a JMESPath type error: read whole, the record fails the same way
                alone = {}
                break
        if not alone:
            continue
        whole = mapping.read(record)
        assert whole == alone and list(whole) == [n for n in mapping.model.fields if n in whole], record
        mutable = [id(value) for value in whole.values() if isinstance(value, dict | list)]
        assert len(mutable) == len(set(mutable)), (resource, record)


def _readable(mapping: ResourceMapping, record: Any) -> bool:
    try:
        mapping.read(record)
    except JMESPathError:
        return False
    return True


def _names(source: str) -> list[str]:
    """The bare identifiers of an expression (enough to fill the fields it reads)."""
    word: list[str] = []
    found: list[str] = []
    quoted = False
    for char in f"{source} ":
        if char in "'`\"":
            quoted = not quoted
        if not quoted and (char.isalnum() or char == "_"):
            word.append(char)
            continue
        if word and not word[0].isdigit():
            found.append("".join(word))
        word = []
    return found


@pytest.mark.parametrize(
    "resource",
    [mapping.resource for mapping in get_connector("factorialhr").unified.resources],  # type: ignore[union-attr]
)
def test_a_page_read_at_once_is_each_record_read_alone(resource: str) -> None:
    """`ResourceMapping.read_many` (a list's page, read field by field over the page) gives what `read` gives
    for each record, in order, keys in the model's order, and no list or object in two places of the page."""
    unified = get_connector("factorialhr").unified
    assert unified is not None
    mapping = unified.find(resource)
    assert mapping is not None
    sources = [str(field.source) for field in mapping.fields.values() if field.source is not None]
    names = sorted({token for source in sources for token in _names(source)})
    # A record the expressions cannot read (a JMESPath type error) fails a page as it fails alone: left out.
    objects: list[Any] = [record for record in [*_records(names), {}] if _readable(mapping, record)]
    assert len(objects) > 1, resource
    texts = [record for record in objects if all(v is None or type(v) is str for v in record.values())]
    assert len(texts) > 1, resource
    # A page of objects is read field by field, with a shortcut for a field whose values are all text or null;
    # a page holding anything else than objects, record by record.
    for page in (texts, objects, [*objects, "not an object", 7, None, ["a"]]):
        at_once = mapping.read_many(page)
        assert at_once == [mapping.read(record) for record in page]
        assert [list(mapped) for mapped in at_once] == [list(mapping.read(record)) for record in page]
        mutable = [
            id(value) for mapped in at_once for value in mapped.values() if isinstance(value, dict | list)
        ]
        assert len(mutable) == len(set(mutable)), resource
    assert mapping.read_many([]) == []
