"""What every call on a linked account shares, actions and the proxy alike: the account and its profile able to
call, the provider's base URL, and the call sent within the account's and the project's shares with a live
token (renewed on a 401, at most `MAX_RENEWALS` times)."""

from __future__ import annotations

from linkyard.connectors import Connector
from linkyard.connectors.retry import RetryPolicy
from linkyard.domain import Account, ConnectorProfile
from linkyard.errors import PreconditionFailed, ValidationFailed
from linkyard.oauth.reasons import inactive_error
from linkyard.oauth.transport import ProviderResponse
from linkyard.services.execution import Call, send_call
from linkyard.services.platform import Platform
from linkyard.store import AccountRead


def check_callable(account: Account, profile: ConnectorProfile) -> None:
    """412 when the account's profile is disabled or the account is not active (with its reason)."""
    if profile.disabled:
        raise PreconditionFailed("The account's connector profile is disabled")
    if account.status != "active":
        reason = account.status_reasons[0].code if account.status_reasons else None
        raise inactive_error(account.status, reason)


def base_url_of(platform: Platform, connector: Connector, environment: str) -> str:
    """The provider's base URL in the profile's environment; 412 when this server does not offer it."""
    try:
        return platform.endpoints(connector, environment).base_url
    except ValidationFailed:
        raise PreconditionFailed(
            "The account's provider environment is not available on this server"
        ) from None


async def send_on_account(
    platform: Platform,
    project_id: str,
    account_id: str,
    call: Call,
    *,
    policy: RetryPolicy,
    read: AccountRead | None = None,
) -> ProviderResponse:
    """`call` sent with the account's token, as `send_call` describes, holding a place of the account's and
    the project's shares for everything it sends (its token, attempts and waits), so that one tenant's slow
    calls never take every connection (`fair_share`: 429 `concurrency_limited` beyond them). `read`: the
    account as `Store.accounts.read_recent` gave it; its credentials, when it read them, spare the keeper a
    read."""

    async def renew(rejected: str) -> str | None:
        return await platform.keeper.report_unauthorized(project_id, account_id, rejected)

    async with platform.guards.shares.place(project_id, account_id):
        token = await platform.keeper.access_token(project_id, account_id, read=read)
        return await send_call(
            platform.provider, call, token=token, renew=renew, policy=policy, clock=platform.clock
        )
