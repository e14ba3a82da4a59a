"""Sending an action's request to the provider: a live token, a deadline, the retries that are safe, and the
provider's errors turned into the platform's.

The rules of what may be resent, and when, are `linkyard.connectors.retry.RetryPolicy`'s; this module applies
them to one call, in `_send_retrying`. A 401 is not a retry, and is handled apart (`send_call`): the token
keeper refreshes (or confirms) the token once and the request goes through the retry loop once more with it,
since the provider did not act on a request it refused to authenticate.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from linkyard.connectors import PreparedRequest
from linkyard.connectors.retry import Failure, RetryPolicy, parse_retry_after
from linkyard.domain import Clock
from linkyard.errors import (
    PreconditionFailed,
    ProviderError,
    ProviderErrorDetail,
    ProviderTimeout,
    RateLimited,
)
from linkyard.oauth.client import ProviderClient
from linkyard.oauth.transport import ProviderResponse, TransportFailure

logger = logging.getLogger(__name__)

RAW_LIMIT = 2000
SHOWN_HEADERS = ("content-type", "retry-after", "x-request-id")
_REDACTED = "[redacted]"

MAX_RENEWALS = 2
"""Renewals of the token per call. The first renewal may hand back a token another worker or host stored, which
the provider may already refuse as well (it expired or rotated it meanwhile: the multi-host test met this after a
host died mid-refresh); the second renewal then refreshes that one. Beyond that, the 401 is the answer."""

Renew = Callable[[str], Awaitable[str | None]]
"""Given the token the provider refused, a token to try once more with, or `None` (the account needs a re-link)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One action call to send: where, what, and the names its errors speak of."""

    base_url: str
    request: PreparedRequest
    action_id: str
    """What the call is, in the errors' words: an action's id, or "the proxied request"."""
    provider_name: str
    max_response_bytes: int | None = None
    """The cap on the answer's size, when not the provider client's own (the proxy's setting)."""


@dataclass(slots=True)
class _Spent:
    """What the retry loop has used of the call's allowance, kept across a token renewal."""

    deadline: float
    attempts: int = 0
    failed: list[ProviderErrorDetail] = field(default_factory=list)


async def send_call(
    provider: ProviderClient,
    call: Call,
    *,
    token: str,
    renew: Renew,
    policy: RetryPolicy,
    clock: Clock,
) -> ProviderResponse:
    """The provider's successful (2xx) answer to `call`, after the retries `policy` allows within its budget.

    Raises `RateLimited` (429, with the provider's `Retry-After` when it did not fit the budget),
    `ProviderTimeout` (408: no answer in time, or a POST whose outcome is unknown), `ProviderError` (502, with
    `provider_errors` for every answer that failed; its `provider_status` is the provider's own, which the API's
    error table passes on for a 400/403/404/409/422) and
    `PreconditionFailed` (412: the provider no longer accepts the account's authorization).
    """
    spent = _Spent(deadline=policy.monotonic() + policy.budget)
    tokens = [token]
    response = await _send_retrying(provider, call, tokens, spent, policy, clock)
    renewals = 0
    while response.status_code == 401 and renewals < MAX_RENEWALS:
        renewals += 1
        fresh = await renew(tokens[-1])
        if fresh is None:
            raise PreconditionFailed(
                f"{call.provider_name} no longer accepts the account's authorization: link the account again"
            )
        tokens.append(fresh)
        spent.attempts -= 1  # a new credential, not a retry: it spends budget but no attempt
        response = await _send_retrying(provider, call, tokens, spent, policy, clock)
    if 200 <= response.status_code < 300:
        return response
    raise _refused(
        call, response.status_code, [*spent.failed, provider_error_detail(response, secrets=tokens)]
    )


async def _send_retrying(
    provider: ProviderClient, call: Call, tokens: list[str], spent: _Spent, policy: RetryPolicy, clock: Clock
) -> ProviderResponse:
    """The first answer to `call` with the last of `tokens` that is not to be resent (a success, a 401, a
    refusal), resending on 429, 5xx and failed connections as far as `policy` allows; raises when attempts or
    the budget run out first. Every token in `tokens` is kept out of the errors."""
    method = call.request.method
    while True:
        spent.attempts += 1
        remaining = spent.deadline - policy.monotonic()
        if remaining <= 0:
            raise _unanswered(call, "timeout", spent.failed, policy)
        try:
            response = await provider.request(
                call.base_url,
                method,
                call.request.path,
                access_token=tokens[-1],
                query=call.request.query,
                json=call.request.json,
                multipart=_multipart(call.request),
                headers=call.request.headers,
                timeout=min(policy.attempt_timeout, remaining),
                max_response_bytes=call.max_response_bytes,
            )
        except ProviderError as error:
            failure = _failure(error)
            if failure is None:
                raise
            wait = policy.backoff(spent.attempts)
            if (
                not policy.retries_failure(method, failure)
                or spent.attempts >= policy.max_attempts
                or not _fits(policy, spent.deadline, wait)
            ):
                raise _unanswered(call, failure, spent.failed, policy) from error
            logger.info("%s: %s, resending in %.2f s", call.action_id, failure, wait)
            await policy.sleep(wait)
            continue
        status = response.status_code
        if 200 <= status < 300 or not policy.retries_status(method, status):
            return response
        spent.failed.append(provider_error_detail(response, secrets=tokens))
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=clock())
        wait = policy.backoff(spent.attempts) if retry_after is None else retry_after
        if spent.attempts >= policy.max_attempts or not _fits(policy, spent.deadline, wait):
            raise _exhausted(call, status, spent.attempts, retry_after, spent.failed)
        logger.info(
            "%s: %s answered %s, resending in %.2f s", call.action_id, call.provider_name, status, wait
        )
        await policy.sleep(wait)


def provider_error_detail(response: ProviderResponse, *, secrets: Iterable[str] = ()) -> ProviderErrorDetail:
    """The provider's answer for `provider_errors`: its URL without the query, a clipped body with `secrets`
    removed, and only the headers worth showing (never cookies, auth challenges or tokens)."""
    text = response.text[:RAW_LIMIT]
    hidden = [secret for secret in secrets if secret]
    raw: Any = text
    if len(response.content) <= RAW_LIMIT and not any(secret in text for secret in hidden):
        try:
            raw = json.loads(response.content) if response.content else None
        except ValueError:
            raw = text
    if isinstance(raw, str):
        for secret in hidden:
            raw = raw.replace(secret, _REDACTED)
    headers = {name: response.headers[name] for name in SHOWN_HEADERS if name in response.headers}
    return {"status": response.status_code, "url": response.url, "raw": raw, "headers": headers}


def _failure(error: ProviderError) -> Failure | None:
    """How an attempt failed without an answer, from the `TransportFailure` the client put as the cause; `None`
    when the provider did answer (e.g. with a body over the size cap), which sending again would not change."""
    cause = error.__cause__
    if not isinstance(cause, TransportFailure):
        return None
    if not cause.sent:
        return "not_sent"
    return "timeout" if isinstance(error, ProviderTimeout) else "lost"


def _fits(policy: RetryPolicy, deadline: float, wait: float) -> bool:
    """Whether a wait of `wait` seconds still leaves time for an attempt within the budget."""
    return policy.monotonic() + wait < deadline


def _unanswered(
    call: Call, failure: Failure, failed: list[ProviderErrorDetail], policy: RetryPolicy
) -> ProviderError:
    """The error for a call whose last attempt got no answer; `failed` holds the answers before it."""
    # Not resendable after this failure means the provider may have acted on it: the caller must find out.
    unknown = failure != "not_sent" and not policy.retries_failure(call.request.method, failure)
    unknown_note = ": it may have been carried out, so check before sending it again" if unknown else ""
    if failure == "timeout":
        return ProviderTimeout(
            f"{call.provider_name} did not answer {call.action_id} in time{unknown_note}",
            provider_errors=failed,
        )
    if failure == "lost":
        return ProviderError(
            f"The connection to {call.provider_name} broke during {call.action_id}{unknown_note}",
            provider_errors=failed,
        )
    return ProviderError(f"Could not reach {call.provider_name} for {call.action_id}", provider_errors=failed)


def _refused(call: Call, status: int, details: list[ProviderErrorDetail]) -> ProviderError:
    if 300 <= status < 400:
        message = f"{call.provider_name} redirected {call.action_id} (not followed)"
    else:
        message = f"{call.provider_name} answered {status} to {call.action_id}"
    # The provider's status is kept: the API's error table passes on those that are about the caller's input.
    return ProviderError(message, provider_errors=details, provider_status=status)


def _exhausted(
    call: Call, status: int, attempts: int, retry_after: float | None, details: list[ProviderErrorDetail]
) -> RateLimited | ProviderError:
    tries = "once" if attempts == 1 else f"{attempts} times"
    if status == 429:
        return RateLimited(
            f"{call.provider_name} is rate limiting the account ({call.action_id} tried {tries}); "
            "try again later",
            retry_after=retry_after,
        )
    return ProviderError(
        f"{call.provider_name} answered {status} to {call.action_id} (tried {tries})", provider_errors=details
    )


def _multipart(request: PreparedRequest) -> tuple[tuple[str, str | tuple[str, str, bytes]], ...] | None:
    """A multipart body as the provider client takes it: each field's text, or a file's name, type and bytes."""
    if request.multipart is None:
        return None
    return tuple(
        (name, value if isinstance(value, str) else (value.filename, value.content_type, value.content))
        for name, value in request.multipart
    )
