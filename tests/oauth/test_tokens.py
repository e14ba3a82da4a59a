"""Token responses and OAuth error bodies, parsed without I/O: lifetimes from `expires_in`, rotation rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from linkyard.api.errors import status_of
from linkyard.errors import ProviderError
from linkyard.oauth import parse_oauth_error, parse_token_response

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def response(**fields: Any) -> dict[str, Any]:
    return {"access_token": "AT-new", "token_type": "Bearer", **fields}


@pytest.mark.parametrize("payload", [response(), response(expires_in=None), response(expires_in=0)])
def test_a_missing_null_or_zero_expires_in_means_the_token_never_expires(payload: dict[str, Any]) -> None:
    token = parse_token_response(payload, now=NOW, token_type="company")

    assert token.expires_at is None
    assert not token.needs_refresh(NOW + timedelta(days=3650))


@pytest.mark.parametrize(("expires_in", "lifetime"), [(600, 600), (7200, 7200), ("3600", 3600), (59.5, 59.5)])
def test_the_lifetime_is_the_responses_expires_in_counted_from_when_the_request_left(
    expires_in: object, lifetime: float
) -> None:
    token = parse_token_response(response(expires_in=expires_in, refresh_token="RT"), now=NOW)

    assert token.issued_at == NOW
    assert token.expires_at == NOW + timedelta(seconds=lifetime)


@pytest.mark.parametrize("payload", [response(), response(refresh_token=None), response(refresh_token="")])
def test_a_response_without_a_refresh_token_keeps_the_old_one(payload: dict[str, Any]) -> None:
    token = parse_token_response(payload, now=NOW, previous_refresh_token="RT-old")

    assert token.refresh_token == "RT-old"
    assert token.access_token == "AT-new"


def test_a_rotated_refresh_token_replaces_the_old_one() -> None:
    token = parse_token_response(response(refresh_token="RT-new"), now=NOW, previous_refresh_token="RT-old")

    assert token.refresh_token == "RT-new"


def test_a_company_token_response_has_no_refresh_token_and_no_expiry() -> None:
    token = parse_token_response(
        {"access_token": "AT", "token_type": "Bearer", "scope": "employees time_off", "created_at": 1},
        now=NOW,
        token_type="company",
    )

    assert (token.refresh_token, token.expires_at, token.token_type) == (None, None, "company")
    assert token.scopes == ("employees", "time_off")


@pytest.mark.parametrize(
    "payload",
    [
        "not an object",
        ["AT-secret"],
        {"token_type": "Bearer"},
        {"access_token": ""},
        response(token_type="mac"),
        response(expires_in=-5),
        response(expires_in=True),
        response(expires_in="soon"),
        response(refresh_token=12345),
    ],
)
def test_a_malformed_token_response_is_a_provider_error_that_does_not_repeat_it(payload: object) -> None:
    with pytest.raises(ProviderError) as raised:
        parse_token_response(payload, now=NOW)

    assert "AT-new" not in str(raised.value) and "AT-secret" not in str(raised.value)
    assert status_of(raised.value) == 502


def test_an_oauth_error_body_gives_its_code_and_a_redacted_description() -> None:
    body = {"error": "invalid_grant", "error_description": "refresh token RT-SECRET-1 was revoked"}

    parsed = parse_oauth_error(body, redact=["RT-SECRET-1", ""])

    assert parsed == ("invalid_grant", "refresh token [redacted] was revoked")


@pytest.mark.parametrize(
    "body",
    [None, "text", {"errors": ["Unauthorized"]}, {"error": 5}, {"error": 'bad"code'}, {"error": "x" * 65}],
)
def test_a_body_that_is_not_an_oauth_error_is_not_taken_for_one(body: object) -> None:
    assert parse_oauth_error(body) is None
