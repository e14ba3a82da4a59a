"""API keys (security item 9): StackOne's Basic scheme or Bearer; unknown, revoked and URL-borne keys refused."""

from __future__ import annotations

import base64

from linkyard.services import create_api_key, list_api_keys, revoke_api_key
from tests.api.conftest import Harness, basic


async def test_basic_and_bearer_both_carry_the_key(harness: Harness) -> None:
    tenant = await harness.tenant()
    assert (await harness.api.get("/accounts", headers=basic(tenant.key))).status_code == 200
    bearer = {"Authorization": f"Bearer {tenant.key}"}
    assert (await harness.api.get("/accounts", headers=bearer)).status_code == 200
    with_password = {"Authorization": "Basic " + base64.b64encode(f"{tenant.key}:ignored".encode()).decode()}
    assert (await harness.api.get("/accounts", headers=with_password)).status_code == 200


async def test_requests_without_a_valid_key_are_401_with_the_envelope(harness: Harness) -> None:
    tenant = await harness.tenant()
    for headers in (
        {},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic " + base64.b64encode(b":").decode()},
        basic("lk_" + "x" * 43),
        {"Authorization": f"Token {tenant.key}"},
        {"Authorization": f"Bearer {tenant.key}x"},
    ):
        response = await harness.api.get("/accounts", headers=headers)
        assert response.status_code == 401, headers
        body = response.json()
        assert body["statusCode"] == 401 and body["message"] and body["timestamp"]
        assert response.headers["www-authenticate"].startswith("Basic")
        assert tenant.key not in response.text


async def test_a_revoked_key_stops_working_at_once(harness: Harness) -> None:
    tenant = await harness.tenant()
    second = await create_api_key(harness.store, tenant.project_id, "ci")
    assert (await harness.api.get("/accounts", headers=basic(second.raw))).status_code == 200
    await revoke_api_key(harness.store, tenant.project_id, second.key.id)
    assert (await harness.api.get("/accounts", headers=basic(second.raw))).status_code == 401
    assert (await harness.api.get("/accounts", headers=tenant.auth)).status_code == 200
    keys = await list_api_keys(harness.store, tenant.project_id)
    assert {key.id: key.revoked for key in keys}[second.key.id] is True
    assert sorted(key.revoked for key in keys) == [False, True]
    assert all(second.raw not in repr(key) for key in keys)


async def test_a_key_in_the_query_string_is_refused_even_with_a_valid_header(harness: Harness) -> None:
    tenant = await harness.tenant()
    for params in ({"api_key": tenant.key}, {"token": "anything"}, {"origin_owner_id": tenant.key}):
        response = await harness.api.get("/accounts", params=params, headers=tenant.auth)
        assert response.status_code == 400, params
        assert response.json()["code"] == "credentials_in_query"
        assert tenant.key not in response.text


async def test_health_needs_no_key(harness: Harness) -> None:
    response = await harness.api.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
