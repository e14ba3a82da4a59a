"""The provider client against the emulator (and a few hand-written providers for what it cannot fake), all
over loopback: token calls, OAuth errors, transient failures, timeouts, redirects, size caps, secrets kept out
of URLs."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from linkyard.api.errors import status_of
from linkyard.domain import ManualClock
from linkyard.errors import ProviderError, ProviderTimeout
from linkyard.oauth import ProviderClient, ProviderEndpoints, ProviderOAuthError, quiet_http_loggers
from linkyard.oauth.transport import TransportFailure
from tests.live_server import Served, free_port, served
from tests.oauth.conftest import BASE, CREDENTIALS_PATH, Control, LinkAccount, Linked, expire


@pytest.fixture
def backend() -> str:
    """The store is not under test here: SQLite only."""
    return "sqlite"


async def test_a_user_token_lives_as_long_as_the_providers_expires_in_says(
    control: Control, link: LinkAccount, clock: ManualClock
) -> None:
    await control.settings(access_token_ttl=600)

    linked = await link()

    assert linked.token.expires_at == clock() + timedelta(seconds=600)
    assert linked.token.refresh_token and linked.token.token_type == "user"
    assert linked.token.scopes == ("employees",)


async def test_a_company_token_has_no_expiry_and_no_refresh_token(link: LinkAccount) -> None:
    linked = await link(token_type="company")

    assert (linked.token.expires_at, linked.token.refresh_token) == (None, None)
    assert linked.token.token_type == "company"


async def test_a_refresh_rotates_both_tokens(
    provider: ProviderClient, endpoints: ProviderEndpoints, linked: Linked, control: Control
) -> None:
    new = await provider.refresh(
        endpoints,
        client_id=linked.profile.client_id,
        client_secret=linked.client_secret,
        refresh_token=str(linked.token.refresh_token),
    )

    assert new.access_token != linked.token.access_token
    assert new.refresh_token not in (None, linked.token.refresh_token)
    assert await control.call(new.access_token) == 200
    assert await control.call(linked.token.access_token) == 401


async def test_a_reused_refresh_token_is_an_invalid_grant_that_names_no_secret(
    provider: ProviderClient, endpoints: ProviderEndpoints, linked: Linked
) -> None:
    refresh_token = str(linked.token.refresh_token)
    client_id, client_secret = linked.profile.client_id, linked.client_secret
    await provider.refresh(
        endpoints, client_id=client_id, client_secret=client_secret, refresh_token=refresh_token
    )

    with pytest.raises(ProviderOAuthError) as raised:
        await provider.refresh(
            endpoints, client_id=client_id, client_secret=client_secret, refresh_token=refresh_token
        )

    error = raised.value
    assert (error.error, error.http_status, status_of(error)) == ("invalid_grant", 400, 502)
    shown = f"{error} {error.description} {error.provider_errors!r}"
    assert refresh_token not in shown and linked.client_secret not in shown
    assert error.provider_errors[0]["url"] == f"{BASE}/oauth/token"


async def test_a_wrong_client_secret_is_an_invalid_client(
    provider: ProviderClient, endpoints: ProviderEndpoints, linked: Linked
) -> None:
    with pytest.raises(ProviderOAuthError) as raised:
        await provider.refresh(
            endpoints,
            client_id=linked.profile.client_id,
            client_secret="wrong-secret",
            refresh_token=str(linked.token.refresh_token),
        )

    assert raised.value.error == "invalid_client"


async def test_a_5xx_on_the_token_endpoint_is_a_transient_provider_error(
    provider: ProviderClient, endpoints: ProviderEndpoints, linked: Linked, control: Control
) -> None:
    await control.fault(method="POST", path="/oauth/token", status=503, times=1)

    with pytest.raises(ProviderError) as raised:
        await provider.refresh(
            endpoints,
            client_id=linked.profile.client_id,
            client_secret=linked.client_secret,
            refresh_token=str(linked.token.refresh_token),
        )

    assert not isinstance(raised.value, ProviderOAuthError)
    assert status_of(raised.value) == 502 and raised.value.provider_errors[0]["status"] == 503


async def test_a_slow_token_endpoint_is_a_timeout(
    upstream_server: Served, linked: Linked, control: Control
) -> None:
    await control.settings(token_latency_ms=500)
    async with ProviderClient(pins=upstream_server.pins(), timeout=0.05) as slow:
        with pytest.raises(ProviderTimeout) as raised:
            await slow.refresh(
                ProviderEndpoints(
                    base_url=BASE, authorize_url="", token_url=f"{BASE}/oauth/token", revoke_url=None
                ),
                client_id=linked.profile.client_id,
                client_secret=linked.client_secret,
                refresh_token=str(linked.token.refresh_token),
            )
    assert status_of(raised.value) == 408


async def test_revoking_a_token_ends_its_grant(
    provider: ProviderClient, endpoints: ProviderEndpoints, linked: Linked, control: Control
) -> None:
    await provider.revoke(
        endpoints,
        client_id=linked.profile.client_id,
        client_secret=linked.client_secret,
        token=str(linked.token.refresh_token),
    )

    assert await control.call(linked.token.access_token) == 401
    assert (await control.stats())["revocations"] == 1


async def test_an_authenticated_call_carries_the_bearer_token_and_returns_the_answer(
    provider: ProviderClient, linked: Linked, control: Control, clock: ManualClock
) -> None:
    ok = await provider.request(BASE, "GET", CREDENTIALS_PATH, access_token=linked.token.access_token)
    expire(clock, linked.token)
    expired = await provider.request(BASE, "GET", CREDENTIALS_PATH, access_token=linked.token.access_token)

    assert ok.status_code == 200 and ok.json()["data"][0]["company_id"]
    assert expired.status_code == 401


# --- what the emulator cannot fake: a provider written for the test, served on loopback ----------------------

Handler = Callable[[Request], Awaitable[Response]]
PROVIDER_HOST = "provider.test"


@pytest.fixture
async def fake() -> AsyncIterator[Callable[..., ProviderClient]]:
    """`fake(handler, **options)`: a provider client whose calls to `provider.test` reach `handler`."""
    clients: list[ProviderClient] = []
    handlers: list[Handler] = []

    async def dispatch(request: Request) -> Response:
        return await handlers[-1](request)

    app = Starlette(routes=[Route("/{rest:path}", dispatch, methods=["GET", "POST"])])
    async with served(app) as running:

        def _make(handler: Handler, **options: Any) -> ProviderClient:
            handlers.append(handler)
            client = ProviderClient(pins=running.pins(PROVIDER_HOST), **options)
            clients.append(client)
            return client

        yield _make
        for client in clients:
            await client.aclose()


ENDPOINTS = ProviderEndpoints(
    base_url="http://provider.test",
    authorize_url="http://provider.test/oauth/authorize",
    token_url="http://provider.test/oauth/token",
    revoke_url="http://provider.test/oauth/revoke",
)


async def form_of(request: Request) -> dict[str, str]:
    return dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))


async def test_secrets_travel_in_the_post_body_never_in_the_url(fake: Callable[..., ProviderClient]) -> None:
    seen: list[tuple[str, str, str]] = []

    async def handler(request: Request) -> Response:
        seen.append((request.method, str(request.url), (await request.body()).decode()))
        return JSONResponse({"access_token": "AT", "token_type": "Bearer", "expires_in": 3600})

    client = fake(handler)
    await client.exchange_code(
        ENDPOINTS,
        client_id="cid",
        client_secret="CS-1",
        code="CODE-1",
        redirect_uri="https://x/cb",
        code_verifier="V-1",
    )
    await client.refresh(ENDPOINTS, client_id="cid", client_secret="CS-1", refresh_token="RT-1")
    await client.revoke(ENDPOINTS, client_id="cid", client_secret="CS-1", token="RT-1")

    for method, url, _ in seen:
        assert method == "POST" and "?" not in url
        for secret in ("CS-1", "CODE-1", "V-1", "RT-1"):
            assert secret not in url
    bodies = [dict(parse_qsl(body)) for _, _, body in seen]
    assert bodies[0]["code_verifier"] == "V-1" and bodies[0]["client_secret"] == "CS-1"
    assert bodies[1] == {
        "grant_type": "refresh_token",
        "refresh_token": "RT-1",
        "client_id": "cid",
        "client_secret": "CS-1",
    }


async def test_an_echoed_secret_is_redacted_from_the_error(fake: Callable[..., ProviderClient]) -> None:
    async def handler(request: Request) -> Response:
        sent = await form_of(request)
        echo = f"grant {sent['refresh_token']} of client {sent['client_secret']} is dead"
        return JSONResponse({"error": "invalid_grant", "error_description": echo}, status_code=400)

    with pytest.raises(ProviderOAuthError) as raised:
        await fake(handler).refresh(ENDPOINTS, client_id="cid", client_secret="CS-9", refresh_token="RT-9")

    shown = f"{raised.value} {raised.value.description} {raised.value.provider_errors!r}"
    assert "RT-9" not in shown and "CS-9" not in shown
    assert raised.value.description == "grant [redacted] of client [redacted] is dead"


async def test_redirects_are_not_followed(fake: Callable[..., ProviderClient]) -> None:
    calls: list[str] = []

    async def handler(request: Request) -> Response:
        calls.append(str(request.url))
        return Response(status_code=302, headers={"location": "https://evil.test/steal"})

    client = fake(handler)
    response = await client.request("http://provider.test", "GET", "/api/x", access_token="AT-1")
    with pytest.raises(ProviderError):
        await client.refresh(ENDPOINTS, client_id="cid", client_secret="CS", refresh_token="RT")

    assert response.status_code == 302
    assert all("evil.test" not in url for url in calls) and len(calls) == 2


@pytest.mark.parametrize("declared", [True, False])
async def test_an_oversized_answer_is_refused(fake: Callable[..., ProviderClient], declared: bool) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    async def handler(request: Request) -> Response:
        if declared:
            return Response(b"x" * 100_000)
        return StreamingResponse(trickle())

    with pytest.raises(ProviderError) as raised:
        await fake(handler, max_response_bytes=10_000).request(
            ENDPOINTS.base_url, "GET", "/a", access_token="AT"
        )
    assert "larger than 10000 bytes" in str(raised.value)


async def test_a_compressed_answer_is_capped_by_what_it_inflates_to(
    fake: Callable[..., ProviderClient],
) -> None:
    bomb = gzip.compress(b"0" * 1_000_000)

    async def handler(request: Request) -> Response:
        return Response(bomb, headers={"content-encoding": "gzip"})

    with pytest.raises(ProviderError):
        await fake(handler, max_response_bytes=100_000).request(
            ENDPOINTS.base_url, "GET", "/a", access_token="AT"
        )


async def test_a_compressed_answer_within_the_cap_is_decoded_once(
    fake: Callable[..., ProviderClient],
) -> None:
    body = json.dumps({"data": [1, 2, 3]}).encode()

    async def handler(request: Request) -> Response:
        if request.headers["authorization"] != "Bearer AT-7" or request.query_params.getlist("ids[]") != [
            "1",
            "2",
        ]:
            return Response(status_code=400)
        return Response(gzip.compress(body), headers={"content-encoding": "gzip"})

    response = await fake(handler).request(
        ENDPOINTS.base_url, "GET", "/a", access_token="AT-7", query=[("ids[]", "1"), ("ids[]", "2")]
    )

    assert response.json() == {"data": [1, 2, 3]}


async def test_a_cookie_set_on_one_call_never_rides_along_on_the_next(
    fake: Callable[..., ProviderClient],
) -> None:
    cookies: list[str | None] = []

    async def handler(request: Request) -> Response:
        cookies.append(request.headers.get("cookie"))
        return JSONResponse({}, headers={"set-cookie": "session=tenant-a; Path=/"})

    client = fake(handler)
    await client.request(ENDPOINTS.base_url, "GET", "/a", access_token="AT-tenant-a")
    await client.request(ENDPOINTS.base_url, "GET", "/a", access_token="AT-tenant-b")

    assert cookies == [None, None]


async def test_an_unreachable_provider_is_a_provider_error() -> None:
    async with ProviderClient(pins={PROVIDER_HOST: ("127.0.0.1", free_port())}) as client:
        with pytest.raises(ProviderError) as raised:
            await client.request(ENDPOINTS.base_url, "GET", "/a", access_token="AT")

    assert status_of(raised.value) == 502
    assert "Could not reach GET /a (ClientConnectorError)" in str(raised.value)
    assert isinstance(raised.value.__cause__, TransportFailure) and not raised.value.__cause__.sent


def test_quiet_http_loggers_clamps_the_http_libraries_to_warning() -> None:
    names = ("httpx", "httpcore")
    before = {name: logging.getLogger(name).level for name in names}
    try:
        for name in names:
            logging.getLogger(name).setLevel(logging.DEBUG)
        quiet_http_loggers()
        assert all(logging.getLogger(name).getEffectiveLevel() == logging.WARNING for name in names)
        assert logging.getLogger("httpcore.http11").getEffectiveLevel() == logging.WARNING
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)
