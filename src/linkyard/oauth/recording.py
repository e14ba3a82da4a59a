"""The request log being recorded: what the current API call, action, MCP call or token refresh did, and the
provider steps it took, gathered in a context variable at the one provider seam (`oauth.transport`).

Recording is cheap on purpose (the gateway's budget is about a millisecond): a call appends a `Step` holding
references to what it sent and got, nothing is copied, redacted or written here. Whoever owns the recording
(`services.request_logs`) redacts and stores it later, off the request path. A task started inside a call
inherits its recording (asyncio copies the context), so the MCP server's handler tasks record into the call's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

MAX_STEPS = 50
"""Steps kept per log: a call that pages or retries past this keeps its first ones (and counts the rest)."""
MAX_BODY_BYTES = 65_536
"""Bytes of a request or response body kept for a log (when the project keeps bodies); the rest is cut."""


@dataclass(slots=True)
class Step:
    """One provider HTTP call as sent and answered, unredacted (never stored or shown as it is)."""

    method: str
    url: str
    query: Sequence[tuple[str, str]]
    headers: Mapping[str, str]
    body: Any
    """The JSON sent, or the form (a mapping), or None."""
    offset: float
    """Seconds from the recording's start to the call's."""
    duration: float
    status: int | None = None
    """The provider's status; None when no answer came (timeout, refused connection)."""
    response_headers: Mapping[str, str] | None = None
    response_body: bytes | None = None
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class Recording:
    """What one API call, action, MCP call or token refresh did; filled by whoever learns a fact.

    `project_id` is set once the caller is known (the API key's project, or the project an action runs in);
    a recording without one is not kept. `bodies` says whether request and response bodies are kept (the
    project's setting); secrets are redacted from them either way, before anything is stored.
    """

    started_at: datetime
    started: float = field(default_factory=time.perf_counter)
    kind: str = "platform"
    """`request` (it ran an action, refreshed a token or called a provider for the caller) or `platform`."""
    category: str | None = None
    source_type: str = "api"
    source_value: str | None = None
    source_ip: str | None = None
    is_worker: bool = False
    project_id: str | None = None
    account_id: str | None = None
    action: str | None = None
    provider: str | None = None
    service: str | None = None
    resource: str | None = None
    http_method: str | None = None
    path: str | None = None
    query_string: bytes = b""
    url: str | None = None
    """The URL called, for a recording that is not of an API call (a refresh's token URL)."""
    headers: Sequence[tuple[bytes, bytes]] = ()
    bodies: bool = False
    request_body: list[bytes] = field(default_factory=list)
    response_body: list[bytes] = field(default_factory=list)
    body_room: int = MAX_BODY_BYTES
    response_headers: Sequence[tuple[bytes, bytes]] = ()
    status: int | None = None
    duration: float | None = None
    failure: BaseException | None = None
    """The error the call or action ended with, if any (its status is decided where the edge's table is)."""
    secrets: list[str] = field(default_factory=list)
    """Values to scrub wherever they appear (the caller's API key, the bearer token sent upstream...)."""
    files: list[str] = field(default_factory=list)
    """Files the call carries as base64 text (an upload's `content`): a log shows their size, never them."""
    steps: list[Step] = field(default_factory=list)
    dropped_steps: int = 0

    def keep_request_chunk(self, chunk: bytes) -> None:
        if self.bodies and self.body_room > 0 and chunk:
            self.request_body.append(chunk[: self.body_room])
            self.body_room -= len(chunk)

    def keep_response_chunk(self, chunk: bytes) -> None:
        if self.bodies and chunk and sum(map(len, self.response_body)) < MAX_BODY_BYTES:
            self.response_body.append(chunk[:MAX_BODY_BYTES])

    def add_step(self, step: Step) -> None:
        if len(self.steps) < MAX_STEPS:
            self.steps.append(step)
        else:
            self.dropped_steps += 1

    def finish(self, status: int | None = None) -> None:
        if status is not None:
            self.status = status
        self.duration = time.perf_counter() - self.started


class RecordingSink(Protocol):
    """Where a finished recording goes (the platform's request log queue); never blocks, never raises."""

    def __call__(self, recording: Recording, /) -> None: ...


_current: ContextVar[Recording | None] = ContextVar("linkyard_recording", default=None)


def current_recording() -> Recording | None:
    """The recording of the call in progress in this context, if one is being recorded."""
    return _current.get()


@contextmanager
def recording(entry: Recording | None) -> Iterator[Recording | None]:
    """Make `entry` the current recording for the block (None: record nothing in it)."""
    token = _current.set(entry)
    try:
        yield entry
    finally:
        _current.reset(token)
