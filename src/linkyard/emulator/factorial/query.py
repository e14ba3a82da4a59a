"""List filters as data: each parses its query parameter strictly and yields a row predicate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.datastructures import QueryParams

from .caller import Caller
from .errors import invalid
from .state import Row

Predicate = Callable[[Row], bool]

MAX_ID = 2**63 - 1
"""Factorial's ids are Rails bigint keys: a larger number names no row, whatever its form."""


def values(params: QueryParams, name: str) -> list[str]:
    """Rails arrays (`ids[]=1&ids[]=2`) and plain repeated parameters (`ids=1&ids=2`) alike."""
    return params.getlist(f"{name}[]") + params.getlist(name)


def parse_id(text: str) -> int | None:
    """The id `text` spells in ASCII digits, or None: not digits (`"abc"`, `"-1"`, `"²"`), or beyond `MAX_ID`.

    The length is checked before converting, so a 5,000-digit id costs nothing (and never reaches `int()`'s
    limit on long strings).
    """
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_ID)):
        return None
    value = int(digits)
    return value if value <= MAX_ID else None


def parse_ids(name: str, raw: list[str]) -> set[int]:
    """A filter's ids; anything but digits is a 422. An id beyond `MAX_ID` matches nothing, as in Rails."""
    out: set[int] = set()
    for item in raw:
        for part in item.split(","):
            part = part.strip()
            if not (part.isascii() and part.isdigit()):
                raise invalid(name, "must be a list of ids")
            value = parse_id(part)
            if value is not None:
                out.add(value)
    return out


def parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid(name, "must be true or false")


def switched_on(params: QueryParams, name: str) -> bool:
    """A boolean list flag (`include_deleted_leaves=true`); absent is false, anything but a boolean a 422."""
    raw = values(params, name)
    return bool(raw) and parse_bool(name, raw[-1])


def parse_date(name: str, raw: str) -> str:
    try:
        return date.fromisoformat(raw.strip()[:10]).isoformat()
    except ValueError:
        raise invalid(name, "must be a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Filter:
    """`build(caller, raw values)` returns a predicate, or None when the parameter has no effect."""

    param: str
    build: Callable[[Caller, list[str]], Predicate | None]

    def predicate(self, caller: Caller, params: QueryParams) -> Predicate | None:
        raw = values(params, self.param)
        return self.build(caller, raw) if raw else None


def ids_on(param: str, field: str) -> Filter:
    def build(_: Caller, raw: list[str]) -> Predicate:
        wanted = parse_ids(param, raw)
        return lambda row: row.get(field) in wanted

    return Filter(param, build)


def flag(param: str, test: Callable[[Row], bool]) -> Filter:
    """A one-sided switch: `true` filters, `false` has no effect (as Factorial documents `only_active`)."""

    def build(_: Caller, raw: list[str]) -> Predicate | None:
        return test if parse_bool(param, raw[-1]) else None

    return Filter(param, build)


def equals_bool(param: str, field: str) -> Filter:
    def build(_: Caller, raw: list[str]) -> Predicate:
        wanted = parse_bool(param, raw[-1])
        return lambda row: row.get(field) is wanted

    return Filter(param, build)


def equals_text(param: str, field: str) -> Filter:
    def build(_: Caller, raw: list[str]) -> Predicate:
        wanted = raw[-1]
        return lambda row: row.get(field) == wanted

    return Filter(param, build)


def date_at_least(param: str, field: str) -> Filter:
    def build(_: Caller, raw: list[str]) -> Predicate:
        bound = parse_date(param, raw[-1])
        return lambda row: (row.get(field) or "")[:10] >= bound

    return Filter(param, build)


def date_at_most(param: str, field: str) -> Filter:
    def build(_: Caller, raw: list[str]) -> Predicate:
        bound = parse_date(param, raw[-1])
        return lambda row: bool(row.get(field)) and row[field][:10] <= bound

    return Filter(param, build)


def accepted(param: str, parse: Callable[[str, str], Any] = lambda _n, v: v) -> Filter:
    """A parameter that is validated but does not narrow the list (e.g. `include_leave_type`)."""

    def build(_: Caller, raw: list[str]) -> None:
        parse(param, raw[-1])
        return None

    return Filter(param, build)
