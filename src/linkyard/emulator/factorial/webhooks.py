"""Webhook deliveries: after a write, POST the bare resource object to every matching subscription.

As in Factorial: the body is the resource itself (no envelope), shaped by the subscription's `api_version`
(string ids from 2026-07-01); the subscription's `challenge` travels in the `x-factorial-wh-challenge` header;
there is no signature. A failed delivery (non-2xx, connection error, timeout) is retried with exponential
backoff up to `settings.webhook_max_attempts` attempts in total, after which the subscription is disabled.

Subscriptions are rows of the `api_public/webhook_subscriptions` table (`id, company_id, type, target_url,
enabled, api_version, name, challenge`), written by the REST layer. They are looked up at delivery time, never
cached: `World.reset()` replaces every table.
"""

from __future__ import annotations

import asyncio
import json

import httpx

from .serialize import to_json
from .state import Row, World

SUBSCRIPTIONS = "api_public/webhook_subscriptions"
DEFAULT_API_VERSION = "2026-10-01"
FIRST_STRING_ID_VERSION = "2026-07-01"
MAX_BACKOFF_SECONDS = 4 * 3600.0  # with the default 60 s base, 20 attempts spread over about two days


def uses_string_ids(api_version: str) -> bool:
    """Dated versions from 2026-07-01 send string ids; older ones and the legacy `v2` send integers."""
    return api_version[:1].isdigit() and api_version >= FIRST_STRING_ID_VERSION


def backoff_seconds(base: float, failed_attempts: int) -> float:
    """The wait after a delivery's `failed_attempts`-th failure: base, 2*base, 4*base, ... (capped)."""
    return min(base * float(2 ** (failed_attempts - 1)), max(base, MAX_BACKOFF_SECONDS))


class WebhookDispatcher:
    """Schedules webhook deliveries as asyncio tasks and retries them; `aclose()` stops them all."""

    def __init__(self, world: World, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.world = world
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        """Deliveries not finished yet (including those waiting to retry)."""
        return len(self._tasks)

    def publish(self, company_id: int, event: str, row: Row) -> None:
        """Deliver `row` to the company's enabled subscriptions of type `event` (e.g. `timeoff/leave/create`).

        Returns at once: each delivery runs as a task on the running loop. Outside a loop it does nothing.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for subscription in self.world.table(SUBSCRIPTIONS).rows(company_id):
            if subscription.get("type") != event or not subscription.get("enabled", True):
                continue
            version = str(subscription.get("api_version") or DEFAULT_API_VERSION)
            body = json.dumps(to_json(row, string_ids=uses_string_ids(version))).encode()
            task = loop.create_task(self._deliver(company_id, subscription, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def cancel_pending(self) -> None:
        """Cancel every delivery in flight or waiting to retry, and wait until they have stopped."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel pending deliveries and close the HTTP client."""
        await self.cancel_pending()
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def _current(self, company_id: int, subscription: Row) -> bool:
        """Whether `subscription` still exists (same row, not a namesake after a reset) and is enabled."""
        found = self.world.table(SUBSCRIPTIONS).get(company_id, subscription["id"])
        return found is subscription and bool(subscription.get("enabled", True))

    async def _deliver(self, company_id: int, subscription: Row, body: bytes) -> None:
        attempts = 0
        while self._current(company_id, subscription):
            attempts += 1
            deliveries = self.world.stats.webhook_deliveries
            if await self._attempt(subscription, body):
                deliveries["succeeded"] += 1
                subscription["_failures"] = 0
                return
            deliveries["failed"] += 1
            subscription["_failures"] = int(subscription.get("_failures", 0)) + 1
            settings = self.world.settings
            if attempts >= settings.webhook_max_attempts:
                subscription["enabled"] = False
                return
            await asyncio.sleep(backoff_seconds(settings.webhook_retry_base_seconds, attempts))

    async def _attempt(self, subscription: Row, body: bytes) -> bool:
        headers = {"content-type": "application/json"}
        challenge = subscription.get("challenge")
        if challenge is not None:
            headers["x-factorial-wh-challenge"] = str(challenge)
        timeout = self.world.settings.webhook_timeout_seconds
        try:
            async with asyncio.timeout(timeout):  # also bounds transports that ignore httpx timeouts
                response = await self._http().post(
                    str(subscription["target_url"]), content=body, headers=headers, timeout=timeout
                )
        except Exception:  # a receiver that fails in any way (refused, reset, timeout, crash) is a failure
            return False
        return response.is_success

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(transport=self._transport, follow_redirects=False)
        return self._client
