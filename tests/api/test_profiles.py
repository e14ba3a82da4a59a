"""`/connector_profiles` and `/auth_configs`: defaults, validation naming the culprit, the write-only secret."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.connectors import get_connector
from linkyard.services import create_project
from linkyard.store import Store
from tests.api.conftest import PUBLIC_URL, REDIRECT_URI, Harness, Tenant, basic


async def _create(harness: Harness, tenant: Tenant, **fields: object) -> httpx.Response:
    body: dict[str, object] = {
        "connector": "factorialhr",
        "environment": "sandbox",
        "client_id": "cid",
        "client_secret": "s" * 32,
    }
    body.update(fields)
    return await harness.api.post("/connector_profiles", json=body, headers=tenant.auth)


async def test_a_profile_has_the_spec_defaults_and_only_a_hint_of_its_secret(harness: Harness) -> None:
    tenant = await harness.tenant()
    response = await _create(harness, tenant, client_secret="write-only-secret-abcd", scopes=["employees"])
    assert response.status_code == 201
    profile = response.json()
    assert profile["client_secret_hint"] == "…abcd"
    assert "write-only-secret" not in response.text
    assert "client_secret" not in profile
    assert profile["token_type"] == "user"
    assert profile["actions"] is None
    assert "factorialhr_list_employees" in profile["enabled_actions"]
    assert "factorialhr_list_time_off_requests" not in profile["enabled_actions"]
    assert profile["redirect_uri"] == REDIRECT_URI
    assert profile["default"] is True
    assert profile["auth_type"] == "oauth2"
    assert profile["environment"] == "sandbox"
    listed = (await harness.api.get("/connector_profiles", headers=tenant.auth)).json()
    assert [item["id"] for item in listed["data"]] == [profile["id"]]
    read = (await harness.api.get(f"/connector_profiles/{profile['id']}", headers=tenant.auth)).json()
    assert read == profile


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"scopes": ["employees", "time_offf"]}, "scopes[1]", "unknown scope (did you mean time_off?)"),
        ({"actions": ["factorialhr_list_employes"]}, "actions[0]", "unknown action"),
        (
            {"scopes": ["employees"], "actions": ["factorialhr_list_time_off_requests"]},
            "actions[0]",
            "factorialhr_list_time_off_requests needs time_off",
        ),
        ({"environment": "staging"}, "environment", "must be one of"),
        ({"token_type": "robot"}, "token_type", "must be one of"),
        ({"connector": "bamboohr"}, "connector", "is not a known connector"),
        ({"auth_type": "api_key"}, "auth_type", "must be one of"),
        ({"client_secret": "   "}, "client_secret", "left out for a public app"),
    ],
)
async def test_an_invalid_profile_is_422_naming_the_culprit(
    harness: Harness, fields: dict[str, object], field: str, message: str
) -> None:
    tenant = await harness.tenant()
    response = await _create(harness, tenant, **fields)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(error["field"] == field and message in error["message"] for error in errors), errors
    assert (await harness.api.get("/connector_profiles", headers=tenant.auth)).json()["data"] == []


async def test_the_sandbox_is_refused_when_the_operator_configured_none(
    settings: Settings, store: Store
) -> None:
    bare = create_app(settings.model_copy(update={"sandbox_urls": {}}), store=store)
    async with bare.router.lifespan_context(bare):
        tenant_key = (await create_project(store, "Bare")).api_key.raw
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bare), base_url=PUBLIC_URL) as api:
            body = {
                "connector": "factorialhr",
                "environment": "sandbox",
                "client_id": "c",
                "client_secret": "s",
            }
            response = await api.post("/connector_profiles", json=body, headers=basic(tenant_key))
            assert response.status_code == 422
            assert response.json()["errors"][0]["field"] == "environment"
            body["environment"] = "production"
            assert (
                await api.post("/connector_profiles", json=body, headers=basic(tenant_key))
            ).status_code == 201


async def test_tenants_cannot_supply_provider_urls(harness: Harness) -> None:
    tenant = await harness.tenant()
    response = await _create(harness, tenant, base_url="http://169.254.169.254/", token_url="http://evil/")
    assert response.status_code == 422
    assert "169.254" not in response.text


async def test_patch_replaces_the_secret_and_the_flow_uses_the_new_one(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application()
    profile = await harness.profile(tenant, application)
    wrong = await harness.api.patch(
        f"/connector_profiles/{profile['id']}",
        json={"client_secret": "wrong-secret-wxyz"},
        headers=tenant.auth,
    )
    assert wrong.status_code == 200
    assert wrong.json()["client_secret_hint"] == "…wxyz"
    flow = await harness.open_link(await harness.session(tenant))
    await harness.consent(flow, await harness.basic_user_email())
    failed = await harness.callback(flow)
    assert failed.status_code == 400  # Factorial refused the wrong secret (invalid_client)
    right = await harness.api.patch(
        f"/connector_profiles/{profile['id']}",
        json={"client_secret": application["client_secret"]},
        headers=tenant.auth,
    )
    assert right.json()["client_secret_hint"] == f"…{application['client_secret'][-4:]}"
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert account["status"] == "active"


async def test_patch_validates_the_result_as_a_whole(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(
        tenant, scopes=["employees", "time_off"], actions=["factorialhr_list_time_off_requests"]
    )
    narrowed = await harness.api.patch(
        f"/connector_profiles/{profile['id']}", json={"scopes": ["employees"]}, headers=tenant.auth
    )
    assert narrowed.status_code == 422
    assert narrowed.json()["errors"][0]["message"] == "factorialhr_list_time_off_requests needs time_off"
    relabelled = await harness.api.patch(
        f"/connector_profiles/{profile['id']}",
        json={"label": "Main", "token_type": "company"},
        headers=tenant.auth,
    )
    assert relabelled.status_code == 200
    assert relabelled.json()["label"] == "Main" and relabelled.json()["token_type"] == "company"
    nulled = await harness.api.patch(
        f"/connector_profiles/{profile['id']}", json={"environment": None}, headers=tenant.auth
    )
    assert nulled.status_code == 422


async def test_a_profile_with_linked_accounts_is_deleted_only_with_force(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    refused = await harness.api.delete(f"/connector_profiles/{profile['id']}", headers=tenant.auth)
    assert refused.status_code == 409
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 200
    forced = await harness.api.delete(
        f"/connector_profiles/{profile['id']}", params={"force": "true"}, headers=tenant.auth
    )
    assert forced.status_code == 204
    assert (await harness.stats())["revocations"] == 1
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 404
    assert (
        await harness.api.get(f"/connector_profiles/{profile['id']}", headers=tenant.auth)
    ).status_code == 404


async def test_auth_configs_mirror_the_profiles_page_by_page(harness: Harness) -> None:
    tenant = await harness.tenant()
    ids = []
    for index in range(3):
        ids.append((await harness.profile(tenant, label=f"p{index}"))["id"])
        harness.advance(timedelta(seconds=1))  # profiles list oldest first
    first = (await harness.api.get("/auth_configs", params={"page_size": 2}, headers=tenant.auth)).json()
    assert [item["id"] for item in first["data"]] == ids[:2]
    assert first["next_page"] == 2
    assert first["data"][0]["provider"] == "factorialhr"
    assert first["data"][0]["status"] == "enabled"
    second = (
        await harness.api.get("/auth_configs", params={"page": 2, "page_size": 2}, headers=tenant.auth)
    ).json()
    assert [item["id"] for item in second["data"]] == ids[2:]
    assert second["next_page"] is None


async def test_the_connector_catalogue(harness: Harness) -> None:
    tenant = await harness.tenant()
    listed = (await harness.api.get("/connectors", headers=tenant.auth)).json()
    assert listed["data"] == [
        {"key": "factorialhr", "name": "Factorial", "auth_types": ["oauth2"], "categories": ["hris", "ats"]}
    ]
    detail = (await harness.api.get("/connectors/factorialhr", headers=tenant.auth)).json()
    assert detail["environments"] == ["production", "demo", "sandbox"]
    assert detail["token_types"] == ["user", "company"]
    assert len(detail["scopes"]) == len(get_connector("factorialhr").scopes)
    action = next(a for a in detail["actions"] if a["id"] == "factorialhr_get_credentials")
    assert set(action) == {"id", "label", "description", "required_scopes", "input_schema"}
    assert (await harness.api.get("/connectors/bamboohr", headers=tenant.auth)).status_code == 404
