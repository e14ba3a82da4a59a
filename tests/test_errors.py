"""The exception tree: each class has a code, the docstring draws every class; the edge's error table gives the
statuses of the spec."""

from __future__ import annotations

import linkyard.errors as errors
from linkyard.api.errors import status_of
from linkyard.errors import (
    ConnectFailed,
    CredentialsWiped,
    LinkyardError,
    ProviderError,
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
    assert {name: status_of(getattr(errors, name)("x")) for name in expected} == expected


def test_the_error_table_refines_statuses_by_the_errors_facts() -> None:
    # A provider's refusal about the caller's input is passed on; anything else from it is a 502.
    assert status_of(ProviderError("x", provider_status=404)) == 404
    assert status_of(ProviderError("x", provider_status=500)) == 502
    assert status_of(ProviderError("x", provider_status=302)) == 502
    # A subclass without an entry answers as its parent; an unknown exception is a 500.
    assert status_of(ConnectFailed("x", reason="state_invalid")) == 400
    assert status_of(CredentialsWiped("x")) == 412
    assert status_of(LinkyardError("x")) == 500
    assert status_of(RuntimeError("x")) == 500
    assert status_of(TokenRefreshError("x", terminal=False, timed_out=True)) == 408
    # The classes themselves carry no HTTP status: the edge decides.
    assert not any("status" in vars(cls) for cls in _all_errors())


def test_errors_carry_their_details() -> None:
    invalid = ValidationFailed("invalid", errors=[{"field": "scopes[0]", "message": "unknown scope"}])
    assert invalid.errors == [{"field": "scopes[0]", "message": "unknown scope"}]
    assert RateLimited("slow down", retry_after=3).retry_after == 3
    assert status_of(ProviderTimeout("too slow")) == 408 and ProviderTimeout("x").provider_errors == []
    assert status_of(TokenRefreshError("invalid_grant", terminal=True)) == 412
    assert status_of(TokenRefreshError("503 from Factorial", terminal=False)) == 502
    assert LinkyardError("x", code="specific").code == "specific"
    assert LinkyardError.code == "internal_error"
