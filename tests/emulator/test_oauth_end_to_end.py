"""The OAuth journeys of a real integration, over HTTP: a user token through expiry and rotation, a company token."""

from __future__ import annotations

import httpx

from tests.emulator.conftest import REDIRECT_URI, obtain_token, seeded_company

CREDENTIALS = "/api/2026-10-01/resources/api_public/credentials"
EMPLOYEES = "/api/2026-10-01/resources/employees/employees"


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_user_token_expires_then_refreshes_into_a_working_pair_and_the_old_pair_dies(
    client: httpx.AsyncClient,
) -> None:
    company = await seeded_company(client)
    person = next(user for user in company["users"] if user["role"] == "basic")
    created = await client.post(
        "/_emulator/oauth_applications",
        json={
            "name": "HR sync",
            "redirect_uris": [REDIRECT_URI],
            "scopes": ["employees"],
            "confidential": True,
        },
    )
    app = created.json()
    consent = await client.post(
        "/oauth/authorize",
        data={
            "client_id": app["client_id"],
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "employees",
            "state": "xyz",
            "resource_owner_type": "",
            "code_challenge": "",
            "code_challenge_method": "",
            "login_email": person["email"],
            "decision": "approve",
        },
    )
    location = httpx.URL(consent.headers["location"])
    assert location.params["state"] == "xyz"
    client_auth = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    first = (
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": location.params["code"],
                "redirect_uri": REDIRECT_URI,
                **client_auth,
            },
        )
    ).json()
    assert first["expires_in"] == 3600
    me = (await client.get(CREDENTIALS, headers=bearer(first["access_token"]))).json()["data"][0]
    assert me["employee_id"] == str(person["employee_id"])

    await client.post("/_emulator/clock", json={"advance_seconds": 2 * 3600})
    assert (await client.get(EMPLOYEES, headers=bearer(first["access_token"]))).status_code == 401

    before = (await client.get("/_emulator/stats")).json()["token_requests"]["refresh_token"]
    refreshed = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **client_auth},
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/_emulator/stats")).json()["token_requests"]["refresh_token"] == before + 1
    assert (await client.get(EMPLOYEES, headers=bearer(second["access_token"]))).status_code == 200

    # strict rotation: the old refresh token is spent, and replaying it kills the whole grant
    replay = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **client_auth},
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert (await client.get(EMPLOYEES, headers=bearer(second["access_token"]))).status_code == 401


async def test_company_token_is_for_admins_lasts_thirty_days_and_dies_when_revoked(
    client: httpx.AsyncClient,
) -> None:
    company = await seeded_company(client)
    token = await obtain_token(client, company["admin"]["email"], company_token=True)
    assert "expires_in" not in token and "refresh_token" not in token
    await client.post("/_emulator/clock", json={"advance_seconds": 30 * 86400})
    credential = (await client.get(CREDENTIALS, headers=bearer(token["access_token"]))).json()["data"][0]
    assert credential["company_id"] == str(company["id"]) and credential["employee_id"] is None
    assert (await client.get(EMPLOYEES, headers=bearer(token["access_token"]))).status_code == 200

    revoked = await client.post("/_emulator/revoke", json={"company_id": company["id"]})
    assert revoked.status_code == 200
    assert (await client.get(EMPLOYEES, headers=bearer(token["access_token"]))).status_code == 401


async def test_another_application_cannot_revoke_a_users_token_which_keeps_working(
    client: httpx.AsyncClient,
) -> None:
    company = await seeded_company(client)
    person = next(user for user in company["users"] if user["role"] == "basic")
    victim = await obtain_token(client, person["email"], scopes=["employees"])
    attacker = (
        await client.post(
            "/_emulator/oauth_applications",
            json={
                "name": "Rogue",
                "redirect_uris": [REDIRECT_URI],
                "scopes": ["employees"],
                "confidential": True,
            },
        )
    ).json()

    refused = await client.post(
        "/oauth/revoke",
        data={
            "token": victim["access_token"],
            "client_id": attacker["client_id"],
            "client_secret": attacker["client_secret"],
        },
    )

    assert refused.status_code == 403
    assert refused.json()["error"] == "unauthorized_client"
    assert victim["access_token"] not in refused.text
    still = await client.get(EMPLOYEES, headers=bearer(victim["access_token"]), params={"limit": 1})
    assert still.status_code == 200
    assert (await client.get("/_emulator/stats")).json()["revocations"] == 0
