"""Domain objects: ids, and when a token needs refreshing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from linkyard.domain import ManualClock, TokenSet, new_id

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _token(lifetime: timedelta | None) -> TokenSet:
    return TokenSet(
        access_token="secret-access",
        refresh_token="secret-refresh",
        expires_at=None if lifetime is None else NOW + lifetime,
        issued_at=NOW,
    )


def test_ids_are_prefixed_random_and_url_safe() -> None:
    ids = {new_id("acc") for _ in range(100)}
    assert len(ids) == 100
    assert all(re.fullmatch(r"acc_[a-z2-7]{28}", value) for value in ids)


def test_an_hour_long_token_is_refreshed_in_its_last_five_minutes() -> None:
    token = _token(timedelta(hours=1))
    assert not token.needs_refresh(NOW + timedelta(minutes=54, seconds=59))
    assert token.needs_refresh(NOW + timedelta(minutes=55))


def test_a_short_token_is_refreshed_in_its_last_tenth_not_on_every_call() -> None:
    token = _token(timedelta(minutes=2))
    assert not token.needs_refresh(NOW)
    assert not token.needs_refresh(NOW + timedelta(seconds=107))
    assert token.needs_refresh(NOW + timedelta(seconds=108))


def test_an_expired_token_needs_refresh_and_a_company_token_never_does() -> None:
    assert _token(timedelta(hours=1)).needs_refresh(NOW + timedelta(hours=2))
    assert not _token(None).needs_refresh(NOW + timedelta(days=3650))


def test_tokens_stay_out_of_reprs() -> None:
    assert "secret-" not in repr(_token(timedelta(hours=1)))


def test_the_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(NOW)
    assert clock() == NOW
    clock.advance(timedelta(seconds=5))
    assert clock() == NOW + timedelta(seconds=5)
