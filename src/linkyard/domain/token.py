"""Token sets: what a token response gave us, and when to refresh it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from linkyard.domain.profile import TokenType

REFRESH_LEAD = timedelta(minutes=5)


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenSet:
    """An access token, its refresh token and expiry; tokens stay out of `repr` (and so out of logs)."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime | None
    """`None`: never expires (some providers' organisation-wide tokens)."""
    issued_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    token_type: TokenType = "user"  # noqa: S105 - a token kind, not a secret

    def needs_refresh(self, now: datetime, lead: timedelta = REFRESH_LEAD) -> bool:
        """True once less than `lead` is left, or 10% of the lifetime for tokens shorter than 10 × `lead`.

        The 10% clause keeps a short-lived token (say 2 minutes) from being refreshed on every call, which a
        fixed 5-minute lead would do.
        """
        if self.expires_at is None:
            return False
        threshold = lead
        if self.issued_at is not None:
            threshold = min(lead, (self.expires_at - self.issued_at) / 10)
        return self.expires_at - now <= threshold


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenFacts:
    """What may be shown of an account's tokens (the dashboard): when they expire and were last issued."""

    expires_at: datetime | None
    """`None`: never expires (a company token), or no token is held."""
    issued_at: datetime | None
    """When the tokens were last issued: at linking, then at each refresh."""
    refreshable: bool
    held: bool
    """False once the credentials are wiped (unlinked, or refused for good)."""
