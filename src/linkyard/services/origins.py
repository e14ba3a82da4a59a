"""A project's allowed origins, and the return URLs they admit (exact scheme, host and port; no tricks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from linkyard.errors import FieldError, ValidationFailed

MAX_URL_LENGTH = 2048
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.[]:")


@dataclass(frozen=True, slots=True)
class Origin:
    """`scheme://host:port`, normalised: lowercase scheme and host, the port always explicit."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        default = _DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{self.host}" if default else f"{self.scheme}://{self.host}:{self.port}"


class _Refused(ValueError):
    pass


def _origin_of(url: str) -> Origin:
    """The origin of an absolute http(s) URL, refusing anything a browser or a parser could read otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise _Refused("is too long")
    if any(ord(ch) <= 0x20 or ord(ch) >= 0x7F or ch == "\\" for ch in url):
        # Whitespace, CR/LF, backslashes and non-ASCII are read differently by browsers and by parsers.
        raise _Refused("must be a plain ASCII URL without spaces, control characters or backslashes")
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in _DEFAULT_PORTS:
        raise _Refused("must be an absolute http(s) URL")
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc or "@" in netloc:
        raise _Refused("must name a host, without user information")
    try:
        port = parts.port
    except ValueError:
        raise _Refused("has an invalid port") from None
    host = (parts.hostname or "").lower()
    if not host or not set(host) <= _HOST_CHARS or host.startswith(".") or host.endswith("."):
        raise _Refused("has an invalid host")
    scheme = scheme.lower()
    return Origin(scheme, host, port if port is not None else _DEFAULT_PORTS[scheme])


def parse_origin(text: str) -> Origin:
    """An allowed origin as an operator writes it (`https://app.example.com[:port]`); nothing after the host."""
    origin = _origin_of(text.strip())
    rest = text.strip().partition("://")[2]
    _, slash, path = rest.partition("/")
    if (slash and path) or "?" in rest or "#" in rest:
        raise _Refused("must be an origin (scheme://host[:port]) without a path, query or fragment")
    return origin


def is_origin_of(origin: str, url: str) -> bool:
    """Whether a browser's `Origin` header names the origin of `url` (such as the platform's public URL)."""
    try:
        return parse_origin(origin) == _origin_of(url)
    except _Refused:
        return False


def validate_allowed_origins(values: Iterable[str], *, field: str = "allowed_origins") -> tuple[str, ...]:
    """Normalised origins (`https://app.example.com`), or a 422 naming each bad entry by position."""
    origins: list[str] = []
    errors: list[FieldError] = []
    for index, value in enumerate(values):
        try:
            origin = str(parse_origin(value))
        except _Refused as refused:
            errors.append({"field": f"{field}[{index}]", "message": str(refused)})
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationFailed("Invalid allowed origins", errors=errors)
    return tuple(origins)


def check_return_url(url: str, allowed_origins: Iterable[str], *, field: str = "redirect_url") -> str:
    """`url` itself when its scheme, host and port are exactly one of `allowed_origins`; a 422 otherwise.

    Refused: protocol-relative (`//evil.com`), user information (`https://allowed.com@evil.com`), look-alike
    hosts (`https://allowed.com.evil.com`), other schemes (`javascript:`), CR/LF, a scheme downgrade and any
    port not listed. The message never repeats the URL.
    """
    try:
        origin = _origin_of(url)
    except _Refused as refused:
        raise ValidationFailed(
            "The redirect URL is not allowed", errors=[{"field": field, "message": str(refused)}]
        ) from None
    allowed = set()
    for text in allowed_origins:
        try:
            allowed.add(parse_origin(text))
        except _Refused:
            continue  # a stored origin that no longer parses admits nothing
    if origin not in allowed:
        raise ValidationFailed(
            "The redirect URL is not allowed",
            errors=[{"field": field, "message": "is not on one of the project's allowed origins"}],
        )
    return url
