"""A proxied call as HTTP: the caller's method, path, headers and body checked before anything is sent, so that
the call stays on the account's provider, under the part of it the connector opens to the proxy, and carries no
credentials or connection headers of the caller's.

The path is checked as written, never after decoding it: a request that leaves the base path only once a server
decodes or normalises it (`%2e%2e`, `%252e`, `%2f`, `..;`, a backslash, a full-width dot) is refused outright,
since the provider, a gateway in front of it or a library on the way may each read it differently. Accepted
paths are plain: ASCII letters, digits and `-._~!$&'()*+,;=`, `/` between non-empty segments, no segment that
starts with a dot, and `%XX` escapes only of printable ASCII other than `/ \\ . % ? # @ :`. Refusals name the
reason, never the value sent (it may be an attack, or a secret pasted by mistake).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from linkyard.connectors.calls import PreparedRequest
from linkyard.connectors.model import Connector
from linkyard.errors import BadRequest, Forbidden, ValidationFailed

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_PATH = 2048
MAX_HEADERS = 50
MAX_HEADER_NAME = 100
MAX_HEADER_VALUE = 4096

# Set by Linkyard (credentials, the connection, the body's framing and encoding, which the provider client
# negotiates and decodes within its size cap) or by nobody: a caller's value would
# impersonate another credential (Factorial reads `x-api-key` before the bearer token), reach a proxy on the
# way, or split or smuggle a request. RFC 9110 §7.6.1 names the hop-by-hop headers; those a `Connection` header
# names are hop-by-hop too, and refused with it.
REFUSED_HEADERS = frozenset(
    {
        "authorization",
        "x-api-key",
        "cookie",
        "host",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "content-encoding",
        "accept-encoding",
        "expect",
    }
)
REFUSED_HEADER_PREFIXES = ("proxy-",)

_PATH_CHARS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=%/-]*")
_QUERY_CHARS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=%/?:@\[\]-]*")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # a header name (RFC 9110 §5.1)
_UNESCAPABLE = frozenset(b"/\\.%?#@:")
_JSON_TYPE = re.compile(r"application/([a-z0-9.+-]+\+)?json(\s*;.*)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ProxiedRequest:
    """The request to send to the account's base URL, and the scopes its path needs (the connector's rule)."""

    request: PreparedRequest
    required_scopes: tuple[str, ...]


def build_proxy_request(
    connector: Connector,
    *,
    base_url: str,
    method: str | None,
    path: str | None,
    headers: Mapping[str, Any] | None,
    body: Mapping[str, Any] | None,
    url: str | None = None,
) -> ProxiedRequest:
    """Check a proxy call for `connector` in the environment at `base_url` and prepare it.

    400 (`BadRequest`) for a path, URL or header the proxy refuses, naming the reason or the headers; 403
    (`Forbidden`) for a path under the base path that no rule of the connector covers; 422 for a missing path,
    an unknown method or a non-empty body on a GET. Nothing here is sent anywhere.
    """
    declared = connector.proxy
    if declared is None:
        raise Forbidden(f"{connector.name} offers no proxy")
    verb = _method(method)
    if url and url.strip().rstrip("/") != base_url.rstrip("/"):
        raise BadRequest(
            "The proxy calls the account's own provider: leave `url` out and give a path relative to its base "
            "URL",
            code="proxy_url_refused",
        )
    raw_path, query = _checked_path(path, declared.base_path)
    segments = tuple(raw_path.strip("/").split("/"))
    rule = declared.rule_for(segments)
    if rule is None:
        raise Forbidden(
            f"The proxy does not reach this path of {connector.name}: no resource the connector declares "
            "covers it"
        )
    _check_target(base_url, raw_path, declared.base_path)
    if body and verb == "GET":
        raise ValidationFailed(
            "A GET sends no body", errors=[{"field": "body", "message": "must be absent (or empty) on a GET"}]
        )
    request = PreparedRequest(
        method=verb,
        path=raw_path,
        query=query,
        # An empty object on a GET is what some clients send for "no body": nothing is sent then.
        json=dict(body) if body is not None and verb != "GET" else None,
        headers=_checked_headers(headers or {}),
    )
    return ProxiedRequest(request, rule.scopes)


def _method(method: str | None) -> str:
    verb = (method or "GET").upper()
    if verb not in METHODS:
        raise ValidationFailed(
            "Unsupported method",
            errors=[
                {"field": "method", "message": f"must be one of: {', '.join(m.lower() for m in METHODS)}"}
            ],
        )
    return verb


def _refuse_path(reason: str) -> BadRequest:
    return BadRequest(
        f"The proxy path must stay under the connector's base URL: {reason}", code="proxy_path_refused"
    )


def _checked_path(path: str | None, base_path: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The path (as it will be sent) and the query's pairs; raises for anything but a plain relative path."""
    if not path:
        raise ValidationFailed("A path is required", errors=[{"field": "path", "message": "is required"}])
    if len(path) > MAX_PATH:
        raise ValidationFailed(
            "The path is too long",
            errors=[{"field": "path", "message": f"takes at most {MAX_PATH} characters"}],
        )
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == " " for ch in path):
        raise _refuse_path("it holds control characters or spaces (CR, LF, tab, ...)")
    if not path.isascii():
        raise _refuse_path("it holds characters other than ASCII (escape them as %XX in the query only)")
    if "\\" in path:
        raise _refuse_path("it holds a backslash")
    if "#" in path:
        raise _refuse_path("it holds a fragment (#)")
    raw_path, _, raw_query = path.partition("?")
    if not raw_path.startswith("/") or raw_path.startswith("//"):
        raise _refuse_path("it must start with a single / (no scheme, no host: not an absolute URL)")
    if "@" in raw_path:
        raise _refuse_path("it holds an @ (user information)")
    if ":" in raw_path:
        raise _refuse_path("it holds a colon")
    if not _PATH_CHARS.fullmatch(raw_path):
        raise _refuse_path("it holds characters a path does not need")
    if _BROKEN_ESCAPE.search(raw_path):
        raise _refuse_path("it holds a % that is not an %XX escape")
    for escape in _ESCAPE.findall(raw_path):
        byte = int(escape, 16)
        if byte < 0x20 or byte >= 0x7F or byte in _UNESCAPABLE:
            raise _refuse_path(
                "it escapes a slash, backslash, dot, percent sign or control character (%2f, ...)"
            )
    segments = raw_path[1:].split("/")
    if any(not segment for segment in segments[:-1]):
        raise _refuse_path("it holds an empty segment (//)")
    if any(segment.startswith(".") for segment in segments):
        raise _refuse_path("it holds a segment starting with a dot (., .., ..;)")
    if not raw_path.startswith(base_path):
        raise _refuse_path(f"the proxy reaches only paths under {base_path}")
    return raw_path, _checked_query(raw_query)


def _checked_query(raw_query: str) -> tuple[tuple[str, str], ...]:
    if not raw_query:
        return ()
    if not _QUERY_CHARS.fullmatch(raw_query) or _BROKEN_ESCAPE.search(raw_query):
        raise _refuse_path("its query holds characters that must be escaped, or a broken %XX escape")
    for escape in _ESCAPE.findall(raw_query):
        byte = int(escape, 16)
        if byte < 0x20 or byte == 0x7F:
            raise _refuse_path("its query escapes a control character (%0d, %0a, ...)")
    # Decoded here and encoded again when sent: what the provider gets is one well-formed query.
    return tuple(parse_qsl(raw_query, keep_blank_values=True))


def _check_target(base_url: str, raw_path: str, base_path: str) -> None:
    """The URL as it will be sent has the base URL's scheme, host and port, and its path stays under the base
    path: the checks above make this so; this says it once more on the assembled URL."""
    base = urlsplit(base_url)
    target = urlsplit(base_url.rstrip("/") + raw_path)
    same_origin = (target.scheme, target.hostname, target.port) == (base.scheme, base.hostname, base.port)
    under = target.path.startswith(base.path.rstrip("/") + base_path)
    if not same_origin or not under or target.username is not None or target.query or target.fragment:
        raise _refuse_path("it leaves the base URL")


def _checked_headers(headers: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    if len(headers) > MAX_HEADERS:
        raise ValidationFailed(
            "Too many headers", errors=[{"field": "headers", "message": f"takes at most {MAX_HEADERS}"}]
        )
    checked: list[tuple[str, str]] = []
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name) or len(name) > MAX_HEADER_NAME:
            raise BadRequest(
                "A header name is not a valid HTTP field name (letters, digits and !#$%&'*+.^_`|~-)",
                code="proxy_header_refused",
            )
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise BadRequest("Header values must be strings", code="proxy_header_refused")
        text = str(value)
        if len(text) > MAX_HEADER_VALUE or any(
            (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F or ord(ch) > 0xFF for ch in text
        ):
            raise BadRequest(
                "A header value holds control characters (CR, LF, ...) or is too long",
                code="proxy_header_refused",
            )
        checked.append((name.lower(), text))
    names = [name for name, _ in checked]
    if len(set(names)) != len(names):
        raise BadRequest("A header is given twice (names are case-insensitive)", code="proxy_header_refused")
    hop_by_hop = {
        token.strip().lower() for name, value in checked if name == "connection" for token in value.split(",")
    }
    refused = sorted(
        name
        for name in names
        if name in REFUSED_HEADERS or name in hop_by_hop or name.startswith(REFUSED_HEADER_PREFIXES)
    )
    if refused:
        raise BadRequest(
            f"These headers cannot be set through the proxy: {', '.join(refused)} (Linkyard sets the "
            "credentials and the connection; hop-by-hop headers are not forwarded)",
            code="proxy_header_refused",
        )
    content_type = dict(checked).get("content-type")
    if content_type is not None and not _JSON_TYPE.fullmatch(content_type.strip()):
        raise BadRequest(
            "The proxy sends bodies as JSON: content-type must be application/json",
            code="proxy_header_refused",
        )
    return tuple(checked)
