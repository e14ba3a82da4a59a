"""The sans-IO half of the OAuth authorization code flow: state, PKCE, the authorize URL, the browser binding.

Pure functions over strings: no HTTP, no clock, no database. The connect service stores what they produce and
the web layer turns it into redirects and cookies.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

STATE_BYTES = 32  # 256 bits (RFC 9700 asks for enough entropy that a state cannot be guessed)
VERIFIER_BYTES = 64  # 86 base64url characters, inside RFC 7636's 43..128
BINDING_BYTES = 32
BINDING_COOKIE_PREFIX = "linkyard_connect_"
BINDING_COOKIE_PATH = "/connect/oauth2/"
_MAX_CALLBACK_VALUE = 4096
_MAX_DESCRIPTION = 300
_RESERVED = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
)


class AuthorizeEndpoint(Protocol):
    """Anything that knows the provider's authorization endpoint (e.g. the oauth client's endpoints)."""

    @property
    def authorize_url(self) -> str: ...


def new_state() -> str:
    """A fresh `state` with 256 random bits, URL-safe."""
    return secrets.token_urlsafe(STATE_BYTES)


@dataclass(frozen=True, slots=True)
class PkcePair:
    """A PKCE verifier (kept on the server) and its S256 challenge (sent in the authorize URL)."""

    verifier: str = field(repr=False)
    challenge: str
    method: Literal["S256"] = "S256"


def pkce_challenge(verifier: str) -> str:
    """The S256 challenge of a verifier: base64url(SHA-256(verifier)) without padding (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def new_pkce_pair() -> PkcePair:
    """A fresh verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(VERIFIER_BYTES)
    return PkcePair(verifier=verifier, challenge=pkce_challenge(verifier))


def authorize_url(
    endpoints: AuthorizeEndpoint,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Sequence[str] | None,
    state: str,
    code_challenge: str,
    extra_params: Mapping[str, str] | None = None,
    scope_separator: str = " ",
) -> str:
    """The URL that sends the browser to the provider's consent screen.

    No `scope` parameter when `scopes` is empty or None (the provider then grants the application's scopes).
    `extra_params` (e.g. `resource_owner_type=company`) may not override a parameter of the flow itself.
    A query already in the endpoint URL is kept.
    """
    clash = _RESERVED.intersection(extra_params or {})
    if clash:
        raise ValueError(f"extra authorize parameters may not override {', '.join(sorted(clash))}")
    params: list[tuple[str, str]] = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
    ]
    if scopes:
        params.append(("scope", scope_separator.join(scopes)))
    params += [("state", state), ("code_challenge", code_challenge), ("code_challenge_method", "S256")]
    params += list((extra_params or {}).items())
    parts = urlsplit(endpoints.authorize_url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


# --- the browser binding -----------------------------------------------------------------------------------


def new_browser_binding() -> str:
    """The random value of the cookie that ties a state to the browser that started the flow."""
    return secrets.token_urlsafe(BINDING_BYTES)


def binding_cookie_name(state: str) -> str:
    """The cookie that carries the binding of `state`.

    Named after a digest of the state, so that two flows started in two tabs of one browser do not overwrite
    each other's cookie; the digest reveals nothing of the state.
    """
    suffix = hashlib.sha256(state.encode("utf-8")).hexdigest()[:16]
    return f"{BINDING_COOKIE_PREFIX}{suffix}"


@dataclass(frozen=True, slots=True)
class BindingCookie:
    """The cookie set when the flow starts: HttpOnly, SameSite=Lax (a top-level redirect back from the
    provider carries it, a cross-site subrequest does not), scoped to the OAuth paths, short-lived."""

    name: str
    value: str = field(repr=False)
    max_age: int
    secure: bool
    path: str = BINDING_COOKIE_PATH
    httponly: bool = True
    samesite: Literal["lax"] = "lax"


def binding_cookie(state: str, binding: str, *, max_age: int, secure: bool) -> BindingCookie:
    """The cookie that proves, at the callback, that this browser started the flow of `state`."""
    return BindingCookie(name=binding_cookie_name(state), value=binding, max_age=max_age, secure=secure)


# --- the callback ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallbackParams:
    """What the provider sent back to the redirect URI; `code` and `state` stay out of `repr`."""

    state: str | None = field(repr=False)
    code: str | None = field(repr=False)
    error: str | None
    error_description: str | None


def parse_callback(query: Mapping[str, str]) -> CallbackParams:
    """Read the callback's query: absent, empty or oversized values count as missing.

    `error` is kept only when it is an RFC 6749 error code (printable ASCII, no quotes or backslashes); the
    description is clipped. Neither is trusted: pages escape them before showing them.
    """

    def value(name: str) -> str | None:
        raw = query.get(name)
        return raw if raw and len(raw) <= _MAX_CALLBACK_VALUE else None

    error = value("error")
    if error is not None and not all(0x20 <= ord(ch) <= 0x7E and ch not in '"\\' for ch in error):
        error = "invalid_error"
    description = value("error_description")
    if description is not None:
        description = description[:_MAX_DESCRIPTION]
    return CallbackParams(
        state=value("state"),
        code=value("code"),
        error=None if error is None else error[:64],
        error_description=description,
    )
