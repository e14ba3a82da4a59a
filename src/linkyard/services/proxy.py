"""Proxying a call to a linked account's provider (`POST /unified/proxy`): any endpoint the connector opens to
the proxy, with the account's token, under the same checks and limits as an action.

What the caller may send is `linkyard.connectors.proxying`'s to decide (the path stays under the connector's
base URL, no credential or hop-by-hop header); the account, its profile and its scopes are checked here, before
any upstream call, in the order actions check them (404, 400/403, 412). The call then goes out exactly as an
action's does (`account_calls.send_on_account`: fair shares, the token keeper, the retries that are safe, the
one provider client with its size cap and no redirects followed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from linkyard.connectors import get_connector
from linkyard.connectors.proxying import build_proxy_request
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.domain import Project
from linkyard.errors import Forbidden, ProviderError, ProviderRefused, ResponseTooLarge
from linkyard.oauth.recording import Recording, current_recording
from linkyard.services.account_calls import base_url_of, check_callable, send_on_account
from linkyard.services.execution import Call
from linkyard.services.platform import Platform
from linkyard.services.request_logs import mark_account_call, mark_provider

PROXIED = "the proxied request"
PROXY_ACTION = "proxy"
"""The `action` of a proxied call's request log."""
# The provider's headers a caller of the proxy sees; never cookies, auth challenges or where a redirect went.
PASSED_HEADERS = ("content-type", "content-disposition", "content-language", "etag", "last-modified", "link")


@dataclass(frozen=True, slots=True)
class ProxyCall:
    """What the caller asked for: StackOne's `ProxyRequestBody` (`url` may only name the account's own base
    URL; `method` defaults to GET)."""

    path: str | None
    method: str | None = None
    headers: Mapping[str, Any] | None = None
    body: Mapping[str, Any] | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ProxyAnswer:
    """The provider's successful answer as it came: status, the headers worth passing on, the body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


async def proxy_request(
    platform: Platform,
    project: Project,
    account_id: str,
    proxied: ProxyCall,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> ProxyAnswer:
    """Send `proxied` to the provider of an account of `project`; its 2xx answer as it came.

    404 for an unknown account; 400 for a path, URL or header the proxy refuses; 403 for a path no rule of
    the connector covers, or whose scopes the account's profile does not enable or the account did not grant
    (naming them); 412 when the account or its profile is not active; 422 for a missing path or an unknown
    method. Then, as an action: 429 beyond the shares, 408, 412 when the provider no longer accepts the
    token. A 3xx is not followed and answers 502; a 4xx of the provider is passed on with its status
    (`ProviderRefused`, the provider's answer in `provider_errors`); an answer larger than
    `proxy_max_response_bytes` is a 502 `response_too_large`.
    """
    entry = current_recording()
    if entry is None:
        return await _proxy(platform, project, account_id, proxied, policy, None)
    # A proxied call is a request log of the project's, as an action is (its provider call is the step).
    mark_account_call(entry, project, account_id, PROXY_ACTION)
    try:
        return await _proxy(platform, project, account_id, proxied, policy, entry)
    except Exception as exc:
        entry.failure = exc
        raise


async def _proxy(
    platform: Platform,
    project: Project,
    account_id: str,
    proxied: ProxyCall,
    policy: RetryPolicy,
    entry: Recording | None,
) -> ProxyAnswer:
    # The account and its profile (cached; on a miss one joined read that brings the credentials for the keeper).
    found = await platform.store.accounts.read_recent(project.id, account_id)
    account, profile = found.account, found.profile
    connector = get_connector(account.connector)
    if entry is not None:
        mark_provider(entry, connector, None)
    base_url = base_url_of(platform, connector, profile.environment)
    prepared = build_proxy_request(
        connector,
        base_url=base_url,
        method=proxied.method,
        path=proxied.path,
        headers=proxied.headers,
        body=proxied.body,
        url=proxied.url,
    )
    required = prepared.required_scopes
    # A profile that names its scopes opens only what they cover; its list of actions selects actions only.
    not_enabled = [scope for scope in required if profile.scopes and scope not in profile.scopes]
    if not_enabled:
        raise Forbidden(
            f"This path needs scope(s) the account's connector profile does not enable: {', '.join(not_enabled)}",
            missing_scopes=not_enabled,
        )
    # An account whose token response named no scopes is unrestricted: the provider decides (and may say 403).
    missing = [scope for scope in required if account.scopes and scope not in account.scopes]
    if missing:
        raise Forbidden(
            f"This path needs scope(s) the account did not grant: {', '.join(missing)}",
            missing_scopes=missing,
        )
    check_callable(account, profile)
    limit = platform.settings.proxy_max_response_bytes
    call = Call(
        base_url=base_url,
        request=prepared.request,
        action_id=PROXIED,
        provider_name=connector.name,
        max_response_bytes=limit,
    )
    try:
        response = await send_on_account(platform, project.id, account_id, call, policy=policy, read=found)
    except ResponseTooLarge:
        raise ResponseTooLarge(
            f"{connector.name}'s answer is larger than the proxy's limit of {limit} bytes "
            "(LINKYARD_PROXY_MAX_RESPONSE_BYTES)",
            limit=limit,
        ) from None
    except ProviderError as error:
        status = error.provider_status
        if type(error) is ProviderError and status is not None and 400 <= status < 500:
            raise ProviderRefused(
                f"{connector.name} answered {status} to {PROXIED}",
                provider_errors=error.provider_errors,
                provider_status=status,
            ) from None
        raise
    headers = {name: response.headers[name] for name in PASSED_HEADERS if name in response.headers}
    return ProxyAnswer(response.status_code, headers, response.content)
