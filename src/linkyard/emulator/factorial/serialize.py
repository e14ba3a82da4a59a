"""Rows to Factorial JSON: private keys dropped, ids typed by API version (strings from 2026-07-01, ints before)."""

from __future__ import annotations

from typing import Any

from .state import Row


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith("_id")


def _typed(value: Any, string_ids: bool) -> Any:
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.isdigit()):
        return value  # prefixed ids such as a credential's `company_1` are strings in every version
    return str(value) if string_ids else int(value)


def to_json(row: Row, *, string_ids: bool) -> dict[str, Any]:
    """The public form of `row`: `_private` keys removed, every `id`, `*_id` and `*_ids` typed for the version."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key[0] == "_":
            continue
        if _is_id_key(key):
            value = _typed(value, string_ids) if isinstance(value, int | str) else value
        elif key.endswith("_ids") and isinstance(value, list):
            value = [_typed(item, string_ids) for item in value]
        elif isinstance(value, dict):
            value = to_json(value, string_ids=string_ids)
        out[key] = value
    return out
