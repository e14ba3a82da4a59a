"""The `/_emulator/` control API: each call's shape, its validation and its effect on the emulated world."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.emulator.factorial import create_app

SEED = 7
EMPLOYEE_COUNT = 9
API = "/api/2026-10-01/resources"
EMPLOYEES = f"{API}/employees/employees"
REDIRECT_URI = "https://app.example.com/callback"


@pytest.fixture
async def app() -> AsyncIterator[Starlette]:
    app = create_app(seed=SEED, employees=EMPLOYEE_COUNT)
    yield app
    await app.state.webhooks.aclose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://factorial.test") as client:
        yield client


async def companies(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/_emulator/companies")
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()
    return found


async def api_key(client: httpx.AsyncClient, company_id: int) -> dict[str, str]:
    response = await client.post("/_emulator/api_keys", json={"company_id": company_id})
    assert response.status_code == 201, response.text
    return {"x-api-key": response.json()["api_key"]}


async def seeded_company_id(client: httpx.AsyncClient) -> int:
    company_id: int = (await companies(client))[0]["id"]
    return company_id


def b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# --- companies ----------------------------------------------------------------------------------------------


def assert_company_shape(company: dict[str, Any]) -> None:
    assert set(company) == {"id", "name", "admin", "users"}
    assert set(company["admin"]) == {"email", "employee_id"}
    assert company["users"]
    for user in company["users"]:
        assert set(user) == {"email", "employee_id", "role"}
    assert {
        "email": company["admin"]["email"],
        "employee_id": company["admin"]["employee_id"],
        "role": "admin",
    } in [user for user in company["users"] if user["role"] == "admin"]


async def test_the_seeded_company_is_listed_with_its_admin_and_users(client: httpx.AsyncClient) -> None:
    [company] = await companies(client)

    assert_company_shape(company)


async def test_an_added_company_is_described_and_listed_after_the_seeded_one(
    client: httpx.AsyncClient,
) -> None:
    [seeded] = await companies(client)

    response = await client.post("/_emulator/companies", json={"name": "Globex", "employees": 4, "seed": 3})

    assert response.status_code == 201
    added = response.json()
    assert_company_shape(added)
    assert added["name"] == "Globex"
    assert added["id"] != seeded["id"]
    assert [company["id"] for company in await companies(client)] == [seeded["id"], added["id"]]
    listed = (await client.get(EMPLOYEES, headers=await api_key(client, added["id"]))).json()
    assert listed["meta"]["total"] == 4


async def test_an_api_key_of_one_company_cannot_see_another_companys_employees(
    client: httpx.AsyncClient,
) -> None:
    first_id = await seeded_company_id(client)
    other = (await client.post("/_emulator/companies", json={"name": "Initech", "employees": 3})).json()
    first_key, other_key = await api_key(client, first_id), await api_key(client, other["id"])
    first_employee = (await client.get(EMPLOYEES, headers=first_key)).json()["data"][0]

    assert (await client.get(f"{EMPLOYEES}/{first_employee['id']}", headers=first_key)).status_code == 200
    assert (await client.get(f"{EMPLOYEES}/{first_employee['id']}", headers=other_key)).status_code == 404
    other_ids = {row["id"] for row in (await client.get(EMPLOYEES, headers=other_key)).json()["data"]}
    assert first_employee["id"] not in other_ids
    assert len(other_ids) == 3


@pytest.mark.parametrize(
    "body",
    [
        {"employees": 3},
        {"name": "", "employees": 3},
        {"name": "Acme", "employees": 0},
        {"name": "Acme", "employees": "3"},
        {"name": "Acme", "employees": 3, "seed": "x"},
        {"name": "Acme", "employees": 3, "colour": "red"},
    ],
)
async def test_an_invalid_company_is_refused_and_nothing_is_added(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/_emulator/companies", json=body)

    assert response.status_code == 422
    assert "errors" in response.json()
    assert len(await companies(client)) == 1


# --- OAuth applications and API keys ------------------------------------------------------------------------


async def test_an_oauth_application_belongs_to_the_seeded_company_by_default(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    body = {
        "name": "Linkyard",
        "redirect_uris": [REDIRECT_URI],
        "scopes": ["employees"],
        "confidential": True,
    }

    response = await client.post("/_emulator/oauth_applications", json=body)

    assert response.status_code == 201
    created = response.json()
    assert set(created) == {
        "id",
        "client_id",
        "client_secret",
        "name",
        "redirect_uris",
        "scopes",
        "confidential",
        "company_id",
    }
    assert created["company_id"] == await seeded_company_id(client)
    assert (created["name"], created["redirect_uris"], created["scopes"]) == (
        "Linkyard",
        [REDIRECT_URI],
        ["employees"],
    )
    assert created["confidential"] is True
    assert created["client_id"] and created["client_secret"]
    assert app.state.world.applications[created["client_id"]].client_secret == created["client_secret"]


async def test_an_oauth_application_can_belong_to_another_company(client: httpx.AsyncClient) -> None:
    other = (await client.post("/_emulator/companies", json={"name": "Hooli", "employees": 2})).json()
    body = {
        "name": "Public app",
        "redirect_uris": [REDIRECT_URI],
        "scopes": ["time_off"],
        "confidential": False,
    }

    created = (
        await client.post("/_emulator/oauth_applications", json={**body, "company_id": other["id"]})
    ).json()

    assert created["company_id"] == other["id"]
    assert created["confidential"] is False


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"redirect_uris": [REDIRECT_URI], "scopes": ["employees"]}, 422, "name"),
        ({"name": "x", "redirect_uris": [], "scopes": ["employees"]}, 422, "redirect_uris"),
        ({"name": "x", "redirect_uris": ["not a uri"], "scopes": ["employees"]}, 422, "redirect_uris.0"),
        (
            {"name": "x", "redirect_uris": [REDIRECT_URI + "#frag"], "scopes": ["employees"]},
            422,
            "redirect_uris.0",
        ),
        ({"name": "x", "redirect_uris": [REDIRECT_URI], "scopes": ["everything"]}, 422, "scopes.0"),
        (
            {"name": "x", "redirect_uris": [REDIRECT_URI], "scopes": ["employees"], "confidential": "yes"},
            422,
            "confidential",
        ),
        (
            {"name": "x", "redirect_uris": [REDIRECT_URI], "scopes": ["employees"], "company_id": 999999},
            404,
            "company_id",
        ),
    ],
)
async def test_an_invalid_oauth_application_is_refused_and_nothing_is_created(
    app: Starlette, client: httpx.AsyncClient, body: dict[str, Any], status: int, field: str
) -> None:
    response = await client.post("/_emulator/oauth_applications", json=body)

    assert response.status_code == status
    assert field in response.json()["errors"]
    assert app.state.world.applications == {}


async def test_a_body_that_is_not_json_is_a_400(app: Starlette, client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/_emulator/oauth_applications", content=b"{name: x", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert "errors" in response.json()
    assert app.state.world.applications == {}


async def test_an_api_key_is_jwt_shaped_and_opens_the_rest_api(client: httpx.AsyncClient) -> None:
    company_id = await seeded_company_id(client)

    response = await client.post("/_emulator/api_keys", json={"company_id": company_id})

    assert response.status_code == 201
    key = response.json()["api_key"]
    assert set(response.json()) == {"api_key"}
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", key)
    assert key.startswith("eyJraWQiOiJmYWN")  # {"kid":"fac… as in Nango's example
    assert b64url_json(key.split(".")[0])["kid"].startswith("fac")
    listed = await client.get(EMPLOYEES, headers={"x-api-key": key})
    assert listed.status_code == 200
    assert listed.json()["meta"]["total"] == EMPLOYEE_COUNT


@pytest.mark.parametrize(
    ("body", "status"), [({"company_id": 999999}, 404), ({}, 422), ({"company_id": "1"}, 422)]
)
async def test_an_api_key_for_no_valid_company_is_refused(
    app: Starlette, client: httpx.AsyncClient, body: dict[str, Any], status: int
) -> None:
    response = await client.post("/_emulator/api_keys", json=body)

    assert response.status_code == status
    assert "errors" in response.json()
    assert app.state.world.api_keys == {}


# --- clock and revocation -----------------------------------------------------------------------------------


async def test_advancing_the_clock_moves_the_emulators_now(client: httpx.AsyncClient) -> None:
    before = await client.post("/_emulator/clock", json={"advance_seconds": 0})
    after = await client.post("/_emulator/clock", json={"advance_seconds": 7200})

    assert after.status_code == 200
    assert set(after.json()) == {"now"}
    moved = datetime.fromisoformat(after.json()["now"]) - datetime.fromisoformat(before.json()["now"])
    assert 7200 <= moved.total_seconds() < 7260


@pytest.mark.parametrize("body", [{}, {"advance_seconds": -5}, {"advance_seconds": "60"}])
async def test_an_invalid_clock_advance_is_refused(
    app: Starlette, client: httpx.AsyncClient, body: Any
) -> None:
    response = await client.post("/_emulator/clock", json=body)

    assert response.status_code == 422
    assert "errors" in response.json()
    assert app.state.world.clock.offset == 0


async def company_token(client: httpx.AsyncClient) -> str:
    """A company token obtained the way a browser would: consent by the admin, then the code exchange."""
    [company] = await companies(client)
    body = {
        "name": "Linkyard",
        "redirect_uris": [REDIRECT_URI],
        "scopes": ["employees"],
        "confidential": True,
    }
    application = (await client.post("/_emulator/oauth_applications", json=body)).json()
    consent = {
        "client_id": application["client_id"],
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "employees",
        "state": "s1",
        "resource_owner_type": "company",
        "login_email": company["admin"]["email"],
        "decision": "approve",
    }
    redirect = await client.post("/oauth/authorize", data=consent)
    assert redirect.status_code == 302, redirect.text
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    token = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": application["client_id"],
            "client_secret": application["client_secret"],
            "code": code,
            "redirect_uri": REDIRECT_URI,
        },
    )
    assert token.status_code == 200, token.text
    access_token: str = token.json()["access_token"]
    return access_token


async def test_revoking_a_companys_tokens_makes_its_company_token_fail(client: httpx.AsyncClient) -> None:
    token = await company_token(client)
    bearer = {"authorization": f"Bearer {token}"}
    assert (await client.get(EMPLOYEES, headers=bearer)).status_code == 200

    response = await client.post("/_emulator/revoke", json={"company_id": await seeded_company_id(client)})

    assert response.status_code == 200
    assert response.json() == {"revoked": 1}
    assert (await client.get(EMPLOYEES, headers=bearer)).status_code == 401
    assert (await client.get("/_emulator/stats")).json()["revocations"] == 1


async def test_revoking_one_token_makes_it_fail(client: httpx.AsyncClient) -> None:
    token = await company_token(client)

    response = await client.post("/_emulator/revoke", json={"token": token})

    assert response.json() == {"revoked": 1}
    assert (await client.get(EMPLOYEES, headers={"authorization": f"Bearer {token}"})).status_code == 401
    assert (await client.post("/_emulator/revoke", json={"token": token})).json() == {"revoked": 0}


@pytest.mark.parametrize(("body", "status"), [({}, 422), ({"company_id": 999999}, 404), ({"token": ""}, 422)])
async def test_an_invalid_revocation_is_refused(
    client: httpx.AsyncClient, body: dict[str, Any], status: int
) -> None:
    response = await client.post("/_emulator/revoke", json=body)

    assert response.status_code == status
    assert "errors" in response.json()


# --- settings -----------------------------------------------------------------------------------------------

DEFAULT_SETTINGS = {
    "access_token_ttl": 3600,
    "refresh_token_ttl": 604800,
    "code_ttl": 600,
    "rotation": "strict",
    "pkce": "optional",
    "latency_ms": 0,
    "token_latency_ms": 0,
    "rate_limit_post_per_minute": 200,
    "rate_limit_get_per_minute": None,
    "webhook_max_attempts": 20,
    "webhook_retry_base_seconds": 60.0,
    "webhook_timeout_seconds": 10.0,
}


async def test_settings_start_at_their_defaults(client: httpx.AsyncClient) -> None:
    response = await client.get("/_emulator/settings")

    assert response.status_code == 200
    assert response.json() == DEFAULT_SETTINGS


async def test_a_partial_settings_update_changes_only_the_keys_sent(client: httpx.AsyncClient) -> None:
    update = {
        "access_token_ttl": 60,
        "rotation": "grace",
        "rate_limit_post_per_minute": None,
        "pkce": "require",
    }

    response = await client.put("/_emulator/settings", json=update)

    assert response.status_code == 200
    assert response.json() == {**DEFAULT_SETTINGS, **update}
    assert (await client.get("/_emulator/settings")).json() == {**DEFAULT_SETTINGS, **update}


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"access_token_ttl": "60"}, "access_token_ttl"),
        ({"access_token_ttl": True}, "access_token_ttl"),
        ({"access_token_ttl": 0}, "access_token_ttl"),
        ({"access_token_ttl": None}, "access_token_ttl"),
        ({"rotation": "sometimes"}, "rotation"),
        ({"pkce": "always"}, "pkce"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"rate_limit_get_per_minute": 0}, "rate_limit_get_per_minute"),
        ({"webhook_timeout_seconds": 0}, "webhook_timeout_seconds"),
        ({"latency_ms": 5, "code_ttl": "ten"}, "code_ttl"),
    ],
)
async def test_an_invalid_settings_update_names_the_field_and_changes_nothing(
    client: httpx.AsyncClient, update: dict[str, Any], field: str
) -> None:
    response = await client.put("/_emulator/settings", json=update)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert (await client.get("/_emulator/settings")).json() == DEFAULT_SETTINGS


async def test_a_settings_body_that_is_not_an_object_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.put("/_emulator/settings", json=[1, 2])

    assert response.status_code == 422
    assert "errors" in response.json()


# --- faults and stats ---------------------------------------------------------------------------------------


async def test_a_fault_is_echoed_back_when_added(client: httpx.AsyncClient) -> None:
    fault = {"method": "get", "path": "/api/*", "status": 429, "times": 2, "retry_after": 5}

    response = await client.post("/_emulator/faults", json=fault)

    assert response.status_code == 201
    assert response.json() == {**fault, "method": "GET", "delay_ms": 0, "body": None}


@pytest.mark.parametrize(
    ("fault", "field"),
    [
        ({"path": "/api/*", "status": 500}, "method"),
        ({"method": "GET", "status": 500}, "path"),
        ({"method": "GET", "path": "/api/*", "status": 99}, "status"),
        ({"method": "GET", "path": "/api/*", "status": 500, "times": 0}, "times"),
        ({"method": "GET", "path": "/api/*"}, "status"),
        ({"method": "G E T", "path": "/api/*", "status": 500}, "method"),
        ({"method": "GET", "path": "/api/*", "status": 500, "delay_ms": -1}, "delay_ms"),
    ],
)
async def test_an_invalid_fault_is_refused(
    app: Starlette, client: httpx.AsyncClient, fault: dict[str, Any], field: str
) -> None:
    response = await client.post("/_emulator/faults", json=fault)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert app.state.world.faults == []


async def test_stats_count_api_requests_by_route(client: httpx.AsyncClient) -> None:
    headers = await api_key(client, await seeded_company_id(client))
    await client.get(EMPLOYEES, headers=headers)
    await client.get(EMPLOYEES, headers=headers)

    stats = (await client.get("/_emulator/stats")).json()

    assert {"token_requests", "token_errors", "revocations", "api_requests", "requests_by_route"} <= set(
        stats
    )
    assert set(stats["token_requests"]) >= {"authorization_code", "refresh_token"}
    assert stats["webhook_deliveries"] == {"succeeded": 0, "failed": 0}
    assert stats["api_requests"] == 2
    assert sum(stats["requests_by_route"].values()) == 2


# --- reset --------------------------------------------------------------------------------------------------


def untimed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows without their `..._at` times."""
    return [{key: value for key, value in row.items() if not key.endswith("_at")} for row in rows]


async def test_reset_restores_the_seeded_state_and_forgets_everything_else(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    original_companies = await companies(client)
    headers = await api_key(client, original_companies[0]["id"])
    original_employees = (await client.get(EMPLOYEES, headers=headers)).json()["data"]
    first = original_employees[0]
    assert (
        await client.put(f"{EMPLOYEES}/{first['id']}", json={"first_name": "Changed"}, headers=headers)
    ).is_success
    await client.post("/_emulator/companies", json={"name": "Extra", "employees": 2})
    await client.put("/_emulator/settings", json={"latency_ms": 1, "rotation": "grace"})
    await client.post(
        "/_emulator/faults", json={"method": "GET", "path": "/api/*", "status": 500, "times": 5}
    )
    await client.post("/_emulator/clock", json={"advance_seconds": 86400})

    response = await client.post("/_emulator/reset")

    assert response.status_code == 200
    assert response.json() == original_companies[0]
    assert await companies(client) == original_companies
    assert (await client.get("/_emulator/settings")).json() == DEFAULT_SETTINGS
    assert app.state.world.faults == []
    assert app.state.world.clock.offset == 0
    stats = (await client.get("/_emulator/stats")).json()
    assert (stats["api_requests"], stats["requests_by_route"]) == (0, {})
    assert (await client.get(EMPLOYEES, headers=headers)).status_code == 401  # credentials are forgotten too
    fresh = await api_key(client, original_companies[0]["id"])
    # Seeded times are relative to the clock when seeding runs, so a reset a second later shifts them.
    assert untimed((await client.get(EMPLOYEES, headers=fresh)).json()["data"]) == untimed(original_employees)


async def test_reset_can_seed_a_different_company(client: httpx.AsyncClient) -> None:
    [original] = await companies(client)

    response = await client.post("/_emulator/reset", json={"seed": SEED + 1, "employees": 4})

    assert response.status_code == 200
    [company] = await companies(client)
    assert response.json() == company
    assert company != original
    listed = (await client.get(EMPLOYEES, headers=await api_key(client, company["id"]))).json()
    assert listed["meta"]["total"] == 4


@pytest.mark.parametrize("body", [{"employees": 0}, {"seed": "1"}, {"employees": 5, "extra": 1}])
async def test_an_invalid_reset_is_refused_and_keeps_the_world(client: httpx.AsyncClient, body: Any) -> None:
    before = await companies(client)
    await client.post("/_emulator/companies", json={"name": "Kept", "employees": 2})

    response = await client.post("/_emulator/reset", json=body)

    assert response.status_code == 422
    assert "errors" in response.json()
    assert len(await companies(client)) == len(before) + 1
