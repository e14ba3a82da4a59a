"""The provider client against the emulator (and a few hand-written transports for what it cannot fake):
token calls, OAuth errors, transient failures, timeouts, redirects, size caps, secrets kept out of URLs."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import httpx
import pytest

from linkyard.api.errors import status_of
from linkyard.domain import ManualClock
from linkyard.errors import ProviderError, ProviderTimeout
from linkyard.oauth import ProviderClient, ProviderEndpoints, ProviderOAuthError, quiet_http_loggers
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


async def test_a_slow_token_endpoint_is_a_timeout(emulator: object, linked: Linked, control: Control) -> None:
    await control.settings(token_latency_ms=500)
    transport = httpx.ASGITransport(app=emulator)  # type: ignore[arg-type]
    async with ProviderClient(transport=transport, timeout=0.05) as slow:
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


# --- what the emulator cannot fake: a transport written for the test ----------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def fake() -> AsyncIterator[Callable[..., ProviderClient]]:
    clients: list[ProviderClient] = []

    def _make(handler: Handler, **options: object) -> ProviderClient:
        client = ProviderClient(transport=httpx.MockTransport(handler), **options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.aclose()


ENDPOINTS = ProviderEndpoints(
    base_url="https://provider.test",
    authorize_url="https://provider.test/oauth/authorize",
    token_url="https://provider.test/oauth/token",
    revoke_url="https://provider.test/oauth/revoke",
)


async def test_secrets_travel_in_the_post_body_never_in_the_url(fake: Callable[..., ProviderClient]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "AT", "token_type": "Bearer", "expires_in": 3600})

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

    for request in seen:
        assert request.method == "POST" and not request.url.query
        for secret in ("CS-1", "CODE-1", "V-1", "RT-1"):
            assert secret not in str(request.url)
    bodies = [dict(httpx.QueryParams(request.content.decode())) for request in seen]
    assert bodies[0]["code_verifier"] == "V-1" and bodies[0]["client_secret"] == "CS-1"
    assert bodies[1] == {
        "grant_type": "refresh_token",
        "refresh_token": "RT-1",
        "client_id": "cid",
        "client_secret": "CS-1",
    }


async def test_an_echoed_secret_is_redacted_from_the_error(fake: Callable[..., ProviderClient]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        sent = dict(httpx.QueryParams(request.content.decode()))
        echo = f"grant {sent['refresh_token']} of client {sent['client_secret']} is dead"
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": echo})

    with pytest.raises(ProviderOAuthError) as raised:
        await fake(handler).refresh(ENDPOINTS, client_id="cid", client_secret="CS-9", refresh_token="RT-9")

    shown = f"{raised.value} {raised.value.description} {raised.value.provider_errors!r}"
    assert "RT-9" not in shown and "CS-9" not in shown
    assert raised.value.description == "grant [redacted] of client [redacted] is dead"


async def test_redirects_are_not_followed(fake: Callable[..., ProviderClient]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"location": "https://evil.test/steal"})

    client = fake(handler)
    response = await client.request("https://provider.test", "GET", "/api/x", access_token="AT-1")
    with pytest.raises(ProviderError):
        await client.refresh(ENDPOINTS, client_id="cid", client_secret="CS", refresh_token="RT")

    assert response.status_code == 302
    assert all("evil.test" not in url for url in calls) and len(calls) == 2


@pytest.mark.parametrize("declared", [True, False])
async def test_an_oversized_answer_is_refused(fake: Callable[..., ProviderClient], declared: bool) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        if declared:
            return httpx.Response(200, content=b"x" * 100_000)
        return httpx.Response(200, content=trickle())

    with pytest.raises(ProviderError) as raised:
        await fake(handler, max_response_bytes=10_000).request(
            ENDPOINTS.base_url, "GET", "/a", access_token="AT"
        )
    assert "larger than 10000 bytes" in str(raised.value)


async def test_a_compressed_answer_is_capped_by_what_it_inflates_to(
    fake: Callable[..., ProviderClient],
) -> None:
    bomb = gzip.compress(b"0" * 1_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"})

    with pytest.raises(ProviderError):
        await fake(handler, max_response_bytes=100_000).request(
            ENDPOINTS.base_url, "GET", "/a", access_token="AT"
        )


async def test_a_compressed_answer_within_the_cap_is_decoded_once(
    fake: Callable[..., ProviderClient],
) -> None:
    body = json.dumps({"data": [1, 2, 3]}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer AT-7"
        assert request.url.params.get_list("ids[]") == ["1", "2"]
        return httpx.Response(200, content=gzip.compress(body), headers={"content-encoding": "gzip"})

    response = await fake(handler).request(
        ENDPOINTS.base_url, "GET", "/a", access_token="AT-7", query=[("ids[]", "1"), ("ids[]", "2")]
    )

    assert response.json() == {"data": [1, 2, 3]}


async def test_a_cookie_set_on_one_call_never_rides_along_on_the_next(
    fake: Callable[..., ProviderClient],
) -> None:
    cookies: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cookies.append(request.headers.get("cookie"))
        return httpx.Response(200, json={}, headers={"set-cookie": "session=tenant-a; Path=/"})

    client = fake(handler)
    await client.request(ENDPOINTS.base_url, "GET", "/a", access_token="AT-tenant-a")
    await client.request(ENDPOINTS.base_url, "GET", "/a", access_token="AT-tenant-b")

    assert cookies == [None, None]


async def test_an_unreachable_provider_is_a_provider_error(fake: Callable[..., ProviderClient]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ProviderError) as raised:
        await fake(handler).request(ENDPOINTS.base_url, "GET", "/a", access_token="AT")

    assert status_of(raised.value) == 502 and "ConnectError" in str(raised.value)
    assert isinstance(raised.value.__cause__, httpx.ConnectError)


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
