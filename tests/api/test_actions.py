"""`POST /actions/rpc` through the token keeper: checks before any upstream call, refresh on expiry, company tokens."""

from __future__ import annotations

from datetime import timedelta

from linkyard.connectors import get_connector
from tests.api.conftest import ON_BOTH_BACKENDS, Harness

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS = "factorialhr_get_credentials"


async def _api_requests(harness: Harness) -> int:
    return int((await harness.stats())["api_requests"])


async def test_get_credentials_answers_who_the_account_is(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    _, account = await harness.link(tenant, email)
    response = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}  # a single object: no `next`
    assert body["data"]["login_email"] == email
    assert str(body["data"]["company_id"]) == account["provider_account"]["company_id"]


async def test_the_account_may_be_named_in_body_headers_as_stackone_ai_sends_it(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    response = await harness.api.post(
        "/actions/rpc",
        json={"action": CREDENTIALS, "body": {}, "headers": {"x-account-id": account["id"]}, "query": {}},
        headers=tenant.auth,
    )
    assert response.status_code == 200, response.text
    missing = await harness.api.post("/actions/rpc", json={"action": CREDENTIALS}, headers=tenant.auth)
    assert missing.status_code == 400


async def test_a_list_action_answers_data_and_next(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    response = await harness.rpc(
        tenant, account["id"], "factorialhr_list_employees", query={"page_size": "5"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["data"]) == 5
    assert isinstance(body["next"], str)


async def test_an_action_not_enabled_on_the_profile_is_403_without_an_upstream_call(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, actions=[CREDENTIALS])
    _, account = await harness.link(tenant, await harness.basic_user_email())
    before = await _api_requests(harness)
    response = await harness.rpc(tenant, account["id"], "factorialhr_list_employees")
    assert response.status_code == 403
    assert response.json()["statusCode"] == 403
    assert await _api_requests(harness) == before


async def test_an_action_whose_scope_was_not_granted_is_403_naming_the_scope(harness: Harness) -> None:
    tenant = await harness.tenant()
    # No scopes on the profile: Factorial grants the application's, which lack time_off.
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert account["scopes"] == ["employees"]
    before = await _api_requests(harness)
    response = await harness.rpc(tenant, account["id"], "factorialhr_list_time_off_requests")
    assert response.status_code == 403
    assert response.json()["missing_scopes"] == ["time_off"]
    assert "time_off" in response.json()["message"]
    assert await _api_requests(harness) == before


async def test_a_suspended_account_is_412_without_an_upstream_call(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    paused = await harness.api.patch(
        f"/accounts/{account['id']}", json={"status": "suspended"}, headers=tenant.auth
    )
    assert paused.status_code == 200 and paused.json()["status"] == "suspended"
    before = await _api_requests(harness)
    response = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert response.status_code == 412
    assert await _api_requests(harness) == before
    resumed = await harness.api.patch(
        f"/accounts/{account['id']}", json={"status": "active"}, headers=tenant.auth
    )
    assert resumed.json()["status"] == "active"
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200


async def test_unknown_actions_accounts_and_bad_arguments(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert (await harness.rpc(tenant, account["id"], "factorialhr_fly_to_the_moon")).status_code == 404
    assert (await harness.rpc(tenant, "acc_unknown", CREDENTIALS)).status_code == 404
    bad = await harness.rpc(tenant, account["id"], CREDENTIALS, query={"nonsense": "secret-value-123"})
    assert bad.status_code == 422
    assert "secret-value-123" not in bad.text
    twice = await harness.rpc(
        tenant, account["id"], "factorialhr_get_employee", path={"id": "1"}, body={"id": "2"}
    )
    assert twice.status_code == 422


async def test_an_expired_user_token_is_refreshed_once_and_the_call_succeeds(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    harness.advance(timedelta(hours=2))
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    assert (await harness.stats())["token_requests"].get("refresh_token") == 1
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    assert (await harness.stats())["token_requests"].get("refresh_token") == 1


async def test_a_company_token_is_still_used_after_30_days_without_a_refresh(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    harness.advance(timedelta(days=30))
    response = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert response.status_code == 200, response.text
    assert (await harness.stats())["token_requests"].get("refresh_token", 0) == 0


async def test_a_revoked_company_token_puts_the_account_in_error_and_later_calls_fail_fast(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    company = await harness.company()
    revoked = await harness.factorial.post("/_emulator/revoke", json={"company_id": company["id"]})
    assert revoked.status_code == 200
    upstream = await _api_requests(harness)

    response = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert response.status_code == 412
    assert await _api_requests(harness) == upstream + 2  # the call, and one confirmation before `error`
    after = (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()
    assert after["status"] == "error"
    assert after["status_reasons"][0]["code"] == "token_revoked"
    assert after["status_reasons"][0]["description"]

    before = await _api_requests(harness)
    again = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert again.status_code == 412
    assert await _api_requests(harness) == before
    assert (await harness.stats())["token_requests"].get("refresh_token", 0) == 0
    # An account in error cannot simply be resumed: it needs a re-link, which brings it back.
    resumed = await harness.api.patch(
        f"/accounts/{account['id']}", json={"status": "active"}, headers=tenant.auth
    )
    assert resumed.status_code == 409
    _, relinked = await harness.link(tenant, await harness.admin_email(), account_id=account["id"])
    assert relinked["status"] == "active" and relinked["status_reasons"] == []
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200


async def test_one_401_on_a_company_token_is_confirmed_and_the_call_succeeds_on_the_active_account(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    employees = get_connector("factorialhr").action("factorialhr_list_employees").path
    fault = await harness.factorial.post(
        "/_emulator/faults", json={"method": "GET", "path": employees, "status": 401, "times": 1}
    )
    assert fault.status_code == 201
    upstream = await _api_requests(harness)

    response = await harness.rpc(tenant, account["id"], "factorialhr_list_employees")

    assert response.status_code == 200, response.text
    assert response.json()["data"]
    # The 401, one confirmation call that succeeded, and the call sent once more.
    assert await _api_requests(harness) == upstream + 3
    shown = (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()
    assert shown["status"] == "active" and shown["status_reasons"] == []
    assert (await harness.stats())["token_requests"].get("refresh_token", 0) == 0
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200


async def test_a_renewed_token_the_provider_refuses_too_is_renewed_once_more_and_no_further(
    harness: Harness,
) -> None:
    """What the many-hosts test met: the token a renewal hands back (another host stored it) is refused as well
    (Factorial expired or rotated it meanwhile). One more renewal refreshes it; a third refusal is the answer."""
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    path = get_connector("factorialhr").action(CREDENTIALS).path
    fault = {"method": "GET", "path": path, "status": 401}

    assert (await harness.factorial.post("/_emulator/faults", json={**fault, "times": 2})).status_code == 201
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    assert (await harness.stats())["token_requests"].get("refresh_token") == 2

    assert (await harness.factorial.post("/_emulator/faults", json={**fault, "times": 3})).status_code == 201
    refused = await harness.rpc(tenant, account["id"], CREDENTIALS)
    assert refused.status_code == 502, refused.text
    assert (await harness.stats())["token_requests"].get("refresh_token") == 4
    shown = (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()
    assert shown["status"] == "active"
