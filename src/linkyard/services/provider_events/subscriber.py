"""The subscriber: every worker's loop that makes accounts' subscriptions at their providers, after the link's
commit, and the unlink's deletion of them.

A subscription is made idempotently: the provider's subscriptions of that kind are listed and the one named
after Linkyard's row (`linkyard <id>`) is updated with the new URL and challenge, or else one is created; a
subscriber that dies between the provider's answer and the commit leaves a subscription the next attempt finds
by its name. A failure is tried again after an exponential wait (`MAX_ATTEMPTS` in all); the provider's 403 (the
person who linked may not subscribe) is not, and the account's page says why.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, ClassVar

from linkyard.connectors import Connector, Events, PreparedRequest, get_connector
from linkyard.connectors.retry import RetryPolicy
from linkyard.domain import Account
from linkyard.errors import LinkyardError, PreconditionFailed, ProviderError
from linkyard.oauth.transport import ProviderResponse
from linkyard.periodic import PeriodicJob
from linkyard.services.account_calls import base_url_of, send_on_account
from linkyard.services.execution import Call
from linkyard.services.platform import Platform
from linkyard.store.event_subscriptions import ClaimedSubscription

logger = logging.getLogger(__name__)

CLAIM_LIMIT = 16
LEASE = timedelta(minutes=2)
"""Longer than the calls to make one subscription take: a live subscriber records its outcome before it ends."""
MAX_ATTEMPTS = 10
BASE_BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 3_600.0
POLICY = RetryPolicy(budget=20.0)
INBOUND_PATH = "/inbound"


def inbound_url(platform: Platform, connector: Connector, token: str) -> str:
    """Where the provider posts one subscription's changes: unguessable, one URL per subscription."""
    return f"{platform.settings.public_url}{INBOUND_PATH}/{connector.key}/{token}"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BASE_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


class Subscriber(PeriodicJob):
    """Makes the subscriptions that are due, in every worker of every host (claims keep them apart)."""

    name: ClassVar[str] = "event-subscriber"
    description: ClassVar[str] = "provider event subscription"

    def __init__(self, platform: Platform) -> None:
        # Beside the deliverer: off when it is off.
        settings = platform.settings
        on = settings.webhook_delivery_interval_seconds > 0
        super().__init__(interval=settings.event_subscription_interval_seconds if on else None)
        self._platform = platform

    async def run_once(self) -> None:
        while True:
            claimed = await self._platform.store.event_subscriptions.claim(lease=LEASE, limit=CLAIM_LIMIT)
            if not claimed:
                return
            await asyncio.gather(*(subscribe(self._platform, one) for one in claimed))


async def subscribe(platform: Platform, claimed: ClaimedSubscription) -> None:
    """Make one claimed subscription at the provider and record how it went."""
    record = claimed.subscription
    repository = platform.store.event_subscriptions
    try:
        remote_id = await _make(platform, claimed)
    except ProviderError as exc:
        if exc.provider_status == 403:
            detail = "the provider refused: the person who linked may not manage its webhook subscriptions"
            await repository.settle(record.id, "refused", detail=detail)
            return
        await _retry_or_give_up(platform, claimed, f"the provider answered with an error ({exc.code})")
    except PreconditionFailed:
        await _retry_or_give_up(platform, claimed, "the account's authorization is no longer accepted")
    except LinkyardError as exc:
        await _retry_or_give_up(platform, claimed, f"the subscription could not be made ({exc.code})")
    else:
        await repository.settle(record.id, "active", remote_id=remote_id)


async def _retry_or_give_up(platform: Platform, claimed: ClaimedSubscription, detail: str) -> None:
    record = claimed.subscription
    logger.warning("account %s: subscribing to %s failed: %s", record.account_id, record.subscription, detail)
    if record.attempt_count >= MAX_ATTEMPTS:
        await platform.store.event_subscriptions.settle(record.id, "failed", detail=detail)
        return
    retry_at = platform.clock() + backoff(record.attempt_count)
    await platform.store.event_subscriptions.settle(record.id, "pending", detail=detail, retry_at=retry_at)


def _events(connector: Connector) -> Events:
    if connector.events is None:
        raise LinkyardError(f"{connector.name} pushes no events", code="events_not_supported")
    return connector.events


async def _make(platform: Platform, claimed: ClaimedSubscription) -> str:
    """The provider's id of the subscription, updated (found by its name) or created."""
    account, record = claimed.account, claimed.subscription
    connector = get_connector(account.connector)
    events = _events(connector)
    name = f"linkyard {record.id}"
    fields: dict[str, Any] = {
        "target_url": inbound_url(platform, connector, claimed.token),
        "challenge": claimed.challenge,
        "enabled": True,
    }
    listed = await _send(
        platform, account, connector, "GET", events.subscriptions_path, query=record.subscription
    )
    found = next(
        (item for item in _records(connector, listed) if isinstance(item, dict) and item.get("name") == name),
        None,
    )
    if found is not None:
        path = f"{events.subscriptions_path}/{found['id']}"
        answer = await _send(platform, account, connector, "PUT", path, body=fields)
    else:
        body = {
            "subscription_type": record.subscription,
            "name": name,
            "company_id": account.provider_account.company_id,
            **fields,
        }
        if connector.api_version is not None:
            body["api_version"] = connector.api_version
        answer = await _send(platform, account, connector, "POST", events.subscriptions_path, body=body)
    made = answer.json()
    if not isinstance(made, dict) or made.get("id") is None:
        raise ProviderError(f"{connector.name} answered a subscription without its id")
    return str(made["id"])


def _records(connector: Connector, response: ProviderResponse) -> list[Any]:
    return connector.envelope.find_records(response.json()) or []


async def _send(
    platform: Platform,
    account: Account,
    connector: Connector,
    method: str,
    path: str,
    *,
    query: str | None = None,
    body: dict[str, Any] | None = None,
) -> ProviderResponse:
    profile = await platform.store.connector_profiles.get(account.project_id, account.profile_id)
    request = PreparedRequest(
        method=method, path=path, query=() if query is None else (("type", query),), json=body
    )
    call = Call(
        base_url=base_url_of(platform, connector, profile.environment),
        request=request,
        action_id="the event subscription",
        provider_name=connector.name,
    )
    return await send_on_account(platform, account.project_id, account.id, call, policy=POLICY)


async def unsubscribe_account(platform: Platform, account: Account) -> None:
    """Delete the account's subscriptions at its provider (before its credentials go); a failure is logged and
    does not stop the unlink (the provider then gives up on a URL that answers 401)."""
    remote_ids = await platform.store.event_subscriptions.remote_ids(account.project_id, account.id)
    if not remote_ids:
        return
    connector = get_connector(account.connector)
    events = _events(connector)
    for remote_id in remote_ids:
        try:
            path = f"{events.subscriptions_path}/{remote_id}"
            await _send(platform, account, connector, "DELETE", path)
        except LinkyardError as exc:
            logger.warning(
                "account %s: deleting its subscription %s at the provider failed (%s)",
                account.id,
                remote_id,
                exc.code,
            )
    await platform.store.event_subscriptions.forget(account.project_id, account.id)
