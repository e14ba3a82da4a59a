"""Authenticated API calls to providers: a lean HTTP/1.1 client, the transport of the gateway's hot path.

A call through httpx costs about 1.9 ms of client work on loopback, one through aiohttp about 0.5 ms and one
through this session about 0.1 ms (docs/benchmarks.md); the gateway's whole budget is 1 ms. So
`ProviderClient.request` sends through this session when no test transport is injected (token calls keep
httpx): asyncio connections kept alive per origin, the request written as prepared bytes, the answer parsed by
`httptools` (llhttp, the parser uvicorn serves with). The rules are the provider client's: no redirect
followed, no cookie kept, nothing taken from the environment (proxies, .netrc), certificates verified, one
deadline for the whole call, the answer read within a size cap counted after decompression. A GET, PUT or
DELETE that meets a kept-alive connection the server had just closed is sent once more on a new connection
(RFC 9110 §9.2.2); a POST is not.

Failures become the same `ProviderTimeout` / `ProviderError` as on the httpx path, with the httpx exception that
path would have raised as their `__cause__` (`ConnectError`, `ConnectTimeout`, `PoolTimeout`, `ReadTimeout`,
`ReadError`, `RemoteProtocolError`, `DecodingError`), so that whoever decides from the cause whether a call may
be resent decides alike on both paths.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import ssl
import time
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

import httptools
import httpx
import orjson

from linkyard.errors import ProviderError, ProviderTimeout

Query = tuple[tuple[str, str], ...]
Origin = tuple[str, str, int]

KEEPALIVE_EXPIRY = 4.0
"""Seconds an idle connection is kept: below the 5 s after which uvicorn (and many servers) close one."""
# Headers describing the wire encoding of a body that has been read and decoded already.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Failure(Exception):
    """Why an exchange failed: the httpx exception type the httpx path raises for it."""

    def __init__(self, kind: type[httpx.HTTPError], reason: str, *, before_answer: bool = False) -> None:
        super().__init__(reason)
        self.kind = kind
        self.before_answer = before_answer
        """Nothing of an answer arrived: on a reused connection the server may have closed it idle."""


class _TooLarge(Exception):
    pass


class _Answered:
    """What a connection read: status, reason, headers and the decoded body."""

    __slots__ = ("body", "headers", "reason", "status", "version")

    def __init__(self) -> None:
        self.status = 0
        self.reason = b""
        self.version = "1.1"
        self.headers: list[tuple[str, str]] = []
        self.body: list[bytes] = []


class _Connection(asyncio.Protocol):
    """One connection to one origin, one exchange at a time; reusable while the server keeps it alive."""

    def __init__(self, origin: Origin, max_bytes: int) -> None:
        self.origin = origin
        self.max_bytes = max_bytes
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self.reused = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[_Answered] | None = None
        self._answer = _Answered()
        self._headers_done = False
        self._any_byte = False
        self._size = 0
        self._decoder: Any = None
        self._delimited = False  # by Content-Length or chunked framing (else: by the connection's close)
        self._keep_alive = False

    # --- asyncio.Protocol ---------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A TCP transport (uvloop's do not subclass asyncio.Transport, hence no isinstance check).
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.close()  # bytes nobody asked for: this connection cannot be trusted again
            return
        self._any_byte = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(_Failure(httpx.RemoteProtocolError, "the server switched protocols"))
        except httptools.HttpParserCallbackError as exc:
            self._fail(exc.__context__ if isinstance(exc.__context__, Exception) else exc)
        except httptools.HttpParserError as exc:
            self._fail(_Failure(httpx.RemoteProtocolError, f"malformed answer ({type(exc).__name__})"))

    def eof_received(self) -> bool:
        return False  # close the transport; `connection_lost` decides

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if self._headers_done and not self._delimited and exc is None:
            self._keep_alive = False
            self._finish()  # a body delimited by the connection's close
            return
        if exc is not None:
            failure = _Failure(httpx.ReadError, type(exc).__name__, before_answer=not self._any_byte)
        else:
            failure = _Failure(
                httpx.RemoteProtocolError,
                "the server closed the connection before answering in full",
                before_answer=not self._any_byte,
            )
        waiter.set_exception(failure)

    # --- httptools callbacks --------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self._waiter is None or self._waiter.done():
            self.close()  # an answer nobody asked for: this connection cannot be trusted again

    def on_status(self, reason: bytes) -> None:
        self._answer.reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self._answer.headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        answer = self._answer
        answer.status = self._parser.get_status_code()
        answer.version = self._parser.get_http_version()
        if 100 <= answer.status < 200:
            return  # an interim answer (103 Early Hints): the real one follows
        self._headers_done = True
        headers = dict(answer.headers)
        length = headers.get("content-length", "")
        self._delimited = length.isdigit() or "chunked" in headers.get("transfer-encoding", "").lower()
        if length.isdigit() and int(length) > self.max_bytes:
            raise _TooLarge
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding == "gzip":
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj()
        elif encoding not in ("identity", ""):
            raise _Failure(httpx.DecodingError, f"unsupported content encoding {encoding[:20]!r}")

    def on_body(self, body: bytes) -> None:
        if self._decoder is not None:
            try:
                # At most one byte past the cap: a compressed bomb never inflates in memory.
                body = self._decoder.decompress(body, self.max_bytes - self._size + 1)
            except zlib.error:
                raise _Failure(httpx.DecodingError, "the compressed answer is corrupt") from None
            if self._decoder.unconsumed_tail:
                raise _TooLarge
        self._size += len(body)
        if self._size > self.max_bytes:
            raise _TooLarge
        self._answer.body.append(body)

    def on_message_complete(self) -> None:
        if not self._headers_done:
            self._answer = _Answered()  # the interim answer is over
            return
        self._keep_alive = self._parser.should_keep_alive()
        self._finish()

    # --- the exchange ---------------------------------------------------------------------------------

    async def exchange(self, raw: bytes) -> _Answered:
        """Write a prepared request and wait for its whole answer."""
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._answer = _Answered()
        self._headers_done = self._any_byte = self._delimited = self._keep_alive = False
        self._size = 0
        self._decoder = None
        self.transport.write(raw)
        return await self._waiter

    @property
    def reusable(self) -> bool:
        return self._keep_alive and not self.closed and self.transport is not None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _finish(self) -> None:
        if self._decoder is not None:
            try:
                rest = self._decoder.flush()
            except zlib.error:
                self._fail(_Failure(httpx.DecodingError, "the compressed answer is corrupt"))
                return
            self._size += len(rest)
            if self._size > self.max_bytes:
                self._fail(_TooLarge())
                return
            self._answer.body.append(rest)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(self._answer)
        self._answer = _Answered()  # what follows (nothing, normally) must not touch the answer handed out

    def _fail(self, error: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)
        self.close()


class ApiSession:
    """Connections kept alive per origin, at most `max_connections` in use at once; close with `aclose`."""

    def __init__(self, *, headers: Mapping[str, str], max_connections: int, max_response_bytes: int) -> None:
        self._headers = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._idle: dict[Origin, list[_Connection]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._tls: ssl.SSLContext | None = None
        self._closed = False

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        query: Sequence[tuple[str, str]] = (),
        json: Any = None,
        budget: float,
        label: str,
    ) -> httpx.Response:
        """Send, read the answer within the size cap and the deadline; the answer whatever its status."""
        if method not in _METHODS:
            raise ValueError(f"unsupported method {method}")
        origin, raw = self._prepare(method, url, headers, tuple(query), json, label)
        stage = ["pool"]
        try:
            async with asyncio.timeout(budget):
                answer = await self._exchange(origin, method, raw, stage)
        except TimeoutError as exc:  # the deadline, wherever it struck (the stage is in the cause)
            raise ProviderTimeout(f"{label} did not answer within {budget:g} s") from _cause(stage[-1], exc)
        except _TooLarge:
            raise ProviderError(
                f"The answer of {label} is larger than {self._max_response_bytes} bytes"
            ) from None
        except _Failure as failure:
            cause = failure.kind(str(failure))
            if failure.kind is httpx.DecodingError:
                message = f"The answer of {label} could not be read ({failure.kind.__name__})"
            else:
                message = f"Could not reach {label} ({failure.kind.__name__})"
            raise ProviderError(message) from cause
        return _Answer(
            answer.status,
            headers=[(name, value) for name, value in answer.headers if name not in _WIRE_HEADERS],
            content=b"".join(answer.body),
            sent=(method, url, tuple(query) or None),
            extensions={"http_version": f"HTTP/{answer.version}".encode(), "reason_phrase": answer.reason},
        )

    async def aclose(self) -> None:
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    # --- inside -----------------------------------------------------------------------------------------

    def _prepare(
        self, method: str, url: str, headers: Mapping[str, str], query: Query, json: Any, label: str
    ) -> tuple[Origin, bytes]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ProviderError(
                f"Could not reach {label} (UnsupportedProtocol)"
            ) from httpx.UnsupportedProtocol("only http and https URLs")
        port = parts.port or _DEFAULT_PORTS[scheme]
        host = parts.hostname
        authority = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            authority += f":{port}"
        target = parts.path or "/"
        encoded = urlencode(query) if query else ""
        if parts.query or encoded:
            target += "?" + "&".join(item for item in (parts.query, encoded) if item)
        lines = f"{method} {target} HTTP/1.1\r\nHost: {authority}\r\n{self._headers}"
        lines += "Accept-Encoding: gzip\r\n"
        lines += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        body = b""
        if json is not None:
            # As httpx encodes `json=`: compact, UTF-8, no NaN.
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            lines += "Content-Type: application/json\r\n"
        if json is not None or method in ("POST", "PUT", "PATCH"):
            lines += f"Content-Length: {len(body)}\r\n"
        if "\n" in lines.replace("\r\n", "") or "\r" in lines.replace("\r\n", ""):
            raise ValueError("a header or the URL holds a line break")
        try:
            head = (lines + "\r\n").encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("a header or the URL is not ASCII (quote the URL)") from None
        return (scheme, host, port), head + body

    async def _exchange(self, origin: Origin, method: str, raw: bytes, stage: list[str]) -> _Answered:
        """The answer to `raw`; `stage` tells how far it got (pool, connect, read) if it is cut short."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_connections)
        async with self._slots:
            for attempt in (1, 2):
                stage.append("connect")
                connection = self._idle_connection(origin) or await self._connect(origin)
                stage.append("read")
                try:
                    answer = await connection.exchange(raw)
                except _Failure as failure:
                    connection.close()
                    stale = connection.reused and failure.before_answer
                    if stale and attempt == 1 and method in _IDEMPOTENT:
                        continue  # the server closed it while idle: a new connection, once
                    raise
                except BaseException:
                    connection.close()  # cancelled or failed mid-exchange: its state is unknown
                    raise
                self._release(connection)
                return answer
        raise AssertionError("unreachable")

    def _idle_connection(self, origin: Origin) -> _Connection | None:
        connections = self._idle.get(origin)
        now = time.monotonic()
        while connections:
            connection = connections.pop()
            if not connection.closed and now - connection.idle_since < KEEPALIVE_EXPIRY:
                connection.reused = True
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(origin, self._max_response_bytes),
                host,
                port,
                ssl=tls,
                server_hostname=host if tls else None,
            )
        except (OSError, ssl.SSLError) as exc:
            raise _Failure(httpx.ConnectError, type(exc).__name__) from exc
        return connection

    def _release(self, connection: _Connection) -> None:
        if self._closed or not connection.reusable:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        pool = self._idle.setdefault(connection.origin, [])
        pool.append(connection)
        while len(pool) > self._max_connections:
            pool.pop(0).close()


def _cause(stage: str, exc: TimeoutError) -> httpx.TimeoutException:
    """The httpx timeout for the stage the deadline struck in: pool and connect mean nothing was sent."""
    kind = {"pool": httpx.PoolTimeout, "connect": httpx.ConnectTimeout}.get(stage, httpx.ReadTimeout)
    made = kind(f"no answer in time ({stage})")
    made.__cause__ = exc
    return made


class _Answer(httpx.Response):
    """An `httpx.Response` made cheaply: the body, decoded already, is set as `read()` would leave it (instead
    of being copied through httpx's decoders), and `request` is made when first asked for (making an
    `httpx.Request`, parsing its URL, costs about 0.1 ms; only error reports ask). Together about 0.13 ms less
    per call. It holds no header sent, so never the token."""

    def __init__(
        self,
        status_code: int,
        *,
        headers: list[tuple[str, str]],
        content: bytes,
        sent: tuple[str, str, Query | None],
        extensions: dict[str, Any],
    ) -> None:
        super().__init__(
            status_code,
            headers=[*headers, ("content-length", str(len(content)))],
            stream=httpx.ByteStream(content),
            extensions=extensions,
        )
        self._content = content
        self.is_stream_consumed = True
        self.is_closed = True
        self._sent = sent

    @property
    def request(self) -> httpx.Request:
        if self._request is None:
            method, url, params = self._sent
            self._request = httpx.Request(method, url, params=params)
        return self._request

    @request.setter
    def request(self, value: httpx.Request) -> None:
        self._request = value

    def raise_for_status(self) -> httpx.Response:
        _ = self.request  # httpx reads the private attribute
        return super().raise_for_status()

    def json(self, **kwargs: Any) -> Any:
        """The decoded JSON body, by orjson (a page of 100 employees: ~0.3 ms instead of ~1.5 ms); what orjson
        refuses (NaN, integers past 64 bits) goes to the standard library, as httpx does."""
        if not kwargs:
            try:
                return orjson.loads(self.content)
            except orjson.JSONDecodeError:
                pass
        return super().json(**kwargs)
