"""The request log book: finished recordings queued in memory, redacted and stored in batches off the request path.

A call hands its recording over with `submit` (a deque append: it never blocks, never raises, and drops the
log, counting it, when the queue is full). The flusher (a background job in the app's lifespan, every
`interval` seconds) turns a batch into redacted `RequestLog`s and writes it in one transaction; a failed write
is logged and the batch dropped, the calls it logged having long been answered. Each run writes the logs queued
when it began and leaves those that arrive meanwhile to the next: chasing the queue under a steady stream of
calls would write it in batches of a few logs, each a transaction of its own (1,000 calls at about 450 a
second on random accounts were written in 76 transactions of 1 to 15 logs; now in 5). Closing flushes what is
left, and a read of the logs flushes this process's whole queue first, so a caller sees its own calls at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

from linkyard.config import Settings
from linkyard.connectors import Connector
from linkyard.domain import Clock, Project, new_id
from linkyard.domain.request_log import RequestLog, StepLog
from linkyard.errors import Conflict, LinkyardError
from linkyard.oauth.recording import Recording, Step
from linkyard.periodic import PeriodicJob
from linkyard.services.redaction import Redactor, header_pairs
from linkyard.store import Store

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
RENDER_CHUNK = 20
"""Logs redacted between two turns of the event loop (about a millisecond of work): a flush never holds up the
calls in progress for long."""
ErrorStatus = Callable[[BaseException], int]


def _internal(_: BaseException) -> int:
    return 500


class RequestLogBook(PeriodicJob):
    """The queue of finished recordings and its flusher; `enabled=False` keeps nothing (and costs nothing)."""

    name = "linkyard-request-logs"
    description = "request log flush"

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        enabled: bool = True,
        capacity: int = 10_000,
        interval: float = 1.0,
        batch_size: int = BATCH_SIZE,
        error_status: ErrorStatus = _internal,
    ) -> None:
        super().__init__(interval=interval, jitter=0.0)
        self.enabled = enabled
        self._store = store
        self._clock = clock
        self._capacity = capacity
        self._batch_size = batch_size
        self._queue: deque[Recording] = deque()
        self._lock = asyncio.Lock()
        self.error_status = error_status
        """How an error answers (the API's table, given by `create_app`); a refresh's log status needs it."""
        self.dropped = 0
        """Logs dropped because the queue was full or their batch could not be written."""

    @classmethod
    def from_settings(cls, store: Store, clock: Clock, settings: Settings) -> RequestLogBook:
        return cls(
            store,
            clock,
            enabled=settings.request_logs_enabled,
            capacity=settings.request_log_queue_size,
            interval=settings.request_log_flush_seconds,
        )

    def submit(self, entry: Recording) -> None:
        """Queue a finished recording (one of a known project); never blocks, never raises."""
        if not self.enabled or entry.project_id is None:
            return
        if len(self._queue) >= self._capacity:
            self.dropped += 1
            return
        self._queue.append(entry)

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def run_once(self) -> None:
        await self.flush(only_queued=True)

    async def flush(self, *, only_queued: bool = False) -> int:
        """Store every queued log (in batches); how many were stored. `only_queued`: only those queued when the
        flush began (the periodic run's), not those queued while it writes."""
        stored = 0
        async with self._lock:
            left = len(self._queue) if only_queued else None
            while self._queue and left != 0:
                size = min(self._batch_size, len(self._queue) if left is None else left)
                if left is not None:
                    left -= size  # never more than is queued: only this loop takes logs out
                batch = [self._queue[index] for index in range(size)]
                logs: list[RequestLog] = []
                for start in range(0, len(batch), RENDER_CHUNK):
                    logs += [log for log in map(self._log_of, batch[start : start + RENDER_CHUNK]) if log]
                    await asyncio.sleep(0)  # calls in progress get the loop between chunks
                try:
                    await self._store.request_logs.add(logs)
                except (Conflict, LinkyardError) as exc:
                    self.dropped += len(batch)
                    logger.warning("could not store %d request log(s) (%s)", len(batch), exc.code)
                else:
                    stored += len(logs)
                finally:
                    for _ in batch:
                        self._queue.popleft()
        return stored

    async def __aexit__(self, *exc_info: Any) -> None:
        # Stopped between writes, never in one (a write cancelled half-way could leave its transaction open);
        # then what is left is written.
        async with self._lock:
            await super().__aexit__(*exc_info)
        await self.flush()

    def _log_of(self, entry: Recording) -> RequestLog | None:
        try:
            return to_request_log(entry, self.error_status)
        except Exception as exc:  # a log that cannot be rendered is dropped, never the flush
            self.dropped += 1
            logger.warning("could not render a request log (%s)", type(exc).__name__)
            return None


def mark_account_call(entry: Recording, project: Project, account_id: str, action: str) -> None:
    """Make `entry` a request log of `project` (StackOne's, not a platform log): a call on an account."""
    entry.kind = "request"
    entry.project_id = project.id
    entry.bodies = project.log_bodies
    entry.account_id = account_id
    entry.action = action


def mark_provider(entry: Recording, connector: Connector, resource: str | None) -> None:
    """Say which provider (and which of its resources) an account call is for."""
    entry.provider = connector.key
    entry.service = connector.categories[0] if connector.categories else None
    entry.resource = resource


def to_request_log(entry: Recording, error_status: ErrorStatus) -> RequestLog:
    """The stored form of a recording: redacted, its steps numbered and timed."""
    assert entry.project_id is not None
    redactor = Redactor(entry.secrets, files=entry.files)
    incoming = header_pairs(entry.headers)
    request_headers = redactor.headers(incoming)
    # Learn every credential the call carried before anything is rendered, so each is scrubbed everywhere.
    sent = [redactor.headers(step.headers.items()) for step in entry.steps]
    for step in entry.steps:
        redactor.prepare(step.body)
    content_type = request_headers.get("content-type")
    request_body = redactor.body(b"".join(entry.request_body), content_type) if entry.bodies else None
    response_headers = redactor.headers(header_pairs(entry.response_headers))
    response_body = (
        redactor.body(b"".join(entry.response_body), response_headers.get("content-type"))
        if entry.bodies
        else None
    )
    status = entry.status
    if status is None:
        status = error_status(entry.failure) if entry.failure is not None else 200
    duration = entry.duration or 0.0
    started_at = entry.started_at
    log_id = new_id("req")
    query = redactor.pairs(parse_qsl(entry.query_string.decode("latin-1"), keep_blank_values=True))
    url = entry.url
    if url is not None:
        url, url_query = redactor.url(url)
        query = {**url_query, **query}
    steps = tuple(
        _step_log(step, position, log_id, entry, redactor, sent[position])
        for position, step in enumerate(entry.steps)
    )
    return RequestLog(
        id=log_id,
        project_id=entry.project_id,
        kind="request" if entry.kind == "request" else "platform",
        category=entry.category,
        account_id=entry.account_id,
        action=entry.action,
        provider=entry.provider,
        service=entry.service,
        resource=entry.resource,
        http_method=entry.http_method,
        path=redactor.text(entry.path) if entry.path else None,
        url=url,
        query_params=query,
        status=status,
        success=entry.failure is None and status < 400,
        duration_ms=round(duration * 1000, 3),
        started_at=started_at,
        ended_at=started_at + timedelta(seconds=duration),
        source_type=entry.source_type,
        source_value=redactor.text(entry.source_value) if entry.source_value else None,
        source_ip=entry.source_ip,
        is_worker=entry.is_worker,
        error=_error_text(entry.failure, redactor),
        request={"headers": request_headers, "body": request_body},
        response={"headers": response_headers, "body": response_body},
        steps=steps,
        step_count=len(steps),
    )


def _step_log(
    step: Step, position: int, log_id: str, entry: Recording, redactor: Redactor, sent_headers: dict[str, str]
) -> StepLog:
    assert entry.project_id is not None
    url, query = redactor.url(step.url)
    query = {**query, **redactor.pairs(step.query)}
    response: dict[str, Any] | None = None
    if step.status is not None:
        answered = redactor.headers((step.response_headers or {}).items())
        body = redactor.body(step.response_body, answered.get("content-type")) if entry.bodies else None
        response = {"headers": answered, "body": body}
    request_body = None
    if entry.bodies and step.body is not None:
        request_body = redactor.value(step.body)
    started = entry.started_at + timedelta(seconds=step.offset)
    return StepLog(
        # A step's id is its log's random part and its position: unique without drawing random bytes again.
        id=f"stp_{log_id.removeprefix('req_')}{position:02d}",
        log_id=log_id,
        project_id=entry.project_id,
        account_id=entry.account_id,
        action=entry.action,
        provider=entry.provider,
        service=entry.service,
        resource=entry.resource,
        position=position,
        http_method=step.method,
        url=url,
        query_params=query,
        status=step.status,
        success=step.status is not None and step.status < 400,
        duration_ms=round(step.duration * 1000, 3),
        started_at=started,
        ended_at=started + timedelta(seconds=step.duration),
        error=redactor.text(step.error) if step.error else None,
        request={"headers": sent_headers, "body": request_body},
        response=response,
    )


def _error_text(failure: BaseException | None, redactor: Redactor) -> str | None:
    if failure is None:
        return None
    if isinstance(failure, LinkyardError):
        return redactor.text(failure.message)
    return type(failure).__name__
