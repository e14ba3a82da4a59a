"""`/accounts`: a top-level array with filters, read, change, meta, and unlink (revoke, then wipe regardless, and
for good even when a refresh is in flight)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from linkyard.connectors import get_connector
from linkyard.errors import NotFound
from linkyard.store.tables import accounts, credentials
from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant
from tests.held_answers import AnswerHold
from tests.oauth.conftest import lock_requests

pytestmark = ON_BOTH_BACKENDS
WAIT = 30.0
"""A bound on waiting for an event that comes within milliseconds; reached only when something is broken."""


@pytest.fixture
def hold(emulator: Starlette) -> AnswerHold:
    return AnswerHold(emulator)


@pytest.fixture
def upstream(hold: AnswerHold) -> AnswerHold:
    """The platform reaches Factorial through `hold`, which passes everything until a test arms it."""
    return hold


async def _two_accounts(harness: Harness) -> tuple[Tenant, dict[str, Any], dict[str, Any]]:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    _, first = await harness.link(tenant, email, origin_owner_id="owner-1")
    harness.advance(timedelta(seconds=1))  # accounts list oldest first
    _, second = await harness.link(tenant, email, origin_owner_id="owner-2")
    return tenant, first, second


async def test_accounts_are_a_top_level_array_filtered_and_paged(harness: Harness) -> None:
    tenant, first, second = await _two_accounts(harness)
    listed = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert [account["id"] for account in listed] == [first["id"], second["id"]]
    only = await harness.api.get("/accounts", params={"origin_owner_id": "owner-2"}, headers=tenant.auth)
    assert [account["id"] for account in only.json()] == [second["id"]]
    by_provider = await harness.api.get("/accounts", params={"provider": "factorialhr"}, headers=tenant.auth)
    assert len(by_provider.json()) == 2
    none = await harness.api.get("/accounts", params={"status": "error"}, headers=tenant.auth)
    assert none.json() == []
    page_two = await harness.api.get("/accounts", params={"page": 2, "page_size": 1}, headers=tenant.auth)
    assert [account["id"] for account in page_two.json()] == [second["id"]]
    bad = await harness.api.get("/accounts", params={"status": "sleeping"}, headers=tenant.auth)
    assert bad.status_code == 422
    too_big = await harness.api.get("/accounts", params={"page_size": 1000}, headers=tenant.auth)
    assert too_big.status_code == 422


async def test_an_account_never_shows_a_token(harness: Harness) -> None:
    tenant, first, _ = await _two_accounts(harness)
    account = (await harness.api.get(f"/accounts/{first['id']}", headers=tenant.auth)).json()
    assert not {key for key in account if "token" in key} - {"token_type"}
    assert set(account) >= {
        "id",
        "provider",
        "provider_name",
        "status",
        "status_reasons",
        "origin_owner_id",
        "origin_owner_name",
        "origin_username",
        "integration_id",
        "token_type",
        "scopes",
        "provider_account",
        "label",
        "metadata",
        "created_at",
        "updated_at",
    }


async def test_label_and_metadata_can_be_changed(harness: Harness) -> None:
    tenant, first, _ = await _two_accounts(harness)
    changed = await harness.api.patch(
        f"/accounts/{first['id']}",
        json={"label": "Payroll", "metadata": {"tier": "gold"}},
        headers=tenant.auth,
    )
    assert changed.status_code == 200
    assert changed.json()["label"] == "Payroll"
    assert changed.json()["metadata"] == {"tier": "gold"}
    unknown = await harness.api.patch(
        f"/accounts/{first['id']}", json={"status": "error"}, headers=tenant.auth
    )
    assert unknown.status_code == 422


async def test_meta_lists_what_the_account_can_do(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant, scopes=["employees"])
    _, account = await harness.link(tenant, await harness.basic_user_email())
    meta = (await harness.api.get(f"/accounts/{account['id']}/meta", headers=tenant.auth)).json()
    assert meta["provider"] == "factorialhr"
    assert meta["integration_id"] == profile["id"]
    assert "factorialhr_get_credentials" in meta["enabled_actions"]
    assert "factorialhr_list_employees" in meta["enabled_actions"]
    assert "factorialhr_list_time_off_requests" not in meta["enabled_actions"]


async def test_unlinking_revokes_at_factorial_and_removes_the_account(harness: Harness) -> None:
    tenant, first, second = await _two_accounts(harness)
    deleted = await harness.api.delete(f"/accounts/{first['id']}", headers=tenant.auth)
    assert deleted.status_code == 200
    assert deleted.json()["id"] == first["id"]
    assert (await harness.stats())["revocations"] == 1
    assert (await harness.api.get(f"/accounts/{first['id']}", headers=tenant.auth)).status_code == 404
    assert (await harness.rpc(tenant, first["id"], "factorialhr_get_credentials")).status_code == 404
    assert (await harness.rpc(tenant, second["id"], "factorialhr_get_credentials")).status_code == 200
    again = await harness.api.delete(f"/accounts/{first['id']}", headers=tenant.auth)
    assert again.status_code == 404


async def test_unlinking_wipes_the_credentials_even_when_revocation_fails(harness: Harness) -> None:
    tenant, first, _ = await _two_accounts(harness)
    fault = await harness.factorial.post(
        "/_emulator/faults", json={"method": "POST", "path": "/oauth/revoke", "status": 503, "times": 5}
    )
    assert fault.status_code == 201
    deleted = await harness.api.delete(f"/accounts/{first['id']}", headers=tenant.auth)
    assert deleted.status_code == 200
    assert (await harness.api.get(f"/accounts/{first['id']}", headers=tenant.auth)).status_code == 404
    assert (await harness.stats())["revocations"] == 0
    with pytest.raises(NotFound):
        await harness.store.credentials.get(tenant.project_id, first["id"])


async def test_an_unlink_racing_a_refresh_never_brings_the_credentials_back(
    harness: Harness, hold: AnswerHold
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    harness.advance(timedelta(hours=2))  # the access token expired: the next call refreshes it
    hold.arm("POST", "/oauth/token")

    call = asyncio.create_task(harness.rpc(tenant, account["id"], "factorialhr_get_credentials"))
    # Factorial rotated the tokens; the refresh holds the row lock and has not stored them yet.
    await asyncio.wait_for(hold.answered.wait(), WAIT)
    with lock_requests(harness.store) as requested:
        unlink = asyncio.create_task(harness.api.delete(f"/accounts/{account['id']}", headers=tenant.auth))
        await asyncio.wait_for(requested.wait(), WAIT)  # the unlink now waits for that lock
    hold.release()
    deleted, answered = await asyncio.wait_for(asyncio.gather(unlink, call), WAIT)

    assert deleted.status_code == 200, deleted.text
    # The call used the refreshed token before or after the revocation: an answer either way, never a 500.
    assert answered.status_code in (200, 404, 412), answered.text
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 404
    async with harness.store.database.engine.connect() as conn:
        for table, column in ((credentials, credentials.c.account_id), (accounts, accounts.c.id)):
            left = await conn.scalar(select(func.count()).select_from(table).where(column == account["id"]))
            assert left == 0, table.name
    stats = await harness.stats()
    assert stats["token_requests"]["refresh_token"] == 1 and stats["revocations"] == 1
    rotated = hold.body["access_token"]  # what the refresh stored just before the unlink wiped it
    path = get_connector("factorialhr").action("factorialhr_get_credentials").path
    after = await harness.factorial.get(path, headers={"authorization": f"Bearer {rotated}"})
    assert after.status_code == 401  # the live grant was revoked at Factorial, not a stale one


async def test_accounts_are_filtered_by_every_filter_of_stackones_client(harness: Harness) -> None:
    """The query `@stackone/stackone-client-ts` sends: arrays as repeated names, `page_size` always."""
    tenant, first, second = await _two_accounts(harness)
    await harness.api.patch(f"/accounts/{second['id']}", json={"status": "suspended"}, headers=tenant.auth)

    async def ids(query: list[tuple[str, str]]) -> list[str]:
        listed = await harness.api.get("/accounts", params=[*query, ("page_size", "25")], headers=tenant.auth)
        assert listed.status_code == 200, listed.text
        return [account["id"] for account in listed.json()]

    assert await ids([("account_ids", first["id"])]) == [first["id"]]
    assert await ids([("account_ids", first["id"]), ("account_ids", second["id"])]) == [
        first["id"],
        second["id"],
    ]
    assert await ids([("account_ids", "acc_unknown")]) == []
    assert await ids([("origin_owner_ids", "owner-2")]) == [second["id"]]
    assert await ids([("origin_owner_ids", "owner-1"), ("origin_owner_ids", "owner-2")]) == [
        first["id"],
        second["id"],
    ]
    assert await ids([("providers", "factorialhr")]) == [first["id"], second["id"]]
    assert await ids([("providers", "personio")]) == []
    assert await ids([("provider", "personio"), ("providers", "factorialhr")]) == [first["id"], second["id"]]
    assert await ids([("status", "suspended")]) == [second["id"]]
    assert await ids([("status", "active"), ("status", "suspended")]) == [first["id"], second["id"]]
    # Filters combine: an account must pass each of them.
    assert await ids([("account_ids", first["id"]), ("status", "suspended")]) == []
    assert await ids([("origin_owner_id", "owner-1"), ("account_ids", second["id"])]) == []
    bad = await harness.api.get(
        "/accounts", params=[("status", "active"), ("status", "x")], headers=tenant.auth
    )
    assert bad.status_code == 422
    too_many = httpx.QueryParams([("account_ids", f"acc_{n}") for n in range(101)])
    assert (await harness.api.get("/accounts", params=too_many, headers=tenant.auth)).status_code == 422


def _as_the_client_sends(account: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A `PatchAccountExternalDto` as StackOne's client sends it: `type` always, the rest as the caller set."""
    return {"type": account["type"], **changes}


async def test_patch_takes_stackones_whole_dto_and_applies_what_linkyard_supports(harness: Harness) -> None:
    tenant, first, _ = await _two_accounts(harness)
    assert (first["type"], first["environment"]) == ("test", "sandbox")  # the sandbox is a test environment
    body = {
        "type": "test",
        "provider": "factorialhr",
        "environment": "sandbox",
        "origin_owner_id": "owner-1",
        "authentication_config_key": "oauth2",
        "label": "Payroll",
        "metadata": {"tier": "gold"},
        "origin_owner_name": "Acme Holdings",
        "origin_username": "ops@acme.example",
        "secrets": None,
        "credentials": None,
        "setup_information": None,
    }
    changed = await harness.api.patch(f"/accounts/{first['id']}", json=body, headers=tenant.auth)
    assert changed.status_code == 200, changed.text
    account = changed.json()
    assert account["label"] == "Payroll"
    assert account["metadata"] == {"tier": "gold"}
    assert account["origin_owner_name"] == "Acme Holdings"
    assert account["origin_username"] == "ops@acme.example"
    assert (account["origin_owner_id"], account["provider"], account["type"]) == (
        "owner-1",
        "factorialhr",
        "test",
    )
    cleared = await harness.api.patch(
        f"/accounts/{first['id']}",
        json=_as_the_client_sends(account, label=None, metadata=None, origin_username=None),
        headers=tenant.auth,
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["label"], cleared.json()["metadata"], cleared.json()["origin_username"]) == (
        None,
        None,
        None,
    )
    read = (await harness.api.get(f"/accounts/{first['id']}", headers=tenant.auth)).json()
    assert read == cleared.json()


async def test_patch_refuses_each_field_that_cannot_apply_naming_it(harness: Harness) -> None:
    tenant, first, _ = await _two_accounts(harness)
    body = {
        "type": "production",  # what StackOne's client sends unless told otherwise: this account is a test one
        "provider": "personio",
        "environment": "production",
        "origin_owner_id": "someone-else",
        "authentication_config_key": "api_key",
        "label": {},  # StackOne's client types the label as an object, which it can only send empty
        "secrets": {},
        "credentials": {"access_token": "sneaky-token-value"},
        "setup_information": {},
        "origin_owner_name": "Changed?",
    }
    refused = await harness.api.patch(f"/accounts/{first['id']}", json=body, headers=tenant.auth)
    assert refused.status_code == 422, refused.text
    problems = {problem["field"]: problem["message"] for problem in refused.json()["errors"]}
    assert set(problems) == {
        "type",
        "provider",
        "environment",
        "origin_owner_id",
        "authentication_config_key",
        "label",
        "secrets",
        "credentials",
        "setup_information",
    }
    assert "'test'" in problems["type"]
    assert "connect flow" in problems["credentials"]
    assert "sneaky-token-value" not in refused.text
    assert "Extra inputs" not in refused.text
    # Nothing was applied, not even the field that could have been.
    unchanged = (await harness.api.get(f"/accounts/{first['id']}", headers=tenant.auth)).json()
    assert unchanged["origin_owner_name"] == first["origin_owner_name"]

    for extra, field in (({"nickname": "x"}, "nickname"), ({"origin_owner_name": None}, "origin_owner_name")):
        answer = await harness.api.patch(
            f"/accounts/{first['id']}", json=_as_the_client_sends(first, **extra), headers=tenant.auth
        )
        assert answer.status_code == 422, answer.text
        assert [problem["field"] for problem in answer.json()["errors"]] == [field]
    unknown = await harness.api.patch(f"/accounts/{first['id']}", json={"nickname": "x"}, headers=tenant.auth)
    assert unknown.json()["errors"] == [{"field": "nickname", "message": "is not a field this request takes"}]


async def test_meta_lists_the_models_of_the_actions_the_account_can_run(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, scopes=["employees"])
    _, account = await harness.link(tenant, await harness.basic_user_email())
    meta = (await harness.api.get(f"/accounts/{account['id']}/meta", headers=tenant.auth)).json()
    assert meta["category"] == "hris"
    models = meta["models"]
    assert models["employees"]["actions"][:2] == ["factorialhr_list_employees", "factorialhr_get_employee"]
    assert models["teams"]["actions"] == ["factorialhr_list_teams", "factorialhr_get_team"]
    assert models["credentials"]["actions"] == ["factorialhr_get_credentials"]
    assert "leaves" not in models  # time off needs a scope the profile does not ask for
    # Built from the declaration: every enabled action, each under the model it declares.
    connector = get_connector("factorialhr")
    listed = {action_id: name for name, model in models.items() for action_id in model["actions"]}
    assert set(listed) == set(meta["enabled_actions"])
    for action_id, name in listed.items():
        tool = connector.find_tool(action_id)  # an action, or a unified operation offered as a tool
        assert tool is not None and tool.model_key == name, action_id
