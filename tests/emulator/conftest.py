"""Fixtures for emulator tests: an in-process emulator over ASGI, one served by uvicorn on loopback, and the
official client of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from factorial_api_client import FactorialClient
from starlette.applications import Starlette

from linkyard.emulator.factorial import create_app
from tests.live_server import serve

BASE = "http://factorial.test"


@pytest.fixture
async def emulator() -> AsyncIterator[Starlette]:
    app = create_app(seed=7, employees=60)
    yield app
    await app.state.webhooks.aclose()


@pytest.fixture
async def client(emulator: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=BASE) as http:
        yield http


@pytest.fixture
async def api_key(client: httpx.AsyncClient) -> str:
    """An API key of the seeded company, made through the control API."""
    companies = (await client.get("/_emulator/companies")).json()
    response = await client.post("/_emulator/api_keys", json={"company_id": companies[0]["id"]})
    assert response.status_code == 201
    return str(response.json()["api_key"])


@pytest.fixture(scope="module")
def live_emulator() -> Iterator[str]:
    """A real emulator on a loopback port, 250 employees, shared by a module's tests (they only read or add)."""
    with serve(create_app(seed=11, employees=250)) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def sdk(live_emulator: str) -> Iterator[FactorialClient]:
    """The official `factorial-api-client`, unchanged, with an API key of the live emulator's first company."""
    company = control(live_emulator, "GET", "companies")[0]
    key = control(live_emulator, "POST", "api_keys", {"company_id": company["id"]})["api_key"]
    client = FactorialClient(api_key=key, base_url=live_emulator)
    yield client
    # The SDK has no close(); close its keep-alive connections before the server stops.
    client._client.get_httpx_client().close()


def control(base_url: str, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(method, f"{base_url}/_emulator/{path}", json=body, timeout=10)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


REDIRECT_URI = "https://app.example/callback"


async def obtain_token(
    http: httpx.AsyncClient,
    login_email: str,
    *,
    scopes: list[str] | None = None,
    company_token: bool = False,
) -> dict[str, Any]:
    """Walk the OAuth form contract (authorize → consent → code → token) and return the token response."""
    app_scopes = scopes or ["employees", "time_off", "contracts", "recruitment", "time_tracking"]
    created = await http.post(
        "/_emulator/oauth_applications",
        json={
            "name": "Test app",
            "redirect_uris": [REDIRECT_URI],
            "scopes": app_scopes,
            "confidential": True,
        },
    )
    assert created.status_code == 201, created.text
    application = created.json()
    consent = await http.post(
        "/oauth/authorize",
        data={
            "client_id": application["client_id"],
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": " ".join(app_scopes),
            "state": "s1",
            "resource_owner_type": "company" if company_token else "",
            "code_challenge": "",
            "code_challenge_method": "",
            "login_email": login_email,
            "decision": "approve",
        },
    )
    assert consent.status_code == 302, consent.text
    code = httpx.URL(consent.headers["location"]).params["code"]
    token = await http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": application["client_id"],
            "client_secret": application["client_secret"],
        },
    )
    assert token.status_code == 200, token.text
    return dict(token.json())


async def seeded_company(http: httpx.AsyncClient) -> dict[str, Any]:
    return dict((await http.get("/_emulator/companies")).json()[0])
