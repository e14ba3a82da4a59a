"""Errors become responses here, and only here: StackOne's envelope, one table from exception to status.

    {"statusCode": 404, "message": "...", "timestamp": "...", "code": "not_found",
     "errors"?: [{field, message}], "missing_scopes"?: [...], "provider_errors"?: [...]}

A platform error carries its own status (see the tree in `linkyard.errors`; an instance may refine it, e.g.
a provider's 404 passed on); everything else is in `FOREIGN_STATUS` below, most specific first. Messages are
the platform's own words: never a submitted value, never a secret, never an unexpected exception's text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from linkyard.domain import Clock
from linkyard.errors import (
    FieldError,
    LinkyardError,
    RateLimited,
    Unauthenticated,
)
from linkyard.services.views import error_view, iso

logger = logging.getLogger(__name__)

# The one table for errors that are not the platform's: (exception type, status), most specific first;
# None means the exception's own status (404 for an unknown route, 405 for a wrong method).
FOREIGN_STATUS: tuple[tuple[type[BaseException], int | None], ...] = (
    (RequestValidationError, 422),  # 400 instead when the body is not JSON at all (`validation_response`)
    (StarletteHTTPException, None),
    (Exception, 500),
)
_MAX_FIELD = 64
_HTTP_ANSWERS = {
    404: ("No such route", "not_found"),
    405: ("Method not allowed", "method_not_allowed"),
}


def status_of(exc: BaseException) -> int:
    """The HTTP status an exception answers with."""
    if isinstance(exc, LinkyardError):
        return exc.status or 500
    for kind, status in FOREIGN_STATUS:
        if isinstance(exc, kind):
            if status is None and isinstance(exc, StarletteHTTPException):
                return exc.status_code
            return status or 500
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
            headers["WWW-Authenticate"] = 'Basic realm="linkyard"'
        body = error_view(exc, clock())
    elif isinstance(exc, StarletteHTTPException):
        if exc.headers:
            headers.update({k: v for k, v in exc.headers.items() if k.lower() == "allow"})
        message, code = _HTTP_ANSWERS.get(status, ("Request failed", "http_error"))
        body = envelope(status, message, code, clock=clock)
    else:
        body = envelope(500, _internal(), "internal_error", clock=clock)
    if status >= 500:
        # The type only: an exception's text may hold what caused it (a value, a URL).
        logger.error("request failed with %s (%s)", status, type(exc).__name__)
    return JSONResponse(body, status_code=status, headers=headers)


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


def validation_response(exc: RequestValidationError, clock: Clock) -> JSONResponse:
    """FastAPI's 422 without the submitted values (its default echoes them, secrets included)."""
    problems = exc.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        body = envelope(400, "The request body is not valid JSON", "bad_request", clock=clock)
        return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})
    errors: list[FieldError] = [
        {"field": _field(problem.get("loc", ())), "message": str(problem.get("msg", "is invalid"))}
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
