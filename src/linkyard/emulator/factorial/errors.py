"""The emulator's one exception: an HTTP answer in Factorial's JSON error shape, raised anywhere, rendered once."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A REST error answer: `status` and the body's `errors` (a list of messages or a field → messages map)."""

    def __init__(self, status: int, errors: Any, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def not_found(what: str = "Not found") -> ApiError:
    return ApiError(404, [what])


def forbidden(why: str) -> ApiError:
    return ApiError(403, [why])


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, {field: [message]})
