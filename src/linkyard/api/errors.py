"""Errors become responses here, and only here: StackOne's envelope, one table from exception to status.

    {"statusCode": 404, "message": "...", "timestamp": "...", "code": "not_found",
     "errors"?: [{field, message}], "missing_scopes"?: [...], "provider_errors"?: [...]}

`ERROR_STATUS` below is the one table from exception to HTTP status, for the platform's errors (the tree in
`linkyard.errors`, whose classes know nothing of HTTP) and the frameworks' alike; an entry is a status or a
function of the error's facts (a provider's 404 passed on, a terminal refresh failure). The dashboard's error
pages and the MCP endpoint read it too. Messages are the platform's own words: never a submitted value, never
a secret, never an unexpected exception's text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from linkyard.domain import Clock
from linkyard.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    LinkyardError,
    NotFound,
    NotSupported,
    PreconditionFailed,
    ProviderError,
    ProviderRefused,
    ProviderTimeout,
    RateLimited,
    TokenRefreshError,
    Unauthenticated,
    ValidationFailed,
)
from linkyard.services.views import error_view, iso

logger = logging.getLogger(__name__)

# A provider's refusals answered with its own status: the caller's input or permissions, not the provider's health.
PASSED_ON = frozenset({400, 403, 404, 409, 422})


def _provider_status(error: ProviderError) -> int:
    status = error.provider_status
    return status if status is not None and status in PASSED_ON else 502


def _refused_status(error: ProviderRefused) -> int:
    status = error.provider_status
    # 407 would be the operator's outbound proxy speaking, not the provider: a gateway failure.
    return status if status is not None and 400 <= status < 500 and status != 407 else 502


def _refresh_status(error: TokenRefreshError) -> int:
    if error.terminal:
        return 412  # the account needs a re-link
    return 408 if error.timed_out else 502


def _http_status(error: StarletteHTTPException) -> int:
    return error.status_code  # 404 for an unknown route, 405 for a wrong method


# The one table: exception class -> status (or a function of the error). The most specific class an error is
# an instance of wins (its method resolution order is walked), so a subclass without an entry answers as its
# parent does (`ConnectFailed` as `BadRequest`, `CredentialsWiped` as `PreconditionFailed`); anything unknown
# is a 500.
ERROR_STATUS: dict[type[BaseException], int | Callable[[Any], int]] = {
    RequestValidationError: 422,  # 400 instead when the body is not JSON at all (`validation_response`)
    StarletteHTTPException: _http_status,
    BadRequest: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    ProviderTimeout: 408,
    Conflict: 409,
    PreconditionFailed: 412,
    ValidationFailed: 422,
    RateLimited: 429,
    NotSupported: 501,  # StackOne's answer for an operation the account's provider cannot back
    ProviderError: _provider_status,
    ProviderRefused: _refused_status,
    TokenRefreshError: _refresh_status,
}
_MAX_FIELD = 64
_HTTP_ANSWERS = {
    404: ("No such route", "not_found"),
    405: ("Method not allowed", "method_not_allowed"),
}


def status_of(exc: BaseException) -> int:
    """The HTTP status an exception answers with (`ERROR_STATUS`)."""
    for kind in type(exc).__mro__:
        answer = ERROR_STATUS.get(kind)
        if answer is not None:
            return answer if isinstance(answer, int) else answer(exc)
    return 500


def envelope(
    status: int,
    message: str,
    code: str,
    *,
    clock: Clock,
    errors: Sequence[FieldError] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"statusCode": status, "message": message, "timestamp": iso(clock()), "code": code}
    if errors:
        body["errors"] = list(errors)
    body.update(extra or {})
    return body


def error_response(exc: BaseException, clock: Clock) -> JSONResponse:
    """The response for any exception that reached the edge."""
    status = status_of(exc)
    headers: dict[str, str] = {"Cache-Control": "no-store"}
    if isinstance(exc, LinkyardError):
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            headers["Retry-After"] = str(max(1, round(exc.retry_after)))
        if isinstance(exc, Unauthenticated):
            headers["WWW-Authenticate"] = _challenge(exc)
        body = error_view(exc, status, clock())
    elif isinstance(exc, StarletteHTTPException):
        if exc.headers:
            headers.update({k: v for k, v in exc.headers.items() if k.lower() == "allow"})
        message, code = _HTTP_ANSWERS.get(status, ("Request failed", "http_error"))
        body = envelope(status, message, code, clock=clock)
    else:
        body = envelope(500, _internal(), "internal_error", clock=clock)
    if status >= 500 and not isinstance(exc, NotSupported):
        # The type only: an exception's text may hold what caused it (a value, a URL).
        logger.error("request failed with %s (%s)", status, type(exc).__name__)
    return JSONResponse(body, status_code=status, headers=headers)


def _challenge(exc: Unauthenticated) -> str:
    """The schemes the API takes (RFC 7235, one challenge each): StackOne's Basic, and Bearer as MCP clients send
    it, saying `invalid_token` when a key was sent and refused (RFC 6750 3.1: not when none was sent). There is
    no `resource_metadata` (RFC 9728): keys are issued in the dashboard, no authorization server issues them,
    and a pointer to one would send OAuth-capable MCP clients into a sign-in that cannot succeed."""
    bearer = 'Bearer realm="linkyard"'
    if exc.presented:
        bearer += ', error="invalid_token", error_description="The API key is unknown or was revoked"'
    return f'Basic realm="linkyard", {bearer}'


def _internal() -> str:
    return "Internal error"


def _field(loc: Sequence[int | str]) -> str:
    """`scopes[1]` for ('body', 'scopes', 1); names are clipped, since an unknown key is caller-supplied text."""
    parts: list[str] = []
    for index, part in enumerate(loc):
        if index == 0 and part in ("body", "query", "path", "header", "cookie") and len(loc) > 1:
            continue
        if isinstance(part, int):
            parts.append(f"[{part}]")
            continue
        text = "".join(ch if ch.isalnum() or ch in "_-" else "?" for ch in str(part))[:_MAX_FIELD]
        parts.append(f".{text}" if parts else text)
    return "".join(parts) or "body"


def _problem_message(problem: Any) -> str:
    if problem.get("type") == "extra_forbidden":
        return "is not a field this request takes"  # pydantic's words: "Extra inputs are not permitted"
    return str(problem.get("msg", "is invalid"))


def validation_response(exc: RequestValidationError, clock: Clock) -> JSONResponse:
    """FastAPI's 422 without the submitted values (its default echoes them, secrets included)."""
    problems = exc.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        body = envelope(400, "The request body is not valid JSON", "bad_request", clock=clock)
        return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})
    errors: list[FieldError] = [
        {"field": _field(problem.get("loc", ())), "message": _problem_message(problem)}
        for problem in problems
    ]
    body = envelope(422, "The request is invalid", "validation_failed", clock=clock, errors=errors)
    return JSONResponse(body, status_code=422, headers={"Cache-Control": "no-store"})


def install_error_handlers(app: FastAPI, clock: Clock) -> None:
    """Route every exception through `error_response` (and request validation through `validation_response`)."""

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return validation_response(exc, clock)

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        return error_response(exc, clock)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(LinkyardError, on_error)
    app.add_exception_handler(StarletteHTTPException, on_error)
    app.add_exception_handler(Exception, on_error)
