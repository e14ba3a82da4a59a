"""Rows to Factorial JSON: private keys dropped, ids typed by API version (strings from 2026-07-01, ints before)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from starlette.responses import JSONResponse

from .state import Row

_PLAIN, _ID, _IDS = 0, 1, 2


@lru_cache(maxsize=1024)
def _plan(keys: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """What to do with each key of a row shape; rows of one resource share a shape, so this is computed once."""
    plan = []
    for key in keys:
        if key.startswith("_"):
            continue
        if key.startswith("external") or key.endswith("tax_id"):
            # a provider's own code (`external_id`, `tax_id`) is text in every version, digits or not
            plan.append((key, _PLAIN))
            continue
        kind = _ID if key == "id" or key.endswith("_id") else _IDS if key.endswith("_ids") else _PLAIN
        plan.append((key, kind))
    return tuple(plan)


def _typed(value: Any, string_ids: bool) -> Any:
    if type(value) is int:
        return str(value) if string_ids else value
    if type(value) is str and value.isdigit() and not string_ids:
        return int(value)
    # None, and prefixed ids such as a credential's `company_1`, which are strings in every version
    return value


def to_json(row: Row, *, string_ids: bool) -> dict[str, Any]:
    """The public form of `row`: `_private` keys removed, every `id`, `*_id` and `*_ids` typed for the version."""
    out: dict[str, Any] = {}
    for key, kind in _plan(tuple(row)):
        value = row[key]
        if kind == _ID:
            value = _typed(value, string_ids)
        elif kind == _IDS:
            if type(value) is list:
                value = [_typed(item, string_ids) for item in value]
        elif type(value) is dict:
            value = to_json(value, string_ids=string_ids)
        elif type(value) is list and value and type(value[0]) is dict:
            value = [to_json(item, string_ids=string_ids) for item in value]
        out[key] = value
    return out


class FastJSONResponse(JSONResponse):
    """JSON rendered by orjson: list pages of 100 employees are the emulator's hottest path."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
