"""Factorial's two pagination modes over an id-ordered list: cursors (`after_id`/`before_id`) and pages."""

from __future__ import annotations

import base64
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import invalid
from .query import MAX_ID, parse_id
from .state import Row

MAX_LIMIT = 100


RowKey = tuple[int, int | str]


def _row_key(row: Row) -> RowKey:
    """Ids in order; computed lists (a credential's `company_1`) have text ids, which sort after every number."""
    row_id = row["id"]
    return (0, row_id) if type(row_id) is int else (1, str(row_id))


def encode_cursor(row_id: int) -> str:
    """Cursors look like base64 of the decimal id (`"MTc="` is 17); clients treat them as opaque."""
    return base64.b64encode(str(row_id).encode()).decode()


def decode_cursor(field: str, cursor: str) -> int:
    """Accept the base64 form Factorial emits, and a bare decimal id as its docs sometimes show."""
    text = cursor.strip()
    row_id = parse_id(text)
    if row_id is not None:
        return row_id
    try:
        decoded = base64.b64decode(text, validate=True).decode()
    except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII text
        raise invalid(field, "is not a valid cursor") from None
    row_id = parse_id(decoded)
    if row_id is None:
        raise invalid(field, "is not a valid cursor")
    return row_id


def _positive_int(params: Mapping[str, str], field: str) -> int | None:
    """A positive integer parameter; one beyond 64 bits counts as the largest (a page past the end, or the
    `limit` cap), as Rails' `to_i` followed by a bound would have it."""
    raw = params.get(field)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise invalid(field, "must be a positive integer")
    value = parse_id(raw)
    if value == 0:
        raise invalid(field, "must be a positive integer")
    return MAX_ID if value is None else value


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    meta: dict[str, Any]


def paginate(rows: list[Row], params: Mapping[str, str]) -> Page:
    """One page of `rows` (already filtered, in id order) and its exact `meta`.

    `limit` defaults to 100 and, as Factorial documents, a larger value means 100. `page` selects offset mode
    (no cursors in `meta`); otherwise cursor mode, the default.
    """
    limit = min(_positive_int(params, "limit") or MAX_LIMIT, MAX_LIMIT)
    total = len(rows)
    page_number = _positive_int(params, "page")
    if page_number is not None:
        start = (page_number - 1) * limit
        chunk = rows[start : start + limit]
        return Page(
            chunk,
            {
                "has_next_page": start + limit < total,
                "has_previous_page": page_number > 1,
                "limit": limit,
                "total": total,
            },
        )
    after, before = params.get("after_id"), params.get("before_id")
    if after:
        after_key: RowKey = (0, decode_cursor("after_id", after))
        start = bisect_right(rows, after_key, key=_row_key)
        end = min(start + limit, total)
    elif before:
        before_key: RowKey = (0, decode_cursor("before_id", before))
        end = bisect_left(rows, before_key, key=_row_key)
        start = max(0, end - limit)
    else:
        start, end = 0, min(limit, total)
    chunk = rows[start:end]
    return Page(
        chunk,
        {
            "has_next_page": end < total,
            "has_previous_page": start > 0,
            "limit": limit,
            "total": total,
            "start_cursor": encode_cursor(chunk[0]["id"]) if chunk else None,
            "end_cursor": encode_cursor(chunk[-1]["id"]) if chunk else None,
        },
    )
