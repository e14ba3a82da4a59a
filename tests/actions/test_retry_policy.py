"""The retry policy's rules on their own: what may be resent, how long to wait, how `Retry-After` reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy, parse_retry_after

NOW = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "get", "put", "delete", "post"),
    [
        (429, True, True, True, True),
        (503, True, True, True, False),
        (502, True, True, True, False),
        (504, True, True, True, False),
        (500, True, False, False, False),
        (501, False, False, False, False),
        (404, False, False, False, False),
        (409, False, False, False, False),
    ],
)
def test_which_answers_are_resent_per_method(
    status: int, get: bool, put: bool, delete: bool, post: bool
) -> None:
    policy = DEFAULT_RETRY_POLICY
    resent = [policy.retries_status(method, status) for method in ("GET", "PUT", "DELETE", "POST")]
    assert resent == [get, put, delete, post]


def test_a_post_is_resent_only_when_it_never_left() -> None:
    policy = DEFAULT_RETRY_POLICY
    assert policy.retries_failure("POST", "not_sent")
    assert not policy.retries_failure("POST", "timeout")
    assert not policy.retries_failure("POST", "lost")
    for method in ("GET", "PUT", "DELETE"):
        assert all(policy.retries_failure(method, failure) for failure in ("not_sent", "timeout", "lost"))


def test_backoff_doubles_up_to_its_cap_with_jitter_within_bounds() -> None:
    low = RetryPolicy(base_backoff=0.5, max_backoff=3.0, jitter=0.5, random=lambda: 0.0)
    high = RetryPolicy(base_backoff=0.5, max_backoff=3.0, jitter=0.5, random=lambda: 1.0)
    assert [high.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert [low.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.25, 0.5, 1.0, 1.5, 1.5]
    full = RetryPolicy(base_backoff=0.5, jitter=1.0, random=lambda: 0.0)
    assert full.backoff(3) == 0.0


def test_the_default_policy_numbers() -> None:
    policy = DEFAULT_RETRY_POLICY
    assert (policy.max_attempts, policy.base_backoff, policy.max_backoff, policy.jitter) == (3, 0.5, 8.0, 0.5)
    assert (policy.budget, policy.attempt_timeout) == (30.0, 10.0)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Mon, 02 Mar 2026 09:00:30 GMT", 30.0),
        ("Mon, 02 Mar 2026 08:59:00 GMT", 0.0),  # a date in the past means now
        ("Mon, 02 Mar 2026 09:01:00 -0000", 60.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize(
    "fields",
    [
        {"max_attempts": 0},
        {"jitter": 1.5},
        {"base_backoff": 2.0, "max_backoff": 1.0},
        {"budget": 0},
        {"attempt_timeout": -1},
    ],
)
def test_a_nonsensical_policy_is_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**fields)  # type: ignore[arg-type]
