"""`connector_case`: each connector with its provider app and how a person links an account there, so that one
test walks the same generic flow (connect, actions, MCP, the dashboard's profile form) for every connector.

The platform runs in-process with Tiny HR added to its catalogue (`create_app(connectors=...)`, the seam a
connector declared outside Linkyard's package uses); each case's provider is served on loopback, its host name
pinned there in the platform's provider client.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.connectors import Connector, get_connector
from linkyard.domain import ManualClock
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.emulator.factorial.state import Clock as EmulatorClock
from linkyard.services import create_project
from linkyard.store import Store, generate_key_entry
from tests.harness.platform import PUBLIC_URL, basic, dashboard_sign_in
from tests.live_server import Served
from tests.tinyhr.declaration import tinyhr
from tests.tinyhr.provider import MEMBER_EMAIL, create_provider

ADMIN_TOKEN = "admin-token-of-the-connector-case-tests-0123"
FACTORIAL_URL = "http://factorial.test"
TINYHR_URL = "http://tinyhr.test"


@dataclass(frozen=True, kw_only=True)
class Reading:
    """What a generic test may call on a connector: a list action that pages, a lookup by a listed record's
    `id`, and a write with arguments that work on the provider app."""

    list_action: str
    get_action: str
    write_action: str
    write_arguments: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ConnectorCase:
    """One connector, its provider app, and what differs in linking an account there."""

    key: str
    base_url: str
    provider: Callable[[ManualClock], AbstractAsyncContextManager[Starlette]]
    register: Callable[[httpx.AsyncClient, str], Awaitable[tuple[str, str]]]
    """Register an OAuth application for a redirect URI at the provider: its client id and secret."""
    consent: Callable[[httpx.AsyncClient, httpx.URL], Awaitable[httpx.URL]]
    """Consent on the provider's page the authorize URL opens; the redirect back to the platform."""
    scopes: list[str]
    reading: Reading

    @property
    def connector(self) -> Connector:
        return get_connector(self.key)


# -- Factorial ---------------------------------------------------------------------------------------------------


@asynccontextmanager
async def _factorial_emulator(clock: ManualClock) -> AsyncIterator[Starlette]:
    app = create_emulator(seed=3, employees=25, clock=EmulatorClock(lambda: clock().timestamp()))
    try:
        yield app
    finally:
        await app.state.webhooks.aclose()


async def _factorial_register(http: httpx.AsyncClient, redirect_uri: str) -> tuple[str, str]:
    body = {"name": "Acme", "redirect_uris": [redirect_uri], "scopes": ["employees"], "confidential": True}
    created = await http.post("/_emulator/oauth_applications", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["client_id"]), str(created.json()["client_secret"])


async def _factorial_consent(http: httpx.AsyncClient, authorize_url: httpx.URL) -> httpx.URL:
    admin = (await http.get("/_emulator/companies")).json()[0]["admin"]["email"]
    names = ("client_id", "redirect_uri", "response_type", "scope", "state", "resource_owner_type")
    form = {name: authorize_url.params.get(name, "") for name in names}
    for name in ("code_challenge", "code_challenge_method"):
        form[name] = authorize_url.params.get(name, "")
    answer = await http.post("/oauth/authorize", data={**form, "login_email": admin, "decision": "approve"})
    assert answer.status_code == 302, answer.text
    return httpx.URL(answer.headers["location"])


# -- Tiny HR -----------------------------------------------------------------------------------------------------


@asynccontextmanager
async def _tinyhr_provider(clock: ManualClock) -> AsyncIterator[Starlette]:
    yield create_provider(people=40)


async def _tinyhr_register(http: httpx.AsyncClient, redirect_uri: str) -> tuple[str, str]:
    created = await http.post("/developers/apps", json={"redirect_uri": redirect_uri})
    assert created.status_code == 201, created.text
    return str(created.json()["client_id"]), str(created.json()["client_secret"])


async def _tinyhr_consent(http: httpx.AsyncClient, authorize_url: httpx.URL) -> httpx.URL:
    page = await http.get(authorize_url.raw_path.decode())
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page.text))
    form = {name: html.unescape(value) for name, value in fields.items()}
    answer = await http.post("/oauth2/auth", data={**form, "email": MEMBER_EMAIL, "decision": "approve"})
    assert answer.status_code == 302, answer.text
    return httpx.URL(answer.headers["location"])


CASES = {
    "factorialhr": ConnectorCase(
        key="factorialhr",
        base_url=FACTORIAL_URL,
        provider=_factorial_emulator,
        register=_factorial_register,
        consent=_factorial_consent,
        scopes=["employees"],
        reading=Reading(
            list_action="factorialhr_list_employees",
            get_action="factorialhr_get_employee",
            write_action="factorialhr_create_employee",
            write_arguments={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
        ),
    ),
    "tinyhr": ConnectorCase(
        key="tinyhr",
        base_url=TINYHR_URL,
        provider=_tinyhr_provider,
        register=_tinyhr_register,
        consent=_tinyhr_consent,
        scopes=["people:read", "people:write"],
        reading=Reading(
            list_action="tinyhr_list_people",
            get_action="tinyhr_get_person",
            write_action="tinyhr_create_person",
            write_arguments={"name": "Grace Hopper", "team": "platform"},
        ),
    ),
}


@pytest.fixture(params=sorted(CASES))
def connector_case(request: pytest.FixtureRequest) -> ConnectorCase:
    return CASES[str(request.param)]


# -- the platform, with the case's provider behind it -----------------------------------------------------------


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        public_url=PUBLIC_URL,
        encryption_keys=generate_key_entry("k1"),
        sandbox_urls={"factorialhr": FACTORIAL_URL, "tinyhr": TINYHR_URL},
        admin_token=ADMIN_TOKEN,
    )


@pytest.fixture
async def provider(connector_case: ConnectorCase, clock: ManualClock) -> AsyncIterator[Starlette]:
    async with connector_case.provider(clock) as app:
        yield app


@pytest.fixture
def upstream(provider: Starlette) -> Starlette:
    """The platform's calls reach the case's provider (served by the harness's `upstream_server`)."""
    return provider


@pytest.fixture
async def app(
    settings: Settings,
    store: Store,
    clock: ManualClock,
    connector_case: ConnectorCase,
    upstream_server: Served,
) -> AsyncIterator[FastAPI]:
    platform = create_app(
        settings,
        store=store,
        clock=clock,
        provider_pins=upstream_server.pins(urlsplit(connector_case.base_url).hostname or ""),
        connectors=[tinyhr()],
    )
    async with platform.router.lifespan_context(platform):
        yield platform


@dataclass
class World:
    """The integrator's API client, the provider as its admin sees it, and browsers for end users."""

    case: ConnectorCase
    app: FastAPI
    api: httpx.AsyncClient
    provider: httpx.AsyncClient
    store: Store
    browsers: list[httpx.AsyncClient] = field(default_factory=list)

    def browser(self) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=PUBLIC_URL)
        self.browsers.append(client)
        return client

    async def tenant(self) -> tuple[str, str]:
        """A new project: its id and raw API key."""
        created = await create_project(self.store, "Acme", allowed_origins=("https://app.example.com",))
        return created.project.id, created.api_key.raw

    async def profile(self, key: str, **fields: Any) -> dict[str, Any]:
        """A profile of the case's connector on the sandbox, with an application registered at the provider
        (the token type left out: the connector's first)."""
        redirect_uri = f"{PUBLIC_URL}/connect/oauth2/{self.case.key}/callback"
        client_id, client_secret = await self.case.register(self.provider, redirect_uri)
        body = {
            "connector": self.case.key,
            "environment": "sandbox",
            "client_id": client_id,
            "client_secret": client_secret,
            "scopes": self.case.scopes,
            **fields,
        }
        created = await self.api.post("/connector_profiles", json=body, headers=basic(key))
        assert created.status_code == 201, created.text
        return dict(created.json())

    async def link(self, key: str) -> dict[str, Any]:
        """An end user opens a connect link, consents at the provider, and comes back: the linked account."""
        created = await self.api.post(
            "/connect_sessions",
            json={"origin_owner_id": "customer-1", "origin_owner_name": "Customer One"},
            headers=basic(key),
        )
        assert created.status_code == 201, created.text
        session = created.json()
        browser = self.browser()
        page = await browser.get(httpx.URL(session["auth_link_url"]).raw_path.decode())
        assert page.status_code == 200, page.text
        assert self.case.connector.name in page.text
        button = re.search(r'class="button" href="([^"]+)"', page.text)
        assert button is not None, page.text
        start = await browser.get(html.unescape(button.group(1)))
        assert start.status_code == 302, start.text
        authorize_url = httpx.URL(start.headers["location"])
        assert str(authorize_url).startswith(
            f"{self.case.base_url}{self.case.connector.auth.authorize_path}?"
        )
        callback = await self.case.consent(self.provider, authorize_url)
        assert str(callback).startswith(f"{PUBLIC_URL}/connect/oauth2/{self.case.key}/callback?")
        final = await browser.get(callback.raw_path.decode())
        assert final.status_code in (200, 303), final.text
        done = await self.api.post(
            "/connect_sessions/authenticate", json={"token": session["token"]}, headers=basic(key)
        )
        account_id = done.json()["linked_account_id"]
        assert account_id, done.text
        account = await self.api.get(f"/accounts/{account_id}", headers=basic(key))
        assert account.status_code == 200, account.text
        return dict(account.json())

    async def rpc(self, key: str, account_id: str, action: str, **call: Any) -> httpx.Response:
        return await self.api.post(
            "/actions/rpc",
            json={"action": action, **call},
            headers={**basic(key), "x-account-id": account_id},
        )

    async def dashboard(self, key: str) -> tuple[httpx.AsyncClient, str]:
        """A browser signed in to the dashboard with an API key, and its form token."""
        browser = self.browser()
        answer = await dashboard_sign_in(browser, key)
        assert answer.status_code == 303, answer.text
        page = await browser.get("/projects")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None, page.text
        return browser, html.unescape(found.group(1))


@pytest.fixture
async def world(
    connector_case: ConnectorCase, app: FastAPI, provider: Starlette, store: Store
) -> AsyncIterator[World]:
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as api,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=provider), base_url=connector_case.base_url
        ) as http,
    ):
        world = World(case=connector_case, app=app, api=api, provider=http, store=store)
        try:
            yield world
        finally:
            for browser in world.browsers:
                await browser.aclose()
