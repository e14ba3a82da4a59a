"""The exception tree: each class has a code, the docstring draws every class, statuses match the spec."""

from __future__ import annotations

import linkyard.errors as errors
from linkyard.errors import (
    LinkyardError,
    ProviderTimeout,
    RateLimited,
    TokenRefreshError,
    ValidationFailed,
)


def _all_errors() -> list[type[LinkyardError]]:
    found: list[type[LinkyardError]] = []
    pending: list[type[LinkyardError]] = [LinkyardError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_is_drawn_in_the_tree_with_its_own_code() -> None:
    tree = errors.__doc__ or ""
    codes = set()
    for cls in _all_errors():
        if cls.__module__ != "linkyard.errors":
            continue
        assert cls.__name__ in tree
        assert cls.code in tree
        assert cls.__doc__
        codes.add(cls.code)
    assert len(codes) == len([cls for cls in _all_errors() if cls.__module__ == "linkyard.errors"])


def test_statuses_follow_the_platform_contract() -> None:
    expected = {
        "Unauthenticated": 401,
        "Forbidden": 403,
        "NotFound": 404,
        "ProviderTimeout": 408,
        "Conflict": 409,
        "PreconditionFailed": 412,
        "ValidationFailed": 422,
        "RateLimited": 429,
        "ProviderError": 502,
    }
    assert {name: getattr(errors, name).status for name in expected} == expected


def test_errors_carry_their_details() -> None:
    invalid = ValidationFailed("invalid", errors=[{"field": "scopes[0]", "message": "unknown scope"}])
    assert invalid.errors == [{"field": "scopes[0]", "message": "unknown scope"}]
    assert RateLimited("slow down", retry_after=3).retry_after == 3
    assert ProviderTimeout("too slow").status == 408 and ProviderTimeout("x").provider_errors == []
    assert TokenRefreshError("invalid_grant", terminal=True).status == 412
    assert TokenRefreshError("503 from Factorial", terminal=False).status == 502
    assert LinkyardError("x", code="specific").code == "specific"
    assert LinkyardError.code == "internal_error"
