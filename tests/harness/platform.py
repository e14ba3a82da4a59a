"""The platform and the Factorial emulator, both in-process over real HTTP, sharing one manual clock; a store on
the test's database (`tests.harness.database`).

`upstream_server` is the one wire from the platform (and the tests' provider clients) to the emulator: `upstream`
(the emulator, or what a test puts in front of it) served on loopback, `FACTORIAL`'s host name pinned to it.
`Harness` walks what an integrator and an end user's browser do: create a project and a profile, open a connect
session, follow the hosted page's button to Factorial, post the consent form, come back to the callback.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.types import ASGIApp

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.domain import ManualClock
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.emulator.factorial.state import Clock as EmulatorClock
from linkyard.services import create_project
from linkyard.store import Store, generate_key_entry
from tests.live_server import Served, served

PUBLIC_URL = "http://linkyard.test"
FACTORIAL = "http://factorial.test"
CALLBACK_PATH = "/connect/oauth2/factorialhr/callback"
REDIRECT_URI = f"{PUBLIC_URL}{CALLBACK_PATH}"
RETURN_ORIGIN = "https://app.example.com"
ALL_SCOPES = ["employees", "time_off", "contracts", "company_locations", "recruitment", "time_tracking"]


def platform_settings(database_url: str, **overrides: Any) -> Settings:
    """The tests' platform settings on `database_url` (public URL, a fresh key, the emulator as Factorial's
    sandbox), with `overrides` on top: a test module that needs other limits builds its own from this."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "public_url": PUBLIC_URL,
        "encryption_keys": generate_key_entry("k1"),
        "sandbox_urls": {"factorialhr": FACTORIAL},
    }
    return Settings(**(values | overrides))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return platform_settings(
        database_url,
        # A test sends calls as fast as it can with one key; the request rates are tested on their own
        # (tests/api/test_rate_limits.py), and a fast machine must not turn a test's calls into 429s.
        rate_limit_per_key=None,
        rate_limit_per_project=None,
    )


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    """The seeded emulator's `(seed, employees)`; a package overrides it for a different company."""
    return 3, 25


@pytest.fixture
async def emulator(clock: ManualClock, emulator_shape: tuple[int, int]) -> AsyncIterator[Starlette]:
    """The Factorial emulator, its time driven by the test's clock: advance one, both move."""
    seed, employees = emulator_shape
    app = create_emulator(seed=seed, employees=employees, clock=EmulatorClock(lambda: clock().timestamp()))
    yield app
    await app.state.webhooks.aclose()


@pytest.fixture
def upstream(emulator: Starlette) -> ASGIApp:
    """What the platform's calls to Factorial reach: the emulator (a test module may put something in front)."""
    return emulator


@pytest.fixture
async def upstream_server(upstream: ASGIApp) -> AsyncIterator[Served]:
    """`upstream` served on loopback: the one place that wires the emulator to the platform and the tests'
    provider clients, which pin `FACTORIAL`'s host name to it (`upstream_server.pins()`)."""
    async with served(upstream) as running:
        yield running


@pytest.fixture
def retry_policy() -> RetryPolicy:
    """The platform's retry policy for `POST /actions/rpc` (the action tests give one with a fake clock)."""
    return DEFAULT_RETRY_POLICY


@pytest.fixture
async def app(
    settings: Settings,
    store: Store,
    clock: ManualClock,
    upstream_server: Served,
    retry_policy: RetryPolicy,
) -> AsyncIterator[FastAPI]:
    platform = create_app(
        settings, store=store, clock=clock, provider_pins=upstream_server.pins(), retry_policy=retry_policy
    )
    async with platform.router.lifespan_context(platform):
        yield platform


@pytest.fixture
async def factorial(emulator: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The test's own client of the emulator (its control API), beside whatever is in front of it."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=FACTORIAL) as http:
        yield http


@pytest.fixture
async def harness(
    app: FastAPI, factorial: httpx.AsyncClient, store: Store, clock: ManualClock
) -> AsyncIterator[Harness]:
    seen: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        await response.aread()
        seen.append(response)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL, event_hooks={"response": [record]}
    ) as api:
        harness = Harness(app=app, api=api, factorial=factorial, store=store, clock=clock, seen=seen)
        yield harness
        await harness.aclose()


@pytest.fixture
async def live_url(app: FastAPI) -> AsyncIterator[str]:
    """The platform app on 127.0.0.1, served from the test's event loop; its base URL.

    uvicorn's `serve()` runs as a task with the app's lifespan already running, so the store, the emulator and
    the platform stay in one loop; call a synchronous client through `asyncio.to_thread`.
    """
    async with served(app) as running:
        yield running.url


def basic(key: str) -> dict[str, str]:
    """StackOne's scheme: `Authorization: Basic base64(<api_key>:)`."""
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


async def dashboard_sign_in(
    browser: httpx.AsyncClient, token: str, next: str = "/", headers: dict[str, str] | None = None
) -> httpx.Response:
    """Sign in to the dashboard as a person does: open the sign-in page (which gives this browser the form's
    token and its cookie), then submit the form with `token` (the admin token or an API key)."""
    page = await browser.get("/sign-in")
    found = FORM_TOKEN.search(page.text)
    assert found is not None, page.text
    form = {"csrf": html.unescape(found.group(1)), "token": token, "next": next}
    return await browser.post("/sign-in", data=form, headers=headers)


@dataclass
class Tenant:
    """A project, its raw API key and the auth headers that carry it."""

    project_id: str
    key: str
    name: str

    @property
    def auth(self) -> dict[str, str]:
        return basic(self.key)


@dataclass
class Flow:
    """A browser walking one connect flow, step by step (so tests can stop or tamper anywhere)."""

    browser: httpx.AsyncClient
    authorize_url: httpx.URL | None = None
    callback_url: httpx.URL | None = None
    final: httpx.Response | None = None
    page: httpx.Response | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        assert self.authorize_url is not None
        return str(self.authorize_url.params["state"])

    @property
    def code(self) -> str:
        assert self.callback_url is not None
        return str(self.callback_url.params["code"])

    @property
    def callback_path(self) -> str:
        """The callback URL as a browser requests it from the platform (path and query)."""
        assert self.callback_url is not None
        return self.callback_url.raw_path.decode()


@dataclass
class Harness:
    app: FastAPI
    api: httpx.AsyncClient
    factorial: httpx.AsyncClient
    store: Store
    clock: ManualClock
    seen: list[httpx.Response] = field(default_factory=list)
    """Every response the platform gave the integrator's client and the browsers, for secret sweeps."""
    browsers: list[httpx.AsyncClient] = field(default_factory=list)
    factorial_url: str = FACTORIAL
    """Where the platform sends browsers to Factorial (a loopback URL when the emulator is served live)."""

    # --- the integrator -----------------------------------------------------------------------------

    async def tenant(self, name: str = "Acme HR", origins: tuple[str, ...] = (RETURN_ORIGIN,)) -> Tenant:
        created = await create_project(self.store, name, allowed_origins=origins)
        return Tenant(created.project.id, created.api_key.raw, name)

    async def application(
        self, *, scopes: list[str] | None = None, confidential: bool = True, company_id: int | None = None
    ) -> dict[str, Any]:
        """An OAuth application in Factorial whose redirect URI is the platform's callback."""
        body: dict[str, Any] = {
            "name": "Acme HR integration",
            "redirect_uris": [REDIRECT_URI],
            "scopes": scopes or ALL_SCOPES,
            "confidential": confidential,
        }
        if company_id is not None:
            body["company_id"] = company_id
        response = await self.factorial.post("/_emulator/oauth_applications", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def profile(
        self, tenant: Tenant, application: dict[str, Any] | None = None, **fields: Any
    ) -> dict[str, Any]:
        application = application or await self.application()
        body: dict[str, Any] = {
            "connector": "factorialhr",
            "environment": "sandbox",
            "client_id": application["client_id"],
            "client_secret": application["client_secret"],
            "scopes": ["employees"],
            **fields,
        }
        body = {name: value for name, value in body.items() if value is not None}
        response = await self.api.post("/connector_profiles", json=body, headers=tenant.auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def session(self, tenant: Tenant, **fields: Any) -> dict[str, Any]:
        body = {"origin_owner_id": "customer-1", "origin_owner_name": "Customer One", **fields}
        response = await self.api.post("/connect_sessions", json=body, headers=tenant.auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def _record(self, response: httpx.Response) -> None:
        await response.aread()
        self.seen.append(response)

    # --- the end user's browser ---------------------------------------------------------------------

    def browser(self) -> httpx.AsyncClient:
        """A fresh browser: its own cookie jar on the platform."""
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url=PUBLIC_URL,
            event_hooks={"response": [self._record]},
        )
        self.browsers.append(client)
        return client

    async def open_link(self, session: dict[str, Any], browser: httpx.AsyncClient | None = None) -> Flow:
        """Open the hosted page and press Connect: the platform answers with a redirect to Factorial."""
        flow = Flow(browser or self.browser())
        link = httpx.URL(session["auth_link_url"])
        page = await flow.browser.get(link.raw_path.decode())
        assert page.status_code == 200, page.text
        flow.page = page
        button = re.search(r'class="button" href="([^"]+)"', page.text)
        assert button is not None, page.text
        start = await flow.browser.get(html.unescape(button.group(1)))
        assert start.status_code == 302, start.text
        flow.authorize_url = httpx.URL(start.headers["location"])
        assert str(flow.authorize_url).startswith(f"{self.factorial_url}/oauth/authorize?")
        return flow

    async def consent(self, flow: Flow, login_email: str, decision: str = "approve") -> httpx.URL:
        """Post Factorial's consent form with what the authorize URL carries; the redirect back."""
        assert flow.authorize_url is not None
        params = flow.authorize_url.params
        form = {
            name: params.get(name, "")
            for name in (
                "client_id",
                "redirect_uri",
                "response_type",
                "scope",
                "state",
                "resource_owner_type",
                "code_challenge",
                "code_challenge_method",
            )
        }
        response = await self.factorial.post(
            "/oauth/authorize", data={**form, "login_email": login_email, "decision": decision}
        )
        assert response.status_code == 302, response.text
        flow.callback_url = httpx.URL(response.headers["location"])
        return flow.callback_url

    async def callback(self, flow: Flow, url: httpx.URL | None = None) -> httpx.Response:
        """Follow the redirect back to the platform's callback, in the browser that started the flow."""
        target = url or flow.callback_url
        assert target is not None
        assert str(target).startswith(REDIRECT_URI)
        flow.final = await flow.browser.get(target.raw_path.decode())
        return flow.final

    async def link(
        self, tenant: Tenant, login_email: str, **session_fields: Any
    ) -> tuple[Flow, dict[str, Any]]:
        """The whole walk; returns the flow and the account the platform linked."""
        session = await self.session(tenant, **session_fields)
        flow = await self.open_link(session)
        await self.consent(flow, login_email)
        final = await self.callback(flow)
        assert final.status_code in (200, 303), final.text
        sessions = await self.api.post(
            "/connect_sessions/authenticate", json={"token": session["token"]}, headers=tenant.auth
        )
        account_id = sessions.json()["linked_account_id"]
        assert account_id, sessions.text
        account = await self.api.get(f"/accounts/{account_id}", headers=tenant.auth)
        return flow, dict(account.json())

    # --- Factorial ------------------------------------------------------------------------------------

    async def company(self, index: int = 0) -> dict[str, Any]:
        return dict((await self.factorial.get("/_emulator/companies")).json()[index])

    async def admin_email(self) -> str:
        return str((await self.company())["admin"]["email"])

    async def basic_user_email(self) -> str:
        users = (await self.company())["users"]
        return str(next(user["email"] for user in users if user["role"] == "basic"))

    async def stats(self) -> dict[str, Any]:
        return dict((await self.factorial.get("/_emulator/stats")).json())

    async def code_exchanges(self) -> int:
        return int((await self.stats())["token_requests"].get("authorization_code", 0))

    async def settings(self, **changes: Any) -> None:
        response = await self.factorial.put("/_emulator/settings", json=changes)
        assert response.status_code == 200, response.text

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    async def rpc(self, tenant: Tenant, account_id: str, action: str, **call: Any) -> httpx.Response:
        return await self.api.post(
            "/actions/rpc",
            json={"action": action, **call},
            headers={**tenant.auth, "x-account-id": account_id},
        )

    async def aclose(self) -> None:
        for browser in self.browsers:
            await browser.aclose()
