"""Canary sweep (security item 8): link → call → expiry → refresh → provider errors → 401 → unlink at DEBUG,
with the HTTP libraries' loggers wide open; no token, code, verifier or client secret may appear in any log
line, exception, traceback or status reason."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.domain import ManualClock, ProviderAccount, TokenSet
from linkyard.errors import LinkyardError, PreconditionFailed
from linkyard.oauth import ProviderClient, ProviderEndpoints, TokenKeeper
from linkyard.store import Store
from tests.oauth.conftest import BASE, CREDENTIALS_PATH, Control, expire, link_account

SECRET_FIELDS = {"access_token", "refresh_token", "code", "code_verifier", "client_secret", "token"}


class Recording(httpx.AsyncBaseTransport):
    """Passes requests to the emulator and remembers every secret that crossed the wire, either way."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.secrets: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = httpx.QueryParams(request.content.decode())
            self.secrets |= {value for key, value in form.multi_items() if key in SECRET_FIELDS}
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            self.secrets.add(bearer[7:])
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        if request.url.path == "/oauth/token" and response.status_code == 200:
            payload = json.loads(body)
            self.secrets |= {str(payload[key]) for key in ("access_token", "refresh_token") if key in payload}
        return response


@pytest.fixture
async def recorded(
    emulator: Starlette, clock: ManualClock
) -> AsyncIterator[tuple[ProviderClient, Recording]]:
    recording = Recording(httpx.ASGITransport(app=emulator))
    async with ProviderClient(transport=recording, clock=clock) as client:
        yield client, recording


def everything_shown(errors: Iterable[BaseException], records: Iterable[logging.LogRecord]) -> str:
    shown: list[str] = []
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        shown.append(formatter.format(record))
    for error in errors:
        shown.append("".join(traceback.format_exception(error)))
        seen: BaseException | None = error
        while seen is not None:  # every link of the chain, as an error handler could show it
            shown += [str(seen), repr(seen), repr(getattr(seen, "provider_errors", ""))]
            seen = seen.__cause__ or seen.__context__
    return "\n".join(shown)


async def test_no_secret_reaches_a_log_line_an_error_or_a_status_reason(
    recorded: tuple[ProviderClient, Recording],
    store: Store,
    control: Control,
    endpoints: ProviderEndpoints,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "linkyard"):
        caplog.set_level(logging.DEBUG, logger=name)
    provider, recording = recorded
    keeper = TokenKeeper(store, provider, clock, sandbox_urls={"factorialhr": BASE})
    errors: list[BaseException] = []

    async def attempt(call: object) -> object:
        try:
            return await call  # type: ignore[misc]
        except LinkyardError as exc:
            errors.append(exc)
            return None

    linked = await link_account(store, control, provider, endpoints)  # link
    token = await keeper.access_token(*linked.key)
    await provider.request(BASE, "GET", CREDENTIALS_PATH, access_token=token)  # call
    expire(clock, linked.token)
    refreshed = await keeper.access_token(*linked.key)  # expiry → refresh
    await keeper.report_unauthorized(*linked.key, refreshed)  # a 401 → forced refresh
    clock.advance(timedelta(hours=2))
    await control.fault(method="POST", path="/oauth/token", status=503, times=1)
    await attempt(keeper.access_token(*linked.key))  # provider error (transient)
    await control.revoke(company_id=(await control.company())["id"])
    await attempt(keeper.access_token(*linked.key))  # invalid_grant (terminal)
    await attempt(keeper.access_token(*linked.key))  # 412
    await control.fault(method="POST", path="/oauth/revoke", status=503, times=1)
    assert await keeper.unlink(*linked.key) is False  # unlink, the provider failing to revoke
    wiped = await store.credentials.get(*linked.key)
    await attempt(keeper.report_unauthorized(*linked.key, refreshed))

    assert wiped is None
    assert len(errors) == 4 and len(recording.secrets) >= 8
    account = await store.accounts.get(*linked.key)
    shown = everything_shown(errors, caplog.records) + repr(account) + repr(wiped) + caplog.text
    assert "refresh_failed" in repr(account) and "HTTP Request" in caplog.text  # the sweep did see things
    leaked = sorted(
        secret[:6] + "…" for secret in recording.secrets | {linked.client_secret} if secret in shown
    )
    assert leaked == []


async def test_a_provider_echoing_a_sentinel_token_in_its_error_leaks_nowhere(
    store: Store, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sentinels = ("SENTINEL-ACCESS-5e1f", "SENTINEL-REFRESH-77ab", "SENTINEL-SECRET-c0de1234567890")

    def factorial(request: httpx.Request) -> httpx.Response:
        sent = dict(httpx.QueryParams(request.content.decode()))
        echo = f"refresh_token={sent.get('refresh_token')} client_secret={sent.get('client_secret')} refused"
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": echo})

    project = await store.projects.create("Acme")
    profile = await store.connector_profiles.create(
        project.id,
        connector="factorialhr",
        client_id="cid",
        client_secret=sentinels[2],
        environment="sandbox",
    )
    account, _ = await store.accounts.upsert(
        project.id,
        profile_id=profile.id,
        origin_owner_id="o",
        origin_owner_name="O",
        provider_account=ProviderAccount(company_id="1"),
        token=TokenSet(
            access_token=sentinels[0],
            refresh_token=sentinels[1],
            expires_at=clock() - timedelta(minutes=1),
            issued_at=clock() - timedelta(hours=1),
        ),
    )
    async with ProviderClient(transport=httpx.MockTransport(factorial), clock=clock) as provider:
        keeper = TokenKeeper(store, provider, clock, sandbox_urls={"factorialhr": "https://factorial.test"})
        with pytest.raises(LinkyardError) as raised:
            await keeper.access_token(project.id, account.id)
        with pytest.raises(PreconditionFailed) as later:
            await keeper.report_unauthorized(project.id, account.id, sentinels[0])

    errored = await store.accounts.get(project.id, account.id)
    assert errored.status == "error"
    shown = everything_shown([raised.value, later.value], caplog.records) + repr(errored) + caplog.text
    assert "[redacted]" in shown  # the echo was there, redacted
    assert [sentinel for sentinel in sentinels if sentinel in shown] == []
