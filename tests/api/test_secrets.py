"""Security items 7 and 8: secrets are write-only. A canary sweep runs link → call → expiry → refresh → provider
error → bad input → unlink at DEBUG and looks for every secret in every response, log line and database dump."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from linkyard.store.tables import CODE_VERIFIER
from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.store.conftest import dump_database

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS_PATH = "/api/*/resources/api_public/credentials"


def _forms(secret: str) -> list[str]:
    """A secret as it could leak: itself, and base64 / base64url encoded."""
    raw = secret.encode()
    return [
        secret,
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


def _leaks(haystack: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, secret in secrets.items() if any(form in haystack for form in _forms(secret))]


async def _verifiers(harness: Harness) -> list[str]:
    """The PKCE verifiers the platform stored (encrypted) for its flows."""
    async with harness.store.database.engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT id, project_id, code_verifier_encrypted FROM oauth_states"))
        ).all()
    return [
        harness.store.keyring.decrypt(
            row.code_verifier_encrypted, CODE_VERIFIER.context(row.project_id, row.id)
        )
        for row in rows
    ]


async def test_a_canary_sweep_finds_no_secret_in_responses_logs_or_the_database(
    harness: Harness, emulator: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tenant = await harness.tenant()
    application = await harness.application()
    client_secret = application["client_secret"]
    await harness.profile(tenant, application)
    # Bad input carrying the secret: the 422 must not echo it.
    bad = await harness.api.post(
        "/connector_profiles",
        json={
            "connector": "factorialhr",
            "environment": "sandbox",
            "client_id": "c",
            "client_secret": client_secret,
            "scopes": "employees",
        },
        headers=tenant.auth,
    )
    assert bad.status_code == 422
    session = await harness.session(tenant)
    flow = await harness.open_link(session)
    await harness.consent(flow, await harness.basic_user_email())
    assert (await harness.callback(flow)).status_code == 200
    account = (await harness.api.get("/accounts", headers=tenant.auth)).json()[0]
    assert (await harness.rpc(tenant, account["id"], "factorialhr_get_credentials")).status_code == 200
    harness.advance(timedelta(hours=2))  # expiry → refresh
    assert (await harness.rpc(tenant, account["id"], "factorialhr_get_credentials")).status_code == 200
    # 501: an error a resend would not cure, so it is not retried (a 500 on a GET would be).
    await harness.factorial.post(
        "/_emulator/faults", json={"method": "GET", "path": CREDENTIALS_PATH, "status": 501, "times": 1}
    )
    failed = await harness.rpc(tenant, account["id"], "factorialhr_get_credentials")
    assert failed.status_code == 502
    assert failed.json()["provider_errors"][0]["status"] == 501

    world = emulator.state.world
    secrets = {
        "client secret": client_secret,
        "api key": tenant.key,
        "code": flow.code,
        **{f"access token {i}": token for i, token in enumerate(world.access_tokens)},
        **{f"refresh token {i}": token for i, token in enumerate(world.refresh_tokens)},
        **{f"verifier {i}": verifier for i, verifier in enumerate(await _verifiers(harness))},
    }
    assert len(secrets) >= 7  # two access and two refresh tokens at least, one verifier
    # Shown once by design: the session token in its creation response and link, the state in the redirect
    # to Factorial. They are still never logged nor stored.
    shown_once = {"session token": session["token"], "state": flow.state}

    database = await dump_database(harness.store)
    assert _leaks(database, {**secrets, **shown_once}) == []

    assert (await harness.api.delete(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 200
    database = await dump_database(harness.store)
    assert _leaks(database, {**secrets, **shown_once}) == []

    for response in harness.seen:
        answer = response.text + repr(dict(response.headers))
        assert _leaks(answer, secrets) == [], response.request.url.path

    logged = caplog.text + "".join(repr(record.__dict__) for record in caplog.records)
    assert "POST /actions/rpc -> 200" in caplog.text  # the request log did run at DEBUG
    assert _leaks(logged, {**secrets, **shown_once}) == []


async def test_no_read_of_a_profile_shows_its_secret(harness: Harness) -> None:
    tenant = await harness.tenant()
    sentinel = "SENTINEL-client-secret-0123456789"
    profile = await harness.profile(tenant, client_secret=sentinel)
    reads = [
        await harness.api.get("/connector_profiles", headers=tenant.auth),
        await harness.api.get(f"/connector_profiles/{profile['id']}", headers=tenant.auth),
        await harness.api.get("/auth_configs", headers=tenant.auth),
        await harness.api.patch(
            f"/connector_profiles/{profile['id']}", json={"label": "x"}, headers=tenant.auth
        ),
        await harness.api.patch(
            f"/connector_profiles/{profile['id']}",
            json={"client_secret": sentinel + "-2"},
            headers=tenant.auth,
        ),
    ]
    for response in reads:
        assert response.status_code == 200
        assert "SENTINEL" not in response.text
    assert "SENTINEL" not in await dump_database(harness.store)
