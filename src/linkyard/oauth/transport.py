"""The wire to providers: one aiohttp session under the provider client's rules, and the answer it hands back.

aiohttp, not httpx: a call through it costs about a third of httpx's client work (docs/benchmarks.md), and the
gateway's whole budget is 1 ms. Every provider call goes through `HttpSession.send`, token calls and API calls
alike, in production and in the tests (which serve the emulator on loopback). The rules: no redirect followed,
no cookie kept, nothing taken from the environment (proxies, .netrc) unless configured, certificates verified,
one deadline for the whole call (pool, connect, send, read), the answer read within a size cap counted after
decompression. An idempotent request (GET, PUT, DELETE) whose connection closes before its answer begins is sent
once more on a new connection, by aiohttp itself (RFC 9112 §9.3.1: typically a kept-alive connection the server
had just closed; aiohttp does it for a new connection too, which for an idempotent request changes nothing the
retry policy would not do); a POST is not.

Failures become `ProviderTimeout` / `ProviderError` here, once. When nothing came back, the error's `__cause__`
is a `TransportFailure` saying whether the request can have reached the provider (`sent`): whoever decides
whether to resend (`services.execution`, by `connectors.retry`) reads that, never a library's exception types.
"""

from __future__ import annotations

import json as jsonlib
import math
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from linkyard.errors import ProviderError, ProviderTimeout, ResponseTooLarge
from linkyard.oauth.recording import Recording, Step, current_recording

KEEPALIVE_EXPIRY = 4.0
"""Seconds an idle connection is kept: below the 5 s after which uvicorn (and many servers) close one."""
Multipart = Sequence[tuple[str, "str | tuple[str, str, bytes]"]]
"""A `multipart/form-data` body: each field's name and text, or a file's name, content type and bytes."""
# Headers describing the wire encoding of a body that has been read and decoded already.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class TransportFailure(Exception):
    """Why a call got no answer; the `__cause__` of the `ProviderError` / `ProviderTimeout` raised for it.

    `sent` is False when the request provably never reached the provider (no connection was made, or no slot
    in the pool came free): such a call may be resent whatever its method.
    """

    def __init__(self, reason: str, *, sent: bool) -> None:
        super().__init__(reason)
        self.sent = sent


@dataclass(frozen=True, slots=True)
class ProviderResponse:
    """A provider's answer, read in full: status, headers (case-insensitive; no wire-encoding headers), the
    decoded body, and the URL it was sent to without its query. It holds no header sent, so never a token."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str
    links: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The `Link` header's links (RFC 8288) by `rel`, each with its `url` and parameters; empty without one."""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The decoded JSON body (`ValueError` when it is not JSON), by orjson (a page of 100 employees: ~0.3 ms
        instead of ~1.5 ms); what orjson refuses (NaN, Infinity, a number past a double's range) goes to the
        standard library. orjson reads an integer past 64 bits (20 digits or more) as a float, its last digits
        lost: no provider Linkyard serves sends one, and screening every answer for them would cost about a
        third of the decoding."""
        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError:
            return jsonlib.loads(self.content)


class PinnedResolver(AbstractResolver):
    """Name resolution with some host names pinned to a loopback address and port, as `curl --resolve` does:
    the request (its URL, its `Host` header) is unchanged, only the socket goes elsewhere. Tests pin the
    providers' names to the emulator they serve on 127.0.0.1; every other name is resolved as usual."""

    def __init__(self, pins: Mapping[str, tuple[str, int]]) -> None:
        self._pins = dict(pins)
        self._fallback: AbstractResolver | None = None

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        pinned = self._pins.get(host)
        if pinned is None:
            if self._fallback is None:
                self._fallback = aiohttp.ThreadedResolver()
            return await self._fallback.resolve(host, port, family)
        address, pinned_port = pinned
        return [
            {
                "hostname": host,
                "host": address,
                "port": pinned_port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        if self._fallback is not None:
            await self._fallback.close()


class HttpSession:
    """Connections to providers kept alive per origin, at most `max_connections` in use at once, through
    `proxy` when one is given (an `http://` or `https://` URL, credentials in it allowed); close with `aclose`.

    The aiohttp session is made on first use, inside the running event loop (nothing is built before).
    """

    def __init__(
        self,
        *,
        headers: Mapping[str, str],
        max_connections: int,
        max_response_bytes: int,
        proxy: str | None = None,
        pins: Mapping[str, tuple[str, int]] | None = None,
    ) -> None:
        self._headers = dict(headers)
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._proxy = URL(proxy) if proxy else None
        self._pins = dict(pins) if pins else None
        self._session: aiohttp.ClientSession | None = None

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        query: Sequence[tuple[str, str]] = (),
        json: Any = None,
        form: Mapping[str, str] | None = None,
        multipart: Multipart | None = None,
        budget: float,
        label: str,
        max_response_bytes: int | None = None,
    ) -> ProviderResponse:
        """Send, read the answer within the size cap and the deadline; the answer whatever its status.

        `url` is already URL-quoted (it is sent as it is); `query` is encoded here. `max_response_bytes` is this
        call's cap instead of the session's (the proxy's setting); past it, `ResponseTooLarge`. When a request
        log is being recorded (`oauth.recording`), the call is added to it as a step, answered or not.
        `multipart` is a `multipart/form-data` body (fields, and files as name, type and bytes); a step records
        its fields and each file's name and size, never the file's bytes.
        """
        entry = current_recording()
        if entry is None:
            return await self._send(
                method, url, headers, query, json, form, multipart, budget, label, max_response_bytes
            )
        started = time.perf_counter()
        step = Step(
            method=method,
            url=url,
            query=query,
            headers=headers,
            body=_described(multipart) if multipart is not None else json if form is None else form,
            offset=started - entry.started,
            duration=0.0,
        )
        entry.add_step(step)
        try:
            answer = await self._send(
                method, url, headers, query, json, form, multipart, budget, label, max_response_bytes
            )
        except ProviderError as exc:
            step.error = exc.message
            raise
        finally:
            step.duration = time.perf_counter() - started
        _answered(step, answer, entry)
        return answer

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        json: Any,
        form: Mapping[str, str] | None,
        multipart: Multipart | None,
        budget: float,
        label: str,
        max_response_bytes: int | None,
    ) -> ProviderResponse:
        session = self._open()
        target = URL(url, encoded=True)
        body: bytes | aiohttp.FormData | None = None
        sent_headers = dict(headers)
        if json is not None:
            # Compact, UTF-8, no NaN (orjson would write NaN as null, changing what the caller asked for).
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            sent_headers["content-type"] = "application/json"
        elif multipart is not None:
            body = _form_data(multipart)
        try:
            async with session.request(
                method,
                target,
                params=list(query) if query else None,
                data=body if form is None else dict(form),
                headers=sent_headers,
                allow_redirects=False,
                proxy=self._proxy,
                # One deadline for everything, not rounded up to whole seconds (`ceil_threshold`).
                timeout=aiohttp.ClientTimeout(total=budget, ceil_threshold=math.inf),
            ) as response:
                content = await self._read_capped(response, label, max_response_bytes)
        except aiohttp.ConnectionTimeoutError as exc:  # no slot came free, or no connection was made
            raise ProviderTimeout(f"{label} did not answer within {budget:g} s") from _failure(
                exc, sent=False
            )
        except TimeoutError as exc:  # after the request was sent (aiohttp's own timeouts are TimeoutErrors)
            raise ProviderTimeout(f"{label} did not answer within {budget:g} s") from _failure(exc, sent=True)
        except aiohttp.ClientHttpProxyError as exc:  # the proxy refused to open a tunnel
            raise ProviderError(f"Could not reach {label} ({_kind(exc)})") from _failure(exc, sent=False)
        except aiohttp.ClientConnectorError as exc:  # refused, unresolvable, TLS refused, no proxy there
            raise ProviderError(f"Could not reach {label} ({_kind(exc)})") from _failure(exc, sent=False)
        except aiohttp.ClientPayloadError as exc:
            if isinstance(exc.__cause__, aiohttp.http_exceptions.ContentEncodingError):
                # The provider did answer; reading it again would fail alike.
                raise ProviderError(f"The answer of {label} could not be read (corrupt encoding)") from None
            raise ProviderError(f"Could not reach {label} ({_kind(exc)})") from _failure(exc, sent=True)
        except aiohttp.InvalidURL as exc:
            raise ProviderError(f"Could not reach {label} (unsupported URL)") from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientResponseError) as exc:
            # Cut off or a malformed answer: the request may have been acted on.
            raise ProviderError(f"Could not reach {label} ({_kind(exc)})") from _failure(exc, sent=True)
        except aiohttp.ClientError as exc:
            raise ProviderError(f"The answer of {label} could not be read ({_kind(exc)})") from exc
        return ProviderResponse(
            response.status,
            _kept_headers(response.headers),
            content,
            str(target.with_query(None).with_fragment(None)),
            _links(response) if "link" in response.headers else {},
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                limit_per_host=0,
                keepalive_timeout=KEEPALIVE_EXPIRY,
                resolver=PinnedResolver(self._pins) if self._pins else None,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=self._headers,
                # One session serves every tenant: a cookie set on one tenant's call must never ride along on
                # another's.
                cookie_jar=aiohttp.DummyCookieJar(),
                # No proxy or .netrc credentials picked up from the environment behind the operator's back.
                trust_env=False,
                raise_for_status=False,
            )
        return self._session

    async def _read_capped(self, response: aiohttp.ClientResponse, label: str, cap: int | None) -> bytes:
        limit = self._max_response_bytes if cap is None else cap
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(f"The answer of {label} is larger than {limit} bytes", limit=limit)
        chunks: list[bytes] = []
        size = 0
        # Decoded chunks: a compressed bomb is capped by what it inflates to, not by its size on the wire.
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(f"The answer of {label} is larger than {limit} bytes", limit=limit)
            chunks.append(chunk)
        return b"".join(chunks)


def _form_data(multipart: Multipart) -> aiohttp.FormData:
    # Multipart even without a file part (an upload whose files are optional): the provider expects the form.
    data = aiohttp.FormData(quote_fields=False, default_to_multipart=True)
    for name, value in multipart:
        if isinstance(value, str):
            data.add_field(name, value)
        else:
            filename, content_type, content = value
            data.add_field(name, content, filename=filename, content_type=content_type)
    return data


def _described(multipart: Multipart) -> dict[str, Any]:
    """A multipart body for a request log: its fields, and for each file its name, type and size only."""
    described: dict[str, Any] = {}
    for name, value in multipart:
        if isinstance(value, str):
            described[name] = value
        else:
            described[name] = {"filename": value[0], "content_type": value[1], "size": len(value[2])}
    return described


def _answered(step: Step, answer: ProviderResponse, entry: Recording) -> None:
    step.status = answer.status_code
    step.response_headers = answer.headers
    if entry.bodies:
        step.response_body = answer.content


def _kept_headers(headers: CIMultiDictProxy[str]) -> Mapping[str, str]:
    """The answer's headers less those describing the wire encoding; case-insensitive like the original."""
    kept: CIMultiDict[str] = headers.copy()
    for name in _WIRE_HEADERS:
        kept.popall(name, None)
    return kept


def _links(response: aiohttp.ClientResponse) -> dict[str, dict[str, str]]:
    """The `Link` header parsed by aiohttp (a link's `url` resolved against the request's URL)."""
    return {
        str(key): {str(name): str(value) for name, value in link.items()}
        for key, link in response.links.items()
    }


def _kind(exc: Exception) -> str:
    return type(exc).__name__


def _failure(exc: Exception, *, sent: bool) -> TransportFailure:
    failure = TransportFailure(_kind(exc), sent=sent)
    failure.__cause__ = exc
    return failure
