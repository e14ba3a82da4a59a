"""The embedded connect UI's API (`/hub/...`, StackOne's `@stackone/hub`) over ASGI: the shapes the UI reads, the
connection attempt its popup's flow settles, CORS for allowed origins only, and the session as the one credential.

The browser walk with the real web component is tests/browser/test_hub.py; here each endpoint and each refusal.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from linkyard.store.tables import connection_attempts
from tests.api.conftest import ON_BOTH_BACKENDS, PUBLIC_URL, RETURN_ORIGIN, Flow, Harness, Tenant

pytestmark = ON_BOTH_BACKENDS

HUB_APP = "https://app.stackone.com"  # where the UI's popup URL says to go back to: never followed


def hub_headers(token: str, origin: str = RETURN_ORIGIN) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "x-hub-session-token": token,
        "x-hub-version": "1.11.4",
        "Origin": origin,
    }


async def hub_get(harness: Harness, path: str, token: str, origin: str = RETURN_ORIGIN) -> httpx.Response:
    return await harness.api.get(path, headers=hub_headers(token, origin))


async def start_attempt(harness: Harness, token: str) -> dict[str, Any]:
    answer = await harness.api.post(
        "/hub/connection_attempts", json={"token": token}, headers=hub_headers(token)
    )
    assert answer.status_code == 201, answer.text
    assert answer.headers["access-control-allow-origin"] == RETURN_ORIGIN
    return dict(answer.json())


async def open_popup(
    harness: Harness, session: dict[str, Any], attempt_id: str
) -> tuple[Flow, httpx.Response]:
    """What the UI's popup opens: `/connect/oauth2/{id}?redirect_uri=...&token=...&connection_attempt_id=...`."""
    flow = Flow(harness.browser())
    query = httpx.QueryParams(
        {
            "redirect_uri": f"{HUB_APP}/embedded/accounts/callback",
            "token": session["token"],
            "connection_attempt_id": attempt_id,
        }
    )
    start = await flow.browser.get(f"/connect/oauth2/{session['integration_id']}?{query}")
    if start.status_code == 302:
        flow.authorize_url = httpx.URL(start.headers["location"])
    return flow, start


async def attempt_status(harness: Harness, token: str, attempt_id: str) -> dict[str, Any]:
    answer = await hub_get(harness, f"/hub/connection_attempts/{attempt_id}", token)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def attempts_stored(harness: Harness) -> int:
    async with harness.store.database.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(connection_attempts)) or 0)


async def ready(harness: Harness, **session_fields: Any) -> tuple[Tenant, dict[str, Any], dict[str, Any]]:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    session = await harness.session(tenant, **session_fields)
    return tenant, profile, session


# -- CORS -----------------------------------------------------------------------------------------------------


async def test_a_preflight_from_an_allowed_origin_allows_the_hub_headers_and_methods(
    harness: Harness,
) -> None:
    await harness.tenant()
    answer = await harness.api.options(
        "/hub/connectors",
        headers={
            "Origin": RETURN_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "content-type,x-hub-session-token,x-hub-version",
        },
    )
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == RETURN_ORIGIN
    allowed = {name.strip() for name in answer.headers["access-control-allow-headers"].split(",")}
    assert {"content-type", "x-hub-session-token", "x-hub-version"} <= allowed
    methods = {name.strip() for name in answer.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    assert "access-control-allow-credentials" not in answer.headers


async def test_a_preflight_from_an_origin_no_project_allows_is_refused_without_cors_headers(
    harness: Harness,
) -> None:
    await harness.tenant()
    for origin in ("https://evil.example", "http://app.example.com", "https://app.example.com:8443", "null"):
        answer = await harness.api.options(
            "/hub/connection_attempts",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        assert answer.status_code == 403, origin
        assert "access-control-allow-origin" not in answer.headers
        assert answer.json()["statusCode"] == 403


async def test_a_call_from_another_projects_origin_is_refused_for_this_session(harness: Harness) -> None:
    _, _, session = await ready(harness)
    await harness.tenant("Other", origins=("https://other.example",))
    answer = await hub_get(harness, "/hub/connectors", session["token"], origin="https://other.example")
    assert answer.status_code == 403
    assert answer.json()["statusCode"] == 403
    # Readable by the UI (the origin is some project's): it shows its "expired" state, and nothing is listed.
    assert answer.headers["access-control-allow-origin"] == "https://other.example"


async def test_a_call_from_an_origin_nobody_allows_gets_no_cors_headers_and_changes_nothing(
    harness: Harness,
) -> None:
    tenant, _, session = await ready(harness)
    answer = await harness.api.post(
        "/hub/connection_attempts",
        json={"token": session["token"]},
        headers=hub_headers(session["token"], origin="https://evil.example"),
    )
    assert answer.status_code == 403
    assert "access-control-allow-origin" not in answer.headers
    assert await attempts_stored(harness) == 0
    assert (await harness.api.get("/accounts", headers=tenant.auth)).json() == []


# -- what the UI reads ----------------------------------------------------------------------------------------


async def test_settings_connectors_and_the_connector_are_in_the_shapes_the_hub_reads(
    harness: Harness,
) -> None:
    _, profile, session = await ready(harness)
    token = session["token"]

    settings = await hub_get(harness, "/hub/settings", token)
    assert settings.status_code == 200
    assert settings.json() == {"enabled_features": [], "existing_account_id": None}

    listed = (await hub_get(harness, "/hub/connectors", token)).json()
    assert listed == {
        "integrations": [
            {
                "integration_id": profile["id"],
                "provider": "factorialhr",
                "name": "Factorial",
                "type": "hris",
                "active": True,
                "version": listed["integrations"][0]["version"],
                "logo_url": f"{PUBLIC_URL}/hub/logos/factorialhr.svg",
                "authentication_config_key": "oauth2",
                "environment": "sandbox",
            }
        ]
    }
    assert (await hub_get(harness, "/hub/connectors?provider=factorialhr", token)).json() == listed
    assert (await hub_get(harness, "/hub/connectors?provider=other", token)).json() == {"integrations": []}

    connector = (await hub_get(harness, f"/hub/connectors/{profile['id']}", token)).json()
    config = connector["config"]
    assert config["key"] == "factorialhr"
    assert config["name"] == "Factorial"
    assert config["assets"]["icon"] == f"{PUBLIC_URL}/hub/logos/factorialhr.svg"
    assert config["authentication"]["oauth2"]["sandbox"]["type"] == "oauth2"
    assert config["authentication"]["oauth2"]["sandbox"]["fields"] == []

    logo = await harness.api.get("/hub/logos/factorialhr.svg")
    assert logo.status_code == 200
    assert logo.headers["content-type"].startswith("image/svg+xml")
    assert logo.text.startswith("<svg")
    assert (await harness.api.get("/hub/logos/nothing.svg")).status_code == 404


async def test_another_integration_or_account_than_the_sessions_is_not_found(harness: Harness) -> None:
    tenant, _, session = await ready(harness)
    other = await harness.profile(tenant, label="second")
    token = session["token"]
    for path in (f"/hub/connectors/{other['id']}", "/hub/accounts/acc_nothing"):
        answer = await hub_get(harness, path, token)
        assert answer.status_code == 404, path
        assert answer.json()["statusCode"] == 404


async def test_a_credentials_form_is_refused_accounts_link_through_oauth(harness: Harness) -> None:
    _, profile, session = await ready(harness)
    token = session["token"]
    created = await harness.api.post(
        "/hub/accounts",
        json={"integration_id": profile["id"], "credentials": {"api_key": "x"}},
        headers=hub_headers(token),
    )
    assert created.status_code == 422
    assert created.json()["statusCode"] == 422
    assert created.json()["errors"][0]["field"] == "credentials"
    patched = await harness.api.patch(
        "/hub/accounts/acc_nothing", json={"credentials": {}}, headers=hub_headers(token)
    )
    assert patched.status_code == 404


# -- the session decides --------------------------------------------------------------------------------------


async def test_the_sessions_categories_must_include_the_profiles_and_name_its_type(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    session = await harness.session(tenant, categories=["crm", "ats"])
    assert session["categories"] == ["crm", "ats"]
    listed = (await hub_get(harness, "/hub/connectors", session["token"])).json()
    assert listed["integrations"][0]["type"] == "ats"  # Factorial is hris and ats: the session asked for ats
    body = {"origin_owner_id": "o", "origin_owner_name": "O"}
    elsewhere = await harness.api.post(
        "/connect_sessions", json={**body, "categories": ["crm"]}, headers=tenant.auth
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["field"] == "categories"
    unknown = await harness.api.post(
        "/connect_sessions", json={**body, "categories": ["hris", "nope"]}, headers=tenant.auth
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "categories[1]"


async def test_a_token_that_is_unknown_expired_or_in_the_url_is_a_401_the_hub_reads_as_expired(
    harness: Harness,
) -> None:
    _, _, session = await ready(harness, expires_in=60)
    token = session["token"]
    unknown = await hub_get(harness, "/hub/settings", "lkcs_" + "x" * 40)
    assert unknown.status_code == 401
    assert unknown.json()["statusCode"] == 401
    # A challenge no browser prompts a password for (Basic would).
    assert unknown.headers["www-authenticate"].startswith("HubSessionToken ")
    in_url = await harness.api.get(f"/hub/settings?token={token}", headers={"Origin": RETURN_ORIGIN})
    assert in_url.status_code == 401
    assert in_url.headers["access-control-allow-origin"] == RETURN_ORIGIN
    harness.advance(timedelta(seconds=61))
    expired = await hub_get(harness, "/hub/connectors", token)
    assert expired.status_code == 401
    assert expired.headers["access-control-allow-origin"] == RETURN_ORIGIN


async def test_another_projects_token_sees_nothing_of_this_project(harness: Harness) -> None:
    _, profile, session = await ready(harness)
    attempt = await start_attempt(harness, session["token"])
    other = await harness.tenant("Other")
    await harness.profile(other)
    theirs = await harness.session(other)
    for path in (f"/hub/connectors/{profile['id']}", f"/hub/connection_attempts/{attempt['id']}"):
        answer = await hub_get(harness, path, theirs["token"])
        assert answer.status_code == 404, path
    cancel = await harness.api.delete(
        f"/hub/connection_attempts/{attempt['id']}", headers=hub_headers(theirs["token"])
    )
    assert cancel.status_code == 404
    assert (await attempt_status(harness, session["token"], attempt["id"]))["status"] == "pending"


async def test_an_attempt_of_another_session_is_not_found_nor_usable_by_its_popup(harness: Harness) -> None:
    tenant, _, session = await ready(harness)
    attempt = await start_attempt(harness, session["token"])
    second = await harness.session(tenant, origin_owner_id="customer-2")
    assert (
        await hub_get(harness, f"/hub/connection_attempts/{attempt['id']}", second["token"])
    ).status_code == 404
    _, start = await open_popup(harness, second, attempt["id"])
    assert start.status_code == 400
    assert "This link is not valid" in start.text
    assert await harness.code_exchanges() == 0
    # Nor can the other session's holder end it.
    assert (await attempt_status(harness, session["token"], attempt["id"]))["status"] == "pending"


# -- the walk ---------------------------------------------------------------------------------------------------


async def test_the_popup_runs_the_connect_flow_and_the_attempt_names_the_new_account(
    harness: Harness,
) -> None:
    tenant, profile, session = await ready(
        harness, origin_owner_id="owner-hub", redirect_url=f"{RETURN_ORIGIN}/back"
    )
    token = session["token"]
    attempt = await start_attempt(harness, token)
    assert attempt["status"] == "pending"
    assert attempt["account"] is None

    flow, start = await open_popup(harness, session, attempt["id"])
    assert start.status_code == 302
    assert flow.authorize_url is not None
    assert flow.authorize_url.params["code_challenge_method"] == "S256"
    assert (await attempt_status(harness, token, attempt["id"]))["status"] == "pending"
    await harness.consent(flow, await harness.basic_user_email())
    final = await harness.callback(flow)
    # Neither the UI's redirect_uri nor the session's return URL: the popup ends on the hosted success page.
    assert final.status_code == 200
    assert "is connected" in final.text
    assert HUB_APP not in final.text

    polled = await attempt_status(harness, token, attempt["id"])
    assert polled["status"] == "authenticated"
    account_id = polled["account"]["id"]
    account = (await harness.api.get(f"/accounts/{account_id}", headers=tenant.auth)).json()
    assert account["status"] == "active"
    assert account["origin_owner_id"] == "owner-hub"
    assert account["integration_id"] == profile["id"]

    # The session is used now: the UI's other calls are refused; its attempt can still be read.
    assert (await hub_get(harness, "/hub/connectors", token)).status_code == 401
    again = await harness.api.post("/hub/connection_attempts", json={}, headers=hub_headers(token))
    assert again.status_code == 401


async def test_a_relink_through_the_hub_keeps_the_account_and_its_id(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    email = await harness.basic_user_email()
    _, account = await harness.link(tenant, email)
    session = await harness.session(tenant, account_id=account["id"])
    token = session["token"]

    settings = (await hub_get(harness, "/hub/settings", token)).json()
    assert settings["existing_account_id"] == account["id"]
    seen = (await hub_get(harness, f"/hub/accounts/{account['id']}", token)).json()
    assert seen["id"] == account["id"]
    assert seen["provider"] == "factorialhr"
    assert seen["integrationId"] == profile["id"]
    assert seen["authConfigKey"] == "oauth2"
    assert seen["environment"] == "sandbox"

    attempt = await start_attempt(harness, token)
    flow, _ = await open_popup(harness, session, attempt["id"])
    await harness.consent(flow, email)
    await harness.callback(flow)
    polled = await attempt_status(harness, token, attempt["id"])
    assert polled["status"] == "authenticated"
    assert polled["account"]["id"] == account["id"]
    listed = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert [item["id"] for item in listed] == [account["id"]]


async def test_a_denied_consent_is_an_attempt_error_the_hub_shows(harness: Harness) -> None:
    _, _, session = await ready(harness)
    attempt = await start_attempt(harness, session["token"])
    flow, _ = await open_popup(harness, session, attempt["id"])
    await harness.consent(flow, await harness.basic_user_email(), decision="deny")
    final = await harness.callback(flow)
    assert "Connection cancelled" in final.text
    polled = await attempt_status(harness, session["token"], attempt["id"])
    assert polled["status"] == "error"
    assert polled["error"] == {"code": "access_denied", "description": "You declined to connect the account."}
    assert polled["account"] is None
    assert await harness.code_exchanges() == 0


async def test_a_provider_error_is_an_attempt_error(harness: Harness) -> None:
    _, _, session = await ready(harness)
    attempt = await start_attempt(harness, session["token"])
    flow, _ = await open_popup(harness, session, attempt["id"])
    await harness.consent(flow, await harness.basic_user_email())
    fault = {"method": "POST", "path": "/oauth/token", "status": 503, "times": 10}
    assert (await harness.factorial.post("/_emulator/faults", json=fault)).status_code in (200, 201)
    await harness.callback(flow)
    polled = await attempt_status(harness, session["token"], attempt["id"])
    assert polled["status"] == "error"
    assert polled["error"]["code"] == "provider_error"
    assert "token" not in polled["error"]["description"].lower()


async def test_a_disabled_profile_is_listed_inactive_and_its_popup_reports_the_error(
    harness: Harness,
) -> None:
    tenant, profile, session = await ready(harness)
    token = session["token"]
    attempt = await start_attempt(harness, token)
    disabled = await harness.api.patch(
        f"/connector_profiles/{profile['id']}", json={"disabled": True}, headers=tenant.auth
    )
    assert disabled.status_code == 200, disabled.text
    listed = (await hub_get(harness, "/hub/connectors", token)).json()
    assert listed["integrations"][0]["active"] is False
    _, start = await open_popup(harness, session, attempt["id"])
    assert start.status_code == 400
    assert "This connection is not available" in start.text
    polled = await attempt_status(harness, token, attempt["id"])
    assert polled["status"] == "error"
    assert polled["error"]["code"] == "profile_disabled"


async def test_a_cancelled_attempt_cannot_link_an_account(harness: Harness) -> None:
    tenant, _, session = await ready(harness)
    token = session["token"]
    attempt = await start_attempt(harness, token)
    flow, _ = await open_popup(harness, session, attempt["id"])
    await harness.consent(flow, await harness.basic_user_email())
    cancelled = await harness.api.delete(
        f"/hub/connection_attempts/{attempt['id']}", headers=hub_headers(token)
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    final = await harness.callback(flow)
    assert final.status_code == 400
    assert "This sign-in has ended" in final.text
    assert await harness.code_exchanges() == 0
    assert (await harness.api.get("/accounts", headers=tenant.auth)).json() == []
    assert (await attempt_status(harness, token, attempt["id"]))["status"] == "cancelled"
    # The session is still good for the person's next try.
    retry = await start_attempt(harness, token)
    flow, _ = await open_popup(harness, session, retry["id"])
    await harness.consent(flow, await harness.basic_user_email())
    await harness.callback(flow)
    assert (await attempt_status(harness, token, retry["id"]))["status"] == "authenticated"


async def test_an_attempt_past_its_time_reads_expired(harness: Harness) -> None:
    _, _, session = await ready(harness)
    attempt = await start_attempt(harness, session["token"])
    harness.advance(timedelta(minutes=11))
    assert (await attempt_status(harness, session["token"], attempt["id"]))["status"] == "expired"


async def test_the_popup_url_is_for_top_level_navigation_only(harness: Harness) -> None:
    _, profile, session = await ready(harness)
    attempt = await start_attempt(harness, session["token"])
    browser = harness.browser()
    query = httpx.QueryParams({"token": session["token"], "connection_attempt_id": attempt["id"]})
    fetched = await browser.get(
        f"/connect/oauth2/{profile['id']}?{query}",
        headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
    )
    assert fetched.status_code == 400
    assert not re.search(r"set-cookie", str(fetched.headers), re.IGNORECASE)
    navigated = await browser.get(
        f"/connect/oauth2/{profile['id']}?{query}",
        headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
    )
    assert navigated.status_code == 302


async def test_a_session_keeps_a_bounded_number_of_attempts(harness: Harness) -> None:
    _, _, session = await ready(harness)
    first = await start_attempt(harness, session["token"])
    for _ in range(20):
        harness.advance(timedelta(seconds=1))
        await start_attempt(harness, session["token"])
    gone = await hub_get(harness, f"/hub/connection_attempts/{first['id']}", session["token"])
    assert gone.status_code == 404
