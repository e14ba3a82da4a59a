"""What a broken account tells the API caller (errors) and the integrator (status reasons), in plain words."""

from __future__ import annotations

from linkyard.connectors import get_connector
from linkyard.domain import AccountStatus, ConnectorProfile
from linkyard.errors import (
    CredentialsUnreadable,
    PreconditionFailed,
    ProviderError,
    ProviderOAuthError,
    ProviderTimeout,
    TokenRefreshError,
)

REFRESH_FAILED = "refresh_failed"
TOKEN_REVOKED = "token_revoked"  # noqa: S105 - a status reason code, not a secret
CREDENTIALS_UNREADABLE = "credentials_unreadable"

_INVALID_GRANT = (
    "{provider} refused to refresh the access token (invalid_grant): the authorization was revoked or has "
    "expired. Link the account again."
)
_NO_RENEWAL = (
    "The access token expired and {provider} issued no refresh token to renew it. Link the account again."
)
_REVOKED = "{provider} rejected the company token twice (401): it was revoked. Link the account again."
UNREADABLE_REASON = (
    "The account's stored credentials cannot be decrypted: they were altered, or sealed with an encryption key "
    "that is no longer configured. Link the account again."
)


def invalid_grant_reason(profile: ConnectorProfile) -> str:
    return _INVALID_GRANT.format(provider=provider_name(profile))


def no_renewal_reason(profile: ConnectorProfile) -> str:
    return _NO_RENEWAL.format(provider=provider_name(profile))


def revoked_reason(profile: ConnectorProfile) -> str:
    return _REVOKED.format(provider=provider_name(profile))


def unreadable_error() -> CredentialsUnreadable:
    """412: the account's credentials do not decrypt; it is now in `error` and needs a re-link."""
    return CredentialsUnreadable(
        "The account's stored credentials cannot be decrypted (credentials_unreadable): link the account again"
    )


def inactive_error(status: AccountStatus, reason_code: str | None = None) -> PreconditionFailed:
    """412 for a call on an account that is not active, naming its status and why (its status reason)."""
    why = f" (reason: {reason_code})" if reason_code else ""
    return PreconditionFailed(f"The account is not active ({status}): it needs attention or a re-link{why}")


def provider_name(profile: ConnectorProfile) -> str:
    return get_connector(profile.connector).name


def terminal_error(profile: ConnectorProfile, cause: ProviderError | None = None) -> TokenRefreshError:
    """412: the account is now in `error` and needs a re-link."""
    return TokenRefreshError(
        f"The account's authorization at {provider_name(profile)} is no longer valid: link the account again",
        terminal=True,
        provider_errors=() if cause is None else cause.provider_errors,
    )


def transient_error(exc: ProviderError) -> TokenRefreshError:
    """502 (408 for a timeout): try again shortly; the account stays active."""
    return TokenRefreshError(
        "The provider could not refresh the access token right now; try again shortly",
        terminal=False,
        timed_out=isinstance(exc, ProviderTimeout),
        provider_errors=exc.provider_errors,
    )


def client_rejected_error(exc: ProviderOAuthError, profile: ConnectorProfile) -> TokenRefreshError:
    """The profile's client credentials, not the account, are at fault: not terminal for the account."""
    return TokenRefreshError(
        f"{provider_name(profile)} rejected the connector profile's client credentials ({exc.error}): "
        "check the profile's client ID and secret",
        terminal=False,
        provider_errors=exc.provider_errors,
    )
