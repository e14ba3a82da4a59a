"""Factorial's two pagination modes over an id-ordered list: cursors (`after_id`/`before_id`) and pages."""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .errors import invalid
from .state import Row

MAX_LIMIT = 100
_row_id = itemgetter("id")


def encode_cursor(row_id: int) -> str:
    """Cursors look like base64 of the decimal id (`"MTc="` is 17); clients treat them as opaque."""
    return base64.b64encode(str(row_id).encode()).decode()


def decode_cursor(field: str, cursor: str) -> int:
    """Accept the base64 form Factorial emits, and a bare decimal id as its docs sometimes show."""
    text = cursor.strip()
    if text.isdigit():
        return int(text)
    try:
        decoded = base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid(field, "is not a valid cursor") from None
    if not decoded.isdigit():
        raise invalid(field, "is not a valid cursor")
    return int(decoded)


def _positive_int(params: Mapping[str, str], field: str) -> int | None:
    raw = params.get(field)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise invalid(field, "must be a positive integer")
    return int(raw)


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
        start = bisect_right(rows, decode_cursor("after_id", after), key=_row_id)
        end = min(start + limit, total)
    elif before:
        end = bisect_left(rows, decode_cursor("before_id", before), key=_row_id)
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
