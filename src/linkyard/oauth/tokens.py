"""Pure parsing of the provider's token endpoint answers: token responses and RFC 6749 error bodies."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from linkyard.domain import TokenSet, TokenType
from linkyard.errors import ProviderError

# RFC 6749 5.2: an `error` code is printable ASCII without `"` and `\`.
_ERROR_CODE = re.compile(r"^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$")
_DESCRIPTION_LIMIT = 300
REDACTED = "[redacted]"


def parse_token_response(
    payload: object,
    *,
    now: datetime,
    previous_refresh_token: str | None = None,
    token_type: TokenType = "user",  # noqa: S107 - a token kind, not a secret
) -> TokenSet:
    """The token set of a successful token response, its expiry counted from `now` (when the request left).

    The lifetime is the response's `expires_in`, never a constant; a missing, null or zero `expires_in` means
    the token never expires (some providers' company tokens). A missing, null or empty `refresh_token` keeps
    `previous_refresh_token` (providers that do not rotate). Raises `ProviderError` for a malformed answer;
    its message never contains a value from the payload.
    """
    if not isinstance(payload, Mapping):
        raise ProviderError("The provider's token response is not a JSON object")
    access_token = payload.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise ProviderError("The provider's token response has no access_token")
    kind = payload.get("token_type")
    if kind is not None and (not isinstance(kind, str) or kind.lower() != "bearer"):
        raise ProviderError("The provider's token response is not a Bearer token")
    refresh_token = payload.get("refresh_token")
    if refresh_token is None or refresh_token == "":
        refresh_token = previous_refresh_token
    elif not isinstance(refresh_token, str):
        raise ProviderError("The provider's token response has a malformed refresh_token")
    lifetime = _lifetime(payload.get("expires_in"))
    return TokenSet(
        access_token=access_token,
        refresh_token=refresh_token,
        expires_at=None if lifetime is None else now + lifetime,
        issued_at=now,
        scopes=_scopes(payload.get("scope")),
        token_type=token_type,
    )


def _lifetime(value: object) -> timedelta | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())  # some providers send the number as a string
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ProviderError("The provider's token response has a malformed expires_in")
    return None if value == 0 else timedelta(seconds=value)


def _scopes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.replace(",", " ").split())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return ()


def parse_oauth_error(payload: object, *, redact: Iterable[str] = ()) -> tuple[str, str | None] | None:
    """`(error, error_description)` of an RFC 6749 error body, or None when the body is not one.

    The description is cut short and every value of `redact` (the request's secrets) is removed from it: a
    provider that echoes what it was sent must not carry a token into an error or a log.
    """
    if not isinstance(payload, Mapping):
        return None
    error = payload.get("error")
    if not isinstance(error, str) or not _ERROR_CODE.match(error):
        return None
    description = payload.get("error_description")
    if not isinstance(description, str):
        return error, None
    return error, redact_secrets(description, redact)[:_DESCRIPTION_LIMIT]


def redact_secrets(text: str, secrets: Iterable[str]) -> str:
    """`text` with every (non-empty) secret replaced by a marker."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
