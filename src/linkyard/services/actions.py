"""Running an action on a linked account: check it is allowed, call the provider with a live token, shape the answer.

Every check (the action enabled on the profile, its scopes granted, the account active) happens before any
upstream call. A 401 from the provider is reported to the token keeper once, which refreshes a user token or
confirms a company token's revocation, and the call is retried at most once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from linkyard.connectors import (
    Action,
    CallContext,
    build_request,
    enabled_actions,
    extract_result,
    get_connector,
)
from linkyard.domain import Project
from linkyard.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    ProviderError,
    ProviderErrorDetail,
    RateLimited,
    ValidationFailed,
)
from linkyard.services.platform import Platform

# Provider answers passed on with their own status: the caller's input or permissions, not the provider's health.
_PASSED_ON = frozenset({400, 403, 404, 409, 422})
_RAW_LIMIT = 2000
_SHOWN_HEADERS = ("content-type", "retry-after", "x-request-id")


@dataclass(frozen=True, slots=True)
class ActionResult:
    """`data` and, for a list, the opaque cursor of the next page (`None` on the last one)."""

    data: Any
    next: str | None
    is_list: bool


def flatten_arguments(
    *, path: Mapping[str, Any] | None, query: Mapping[str, Any] | None, body: Mapping[str, Any] | None
) -> dict[str, Any]:
    """StackOne's grouped arguments (`path`, `query`, `body`) as the flat names the connector's actions take."""
    flat: dict[str, Any] = {}
    clashes: list[str] = []
    for group in (path, query, body):
        for name, value in (group or {}).items():
            if name in flat:
                clashes.append(name)
            flat[name] = value
    if clashes:
        raise ValidationFailed(
            "An argument was given twice",
            errors=[
                {"field": _clip(name), "message": "is given in more than one of path, query and body"}
                for name in clashes
            ],
        )
    return flat


async def run_action(
    platform: Platform, project: Project, account_id: str, action_id: str, arguments: Mapping[str, Any]
) -> ActionResult:
    """Run `action_id` on an account of `project` with flat `arguments`.

    404 for an unknown account or action; 403 when the action is not enabled on the account's profile or a
    required scope was not granted (naming the missing scopes); 412 when the account is not active; 422 for
    bad arguments. Then the provider is called.
    """
    store = platform.store
    account = await store.accounts.get(project.id, account_id)
    connector = get_connector(account.provider)
    action = connector.find_action(action_id)
    if action is None:
        raise NotFound(f"{connector.name} has no such action", code="action_not_found")
    profile = await store.connector_profiles.get(project.id, account.integration_id)
    if action not in enabled_actions(connector, profile.scopes, profile.actions):
        raise Forbidden(f"{action.id} is not enabled on the account's connector profile")
    # An account whose token response named no scopes is unrestricted: the provider decides (and may say 403).
    missing = action.missing_scopes(account.scopes or None)
    if missing:
        raise Forbidden(
            f"{action.id} needs scope(s) the account did not grant: {', '.join(missing)}",
            missing_scopes=missing,
        )
    if profile.disabled:
        raise PreconditionFailed("The account's connector profile is disabled")
    if account.status != "active":
        raise PreconditionFailed(
            f"The account is not active ({account.status}): it needs attention or a re-link"
        )
    context = CallContext(company_id=account.provider_account.company_id, now=platform.clock())
    request = build_request(action, arguments, context=context)
    try:
        endpoints = platform.endpoints(connector, profile.environment)
    except ValidationFailed:
        raise PreconditionFailed(
            "The account's provider environment is not available on this server"
        ) from None

    async def send(token: str) -> httpx.Response:
        return await platform.provider.request(
            endpoints.base_url,
            request.method,
            request.path,
            access_token=token,
            query=request.query,
            json=request.json,
        )

    token = await platform.keeper.access_token(project.id, account_id)
    response = await send(token)
    if response.status_code == 401:
        # The provider did not act on a request it refused to authenticate, so sending it again is safe.
        retry = await platform.keeper.report_unauthorized(project.id, account_id, token)
        if retry is None:
            raise PreconditionFailed(
                f"{connector.name} no longer accepts the account's authorization: link the account again"
            )
        response = await send(retry)
    return _result(action, response, connector.name)


def _result(action: Action, response: httpx.Response, provider_name: str) -> ActionResult:
    status = response.status_code
    if 200 <= status < 300:
        try:
            payload = response.json() if response.content else None
        except ValueError:
            raise ProviderError(f"{provider_name} answered with something that is not JSON") from None
        data, next_cursor = extract_result(action, payload)
        return ActionResult(data, next_cursor, action.result == "list")
    detail = _detail(response)
    if status == 429:
        retry_after = response.headers.get("retry-after", "")
        raise RateLimited(
            f"{provider_name} is rate limiting the account; try again later",
            retry_after=float(retry_after) if retry_after.isdigit() else None,
        )
    error = ProviderError(f"{provider_name} answered {status} to {action.id}", provider_errors=[detail])
    if status in _PASSED_ON:
        error.status = status
    raise error


def _detail(response: httpx.Response) -> ProviderErrorDetail:
    """The provider's answer for `provider_errors`: its URL without the query, a clipped body, safe headers."""
    try:
        raw: Any = response.json()
    except ValueError:
        raw = response.text[:_RAW_LIMIT]
    try:
        url = str(response.request.url.copy_with(query=None))
    except RuntimeError:  # a response built without its request
        url = ""
    headers = {name: response.headers[name] for name in _SHOWN_HEADERS if name in response.headers}
    return {"status": response.status_code, "url": url, "raw": raw, "headers": headers}


def _clip(name: str) -> str:
    text = "".join(ch if ch.isalnum() or ch in "_-." else "?" for ch in str(name))
    return text if len(text) <= 64 else f"{text[:61]}..."
