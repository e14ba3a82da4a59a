"""Request logs never keep a secret: bodies are off unless the project turns them on, and with them on, every
credential (the caller's API key, cookies, the bearer token sent upstream, refresh tokens, client secrets,
whatever a caller or provider puts in a field named like one) is redacted in the API's answers and the
database alike."""

from __future__ import annotations

import base64
from datetime import timedelta

from linkyard.services.log_queries import set_body_logging
from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.harness.database import dump_database

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS = "factorialhr_get_credentials"


async def test_bodies_are_off_until_the_project_keeps_them_and_secrets_are_redacted_either_way(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    application = await harness.application()
    await harness.profile(tenant, application)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    account_id = account["id"]
    first = await harness.store.credentials.get(tenant.project_id, account_id)
    assert first is not None and first.refresh_token is not None
    bait = {
        "access_token": "sekrit-access-value-1",
        "nested": [{"client_secret": "sekrit-client-value-2", "Password": "sekrit-password-3"}],
        "note": f"my key is {tenant.key} and Bearer sekrit-bearer-value-4",
        "api-key": "sekrit-apikey-value-5",
        "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl",
    }
    hostile = {
        **tenant.auth,
        "x-account-id": account_id,
        "cookie": "session=sekrit-cookie-value-6",
        "x-api-key": "sekrit-header-value-7",
        "proxy-authorization": "Basic " + base64.b64encode(b"user:sekrit-proxy-value-8").decode(),
    }

    async def call() -> None:
        answer = await harness.api.post(
            "/actions/rpc", json={"action": CREDENTIALS, "body": bait}, headers=hostile
        )
        assert answer.status_code in (200, 422), answer.text

    await call()
    [off] = (await harness.api.get("/requests/logs", headers=tenant.auth)).json()["data"]
    kept_off = (await harness.api.get(f"/requests/logs/{off['request_id']}", headers=tenant.auth)).json()[
        "data"
    ]
    assert kept_off["request"]["body"] is None and kept_off["response"]["body"] is None

    await set_body_logging(harness.app.state.platform, tenant.project_id, True)
    harness.advance(timedelta(hours=2))  # the next call refreshes the token first (a token call with bodies)
    assert (await harness.rpc(tenant, account_id, CREDENTIALS)).status_code == 200
    harness.advance(timedelta(seconds=1))
    await call()
    after = await harness.store.credentials.get(tenant.project_id, account_id)
    assert after is not None and after.access_token != first.access_token

    logs = (
        await harness.api.get("/requests/logs", params={"include": "step_logs"}, headers=tenant.auth)
    ).json()
    shown = [
        (await harness.api.get(f"/requests/logs/{log['request_id']}", headers=tenant.auth)).json()["data"]
        for log in logs["data"]
    ]
    on = next(log for log in shown if log["action"] == CREDENTIALS and log["request"]["body"] is not None)
    body = on["request"]["body"]
    assert body["body"]["access_token"] == "[REDACTED]"
    assert body["body"]["nested"][0] == {"client_secret": "[REDACTED]", "Password": "[REDACTED]"}
    assert on["request"]["headers"]["authorization"] == "[REDACTED]"
    assert on["request"]["headers"]["cookie"] == "[REDACTED]"
    assert on["response"]["body"] is not None
    refresh = next(log for log in shown if log["action"] == "refresh_token")
    [token_call] = refresh["step_requests"]
    assert token_call["request"]["body"]["grant_type"] == "refresh_token"
    assert token_call["request"]["body"]["refresh_token"] == "[REDACTED]"
    assert token_call["response"]["body"]["access_token"] == "[REDACTED]"

    secrets = [
        tenant.key,
        application["client_secret"],
        first.access_token,
        first.refresh_token,
        after.access_token,
        after.refresh_token,
        *[f"sekrit-{name}" for name in ("access-value-1", "client-value-2", "password-3", "bearer-value-4")],
        *[
            f"sekrit-{name}"
            for name in ("apikey-value-5", "cookie-value-6", "header-value-7", "proxy-value-8")
        ],
        bait["jwt"],
    ]
    answers = str(logs) + str(shown)
    steps = (await harness.api.get("/requests/logs/steps", headers=tenant.auth)).text
    platform_logs = (await harness.api.get("/requests/platform-logs", headers=tenant.auth)).text
    stored = await dump_database(harness.store)
    for secret in secrets:
        assert secret
        assert secret not in answers
        assert secret not in steps and secret not in platform_logs
        assert secret not in _request_log_rows(stored)


def _request_log_rows(dump: str) -> str:
    """The request log tables' rows in a database dump (other tables hold secrets sealed, not in clear)."""
    return "\n".join(
        line for line in dump.splitlines() if line.startswith(("request_logs:", "request_log_steps:"))
    )
