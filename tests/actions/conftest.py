"""Action fixtures: the harness's platform app and Factorial emulator (`tests.harness.platform`, the emulator
served on loopback), with a `Wire` in front of the emulator that records every request the platform sends and can
stop listening, and a fast retry policy.

The retry policy's seams are replaced by `FakeTime`: waits are recorded and move a fake monotonic clock, so a
`Retry-After: 2` costs no real time and the budget is exact. Per-attempt timeouts stay real (the emulator's
`delay_ms` fault is real time too), which is what the timeout tests need.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from linkyard.connectors import get_connector
from linkyard.connectors.retry import RetryPolicy
from tests.harness.platform import FACTORIAL, Harness, Tenant
from tests.live_server import Served

API = f"/api/{get_connector('factorialhr').api_version}/resources"
ALL_SCOPES = sorted(get_connector("factorialhr").scope_names)
"""A full-permission profile: every scope of the connector, so every action is enabled."""


@dataclass
class FakeTime:
    """The retry policy's clock and sleep: waits are recorded and advance time, instantly; `during_waits` runs
    at the next wait (the provider coming back up while the platform waits to resend)."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)
    during_waits: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        while self.during_waits:
            await self.during_waits.pop(0)()


@dataclass
class Wire:
    """In front of the emulator (ASGI), served on loopback where the platform's calls to Factorial land.

    `attempts` lists every API request the platform sent, `(method, path)`, and `authorizations` their
    `Authorization` headers. `refuse_connections()` stops listening, so that the platform's next connections are
    refused (nothing is sent), as when the provider is down; `back_up_at` says when it listens again.
    """

    emulator: ASGIApp
    attempts: list[tuple[str, str]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    served: Served | None = None

    def count(self, method: str, path: str = "*") -> int:
        """How many requests the platform sent that match `method` and the `path` glob."""
        return sum(1 for m, p in self.attempts if m == method and fnmatchcase(p, path))

    async def refuse_connections(self, *, back_up_at: FakeTime | None = None) -> None:
        """The provider down: nothing listens on its port. With `back_up_at`, it listens again during the retry
        policy's next wait (so the resend lands)."""
        assert self.served is not None
        await self.served.stop()
        if back_up_at is not None:
            back_up_at.during_waits.append(self.served.restart)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            self.attempts.append((scope["method"], scope["path"]))
            headers = dict(scope["headers"])
            self.authorizations.append(headers.get(b"authorization", b"").decode("latin-1"))
        await self.emulator(scope, receive, send)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def policy(fake_time: FakeTime) -> RetryPolicy:
    """Three attempts, 0.1 s then 0.2 s backoff (no jitter), a 30 s budget and the platform's own 10 s attempt
    timeout (generous, so that a loaded machine never cuts an attempt the test expects to succeed)."""
    return RetryPolicy(
        max_attempts=3,
        base_backoff=0.1,
        max_backoff=1.0,
        jitter=0.0,
        budget=30.0,
        attempt_timeout=10.0,
        sleep=fake_time.sleep,
        monotonic=fake_time.monotonic,
    )


@pytest.fixture
def upstream(emulator: Starlette) -> Wire:
    """The platform's calls land on a wire in front of the emulator."""
    return Wire(emulator)


@pytest.fixture
def wire(upstream: Wire, upstream_server: Served) -> Wire:
    """The wire, with the harness's loopback server of it (stopped and restarted to refuse connections)."""
    upstream.served = upstream_server
    return upstream


@pytest.fixture
def retry_policy(policy: RetryPolicy) -> RetryPolicy:
    return policy


@dataclass
class Linked:
    """A project with a company-token account of the seeded company's admin, on a full-permission profile;
    `provider` is an API-key client of the emulator's own REST API, to read its state independently."""

    tenant: Tenant
    account_id: str
    provider: httpx.AsyncClient


@pytest.fixture
async def linked(harness: Harness, emulator: Starlette) -> AsyncIterator[Linked]:
    found = await link_admin(harness, emulator)
    yield found
    await found.provider.aclose()


async def link_admin(harness: Harness, emulator: Starlette, *, every_action: bool = False) -> Linked:
    """Link the seeded company's admin with a company token; close `provider` when done. `every_action`: on a
    profile that asks for every scope and names every action (those generated from Factorial's API are
    enabled only by name)."""
    tenant = await harness.tenant()
    if every_action:
        connector = get_connector("factorialhr")
        scopes = [scope.name for scope in connector.scopes]
        application = await harness.application(scopes=scopes)
        everything = [tool.id for tool in connector.tools]
        await harness.profile(tenant, application, scopes=scopes, token_type="company", actions=everything)
    else:
        application = await harness.application(scopes=ALL_SCOPES)
        await harness.profile(tenant, application, scopes=ALL_SCOPES, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    company = await harness.company()
    key = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    assert key.status_code == 201, key.text
    provider = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator),
        base_url=FACTORIAL + API,
        headers={"x-api-key": key.json()["api_key"]},
    )
    return Linked(tenant, account["id"], provider)
