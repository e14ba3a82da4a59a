"""The connect flow end to end: profile → connect session → hosted page → Factorial consent → callback → account."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.api.conftest import CALLBACK_PATH, ON_BOTH_BACKENDS, REDIRECT_URI, RETURN_ORIGIN, Flow, Harness

pytestmark = ON_BOTH_BACKENDS


async def test_a_user_token_links_an_active_account_that_names_the_employee(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant, scopes=["employees", "time_off"])
    email = await harness.basic_user_email()
    flow, account = await harness.link(tenant, email, redirect_url=f"{RETURN_ORIGIN}/done?tab=hr")

    assert flow.final is not None and flow.final.status_code == 303
    back = httpx.URL(flow.final.headers["location"])
    assert str(back).startswith(f"{RETURN_ORIGIN}/done?")
    assert back.params["tab"] == "hr"
    assert back.params["account_id"] == account["id"]
    assert back.params["status"] == "success"
    assert account["status"] == "active"
    assert account["status_reasons"] == []
    assert account["integration_id"] == profile["id"]
    assert account["token_type"] == "user"
    assert account["provider"] == "factorialhr"
    assert account["provider_name"] == "Factorial"
    assert account["origin_owner_id"] == "customer-1"
    assert account["origin_owner_name"] == "Customer One"
    assert set(account["scopes"]) == {"employees", "time_off"}
    company = await harness.company()
    assert account["provider_account"]["company_id"] == str(company["id"])
    assert account["provider_account"]["email"] == email
    assert account["provider_account"]["employee_id"]
    assert await harness.code_exchanges() == 1


async def test_a_company_token_is_asked_for_with_resource_owner_type_and_names_the_company(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company", scopes=["employees"])
    session = await harness.session(tenant, origin_owner_id="customer-co")
    flow = await harness.open_link(session)
    assert flow.authorize_url is not None
    assert flow.authorize_url.params["resource_owner_type"] == "company"
    await harness.consent(flow, await harness.admin_email())
    final = await harness.callback(flow)
    assert final.status_code == 200  # no redirect_url: the hosted success page
    assert "connected" in final.text

    accounts = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert len(accounts) == 1
    account = accounts[0]
    company = await harness.company()
    assert account["status"] == "active"
    assert account["token_type"] == "company"
    assert account["provider_account"]["company_id"] == str(company["id"])
    assert account["provider_account"]["employee_id"] is None
    assert account["provider_account"]["name"] == company["name"]


async def test_a_user_token_profile_does_not_ask_for_a_company_token(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    flow = await harness.open_link(await harness.session(tenant))
    assert flow.authorize_url is not None
    assert "resource_owner_type" not in flow.authorize_url.params


async def test_the_hosted_page_shows_the_project_factorial_the_scopes_in_words_and_the_token_type(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Northwind Payroll")
    await harness.profile(tenant, scopes=["employees", "time_off"])
    flow = await harness.open_link(await harness.session(tenant))
    assert flow.page is not None
    page = flow.page.text
    assert "Northwind Payroll" in page
    assert "Factorial" in page
    assert "read and update employee profiles" in page  # the connector's scope descriptions
    assert "approve or reject requests" in page
    assert "User token" in page
    assert "<script" not in page and "https://" not in page.split("<body>")[1]  # no external assets
    assert flow.page.headers["cache-control"] == "no-store"
    assert flow.page.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in flow.page.headers["content-security-policy"]
    css = await harness.api.get("/connect/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_the_authorize_url_carries_pkce_s256_the_scopes_and_the_configured_redirect_uri(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    application = await harness.application()
    await harness.profile(tenant, application, scopes=["employees", "contracts"])
    flow = await harness.open_link(await harness.session(tenant))
    assert flow.authorize_url is not None
    params = flow.authorize_url.params
    assert params["response_type"] == "code"
    assert params["client_id"] == application["client_id"]
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["scope"] == "employees contracts"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 43  # 256 bits, base64url
    assert "code_verifier" not in str(flow.authorize_url)


async def test_the_binding_cookie_is_httponly_samesite_lax_and_scoped_to_the_oauth_paths(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    session = await harness.session(tenant)
    browser = harness.browser()
    page = await browser.get(httpx.URL(session["auth_link_url"]).raw_path.decode())
    assert page.status_code == 200
    profile_id = session["integration_id"]
    start = await browser.get(f"/connect/oauth2/{profile_id}", params={"token": session["token"]})
    assert start.status_code == 302
    cookie = start.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Path=/connect/oauth2/" in cookie
    assert "Max-Age=600" in cookie
    assert start.headers["cache-control"] == "no-store"
    assert start.headers["referrer-policy"] == "no-referrer"


async def test_the_same_owner_linking_again_updates_the_same_account_in_place(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    _, first = await harness.link(tenant, email, label="first")
    _, second = await harness.link(tenant, email, label="second")
    assert second["id"] == first["id"]
    assert second["label"] == "second"
    accounts = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert [account["id"] for account in accounts] == [first["id"]]
    assert await harness.code_exchanges() == 2


async def test_a_session_with_account_id_re_links_that_account(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    _, first = await harness.link(tenant, email, origin_owner_id="owner-a")
    _, again = await harness.link(tenant, email, origin_owner_id="owner-b", account_id=first["id"])
    assert again["id"] == first["id"]
    accounts = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert len(accounts) == 1


async def test_another_owner_gets_another_account(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    _, first = await harness.link(tenant, email, origin_owner_id="owner-a")
    _, second = await harness.link(tenant, email, origin_owner_id="owner-b")
    assert first["id"] != second["id"]


async def test_a_public_application_links_without_a_client_secret_through_pkce(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(confidential=False)
    profile = await harness.profile(tenant, application, client_secret=None)
    assert profile["confidential"] is False
    assert profile["client_secret_hint"] is None
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert account["status"] == "active"


async def test_with_pkce_required_by_factorial_the_flow_completes(harness: Harness) -> None:
    await harness.settings(pkce="require")
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert account["status"] == "active"
    stats = await harness.stats()
    assert stats["token_errors"] == {}


async def test_host_and_forwarded_host_headers_do_not_change_the_redirect_uri(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    session = await harness.session(tenant)
    browser = harness.browser()
    spoofed = {"host": "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https"}
    start = await browser.get(
        f"/connect/oauth2/{session['integration_id']}", params={"token": session["token"]}, headers=spoofed
    )
    assert start.status_code == 302
    authorize = httpx.URL(start.headers["location"])
    assert authorize.params["redirect_uri"] == REDIRECT_URI
    assert "evil" not in str(authorize)
    # And the token request repeats it byte for byte: Factorial accepts the code.
    flow = Flow(browser, authorize_url=authorize)
    await harness.consent(flow, await harness.basic_user_email())
    final = await harness.callback(flow)
    assert final.status_code == 200, final.text
    assert (await harness.stats())["token_errors"] == {}


async def test_the_callback_answer_is_no_store_no_referrer_and_the_return_url_has_no_code_or_state(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    flow, _ = await harness.link(
        tenant, await harness.basic_user_email(), redirect_url=f"{RETURN_ORIGIN}/back"
    )
    final = flow.final
    assert final is not None and final.status_code == 303
    assert final.headers["cache-control"] == "no-store"
    assert final.headers["referrer-policy"] == "no-referrer"
    location = httpx.URL(final.headers["location"])
    assert "code" not in location.params and "state" not in location.params
    assert flow.callback_url is not None
    assert flow.callback_url.params["code"] not in str(location)
    assert flow.state not in str(location)
    # The binding cookie is cleared once it has served.
    assert (
        "max-age=0" in final.headers["set-cookie"].lower()
        or "expires=" in final.headers["set-cookie"].lower()
    )


async def test_denied_consent_shows_a_clear_page_fails_the_session_and_links_nothing(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    session = await harness.session(tenant, redirect_url=f"{RETURN_ORIGIN}/back")
    flow = await harness.open_link(session)
    back = await harness.consent(flow, await harness.basic_user_email(), decision="deny")
    assert back.params["error"] == "access_denied"
    page = await harness.callback(flow)
    assert page.status_code == 400
    assert "Connection cancelled" in page.text
    assert f"go back to {tenant.name} and ask for a new link" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    status = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": session["token"]}, headers=tenant.auth
    )
    assert status.json()["status"] == "failed"
    assert (await harness.api.get("/accounts", headers=tenant.auth)).json() == []
    assert await harness.code_exchanges() == 0


async def test_error_description_is_escaped_never_reflected_raw(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    flow = await harness.open_link(await harness.session(tenant))
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    url = httpx.URL(
        REDIRECT_URI, params={"error": "server_error", "error_description": payload, "state": flow.state}
    )
    page = await harness.callback(flow, url)
    assert page.status_code == 400
    assert "<script>" not in page.text and "<img" not in page.text
    assert "&lt;script&gt;" in page.text
    assert page.headers["content-type"].startswith("text/html")


async def test_a_used_or_expired_link_shows_a_clear_page(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    session = await harness.session(tenant)
    flow = await harness.open_link(session)
    await harness.consent(flow, email)
    await harness.callback(flow)
    link = httpx.URL(session["auth_link_url"]).raw_path.decode()
    used = await harness.browser().get(link)
    assert used.status_code == 400 and "already used" in used.text
    assert f"go back to {tenant.name} and ask for a new link" in used.text
    unknown = await harness.browser().get("/connect?token=lkcs_not-a-real-token")
    assert unknown.status_code == 400 and "expired or is not valid" in unknown.text
    # An unknown link names no project: it could be anybody's.
    assert "Go back to the application that sent you here and ask for a new link" in unknown.text
    short = await harness.session(tenant, expires_in=60)
    harness.advance(timedelta(seconds=61))
    expired = await harness.browser().get(httpx.URL(short["auth_link_url"]).raw_path.decode())
    assert expired.status_code == 400 and "expired or is not valid" in expired.text


async def test_a_session_token_cannot_start_a_flow_for_another_profile(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    other = await harness.profile(tenant)
    session = await harness.session(tenant)
    start = await harness.browser().get(f"/connect/oauth2/{other['id']}", params={"token": session["token"]})
    assert start.status_code == 400
    assert "set-cookie" not in start.headers


async def test_the_callback_path_is_the_redirect_uri_from_settings(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    assert profile["redirect_uri"] == REDIRECT_URI
    assert REDIRECT_URI.endswith(CALLBACK_PATH)


async def test_a_second_tab_of_a_completed_session_links_nothing_and_keeps_it_completed(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    session = await harness.session(tenant)
    browser = harness.browser()
    first = await harness.open_link(session, browser)
    second = await harness.open_link(session, browser)  # another tab: its own state and binding cookie
    await harness.consent(first, email)
    await harness.consent(second, email)
    assert (await harness.callback(first)).status_code == 200
    late = await harness.callback(second)
    assert late.status_code == 400 and "already used" in late.text
    status = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": session["token"]}, headers=tenant.auth
    )
    assert status.json()["status"] == "completed"
    assert len((await harness.api.get("/accounts", headers=tenant.auth)).json()) == 1
    assert await harness.code_exchanges() == 1  # the second code was never exchanged
