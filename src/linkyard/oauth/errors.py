"""The provider's OAuth error answers (RFC 6749 5.2) as one typed error carrying the machine `error` code.

It belongs under `ProviderError` in `linkyard.errors`; it lives here until that module takes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from linkyard.errors import ProviderError, ProviderErrorDetail


class ProviderOAuthError(ProviderError):
    """The token or revocation endpoint answered with an OAuth error body (`invalid_grant`, ...).

    Whether it is terminal for an account is the token keeper's decision, not this error's: `invalid_grant`
    on a refresh is, `invalid_client` (the profile's credentials) is not.
    """

    code = "provider_oauth_error"

    def __init__(
        self,
        message: str,
        *,
        error: str,
        http_status: int,
        description: str | None = None,
        provider_errors: Sequence[ProviderErrorDetail] = (),
    ) -> None:
        super().__init__(message, provider_errors=provider_errors)
        self.error = error
        self.http_status = http_status
        self.description = description
        """The provider's `error_description`, with every secret of the request redacted."""
