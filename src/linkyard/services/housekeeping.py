"""Housekeeping: delete what the platform no longer needs (used OAuth states, old connect sessions, ended dashboard
sessions past their expiry, request logs past their retention or beyond a project's count, events past theirs
with their deliveries)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from linkyard.config import Settings
from linkyard.periodic import PeriodicJob
from linkyard.store import Store

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
"""Rows per delete transaction: a large backlog is cleared in short steps that never hold the lock long."""


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one sweep deleted."""

    oauth_states: int
    connect_sessions: int
    ended_dashboard_sessions: int
    sessions_expired_before: datetime
    """Connect sessions that expired before this were deleted (now minus the retention)."""
    analysed: tuple[str, ...] = ()
    """Tables whose planner statistics were refreshed (PostgreSQL; `Store.refresh_statistics`)."""
    request_logs: int = 0
    events: int = 0
    """Events past their retention, deleted with their deliveries and attempts."""

    @property
    def total(self) -> int:
        return (
            self.oauth_states
            + self.connect_sessions
            + self.ended_dashboard_sessions
            + self.request_logs
            + self.events
        )


@dataclass(frozen=True, slots=True)
class LogRetention:
    """How long request logs are kept, and how many per project at most."""

    age: timedelta
    count: int

    @classmethod
    def from_settings(cls, settings: Settings) -> LogRetention:
        return cls(
            age=timedelta(days=settings.request_log_retention_days),
            count=settings.request_log_max_per_project,
        )


DEFAULT_LOG_RETENTION = LogRetention(age=timedelta(days=30), count=100_000)
DEFAULT_EVENT_AGE = timedelta(days=30)


def retention_of(settings: Settings) -> timedelta:
    return timedelta(days=settings.connect_session_retention_days)


async def sweep_storage(
    store: Store,
    *,
    retention: timedelta,
    batch_size: int = BATCH_SIZE,
    logs: LogRetention = DEFAULT_LOG_RETENTION,
    event_age: timedelta = DEFAULT_EVENT_AGE,
) -> Sweep:
    """Delete used and expired OAuth states, connect sessions that expired more than `retention` ago, and the
    records of signed-out dashboard sessions that would have expired by now; then refresh the planner's
    statistics of the tables that grew or changed much (PostgreSQL).

    Idempotent, and safe while serving and while other workers or hosts sweep too: each row is deleted once,
    in batches of `batch_size` per transaction. Live states and sessions (and ended ones still within the
    retention) are kept. States go first: a session's states have long expired by the time it goes. Request
    logs older than `logs.age` go, and each project's oldest beyond its newest `logs.count`, with their steps.
    """
    states = await store.oauth_states.purge(batch_size=batch_size)
    cutoff = store.clock() - retention
    sessions = await store.connect_sessions.purge(expired_before=cutoff, batch_size=batch_size)
    ended = await store.dashboard_sessions.purge()
    old_logs = await store.request_logs.purge(
        started_before=store.clock() - logs.age, keep_per_project=logs.count, batch_size=batch_size
    )
    old_events = await store.deliveries.purge(created_before=store.clock() - event_age, batch_size=batch_size)
    return Sweep(
        oauth_states=states,
        connect_sessions=sessions,
        ended_dashboard_sessions=ended,
        sessions_expired_before=cutoff,
        analysed=await store.refresh_statistics(),
        request_logs=old_logs,
        events=old_events,
    )


class Housekeeper(PeriodicJob):
    """`sweep_storage` every `interval` seconds (± jitter) in each worker of the API; `interval=None`: off.

    Started and stopped by the app's lifespan. Logs one line when a sweep deleted something.
    """

    name = "linkyard-housekeeper"
    description = "housekeeping"

    def __init__(
        self,
        store: Store,
        *,
        retention: timedelta,
        interval: float | None,
        batch_size: int = BATCH_SIZE,
        logs: LogRetention = DEFAULT_LOG_RETENTION,
        event_age: timedelta = DEFAULT_EVENT_AGE,
        jitter: float = 0.2,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(interval=interval, jitter=jitter, random_fraction=random_fraction)
        self._store = store
        self._retention = retention
        self._batch_size = batch_size
        self._logs = logs
        self._event_age = event_age

    @classmethod
    def from_settings(cls, store: Store, settings: Settings) -> Housekeeper:
        interval = settings.housekeeping_interval_seconds
        return cls(
            store,
            retention=retention_of(settings),
            interval=interval or None,
            logs=LogRetention.from_settings(settings),
            event_age=timedelta(days=settings.event_retention_days),
        )

    async def run_once(self) -> None:
        swept = await sweep_storage(
            self._store,
            retention=self._retention,
            batch_size=self._batch_size,
            logs=self._logs,
            event_age=self._event_age,
        )
        if swept.total:
            logger.info(
                "housekeeping deleted %d OAuth state(s), %d connect session(s), %d ended dashboard session(s), "
                "%d request log(s) and %d event(s)",
                swept.oauth_states,
                swept.connect_sessions,
                swept.ended_dashboard_sessions,
                swept.request_logs,
                swept.events,
            )
