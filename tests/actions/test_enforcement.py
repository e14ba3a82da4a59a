"""Every check happens before any upstream call: the action enabled on the profile, the scopes granted, the
account and its profile active, the arguments valid. Each refusal is proven by 0 requests on the wire and in the
emulator's stats."""

from __future__ import annotations

from typing import Any

from tests.actions.conftest import Linked, Wire
from tests.api.conftest import Harness


async def _upstream(harness: Harness, wire: Wire) -> tuple[int, int]:
    """(requests the platform tried to send, API requests the emulator saw)."""
    return len(wire.attempts), int((await harness.stats())["api_requests"])


async def test_a_missing_scope_is_403_naming_it_with_no_upstream_request(
    harness: Harness, wire: Wire
) -> None:
    tenant = await harness.tenant()
    # No scopes on the profile: Factorial grants the application's, which lack time_off and recruitment.
    application = await harness.application(scopes=["employees"])
    await harness.profile(tenant, application, scopes=None)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    before = await _upstream(harness, wire)

    response = await harness.rpc(tenant, account["id"], "factorialhr_list_time_off_requests")

    assert response.status_code == 403, response.text
    assert response.json()["missing_scopes"] == ["time_off"]
    assert "time_off" in response.json()["message"]
    assert await _upstream(harness, wire) == before


async def test_an_action_not_enabled_on_the_profile_is_403_with_no_upstream_request(
    harness: Harness, wire: Wire
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, actions=["factorialhr_get_credentials"])
    _, account = await harness.link(tenant, await harness.basic_user_email())
    before = await _upstream(harness, wire)
    response = await harness.rpc(tenant, account["id"], "factorialhr_get_employee", path={"id": "1"})
    assert response.status_code == 403, response.text
    assert "not enabled" in response.json()["message"]
    assert await _upstream(harness, wire) == before


async def test_a_suspended_account_is_412_with_no_upstream_request(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    paused = await harness.api.patch(
        f"/accounts/{linked.account_id}", json={"status": "suspended"}, headers=linked.tenant.auth
    )
    assert paused.status_code == 200, paused.text
    before = await _upstream(harness, wire)
    response = await harness.rpc(linked.tenant, linked.account_id, "factorialhr_list_employees")
    assert response.status_code == 412, response.text
    assert "suspended" in response.json()["message"]
    assert await _upstream(harness, wire) == before


async def test_a_disabled_profile_is_412_with_no_upstream_request(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    account = (await harness.api.get(f"/accounts/{linked.account_id}", headers=linked.tenant.auth)).json()
    disabled = await harness.api.patch(
        f"/connector_profiles/{account['integration_id']}",
        json={"disabled": True},
        headers=linked.tenant.auth,
    )
    assert disabled.status_code == 200, disabled.text
    before = await _upstream(harness, wire)
    response = await harness.rpc(linked.tenant, linked.account_id, "factorialhr_get_credentials")
    assert response.status_code == 412, response.text
    assert await _upstream(harness, wire) == before


BAD_CALLS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("factorialhr_get_employee", {}, ["id"]),
    ("factorialhr_list_employees", {"query": {"page_size": "secret-sauce-1"}}, ["page_size"]),
    ("factorialhr_list_employees", {"query": {"only_active": "secret-sauce-2"}}, ["only_active"]),
    ("factorialhr_list_employees", {"query": {"secret-sauce-3": "x"}}, ["secret-sauce-3"]),
    (
        "factorialhr_create_time_off_request",
        {"body": {"employee_id": "1", "start_on": "secret-sauce-4", "half_day": "secret-sauce-5"}},
        ["start_on", "half_day"],
    ),
    (
        "factorialhr_create_candidate",
        {"body": {"first_name": "A", "email": "secret-sauce-6"}},
        ["last_name", "email"],
    ),
    ("factorialhr_get_employee", {"path": {"id": "secret-sauce-7"}, "body": {"id": "2"}}, ["id"]),
]


async def test_bad_arguments_are_422_naming_each_field_without_echoing_values(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    before = await _upstream(harness, wire)
    for action, call, fields in BAD_CALLS:
        response = await harness.rpc(linked.tenant, linked.account_id, action, **call)
        assert response.status_code == 422, (action, call, response.text)
        assert sorted(error["field"] for error in response.json()["errors"]) == sorted(fields), response.text
        assert "secret-sauce" not in response.text.replace("secret-sauce-3", ""), response.text
    assert await _upstream(harness, wire) == before


async def test_a_malformed_call_is_422_without_echoing_it(harness: Harness, linked: Linked) -> None:
    response = await harness.api.post(
        "/actions/rpc",
        json={"action": "factorialhr_list_employees", "query": "secret-sauce-8"},
        headers={**linked.tenant.auth, "x-account-id": linked.account_id},
    )
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["query"]
    assert "secret-sauce" not in response.text
