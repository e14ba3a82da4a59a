"""The wire to webhooks: one signed POST per attempt, over aiohttp, to a safe destination, its answer capped.

Signatures follow the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
made by its maintained library (`standardwebhooks`): one `v1,...` per live secret, space-separated, so that a
receiver holding either secret during a rotation's overlap verifies the message. No redirect is followed (a
3xx is an answer, and not a success), no cookie kept, nothing taken from the environment, and at most
`MAX_RESPONSE_BYTES` of an answer read (the excerpt the delivery log keeps).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from standardwebhooks.webhooks import Webhook as StandardWebhook
from yarl import URL

from linkyard import __version__
from linkyard.services.webhooks.destinations import GuardedResolver, UnsafeDestination, check_literal_address

MAX_RESPONSE_BYTES = 4_096


def signature_header(secrets: tuple[str, ...], message_id: str, timestamp: datetime, body: bytes) -> str:
    """`webhook-signature`: the body signed with each secret, by the Standard Webhooks library."""
    return " ".join(StandardWebhook(secret).sign(message_id, timestamp, body) for secret in secrets)


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What one attempt came to: the receiver's status, or why there was none (`error`), and how long it took."""

    status_code: int | None
    latency_ms: float
    error: str | None
    excerpt: str | None
    retry_after: str | None
    refused: bool = False
    """The destination is not one webhooks may reach: trying again would not help."""


class WebhookSender:
    """Sends deliveries; one aiohttp session per process, opened on first use."""

    def __init__(self, *, timeout: float, allow_private: bool, max_connections: int = 100) -> None:
        self._timeout = timeout
        self._allow_private = allow_private
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def send(
        self, url: str, *, message_id: str, timestamp: datetime, body: bytes, secrets: tuple[str, ...]
    ) -> Answer:
        headers = {
            "content-type": "application/json",
            "user-agent": f"Linkyard-Webhooks/{__version__}",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": signature_header(secrets, message_id, timestamp, body),
        }
        started = time.perf_counter()

        def elapsed() -> float:
            return round((time.perf_counter() - started) * 1000, 2)

        try:
            target = URL(url, encoded=False)
            check_literal_address(target.host or "", allow_private=self._allow_private)
            async with self._open().post(
                target,
                data=body,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                excerpt = await _read_excerpt(response)
                return Answer(
                    status_code=response.status,
                    latency_ms=elapsed(),
                    error=None,
                    excerpt=excerpt,
                    retry_after=response.headers.get("retry-after"),
                )
        except UnsafeDestination as exc:
            return _refused(elapsed(), str(exc))
        except TimeoutError:
            return _failed(elapsed(), "the receiver did not answer in time")
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, UnsafeDestination):
                return _refused(elapsed(), str(exc.os_error))
            return _failed(elapsed(), "the receiver could not be reached")
        except aiohttp.ClientError:
            return _failed(elapsed(), "the connection failed")
        except (UnicodeError, ValueError):
            return _failed(elapsed(), "the webhook's URL cannot be used")

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._max_connections,
                    resolver=GuardedResolver(allow_private=self._allow_private),
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                raise_for_status=False,
            )
        return self._session


def _refused(latency_ms: float, error: str) -> Answer:
    return Answer(
        status_code=None, latency_ms=latency_ms, error=error, excerpt=None, retry_after=None, refused=True
    )


def _failed(latency_ms: float, error: str) -> Answer:
    return Answer(status_code=None, latency_ms=latency_ms, error=error, excerpt=None, retry_after=None)


async def _read_excerpt(response: aiohttp.ClientResponse) -> str:
    """The start of the answer, at most `MAX_RESPONSE_BYTES`; the rest is never read."""
    try:
        data = await response.content.read(MAX_RESPONSE_BYTES)
    except (aiohttp.ClientError, TimeoutError):
        return ""
    return data.decode("utf-8", "replace")
