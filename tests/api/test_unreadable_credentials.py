"""Credentials that cannot be decrypted (security.md item 24): tampered, moved from another column, or sealed
under a key the key ring no longer has. The account goes to `error` (`credentials_unreadable`) once, with one
log line; every call answers 412 in the error envelope, never a 500; unlinking still works and a re-link
recovers the account."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from linkyard.errors import NotFound
from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant
from tests.store.conftest import CORRUPTIONS, corrupt

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS = "factorialhr_get_credentials"
REASON = "credentials_unreadable"
STALE = timedelta(seconds=6)
"""Past the token keeper's revalidation bound and the read cache's TTL (5 s): what a process serving the account
already remembers is read again, as after a restart."""


async def linked_user(harness: Harness) -> tuple[Tenant, dict[str, Any]]:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    return tenant, account


def warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Every WARNING-and-above record, from any logger (a 500 would add an ERROR line per call)."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize("how", CORRUPTIONS)
async def test_an_action_on_unreadable_credentials_is_412_and_the_account_goes_to_error_once(
    harness: Harness, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    tenant, account = await linked_user(harness)
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    await corrupt(harness.store, tenant.project_id, account["id"], how)
    harness.advance(STALE)
    before = (await harness.stats())["api_requests"]
    caplog.set_level(logging.INFO)

    first = await harness.rpc(tenant, account["id"], CREDENTIALS)

    assert first.status_code == 412, first.text
    body = first.json()
    assert body["statusCode"] == 412 and body["code"] == REASON
    assert "link the account again" in body["message"].lower()
    shown = (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()
    assert shown["status"] == "error"
    [reason] = shown["status_reasons"]
    assert reason["code"] == REASON and "Link the account again" in reason["description"]
    [logged] = warnings(caplog)
    assert logged.levelno == logging.WARNING and logged.exc_info is None and logged.stack_info is None
    assert account["id"] in logged.getMessage() and REASON in logged.getMessage()
    assert "v1." not in logged.getMessage()  # no ciphertext, let alone a token

    second = await harness.rpc(tenant, account["id"], CREDENTIALS)
    harness.advance(STALE)  # and once the caches have expired: the database says `error`
    third = await harness.rpc(tenant, account["id"], CREDENTIALS)

    for later in (second, third):
        assert later.status_code == 412, later.text
        assert later.json()["statusCode"] == 412 and REASON in later.text
    assert warnings(caplog) == [logged]  # one line, not one per call
    assert (await harness.stats())["api_requests"] == before  # Factorial was never called with garbage
    assert (await harness.stats())["token_requests"].get("refresh_token", 0) == 0


async def test_unlinking_an_account_with_unreadable_credentials_deletes_it(harness: Harness) -> None:
    tenant, account = await linked_user(harness)
    await corrupt(harness.store, tenant.project_id, account["id"], "tampered")
    harness.advance(STALE)
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 412

    deleted = await harness.api.delete(f"/accounts/{account['id']}", headers=tenant.auth)

    assert deleted.status_code == 200, deleted.text
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 404
    with pytest.raises(NotFound):
        await harness.store.credentials.get(tenant.project_id, account["id"])
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 404


async def test_unlinking_unreadable_credentials_that_no_call_has_read_yet_works(harness: Harness) -> None:
    tenant, account = await linked_user(harness)
    await corrupt(harness.store, tenant.project_id, account["id"], "unknown_key")

    deleted = await harness.api.delete(f"/accounts/{account['id']}", headers=tenant.auth)

    assert deleted.status_code == 200, deleted.text
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 404


async def test_a_re_link_recovers_an_account_whose_credentials_were_unreadable(harness: Harness) -> None:
    tenant, account = await linked_user(harness)
    await corrupt(harness.store, tenant.project_id, account["id"], "moved")
    harness.advance(STALE)
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 412

    _, relinked = await harness.link(tenant, await harness.basic_user_email(), account_id=account["id"])

    assert relinked["status"] == "active" and relinked["status_reasons"] == []
    answer = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert answer.status_code == 200, answer.text


async def test_an_mcp_tool_call_on_unreadable_credentials_is_a_412_tool_error(harness: Harness) -> None:
    tenant, account = await linked_user(harness)
    await corrupt(harness.store, tenant.project_id, account["id"], "tampered")
    harness.advance(STALE)
    headers = {**tenant.auth, "x-account-id": account["id"], "accept": "application/json, text/event-stream"}

    async def call_tool() -> dict[str, Any]:
        message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": CREDENTIALS}}
        answer = await harness.api.post("/mcp", json=message, headers=headers)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()["result"]
        assert result["isError"] is True
        return dict(result["structuredContent"])

    first, second = await call_tool(), await call_tool()

    assert (first["statusCode"], first["code"]) == (412, REASON)
    assert second["statusCode"] == 412 and REASON in second["message"]
    shown = (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()
    assert shown["status"] == "error" and shown["status_reasons"][0]["code"] == REASON
