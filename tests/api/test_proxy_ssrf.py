"""The proxy's host is pinned: a table of SSRF payloads, each aimed at a canary listening on loopback (a real
socket server counting the connections it accepts), is refused with a 4xx; the canary accepts none, and nothing
reaches the provider either. A provider that redirects to the canary is not followed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.api.conftest import ALL_SCOPES, Harness, Tenant
from tests.api.test_proxy import API, proxy

REDIRECTING = f"{API}/employees/employees/302"
"""The path the upstream answers with a redirect to the canary (every other path is the emulator's)."""


class Canary:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (and answers each with a 200)."""

    def __init__(self) -> None:
        self.accepted = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


class Upstream:
    """The emulator, counting what reaches it and the headers each request carried, answering 302 to the
    canary on `REDIRECTING`."""

    def __init__(self, app: ASGIApp, canary: Canary) -> None:
        self.app = app
        self.canary = canary
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_emulator/"):
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        self.seen.append((scope["method"], scope["path"], headers))
        if scope["path"] == REDIRECTING:
            location = f"http://127.0.0.1:{self.canary.port}/stolen".encode()
            await send({"type": "http.response.start", "status": 302, "headers": [(b"location", location)]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)

    def api_calls(self) -> int:
        return sum(1 for _, path, _ in self.seen if path.startswith("/api/"))


@pytest.fixture
async def canary() -> AsyncIterator[Canary]:
    listener = Canary()
    await listener.start()
    yield listener
    await listener.stop()


@pytest.fixture
def upstream(emulator: Starlette, canary: Canary) -> Upstream:
    return Upstream(emulator, canary)


def payloads(port: int) -> list[tuple[str, dict[str, Any]]]:
    """(what it tries, the proxy body): each aims at the canary, or out of the base path, some other way."""
    canary = f"127.0.0.1:{port}"
    ok = f"{API}/employees/employees"
    return [
        ("absolute URL in path", {"path": f"http://{canary}/api/x"}),
        ("https absolute URL in path", {"path": f"https://{canary}{ok}"}),
        ("url field names the canary", {"url": f"http://{canary}", "path": ok}),
        ("url field with userinfo", {"url": f"http://factorial.test@{canary}", "path": ok}),
        ("url field IPv6 loopback", {"url": f"http://[::1]:{port}", "path": ok}),
        ("url field decimal IP", {"url": f"http://2130706433:{port}", "path": ok}),
        ("url field hex IP", {"url": f"http://0x7f000001:{port}", "path": ok}),
        ("scheme-relative", {"path": f"//{canary}/api/x"}),
        ("scheme-relative IPv6", {"path": f"//[::1]:{port}/api/x"}),
        ("scheme-relative decimal IP", {"path": f"//2130706433:{port}/api/x"}),
        ("scheme-relative hex IP", {"path": f"//0x7f.0.0.1:{port}/api/x"}),
        ("http:/ single slash", {"path": f"http:/{canary}/api/x"}),
        ("http: without slashes", {"path": f"http:{canary}/api/x"}),
        ("userinfo @ in path", {"path": f"/api/@{canary}/x"}),
        ("bare @host", {"path": f"@{canary}/api/x"}),
        ("dot-dot", {"path": f"{API}/../../../oauth/token"}),
        ("dot-dot to host", {"path": f"/api/../..//{canary}/x"}),
        ("dot-dot-semicolon", {"path": "/api/..;/oauth/token"}),
        ("single dot segment", {"path": f"/api/./{canary}"}),
        ("%2e%2e", {"path": "/api/%2e%2e/oauth/token"}),
        ("%2E%2E upper case", {"path": "/api/%2E%2E/oauth/token"}),
        ("mixed .%2e", {"path": "/api/.%2e/oauth/token"}),
        ("double-encoded %252e", {"path": "/api/%252e%252e/oauth/token"}),
        ("double-encoded %255c", {"path": "/api/%255c%255c/oauth"}),
        ("encoded slash %2f", {"path": f"{API}/employees%2f..%2f..%2f..%2foauth/token"}),
        ("encoded slash %2F", {"path": "/api%2F..%2Foauth/token"}),
        ("encoded backslash %5c", {"path": "/api/..%5c..%5coauth/token"}),
        ("backslashes", {"path": "/api\\..\\oauth\\token"}),
        ("backslash host", {"path": f"\\\\{canary}/api/x"}),
        ("fullwidth dots", {"path": "/api/\uff0e\uff0e/oauth/token"}),
        ("one dot leaders", {"path": "/api/\u2024\u2024/oauth/token"}),
        ("encoded fullwidth dots", {"path": "/api/%EF%BC%8E%EF%BC%8E/oauth/token"}),
        ("CRLF header injection", {"path": f"{ok}\r\nHost: {canary}"}),
        ("encoded CRLF", {"path": f"{ok}%0d%0aHost:%20{canary}"}),
        ("encoded CRLF in query", {"path": f"{ok}?a=%0d%0aHost:%20{canary}"}),
        ("NUL byte", {"path": f"{ok}\x00/{canary}"}),
        ("encoded NUL", {"path": f"{ok}%00/x"}),
        ("tab before host", {"path": f"\t//{canary}/api/x"}),
        ("space before path", {"path": f" //{canary}/api/x"}),
        ("fragment @", {"path": f"{ok}#@{canary}"}),
        ("fragment first", {"path": f"#//{canary}/api/x"}),
        ("query first", {"path": f"?//{canary}/api/x"}),
        ("encoded ? then @", {"path": f"{ok}%3f@{canary}"}),
        ("outside the base path", {"path": "/oauth/token"}),
        ("no leading slash", {"path": f"{canary}/api/x"}),
        ("Host header to canary", {"path": ok, "headers": {"Host": canary}}),
        ("proxy header to canary", {"path": ok, "headers": {"Proxy-Connection": "keep-alive"}}),
    ]


async def _until(condition: Callable[[], bool]) -> None:
    """Let the event loop run the canary's accept callback (no sleeping: yield until it has run)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the canary never counted the connection")


async def linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, scopes=ALL_SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def test_no_ssrf_payload_reaches_the_canary_or_leaves_the_base_path(
    harness: Harness, canary: Canary, upstream: Upstream
) -> None:
    tenant, account_id = await linked(harness)
    table = payloads(canary.port)
    assert len(table) >= 25
    control = await proxy(harness, tenant, account_id, path=f"{API}/employees/employees?limit=1")
    assert control.status_code == 200, "the proxy works: the refusals below are its own"
    before = upstream.api_calls()

    answers = {what: await proxy(harness, tenant, account_id, **body) for what, body in table}

    refusals = {"proxy_path_refused", "proxy_url_refused", "proxy_header_refused"}
    not_refused = {
        what: (answer.status_code, answer.text[:200])
        for what, answer in answers.items()
        if not 400 <= answer.status_code < 500 or answer.json().get("code") not in refusals
    }
    assert not_refused == {}
    assert canary.accepted == 0
    assert upstream.api_calls() == before, "a refused payload sends nothing to the provider either"
    for what, answer in answers.items():
        assert str(canary.port) not in answer.text, f"{what}: the answer echoes the payload"
    # The canary does count: one connection of the test's own.
    _, writer = await asyncio.open_connection("127.0.0.1", canary.port)
    writer.close()
    await writer.wait_closed()
    await _until(lambda: canary.accepted == 1)


async def test_a_redirect_from_the_provider_is_not_followed(
    harness: Harness, canary: Canary, upstream: Upstream
) -> None:
    tenant, account_id = await linked(harness)

    answer = await proxy(harness, tenant, account_id, path=REDIRECTING)

    # The provider misbehaved, not the caller: a 502 that says so, without where it pointed.
    assert answer.status_code == 502, answer.text
    assert "redirected" in answer.json()["message"] and "not followed" in answer.json()["message"]
    assert str(canary.port) not in answer.text
    assert canary.accepted == 0
    assert [path for _, path, _ in upstream.seen].count(REDIRECTING) == 1


async def test_allowed_headers_reach_the_provider_beside_the_accounts_token(
    harness: Harness, upstream: Upstream
) -> None:
    tenant, account_id = await linked(harness)

    answer = await proxy(
        harness,
        tenant,
        account_id,
        path=f"{API}/employees/employees?limit=1",
        headers={"X-Trace-Id": "t-1", "Accept-Language": "es"},
    )

    assert answer.status_code == 200, answer.text
    _, _, sent = upstream.seen[-1]
    assert sent["x-trace-id"] == "t-1" and sent["accept-language"] == "es"
    assert sent["authorization"].startswith("Bearer ") and len(sent["authorization"]) > len("Bearer ") + 10
    assert sent["host"] == "factorial.test", "the host is the connector's, whatever the caller sent"
