"""Request logs as stored (already redacted): a call to the platform, and the provider steps it took; and how a
list of them is filtered, ordered and paged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

LogKind = Literal["request", "platform"]
"""`request`: a call that ran an action or refreshed a token (StackOne's request logs); `platform`: any other
call to the API (StackOne's platform logs)."""
OrderField = Literal["started_at", "duration_ms", "status", "provider", "service"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StepLog:
    """One provider HTTP call of a request log: the URL without its query (the query's values redacted
    apart), status (None: no answer), timing, and headers and bodies redacted (bodies only when kept)."""

    id: str
    log_id: str
    project_id: str
    account_id: str | None
    action: str | None
    provider: str | None
    service: str | None
    resource: str | None
    position: int
    http_method: str
    url: str
    query_params: Mapping[str, Any]
    status: int | None
    success: bool
    duration_ms: float
    started_at: datetime
    ended_at: datetime
    error: str | None
    request: Mapping[str, Any]
    """`headers` (redacted) and `body` (None unless the project keeps bodies)."""
    response: Mapping[str, Any] | None
    """`headers` and `body` of the answer; None when none came."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestLog:
    """A call to the platform as it was answered: who, what, how it went, and its provider steps."""

    id: str
    project_id: str
    kind: LogKind
    category: str | None
    account_id: str | None
    action: str | None
    provider: str | None
    service: str | None
    resource: str | None
    http_method: str | None
    path: str | None
    url: str | None
    query_params: Mapping[str, Any]
    status: int
    success: bool
    duration_ms: float
    started_at: datetime
    ended_at: datetime
    source_type: str
    source_value: str | None
    source_ip: str | None
    is_worker: bool
    error: str | None
    request: Mapping[str, Any]
    """`headers` (redacted) and `body` (None unless the project keeps bodies)."""
    response: Mapping[str, Any]
    """`headers` and `body` of the platform's answer."""
    steps: tuple[StepLog, ...] = ()
    step_count: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class LogFilter:
    """What a list keeps; every group is an OR of its values, the groups are ANDed; empty: no condition.

    `status_ranges` are inclusive `(low, high)` pairs (`404` is `(404, 404)`, `4xx` is `(400, 499)`).
    `unmatchable` names a filter on a field Linkyard never fills (a sub-resource): nothing matches it.
    """

    account_ids: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    http_methods: tuple[str, ...] = ()
    request_ids: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    source_values: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    status_ranges: tuple[tuple[int, int], ...] = ()
    success: bool | None = None
    start: datetime | None = None
    end: datetime | None = None
    unmatchable: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class LogOrder:
    """The order of a list: a field, then the id (in the same direction) to break ties."""

    field: OrderField = "started_at"
    descending: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class LogQuery:
    """A page of a list: the filter, the order, the size, and where the previous page stopped (its last row's
    order value and id)."""

    filter: LogFilter = field(default_factory=LogFilter)
    order: LogOrder = field(default_factory=LogOrder)
    size: int = 25
    after: tuple[Any, str] | None = None
