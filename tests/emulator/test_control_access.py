"""Who may call the control API (`/_emulator/`): with a control token, only a caller presenting it as a bearer
token; without one, only loopback callers, and the app refuses to be built for a non-loopback address."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.emulator.factorial import ControlExposed, create_app, is_loopback
from tests.emulator.conftest import BASE

TOKEN = "a-control-token-of-some-length"
CONTROL_CALLS = [
    ("GET", "stats", None),
    ("GET", "settings", None),
    ("GET", "companies", None),
    ("PUT", "settings", {"latency_ms": 0}),
    ("POST", "clock", {"advance_seconds": 1}),
    ("POST", "api_keys", {"company_id": 1}),
    ("POST", "faults", {"method": "GET", "path": "*", "status": 500}),
    ("DELETE", "faults", None),
    ("POST", "revoke", {"token": "x"}),
    ("POST", "companies", {"name": "Other", "employees": 1}),
    (
        "POST",
        "oauth_applications",
        {"name": "A", "redirect_uris": ["https://a.example/cb"], "scopes": ["employees"]},
    ),
    ("POST", "reset", {}),
]


@pytest.fixture
async def guarded() -> AsyncIterator[Starlette]:
    app = create_app(seed=7, employees=5, control_token=TOKEN, host="0.0.0.0")  # noqa: S104 - what is tested
    yield app
    await app.state.webhooks.aclose()


def _client(app: Starlette, *, peer: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 50000)), base_url=BASE)


@pytest.mark.parametrize(("method", "path", "body"), CONTROL_CALLS)
async def test_with_a_token_every_control_call_needs_it_as_a_bearer_token(
    guarded: Starlette, method: str, path: str, body: object
) -> None:
    async with _client(guarded, peer="203.0.113.7") as http:
        for headers in ({}, {"authorization": "Bearer wrong-token-wrong-token"}, {"authorization": TOKEN}):
            refused = await http.request(method, f"/_emulator/{path}", json=body, headers=headers)
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"].startswith("Bearer")
            assert TOKEN not in refused.text
        allowed = await http.request(
            method, f"/_emulator/{path}", json=body, headers={"authorization": f"Bearer {TOKEN}"}
        )
        assert allowed.status_code < 300, allowed.text


async def test_a_refused_control_call_changes_nothing(guarded: Starlette) -> None:
    async with _client(guarded) as http:
        bearer = {"authorization": f"Bearer {TOKEN}"}
        before = (await http.get("/_emulator/settings", headers=bearer)).json()
        assert (await http.put("/_emulator/settings", json={"latency_ms": 5000})).status_code == 401
        assert (await http.post("/_emulator/api_keys", json={"company_id": 1})).status_code == 401
        assert (await http.get("/_emulator/settings", headers=bearer)).json() == before
        # Factorial's own API is not behind the control token.
        assert (await http.get("/oauth/applications")).status_code != 401


async def test_without_a_token_only_loopback_callers_get_in() -> None:
    app = create_app(seed=7, employees=5)
    try:
        for peer in ("127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"):
            async with _client(app, peer=peer) as http:
                assert (await http.get("/_emulator/stats")).status_code == 200, peer
        for peer in ("203.0.113.7", "10.0.0.2", "::ffff:10.0.0.2", "2001:db8::1"):
            async with _client(app, peer=peer) as http:
                refused = await http.get("/_emulator/stats")
                assert refused.status_code == 403, peer
                assert "loopback" in refused.json()["errors"]["base"][0]
    finally:
        await app.state.webhooks.aclose()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "[::]", "192.168.1.20", "example.test", ""])  # noqa: S104
def test_an_app_for_a_non_loopback_address_needs_a_token(host: str) -> None:
    with pytest.raises(ControlExposed, match="--control-token"):
        create_app(seed=7, employees=5, host=host)
    create_app(seed=7, employees=5, host=host, control=False)
    create_app(seed=7, employees=5, host=host, control_token=TOKEN)


@pytest.mark.parametrize("token", ["short", " " + TOKEN, TOKEN + "\n"])
def test_a_weak_or_padded_token_is_refused(token: str) -> None:
    with pytest.raises(ControlExposed, match="at least 16 characters"):
        create_app(seed=7, employees=5, control_token=token)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", False),  # noqa: S104
        ("::", False),
        ("10.1.2.3", False),
        ("localhost.example.test", False),
        ("", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
