"""The one exception tree of the Linkyard platform (the emulator keeps its own).

Every error carries a machine `code` and the facts its answer needs (a field's culprit, the provider's own
status, whether a refresh failure is terminal); which HTTP status it answers with is decided at the edge, in
one table (`linkyard.api.errors.ERROR_STATUS`), and the API turns it into StackOne's error envelope there.
Messages are shown to API callers, so they never contain a secret nor a value the caller submitted.

    LinkyardError                      internal_error
    ├── ConfigError                    config_invalid
    ├── BadRequest                     bad_request
    │   └── OAuthFlowError             oauth_flow_failed        (.reason: state_invalid, ...)
    │       └── ConnectFailed          connect_failed           (the hosted pages' failures)
    ├── Unauthenticated                unauthenticated          (.presented: a credential was sent)
    ├── Forbidden                      forbidden                (.missing_scopes)
    ├── NotFound                       not_found
    ├── Conflict                       conflict
    ├── PreconditionFailed             account_not_active
    │   ├── CredentialsWiped           credentials_wiped
    │   └── CredentialsUnreadable      credentials_unreadable
    ├── ValidationFailed               validation_failed        (.errors: [{field, message}])
    ├── NotSupported                   operation_not_supported  (.operation, .provider)
    ├── RateLimited                    rate_limited             (.retry_after)
    ├── ProviderError                  provider_error           (.provider_errors, .provider_status)
    │   ├── ProviderTimeout            provider_timeout
    │   ├── ProviderOAuthError         provider_oauth_error     (.error: invalid_grant, ...)
    │   ├── ProviderRefused            provider_refused         (a proxied call's 4xx, passed on)
    │   └── ResponseTooLarge           response_too_large       (.limit: the cap in bytes)
    ├── TokenRefreshError              token_refresh_failed     (.terminal, .timed_out)
    ├── CryptoError                    crypto_error
    │   ├── KeyRingError               key_ring_invalid
    │   └── DecryptionFailed           decryption_failed
    └── StoreError                     store_error
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict


class FieldError(TypedDict):
    """One culprit of a 422: where it is and what is wrong, never the submitted value."""

    field: str
    message: str


class ProviderErrorDetail(TypedDict):
    """What the provider answered, with secrets removed (StackOne's `provider_errors` item)."""

    status: int | None
    url: str
    raw: Any
    headers: Mapping[str, str]


class LinkyardError(Exception):
    """Base of every platform error: a machine `code` and a human `message`."""

    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            # An instance may be more specific than its class; the class code stays the family name.
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ConfigError(LinkyardError):
    """The operator's configuration is invalid; raised at start-up, never while serving."""

    code = "config_invalid"


class BadRequest(LinkyardError):
    """The request is malformed in a way that is not a field validation (e.g. an API key in a query)."""

    code = "bad_request"


class OAuthFlowError(BadRequest):
    """The OAuth callback cannot go on: unknown, replayed, expired or foreign state; provider error."""

    code = "oauth_flow_failed"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ConnectFailed(OAuthFlowError):
    """The hosted connect flow stopped; `reason` says why in one word, `provider_description` is what the
    provider said (to be escaped before it is shown). `state_consumed` tells whether the callback used its
    state up (then the browser's binding cookie has served); a state refused before that stays usable."""

    code = "connect_failed"

    def __init__(self, message: str, *, reason: str, provider_description: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.provider_description = provider_description
        self.state_consumed = False
        self.project_name: str | None = None
        """The project that sent the person, when the failure came after its link was recognised."""


class Unauthenticated(LinkyardError):
    """No API key, an unknown key or a revoked key; `presented` says whether the caller sent a credential at
    all (the answer's challenge then says it is invalid, RFC 6750's `invalid_token`)."""

    code = "unauthenticated"

    def __init__(self, message: str, *, presented: bool = False) -> None:
        super().__init__(message)
        self.presented = presented


class Forbidden(LinkyardError):
    """The action is not enabled on the account's profile, or a required scope was not granted."""

    code = "forbidden"

    def __init__(self, message: str, *, missing_scopes: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing_scopes = tuple(missing_scopes)


class NotFound(LinkyardError):
    """No such object in the caller's project (another project's object is not found either)."""

    code = "not_found"


class Conflict(LinkyardError):
    """The request conflicts with the current state (duplicate, or still referenced)."""

    code = "conflict"


class PreconditionFailed(LinkyardError):
    """The account is not active (error, inactive or suspended): it needs a re-link or the integrator."""

    code = "account_not_active"


class CredentialsWiped(PreconditionFailed):
    """The account's credentials were wiped (unlinked) while the caller was using them."""

    code = "credentials_wiped"


class CredentialsUnreadable(PreconditionFailed):
    """The account's stored credentials do not decrypt (tampered, moved, or sealed under a key the key ring no
    longer has): the account is in `error` and needs a re-link."""

    code = "credentials_unreadable"


class ValidationFailed(LinkyardError):
    """Input failed validation; `errors` names each culprit and never echoes what was submitted."""

    code = "validation_failed"

    def __init__(self, message: str, *, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.errors: list[FieldError] = list(errors)


class NotSupported(LinkyardError):
    """The account's provider cannot back this unified operation (StackOne's 501 "not supported by this
    provider"): `operation` is its name (`hris_list_benefits`), `provider` the connector's name."""

    code = "operation_not_supported"

    def __init__(self, message: str, *, operation: str, provider: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.provider = provider


class RateLimited(LinkyardError):
    """Too many requests (the provider's, or the platform's own limits: `concurrency_limited`,
    `auth_throttled`); `retry_after` is in seconds when known."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class ProviderError(LinkyardError):
    """The provider answered with an error after the retries that were safe."""

    code = "provider_error"

    def __init__(
        self,
        message: str,
        *,
        provider_errors: Sequence[ProviderErrorDetail] = (),
        provider_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.provider_errors: list[ProviderErrorDetail] = list(provider_errors)
        self.provider_status = provider_status
        """The provider's own HTTP status when it refused the call (the edge passes some of them on)."""


class ProviderTimeout(ProviderError):
    """The provider did not answer within the request budget."""

    code = "provider_timeout"


class ProviderOAuthError(ProviderError):
    """The token or revocation endpoint answered with an OAuth error body (RFC 6749 5.2: `invalid_grant`, ...).

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


class ProviderRefused(ProviderError):
    """The provider refused a proxied call with a 4xx (`provider_status`): the caller chose the method, path
    and body, so the refusal is theirs to see with its own status, not a gateway failure."""

    code = "provider_refused"


class ResponseTooLarge(ProviderError):
    """The provider's answer is larger than the size cap of the call (`limit` bytes); it was not read further."""

    code = "response_too_large"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class TokenRefreshError(LinkyardError):
    """A refresh failed: `terminal` (invalid_grant: the account needs a re-link) or transient (5xx; `timed_out`
    when the provider did not answer in time)."""

    code = "token_refresh_failed"

    def __init__(
        self,
        message: str,
        *,
        terminal: bool,
        timed_out: bool = False,
        provider_errors: Sequence[ProviderErrorDetail] = (),
    ) -> None:
        super().__init__(message)
        self.terminal = terminal
        self.timed_out = timed_out
        self.provider_errors: list[ProviderErrorDetail] = list(provider_errors)


class CryptoError(LinkyardError):
    """Encryption at rest failed."""

    code = "crypto_error"


class KeyRingError(CryptoError):
    """The encryption key ring is missing, malformed, or cannot read the stored data."""

    code = "key_ring_invalid"


class DecryptionFailed(CryptoError):
    """A ciphertext did not authenticate: wrong key, tampered, or copied from another row or column."""

    code = "decryption_failed"


class StoreError(LinkyardError):
    """The database failed or is in a state the store cannot work with."""

    code = "store_error"
