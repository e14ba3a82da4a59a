"""What a request log may keep of a call: headers, query parameters and bodies with every secret replaced.

Three nets, each catching what the others might miss: by name (a header, query parameter, JSON or form field
called like a credential: `authorization`, `cookie`, `access_token`, `client_secret`, `api_key`, `code`...), by
value (the exact secrets the call is known to carry, such as the API key it came with or the bearer token sent
upstream, wherever they reappear, even inside another string), and by shape (Linkyard API keys, bearer and
basic credentials, JWTs, URL credentials). Bodies are cut to `MAX_BODY_CHARS`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import orjson

REDACTED = "[REDACTED]"
MAX_BODY_CHARS = 16_384
MAX_DEPTH = 20
FILE_BODY = "[a body that carries a file: not kept]"
_MIN_SECRET = 6  # shorter values are not scrubbed by value (they would blank common words); names still are

# Names compared lower-case with `-` and `_` removed.
_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "authorization",
    "cookie",
    "signature",
    "assertion",
    "privatekey",
    "credential",
    "sessionid",
)
_SECRET_NAMES = frozenset(
    {"key", "code", "codeverifier", "state", "sig", "session", "auth", "pwd", "pass", "otp", "xapikey"}
)
# One pass over a string finds every shape (most strings have none: one failed search is the common cost).
_SHAPES = re.compile(
    "|".join(
        (
            r"lk_[A-Za-z0-9_\-]{16,}",  # a Linkyard API key
            r"lkcs_[A-Za-z0-9_\-]{8,}",  # a connect session token
            r"(?i:\b(?:bearer|basic|token)\s+[A-Za-z0-9._~+/=\-]{6,})",
            r"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*",  # a JWT
            r"(?<=://)[^/@\s:]+:[^/@\s]+(?=@)",  # user:password@ in a URL
        )
    )
)
_SECRET_WORD = re.compile("|".join(_SECRET_WORDS))


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a header, parameter or field called `name` holds a credential."""
    folded = name.lower().replace("-", "").replace("_", "")
    return folded in _SECRET_NAMES or _SECRET_WORD.search(folded) is not None


class Redactor:
    """Redaction for one call: the secret values it is known to carry, scrubbed wherever they appear, and the
    files it carries (base64 text), each shown as its size only."""

    def __init__(self, secrets: Iterable[str] = (), *, files: Iterable[str] = ()) -> None:
        found = {value for value in secrets if value and len(value) >= _MIN_SECRET}
        # Longest first: a secret that contains another is replaced whole.
        self._secrets = sorted(found, key=len, reverse=True)
        self._files = frozenset(files)

    def learn(self, value: str | None) -> None:
        """Scrub `value` too from now on (a credential found in a header or a field)."""
        if value and len(value) >= _MIN_SECRET and value not in self._secrets:
            self._secrets.append(value)
            self._secrets.sort(key=len, reverse=True)
            for part in _credential_parts(value):
                self.learn(part)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return _SHAPES.sub(REDACTED, value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Headers by lower-case name; a credential's value redacted (and learnt, to scrub it elsewhere)."""
        kept: dict[str, str] = {}
        for name, value in headers:
            lowered = name.lower()
            if is_secret_name(lowered) or lowered in ("set-cookie", "proxy-authorization"):
                self.learn(value)
                kept[lowered] = REDACTED
            else:
                kept[lowered] = self.text(value)
        return kept

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Query or form parameters as a mapping (a repeated name: a list); credentials redacted."""
        kept: dict[str, Any] = {}
        for name, value in pairs:
            shown = REDACTED if is_secret_name(name) else self.text(value)
            if is_secret_name(name):
                self.learn(value)
            if name in kept:
                previous = kept[name]
                kept[name] = [*previous, shown] if isinstance(previous, list) else [previous, shown]
            else:
                kept[name] = shown
        return kept

    def url(self, url: str) -> tuple[str, dict[str, Any]]:
        """The URL without its query, fragment or credentials, and its query parameters (redacted)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        bare = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
        return self.text(bare), self.pairs(parse_qsl(parts.query, keep_blank_values=True))

    def value(self, value: Any, depth: int = 0) -> Any:
        """A JSON value with credential fields redacted and secret values scrubbed from strings."""
        if isinstance(value, str):
            if value in self._files:
                return file_placeholder(value)
            return self.text(value)
        if depth >= MAX_DEPTH:
            return REDACTED
        if isinstance(value, Mapping):
            kept: dict[str, Any] = {}
            for name, item in value.items():
                key = str(name)
                if is_secret_name(key):
                    if isinstance(item, str):
                        self.learn(item)
                    kept[self.text(key)] = REDACTED
                else:
                    kept[self.text(key)] = self.value(item, depth + 1)
            return kept
        if isinstance(value, list | tuple):
            return [self.value(item, depth + 1) for item in value]
        return value

    def prepare(self, value: Any) -> None:
        """Learn the credentials a JSON value or form holds by name, before anything else is scrubbed."""
        if isinstance(value, Mapping):
            for name, item in value.items():
                if is_secret_name(str(name)) and isinstance(item, str):
                    self.learn(item)
                else:
                    self.prepare(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self.prepare(item)

    def body(self, raw: bytes | str | None, content_type: str | None = None) -> Any:
        """A body as kept: JSON (redacted by name and value), a form (as a mapping), else text; cut short."""
        if raw is None or raw in (b"", ""):
            return None
        data = raw.encode() if isinstance(raw, str) else raw
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            if self._files:  # cut short (or not JSON): a file's text may be in it, whole or in part
                return FILE_BODY
            parsed = None
        else:
            self.prepare(parsed)
            kept = self.value(parsed)
            if len(data) <= MAX_BODY_CHARS:
                return kept
            return self.text(orjson.dumps(kept).decode()[:MAX_BODY_CHARS])
        text = data.decode("utf-8", errors="replace")
        if content_type and "x-www-form-urlencoded" in content_type.lower():
            return self.pairs(parse_qsl(text[:MAX_BODY_CHARS], keep_blank_values=True))
        return self.text(text[:MAX_BODY_CHARS])


def file_placeholder(content: str) -> str:
    """What a log shows of a file the call carried as base64 text: its size, never its bytes."""
    return f"[FILE: {len(content)} base64 characters]"


def _credential_parts(value: str) -> list[str]:
    """The parts of an `Authorization` value worth scrubbing alone: the credential after its scheme, and a
    Basic credential's user and password."""
    scheme, _, credential = value.strip().partition(" ")
    parts = [credential.strip()] if credential.strip() else []
    if scheme.lower() == "basic" and credential:
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return parts
        user, _, password = decoded.partition(":")
        parts += [part for part in (user, password) if part]
    return parts


def header_pairs(raw: Sequence[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """ASGI headers as text pairs."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]
