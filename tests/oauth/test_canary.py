"""Canary sweep (security item 8): link → call → expiry → refresh → provider errors → 401 → unlink at DEBUG,
with the HTTP libraries' loggers wide open; no token, code, verifier or client secret may appear in any log
line, exception, traceback or status reason."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkyard.domain import ManualClock, ProviderAccount, TokenSet
from linkyard.errors import LinkyardError, PreconditionFailed
from linkyard.oauth import ProviderClient, ProviderEndpoints, TokenKeeper
from linkyard.store import Store
from tests.live_server import served
from tests.oauth.conftest import BASE, CREDENTIALS_PATH, Control, expire, link_account

SECRET_FIELDS = {"access_token", "refresh_token", "code", "code_verifier", "client_secret", "token"}


class Recording:
    """In front of the emulator (ASGI): remembers every secret that crossed the wire, either way."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.secrets: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            self.secrets.add(bearer[7:])
        form = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        sent: list[bytes] = []
        answered: list[bytes] = []
        status = [0]

        async def receiving() -> Message:
            message = await receive()
            if form and message["type"] == "http.request":
                sent.append(message.get("body", b""))
                if not message.get("more_body"):
                    pairs = parse_qsl(b"".join(sent).decode(), keep_blank_values=True)
                    self.secrets |= {value for key, value in pairs if key in SECRET_FIELDS}
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body" and scope["path"] == "/oauth/token":
                answered.append(message.get("body", b""))
                if not message.get("more_body") and status[0] == 200:
                    payload = json.loads(b"".join(answered))
                    self.secrets |= {
                        str(payload[key]) for key in ("access_token", "refresh_token") if key in payload
                    }
            await send(message)

        await self.app(scope, receiving, sending)


@pytest.fixture
async def recorded(
    emulator: Starlette, clock: ManualClock
) -> AsyncIterator[tuple[ProviderClient, Recording]]:
    recording = Recording(emulator)
    async with served(recording) as running, ProviderClient(pins=running.pins(), clock=clock) as client:
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
    for name in ("httpx", "httpcore", "aiohttp", "linkyard"):
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

    async def refusing(request: Request) -> Response:
        sent = dict(parse_qsl((await request.body()).decode()))
        echo = f"refresh_token={sent.get('refresh_token')} client_secret={sent.get('client_secret')} refused"
        return JSONResponse({"error": "invalid_grant", "error_description": echo}, status_code=400)

    factorial = Starlette(routes=[Route("/{rest:path}", refusing, methods=["GET", "POST"])])

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
    async with served(factorial) as running, ProviderClient(pins=running.pins(), clock=clock) as provider:
        keeper = TokenKeeper(store, provider, clock, sandbox_urls={"factorialhr": "http://factorial.test"})
        with pytest.raises(LinkyardError) as raised:
            await keeper.access_token(project.id, account.id)
        with pytest.raises(PreconditionFailed) as later:
            await keeper.report_unauthorized(project.id, account.id, sentinels[0])

    errored = await store.accounts.get(project.id, account.id)
    assert errored.status == "error"
    shown = everything_shown([raised.value, later.value], caplog.records) + repr(errored) + caplog.text
    assert "[redacted]" in shown  # the echo was there, redacted
    assert [sentinel for sentinel in sentinels if sentinel in shown] == []
