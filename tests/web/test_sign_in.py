"""Signing in to the dashboard: the admin token or a live API key, a sealed session, CSRF on every form."""

from __future__ import annotations

import httpx

from linkyard.web.dashboard.ui import SESSION_COOKIE
from tests.web.conftest import ADMIN_TOKEN, Harness, dashboard_sign_in, page_text, sign_in


async def test_a_page_sends_a_stranger_to_sign_in_and_back(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    browser = harness.browser()
    answer = await browser.get(f"/projects/{tenant.project_id}/api-keys")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/sign-in?next=%2Fprojects%2F{tenant.project_id}%2Fapi-keys"
    signed_in = await dashboard_sign_in(browser, tenant.key, next=f"/projects/{tenant.project_id}/api-keys")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == f"/projects/{tenant.project_id}/api-keys"
    page = await browser.get(signed_in.headers["location"])
    assert page.status_code == 200
    assert "API keys" in page_text(page.text)


async def test_the_session_cookie_is_httponly_samesite_and_holds_no_credential(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    browser = harness.browser()
    answer = await dashboard_sign_in(browser, tenant.key)
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert tenant.key not in cookie
    assert tenant.project_id not in cookie


async def test_a_wrong_token_is_refused_with_the_form_again(harness: Harness) -> None:
    browser = harness.browser()
    for token in ("", "nope", "lk_" + "x" * 43, ADMIN_TOKEN + "x", "x" * 5000):
        answer = await dashboard_sign_in(browser, token)
        assert answer.status_code in (400, 401), token
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
        assert "Admin token or API key" in page_text(answer.text)
        assert token[:40] not in answer.text or not token


async def test_sign_in_never_sends_a_person_to_another_site(harness: Harness) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        answer = await dashboard_sign_in(harness.browser(), ADMIN_TOKEN, next=target)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/", target


async def test_a_revoked_key_signs_its_session_out(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    assert (await dashboard.get(f"/projects/{tenant.project_id}")).status_code == 200
    key = (await harness.store.api_keys.list(tenant.project_id))[0]
    await harness.store.api_keys.revoke(tenant.project_id, key.id)
    harness.store.read_caches.forget_project(tenant.project_id)
    assert (await dashboard.get(f"/projects/{tenant.project_id}")).status_code == 303


async def test_a_forged_or_tampered_session_cookie_is_no_session(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    sealed = dashboard.browser.cookies[SESSION_COOKIE]
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    for value in (tampered, "v1.k1.garbage", "x"):
        stranger = harness.browser()
        stranger.cookies.set(SESSION_COOKIE, value, domain="linkyard.test")
        assert (await stranger.get(f"/projects/{tenant.project_id}")).status_code == 303


async def test_a_form_without_the_session_csrf_token_changes_nothing(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    for token in (None, "", "forged"):
        data = {"name": "made by a forged form"} | ({"csrf": token} if token is not None else {})
        answer = await dashboard.browser.post(f"/projects/{tenant.project_id}/api-keys", data=data)
        assert answer.status_code == 400
        assert "expired" in page_text(answer.text)
    names = [key.name for key in await harness.store.api_keys.list(tenant.project_id)]
    assert "made by a forged form" not in names


async def test_sign_out_ends_the_session(harness: Harness) -> None:
    dashboard = await sign_in(harness)
    answer = await dashboard.submit("/sign-out")
    assert answer.status_code == 303
    assert (await dashboard.get("/projects")).status_code == 303


async def test_dashboard_pages_cannot_be_framed_cached_or_run_foreign_scripts(harness: Harness) -> None:
    dashboard = await sign_in(harness)
    page = await dashboard.get("/projects")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert isinstance(page, httpx.Response)
