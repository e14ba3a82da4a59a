"""The deliverer: every worker's loop that claims due deliveries, sends them signed, and records what came back.

Retries (Standard Webhooks' and StackOne's receivers expect them): a connection failure, a timeout, 408, 429 and
5xx are tried again after an exponential, jittered delay (`connectors.retry.RetryPolicy.backoff` from
`webhook_backoff_base_seconds`, at most an hour), or after what `Retry-After` asks (429, 503), for as long as
`webhook_retry_window_seconds` from when the delivery was queued; any other answer outside 2xx (a redirect
included: none is followed) ends it at once. A webhook that has failed, without one success, for the whole window
is turned off (`disabled_reason = "failing"`), which its page shows.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import timedelta
from typing import ClassVar

import orjson

from linkyard.config import Settings
from linkyard.connectors.retry import RetryPolicy, parse_retry_after
from linkyard.domain import Clock
from linkyard.periodic import PeriodicJob
from linkyard.services.platform import Store
from linkyard.services.webhooks.sender import Answer, WebhookSender
from linkyard.store.deliveries import AttemptRecord, ClaimedDelivery, Outcome

MAX_IN_FLIGHT = 64
"""Sends one deliverer (one worker) has in progress at most, all webhooks together."""
MAX_BACKOFF_SECONDS = 3_600.0
LEASE_MARGIN_SECONDS = 5.0
"""A claim lasts twice the receiver's timeout and this much more: a live deliverer's lease never lapses (it has
recorded its attempt by then), and a dead one's deliveries are due again soon after."""
RETRIED_STATUSES = frozenset({408, 429})


def is_retried(answer: Answer) -> bool:
    """Whether an attempt that did not succeed is tried again (while the window lasts)."""
    if answer.status_code is None:
        return not answer.refused
    return answer.status_code in RETRIED_STATUSES or answer.status_code >= 500


class Deliverer(PeriodicJob):
    """Sends the deliveries that are due, in every worker of every host (claims keep them from colliding)."""

    name: ClassVar[str] = "webhook-deliverer"
    description: ClassVar[str] = "webhook delivery"

    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        *,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        interval = settings.webhook_delivery_interval_seconds
        super().__init__(interval=interval or None, random_fraction=random_fraction)
        self._store = store
        self._clock = clock
        self._window = timedelta(seconds=settings.webhook_retry_window_seconds)
        self._lease = timedelta(seconds=2 * settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS)
        self._per_webhook = settings.webhook_concurrency_per_webhook
        base = settings.webhook_backoff_base_seconds
        self._backoff = RetryPolicy(
            base_backoff=base, max_backoff=max(base, MAX_BACKOFF_SECONDS), jitter=0.5, random=random_fraction
        )
        self._sender = WebhookSender(
            timeout=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private_addresses,
        )
        self.attempts = 0
        """Attempts this deliverer made (for tests and benchmarks)."""

    @classmethod
    def from_settings(cls, store: Store, settings: Settings, clock: Clock) -> Deliverer:
        return cls(store, settings, clock)

    async def run_once(self) -> None:
        """Deliver until nothing is due (or every due webhook is at its bound), as a pipeline: up to
        `MAX_IN_FLIGHT` sends at once; whenever some end, what came back is recorded and the room they leave is
        claimed again, in one transaction. A run cancelled midway leaves its claims to lapse (at least once)."""
        sending: set[asyncio.Task[tuple[ClaimedDelivery, AttemptRecord]]] = set()
        recorded: list[tuple[ClaimedDelivery, AttemptRecord]] = []
        try:
            while True:
                claimed = await self._store.deliveries.claim(
                    lease=self._lease,
                    per_webhook=self._per_webhook,
                    limit=MAX_IN_FLIGHT - len(sending),
                    recorded=recorded,
                )
                sending.update(asyncio.create_task(self._attempt(delivery)) for delivery in claimed)
                if not sending:
                    return
                done, sending = await asyncio.wait(sending, return_when=asyncio.FIRST_COMPLETED)
                recorded = [task.result() for task in done]
        finally:
            for task in sending:
                task.cancel()

    async def stop(self) -> None:
        await super().stop()
        await self._sender.aclose()

    async def _attempt(self, delivery: ClaimedDelivery) -> tuple[ClaimedDelivery, AttemptRecord]:
        sent_at = self._clock()
        answer = await self._sender.send(
            delivery.url,
            message_id=delivery.event.id,
            timestamp=sent_at,
            body=orjson.dumps(delivery.event.payload()),
            secrets=delivery.secrets,
        )
        self.attempts += 1
        now = self._clock()
        outcome: Outcome
        next_attempt_at = None
        failing_cutoff = None
        if answer.status_code is not None and 200 <= answer.status_code < 300:
            outcome = "delivered"
        else:
            delay = self._backoff.backoff(delivery.attempt_count + 1)
            asked = parse_retry_after(answer.retry_after, now=now)
            if asked is not None and answer.status_code in (429, 503):
                delay = asked
            next_attempt_at = now + timedelta(seconds=delay)
            in_window = next_attempt_at <= delivery.queued_at + self._window
            outcome = "retry" if is_retried(answer) and in_window else "failed"
            if outcome == "failed" and is_retried(answer):
                # Given up because the window ends before the next try: by then the webhook will have failed
                # for the whole window, if its failures began with this delivery.
                failing_cutoff = next_attempt_at - self._window
            else:
                failing_cutoff = now - self._window
        return (
            delivery,
            AttemptRecord(
                attempted_at=sent_at,
                status_code=answer.status_code,
                latency_ms=answer.latency_ms,
                error=answer.error,
                response_excerpt=answer.excerpt,
                outcome=outcome,
                next_attempt_at=next_attempt_at if outcome == "retry" else None,
                disable_webhook_failing_since=None if outcome == "delivered" else failing_cutoff,
            ),
        )
