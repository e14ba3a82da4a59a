"""Reading request logs: a list's query parameters (as StackOne's client sends them) checked into a `LogQuery`,
the opaque `next` cursor, and the use cases behind `GET /requests/logs`, its steps, one log, and the platform
logs (shared by the API and the dashboard).

StackOne's client puts each filter at the top level of the query (`account_ids=...&start_date=...`, its `filter`
object encoded as a form); its documentation writes them `filter[account_ids]=...`. Both are accepted, and any
other parameter is refused with a 400 naming it. Lists of values are comma-separated.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from linkyard.domain import Project
from linkyard.domain.request_log import (
    LogFilter,
    LogKind,
    LogOrder,
    LogQuery,
    OrderField,
    RequestLog,
    StepLog,
)
from linkyard.errors import BadRequest
from linkyard.services.platform import Platform

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_VALUES = 100
MAX_VALUE_LENGTH = 512

_ORDER_FIELDS: dict[str, OrderField] = {
    "eventDatetime": "started_at",
    "duration": "duration_ms",
    "status": "status",
    "provider": "provider",
    "service": "service",
}
_LIST_FILTERS = (
    "account_ids",
    "actions",
    "http_methods",
    "providers",
    "request_ids",
    "resources",
    "services",
    "source_types",
    "source_values",
    "categories",
)
_UNFILLED = ("sub_resources", "child_resources", "source_ids")
"""Filters on fields Linkyard never fills: a value given matches no log."""
_COMMON = (
    "account_ids",
    "actions",
    "end_date",
    "http_methods",
    "request_ids",
    "resources",
    "start_date",
    "status_codes",
    "success",
    "order_by",
    "order_direction",
)
LOG_FILTERS = frozenset(
    (
        *_COMMON,
        "child_resources",
        "providers",
        "services",
        "source_ids",
        "source_types",
        "source_values",
        "sub_resources",
    )
)
STEP_FILTERS = frozenset((*_COMMON, "child_resources", "providers", "services", "sub_resources"))
PLATFORM_FILTERS = frozenset((*_COMMON, "categories", "source_ids", "source_types", "source_values"))
_PAGING = frozenset({"next", "page_size", "order_by", "order_direction"})


@dataclass(frozen=True, slots=True)
class LogPage:
    logs: list[RequestLog]
    next: str | None


@dataclass(frozen=True, slots=True)
class StepPage:
    steps: list[StepLog]
    next: str | None


def parse_query(
    params: Iterable[tuple[str, str]], *, filters: frozenset[str], extra: frozenset[str] = frozenset()
) -> tuple[LogQuery, dict[str, str]]:
    """The `LogQuery` of a list's query parameters, and the `extra` parameters given (such as `include`).

    Raises `BadRequest` naming the parameter for an unknown one or a bad value.
    """
    found: dict[str, str] = {}
    extras: dict[str, str] = {}
    for raw_name, value in params:
        name = raw_name
        if raw_name.startswith("filter[") and raw_name.endswith("]"):
            name = raw_name[len("filter[") : -1]
            if name not in filters:
                raise BadRequest(f"Unknown filter: {_clip(raw_name)}", code="unknown_parameter")
        elif raw_name in extra:
            extras[raw_name] = value
            continue
        elif raw_name not in filters and raw_name not in _PAGING:
            raise BadRequest(f"Unknown query parameter: {_clip(raw_name)}", code="unknown_parameter")
        if len(value) > MAX_VALUE_LENGTH * MAX_VALUES:
            raise BadRequest(f"{_clip(raw_name)} is too long", code="invalid_parameter")
        # The client may send `order_by` both in its filter and at the top level: the last one wins.
        found[name] = value
    wanted = LogFilter(
        **{name: _values(found, name) for name in _LIST_FILTERS if name in filters},
        status_ranges=_status_ranges(found.get("status_codes")),
        success=_boolean(found.get("success"), "success"),
        start=_moment(found.get("start_date"), "start_date"),
        end=_moment(found.get("end_date"), "end_date"),
        unmatchable=any(_values(found, name) for name in _UNFILLED if name in filters),
    )
    order = LogOrder(
        field=_order_field(found.get("order_by")),
        descending=_descending(found.get("order_direction")),
    )
    size = _page_size(found.get("page_size"))
    after = decode_cursor(found["next"], order) if found.get("next") else None
    return LogQuery(filter=wanted, order=order, size=size, after=after), extras


def encode_cursor(order: LogOrder, value: Any, row_id: str) -> str:
    """The opaque `next`: where a page stopped, in its order."""
    shown = value.isoformat() if isinstance(value, datetime) else value
    payload = orjson.dumps([order.field, order.descending, shown, row_id])
    return base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, order: LogOrder) -> tuple[Any, str]:
    """The position a `next` names; `BadRequest` when it is not one of ours or belongs to another order."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        field, descending, value, row_id = orjson.loads(raw)
    except (ValueError, binascii.Error, UnicodeError, TypeError, orjson.JSONDecodeError):
        raise BadRequest("Invalid next cursor", code="invalid_cursor") from None
    if field != order.field or descending != order.descending or not isinstance(row_id, str):
        raise BadRequest("The next cursor belongs to another order", code="invalid_cursor")
    if field == "started_at":
        if not isinstance(value, str):
            raise BadRequest("Invalid next cursor", code="invalid_cursor")
        try:
            return datetime.fromisoformat(value), row_id
        except ValueError:
            raise BadRequest("Invalid next cursor", code="invalid_cursor") from None
    expected: tuple[type, ...] = (int, float) if field in ("duration_ms", "status") else (str,)
    if not isinstance(value, expected) or isinstance(value, bool):
        raise BadRequest("Invalid next cursor", code="invalid_cursor")
    return value, row_id


async def list_request_logs(
    platform: Platform, project: Project, query: LogQuery, *, kind: LogKind, with_steps: bool = False
) -> LogPage:
    """A page of the project's request logs (`kind="request"`) or platform logs, this process's flushed first."""
    await platform.request_logs.flush()
    logs, more = await platform.store.request_logs.page(project.id, kind, query, with_steps=with_steps)
    cursor = None
    if more and logs:
        last = logs[-1]
        cursor = encode_cursor(query.order, _order_value(last, query.order), last.id)
    return LogPage(logs, cursor)


async def get_request_log(platform: Platform, project: Project, log_id: str) -> RequestLog:
    """One of the project's logs with its steps (`NotFound`, 404, for another project's)."""
    await platform.request_logs.flush()
    return await platform.store.request_logs.get(project.id, log_id)


async def list_step_logs(platform: Platform, project: Project, query: LogQuery) -> StepPage:
    """A page of the provider steps of the project's logs."""
    await platform.request_logs.flush()
    steps, more = await platform.store.request_logs.steps_page(project.id, query)
    cursor = None
    if more and steps:
        last = steps[-1]
        cursor = encode_cursor(query.order, _order_value(last, query.order), last.id)
    return StepPage(steps, cursor)


async def set_body_logging(platform: Platform, project_id: str, enabled: bool) -> None:
    """Keep (or stop keeping) request and response bodies in the project's logs, redacted either way."""
    await platform.store.request_logs.set_body_logging(project_id, enabled)


def _order_value(row: RequestLog | StepLog, order: LogOrder) -> Any:
    value = getattr(row, order.field)
    if order.field in ("provider", "service"):
        return value or ""
    return value


def _values(found: dict[str, str], name: str) -> tuple[str, ...]:
    raw = found.get(name)
    if raw is None:
        return ()
    values = tuple(part.strip() for part in raw.split(",") if part.strip())
    if len(values) > MAX_VALUES or any(len(value) > MAX_VALUE_LENGTH for value in values):
        raise BadRequest(f"{name} takes at most {MAX_VALUES} values", code="invalid_parameter")
    return values


def _status_ranges(raw: str | None) -> tuple[tuple[int, int], ...]:
    """`404`, `4xx` (a class) or `500-504` (a range), comma-separated."""
    if raw is None:
        return ()
    ranges: list[tuple[int, int]] = []
    for part in (part.strip() for part in raw.split(",")):
        if not part:
            continue
        low, high = _status_range(part)
        ranges.append((low, high))
    if len(ranges) > MAX_VALUES:
        raise BadRequest(f"status_codes takes at most {MAX_VALUES} values", code="invalid_parameter")
    return tuple(ranges)


def _status_range(part: str) -> tuple[int, int]:
    bad = BadRequest(
        "status_codes: each value is a status (404), a class (4xx) or a range (500-504)",
        code="invalid_parameter",
    )
    lowered = part.lower()
    if len(lowered) == 3 and lowered.endswith("xx") and lowered[0] in "12345":
        base = int(lowered[0]) * 100
        return base, base + 99
    low_text, dash, high_text = lowered.partition("-")
    if not (low_text.isdigit() and (not dash or high_text.isdigit())):
        raise bad
    low = int(low_text)
    high = int(high_text) if dash else low
    if not (100 <= low <= high <= 599):
        raise bad
    return low, high


def _boolean(raw: str | None, name: str) -> bool | None:
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise BadRequest(f"{name} must be true or false", code="invalid_parameter")


def _moment(raw: str | None, name: str) -> datetime | None:
    if raw is None or raw == "":
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO 8601 date-time (2026-01-01T00:00:00Z)", code="invalid_parameter"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _order_field(raw: str | None) -> OrderField:
    if raw is None or raw == "":
        return "started_at"
    field = _ORDER_FIELDS.get(raw)
    if field is None:
        raise BadRequest(f"order_by must be one of {', '.join(_ORDER_FIELDS)}", code="invalid_parameter")
    return field


def _descending(raw: str | None) -> bool:
    if raw is None or raw == "" or raw == "desc":
        return True
    if raw == "asc":
        return False
    raise BadRequest("order_direction must be asc or desc", code="invalid_parameter")


def _page_size(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise BadRequest(f"page_size must be a number from 1 to {MAX_PAGE_SIZE}", code="invalid_parameter")
    return int(raw)


def _clip(name: str) -> str:
    text = "".join(ch if ch.isalnum() or ch in "_-.[]" else "?" for ch in name)
    return text if len(text) <= 64 else f"{text[:61]}..."


def known_parameters(filters: frozenset[str], extra: Sequence[str] = ()) -> list[str]:
    """Every parameter a list accepts, for its documentation."""
    return sorted({*filters, *_PAGING, *extra})
