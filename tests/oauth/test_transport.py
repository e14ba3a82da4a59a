"""The provider client's one HTTP path (aiohttp) over real loopback: what it sends, and that it keeps the client's
rules (no redirects, no cookies, deadline, size cap, the outbound proxy) and its error translation."""

from __future__ import annotations

import asyncio
import base64
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.errors import ProviderError, ProviderTimeout
from linkyard.oauth import ProviderClient, ProviderEndpoints
from linkyard.oauth.transport import TransportFailure
from tests.forward_proxy import ForwardProxy
from tests.live_server import free_port, served

EMPLOYEES = "/api/2026-10-01/resources/employees/employees"


async def echo(request: Request) -> Response:
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "query": list(request.query_params.multi_items()),
            "headers": dict(request.headers),
            "body": (await request.body()).decode(),
            "port": request.client.port if request.client else None,
        },
        headers={"set-cookie": "session=abc; Path=/", "x-request-id": "r1"},
    )


async def redirect(request: Request) -> Response:
    return RedirectResponse("https://elsewhere.example/steal", status_code=302)


async def slow(request: Request) -> Response:
    await asyncio.sleep(2)
    return JSONResponse({})


async def big(request: Request) -> Response:
    return Response(b"x" * 5000, media_type="application/json")


async def trickle(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    return StreamingResponse(chunks(), media_type="application/json")


async def dribble(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" "
            await asyncio.sleep(0.1)

    return StreamingResponse(chunks(), media_type="application/json")


async def bomb(request: Request) -> Response:
    return Response(
        gzip.compress(b"0" * 10_000_000), media_type="application/json", headers={"content-encoding": "gzip"}
    )


async def corrupt(request: Request) -> Response:
    return Response(
        b"\x1f\x8b\x08\x00 this is not gzip at all",
        media_type="application/json",
        headers={"content-encoding": "gzip"},
    )


async def zipped(request: Request) -> Response:
    return Response(
        gzip.compress(b'{"zipped": true}'),
        media_type="application/json",
        headers={"content-encoding": "gzip"},
    )


PROVIDER = Starlette(
    routes=[
        Route("/echo/{rest:path}", echo, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/redirect", redirect),
        Route("/slow", slow),
        Route("/big", big),
        Route("/trickle", trickle),
        Route("/dribble", dribble),
        Route("/bomb", bomb),
        Route("/zipped", zipped),
        Route("/corrupt", corrupt),
    ]
)


@pytest.fixture
async def provider_url() -> AsyncIterator[str]:
    async with served(PROVIDER) as running:
        yield running.url


@pytest.fixture
async def client() -> AsyncIterator[ProviderClient]:
    async with ProviderClient(max_response_bytes=4096, timeout=5.0) as made:
        yield made


async def test_a_call_carries_the_token_the_query_and_the_json_body(
    client: ProviderClient, provider_url: str
) -> None:
    response = await client.request(
        provider_url,
        "POST",
        "/echo/employees/a%2Fb",
        access_token="tok-1",
        query=[("ids", "1"), ("ids", "2"), ("q", "a b&c")],
        json={"name": "Zoë", "n": 1},
    )

    sent = response.json()
    assert response.status_code == 200
    assert (sent["method"], sent["path"]) == ("POST", "/echo/employees/a/b")
    assert sent["query"] == [["ids", "1"], ["ids", "2"], ["q", "a b&c"]]
    assert sent["headers"]["authorization"] == "Bearer tok-1"
    assert sent["headers"]["accept"] == "application/json"
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["body"] == '{"name":"Zoë","n":1}'
    assert response.headers["x-request-id"] == "r1"
    assert "tok-1" not in str(dict(response.headers))
    assert response.url == f"{provider_url}/echo/employees/a%2Fb"


async def test_the_emulator_answers_the_platform_as_it_answers_httpx(provider_url: str) -> None:
    # The tests read the emulator with httpx; the platform calls it with aiohttp: both must see one answer.
    async with (
        served(create_emulator(seed=2, employees=5)) as emulator,
        ProviderClient() as client,
        httpx.AsyncClient(trust_env=False) as plain,
    ):
        ours = await client.request(emulator.url, "GET", EMPLOYEES, access_token="x", query=[("limit", "2")])
        theirs = await plain.get(
            emulator.url + EMPLOYEES, params={"limit": "2"}, headers={"authorization": "Bearer x"}
        )

    assert ours.status_code == theirs.status_code == 401
    assert ours.json() == theirs.json()
    assert ours.headers["www-authenticate"] == theirs.headers["www-authenticate"]


async def test_connections_are_kept_alive_and_cookies_never_sent_back(
    client: ProviderClient, provider_url: str
) -> None:
    first = (await client.request(provider_url, "GET", "/echo/1", access_token="t")).json()
    second = (await client.request(provider_url, "GET", "/echo/2", access_token="t")).json()

    assert first["port"] == second["port"]
    assert "cookie" not in second["headers"]


async def test_a_redirect_is_handed_back_not_followed(client: ProviderClient, provider_url: str) -> None:
    response = await client.request(provider_url, "GET", "/redirect", access_token="t")

    assert response.status_code == 302
    assert response.headers["location"] == "https://elsewhere.example/steal"


@pytest.mark.parametrize("path", ["/big", "/trickle", "/bomb"])
async def test_an_answer_over_the_size_cap_is_refused(
    client: ProviderClient, provider_url: str, path: str
) -> None:
    # Declared too large, streamed past the cap, and a gzip bomb: capped by what it inflates to.
    with pytest.raises(ProviderError, match="larger than 4096 bytes"):
        await client.request(provider_url, "GET", path, access_token="t")

    assert (await client.request(provider_url, "GET", "/echo/after", access_token="t")).status_code == 200


async def test_a_compressed_answer_is_decoded(client: ProviderClient, provider_url: str) -> None:
    response = await client.request(provider_url, "GET", "/zipped", access_token="t")

    assert response.json() == {"zipped": True}
    assert "content-encoding" not in response.headers


async def test_a_corrupt_compressed_answer_is_unreadable_not_a_lost_connection(
    client: ProviderClient, provider_url: str
) -> None:
    with pytest.raises(ProviderError, match=r"could not be read \(corrupt encoding\)") as raised:
        await client.request(provider_url, "GET", "/corrupt", access_token="t")

    assert not isinstance(raised.value.__cause__, TransportFailure), "the provider answered: no resend"


async def test_a_slow_provider_is_a_timeout(client: ProviderClient, provider_url: str) -> None:
    with pytest.raises(ProviderTimeout, match=r"did not answer within 0\.3 s") as raised:
        await client.request(provider_url, "GET", "/slow", access_token="t", timeout=0.3)

    assert isinstance(raised.value.__cause__, TransportFailure)
    assert raised.value.__cause__.sent, "a read timeout leaves the outcome unknown"


async def test_a_body_that_dribbles_in_past_the_deadline_is_a_timeout(
    client: ProviderClient, provider_url: str
) -> None:
    # Each byte comes well within any per-read timeout; the one deadline covers the whole answer.
    with pytest.raises(ProviderTimeout, match=r"did not answer within 0\.5 s"):
        await client.request(provider_url, "GET", "/dribble", access_token="t", timeout=0.5)


async def test_a_closed_port_is_a_connect_error_so_nothing_was_sent(client: ProviderClient) -> None:
    with pytest.raises(ProviderError, match="Could not reach GET /x") as raised:
        await client.request(f"http://127.0.0.1:{free_port()}", "GET", "/x", access_token="t")

    assert isinstance(raised.value.__cause__, TransportFailure)
    assert not raised.value.__cause__.sent


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def raw_server(handler: Handler) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


async def test_a_get_meeting_a_connection_closed_while_idle_is_sent_again_but_a_post_is_not(
    client: ProviderClient,
) -> None:
    received: list[bytes] = []

    async def one_answer_per_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Answers the first request of a connection; at the second, closes it unanswered, as a server does
        # when its keep-alive timeout strikes just as a request arrives.
        for index in range(2):
            head = await reader.readuntil(b"\r\n\r\n")
            received.append(head.split(b"\r\n", 1)[0])
            if b"Content-Length: " in head:
                await reader.readexactly(int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]))
            if index == 1:
                break
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}")
            await writer.drain()
        writer.close()

    server, url = await raw_server(one_answer_per_connection)
    async with server:
        assert (await client.request(url, "GET", "/a", access_token="t")).status_code == 200
        assert (await client.request(url, "GET", "/b", access_token="t")).status_code == 200
        with pytest.raises(ProviderError, match="Could not reach POST /c") as raised:
            await client.request(url, "POST", "/c", access_token="t", json={})

    assert received == [b"GET /a HTTP/1.1", b"GET /b HTTP/1.1", b"GET /b HTTP/1.1", b"POST /c HTTP/1.1"]
    assert isinstance(raised.value.__cause__, TransportFailure)
    assert raised.value.__cause__.sent, "a POST cut off may have been acted on: never resent"


async def test_a_malformed_answer_is_a_protocol_error(client: ProviderClient) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 2OO NOT A STATUS\r\n\r\n")
        await writer.drain()
        writer.close()

    server, url = await raw_server(garbage)
    async with server:
        with pytest.raises(ProviderError, match="Could not reach GET /x") as raised:
            await client.request(url, "GET", "/x", access_token="t")

    assert isinstance(raised.value.__cause__, TransportFailure)
    assert raised.value.__cause__.sent


async def test_every_call_goes_through_the_outbound_proxy_with_its_credentials(provider_url: str) -> None:
    proxying = ForwardProxy()
    endpoints = ProviderEndpoints(
        base_url=provider_url,
        authorize_url=f"{provider_url}/echo/authorize",
        token_url=f"{provider_url}/echo/token",
        revoke_url=f"{provider_url}/echo/revoke",
    )
    async with served(proxying.app()) as proxy:
        egress = proxy.url.replace("http://", "http://egress:s%40cret@")
        async with ProviderClient(proxy=egress) as client:
            answer = await client.request(
                provider_url, "GET", "/echo/api", access_token="t", query=[("a", "1")]
            )
            await client.revoke(endpoints, client_id="app", client_secret="shh", token="tok")

    assert answer.status_code == 200
    assert answer.json()["query"] == [["a", "1"]]
    assert "proxy-authorization" not in answer.json()["headers"], (
        "the proxy's credentials stay with the proxy"
    )
    basic = "Basic " + base64.b64encode(b"egress:s@cret").decode()
    assert proxying.seen == [
        ("GET", f"{provider_url}/echo/api?a=1", basic),
        ("POST", f"{provider_url}/echo/revoke", basic),
    ]


async def test_without_a_proxy_setting_no_proxy_is_taken_from_the_environment(
    provider_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxying = ForwardProxy()
    async with served(proxying.app()) as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with ProviderClient() as client:
            answer = await client.request(provider_url, "GET", "/echo/direct", access_token="t")

    assert answer.status_code == 200
    assert proxying.seen == []


async def test_a_pinned_host_name_reaches_the_pinned_server_with_its_own_host_header(
    provider_url: str,
) -> None:
    port = int(provider_url.rsplit(":", 1)[1])
    async with ProviderClient(pins={"factorial.test": ("127.0.0.1", port)}) as client:
        answer = await client.request("http://factorial.test", "GET", "/echo/pinned", access_token="t")

    assert answer.json()["headers"]["host"] == "factorial.test"
    assert answer.url == "http://factorial.test/echo/pinned"


async def test_an_unreachable_proxy_is_a_connect_error_so_nothing_was_sent(provider_url: str) -> None:
    async with ProviderClient(proxy=f"http://127.0.0.1:{free_port()}") as client:
        with pytest.raises(ProviderError, match="Could not reach GET /echo/x") as raised:
            await client.request(provider_url, "GET", "/echo/x", access_token="t")

    assert isinstance(raised.value.__cause__, TransportFailure)
    assert not raised.value.__cause__.sent
