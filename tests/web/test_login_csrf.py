"""Login CSRF: another site cannot sign a person in to its own project (so that they would type their Factorial
client secret into it), and every page says which project a person is signed in to.

A sign-in is refused when the browser says it was posted from another site (`Sec-Fetch-Site`, `Origin` against
the configured public URL), and when the form's token is not the one this dashboard gave this very browser
lately (missing, forged, expired, or taken from another browser). Refused means: no session cookie, no session.
"""

from __future__ import annotations

import html
from datetime import timedelta

import httpx

from linkyard.web.dashboard.ui import SESSION_COOKIE, SIGN_IN_COOKIE
from tests.api.conftest import FORM_TOKEN, PUBLIC_URL
from tests.web.conftest import ADMIN_TOKEN, Harness, dashboard_sign_in, page_text, sign_in

CROSS_SITE_HEADERS = [
    {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site", "origin": "http://other.linkyard.test"},
    {"origin": "https://evil.example"},
    {"origin": "http://linkyard.test.evil.example"},
    {"origin": "http://linkyard.test:8080"},
    {"origin": "https://linkyard.test"},
    {"origin": "null"},  # a sandboxed frame or a data: URL
    {"sec-fetch-site": "cross-site", "origin": PUBLIC_URL},  # the browser's own word wins
]


async def form_token(browser: httpx.AsyncClient) -> str:
    """The token of the sign-in form the dashboard gives this browser (and the cookie it binds it to)."""
    page = await browser.get("/sign-in")
    assert page.status_code == 200, page.text
    found = FORM_TOKEN.search(page.text)
    assert found is not None, page.text
    return html.unescape(found.group(1))


async def assert_not_signed_in(answer: httpx.Response, browser: httpx.AsyncClient) -> None:
    assert answer.status_code == 403, answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert SESSION_COOKIE not in browser.cookies
    assert (await browser.get("/projects")).status_code == 303  # to the sign-in page


async def test_a_sign_in_posted_from_another_site_is_refused_with_no_session(harness: Harness) -> None:
    attacker = await harness.tenant("Attacker Inc")
    for headers in CROSS_SITE_HEADERS:
        # What another site's page sends when it submits a hidden form in the victim's browser.
        victim = harness.browser()
        answer = await victim.post("/sign-in", data={"token": attacker.key, "next": "/"}, headers=headers)
        await assert_not_signed_in(answer, victim)
    for headers in CROSS_SITE_HEADERS:
        victim = harness.browser()
        # Even with a form token this browser got (which another site could not read), the browser's word
        # that the form came from elsewhere refuses it.
        token = await form_token(victim)
        answer = await victim.post(
            "/sign-in", data={"csrf": token, "token": attacker.key, "next": "/"}, headers=headers
        )
        await assert_not_signed_in(answer, victim)
        assert "sent from another site" in page_text(answer.text), headers
        assert attacker.key not in answer.text


async def test_a_sign_in_without_this_browsers_fresh_form_token_is_refused(harness: Harness) -> None:
    attacker = await harness.tenant("Attacker Inc")
    attackers_browser = harness.browser()
    attackers_token = await form_token(attackers_browser)

    async def attempt(browser: httpx.AsyncClient, token: str | None) -> httpx.Response:
        form = {"token": attacker.key, "next": "/"} | ({"csrf": token} if token is not None else {})
        return await browser.post("/sign-in", data=form)

    # No token, an empty one, a forged one: a browser that never opened the form.
    for token in (None, "", "v1.k1.forged", attackers_token):
        victim = harness.browser()
        await assert_not_signed_in(await attempt(victim, token), victim)
    # A victim who opened the sign-in page before (so has a cookie of its own), sent the attacker's token.
    victim = harness.browser()
    await form_token(victim)
    await assert_not_signed_in(await attempt(victim, attackers_token), victim)
    # The victim's own cookie replaced by a forged one: its own token no longer opens.
    victim = harness.browser()
    token = await form_token(victim)
    victim.cookies.set(SIGN_IN_COOKIE, "forged-binding", domain="linkyard.test", path="/sign-in")
    await assert_not_signed_in(await attempt(victim, token), victim)
    # A form left open past its lifetime.
    victim = harness.browser()
    token = await form_token(victim)
    harness.clock.advance(timedelta(hours=1, seconds=1))
    stale = await attempt(victim, token)
    await assert_not_signed_in(stale, victim)
    assert "expired" in page_text(stale.text)


async def test_a_refused_sign_in_offers_a_fresh_form_that_signs_in(harness: Harness) -> None:
    browser = harness.browser()
    token = await form_token(browser)
    harness.clock.advance(timedelta(hours=2))
    stale = await browser.post("/sign-in", data={"csrf": token, "token": ADMIN_TOKEN, "next": "/projects"})
    assert stale.status_code == 403
    fresh = FORM_TOKEN.search(stale.text)
    assert fresh is not None
    again = await browser.post(
        "/sign-in", data={"csrf": html.unescape(fresh.group(1)), "token": ADMIN_TOKEN, "next": "/projects"}
    )
    assert again.status_code == 303
    assert again.headers["location"] == "/projects"
    assert (await browser.get("/projects")).status_code == 200


async def test_a_sign_in_from_the_dashboards_own_page_works(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    own_page = [
        {"sec-fetch-site": "same-origin", "origin": PUBLIC_URL},
        {"origin": PUBLIC_URL},
        {"sec-fetch-site": "same-origin", "origin": "null"},  # Chromium under a strict referrer policy
        {"sec-fetch-site": "none"},  # typed or bookmarked
        {},  # a tool that sends neither header (the form token still has to match)
    ]
    for headers in own_page:
        browser = harness.browser()
        answer = await dashboard_sign_in(browser, tenant.key, headers=headers)
        assert answer.status_code == 303, (headers, answer.text)
        assert answer.headers["set-cookie"].startswith(f"{SESSION_COOKIE}=")
        assert (await browser.get(f"/projects/{tenant.project_id}")).status_code == 200


async def test_the_sign_in_cookie_is_httponly_strict_and_kept_to_the_sign_in_page(harness: Harness) -> None:
    browser = harness.browser()
    page = await browser.get("/sign-in")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{SIGN_IN_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/sign-in" in cookie
    # A second tab keeps the first tab's form working: the cookie is kept, each form gets its own token.
    first = await form_token(browser)
    second = await form_token(browser)
    assert first != second
    answer = await browser.post("/sign-in", data={"csrf": first, "token": ADMIN_TOKEN, "next": "/"})
    assert answer.status_code == 303


async def test_every_dashboard_form_posted_from_another_site_changes_nothing(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    for headers in CROSS_SITE_HEADERS:
        answer = await dashboard.browser.post(
            f"/projects/{tenant.project_id}/api-keys",
            data={"csrf": dashboard.csrf, "name": "made by another site"},
            headers=headers,
        )
        assert answer.status_code == 403, headers
        assert "sent from another site" in page_text(answer.text)
        signed_out = await dashboard.browser.post("/sign-out", data={"csrf": dashboard.csrf}, headers=headers)
        assert signed_out.status_code == 403
    assert "made by another site" not in [
        key.name for key in await harness.store.api_keys.list(tenant.project_id)
    ]
    assert (await dashboard.get(f"/projects/{tenant.project_id}")).status_code == 200
    same_origin = await dashboard.browser.post(
        f"/projects/{tenant.project_id}/api-keys",
        data={"csrf": dashboard.csrf, "name": "made here"},
        headers={"sec-fetch-site": "same-origin", "origin": PUBLIC_URL},
    )
    assert same_origin.status_code == 200


async def test_every_page_names_the_project_a_person_is_signed_in_to(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    await harness.tenant("Other Project")
    dashboard = await sign_in(harness, tenant.key)
    base = f"/projects/{tenant.project_id}"
    pages = [
        "/projects",
        base,
        f"{base}/connectors",
        f"{base}/connector-profiles",
        f"{base}/accounts",
        f"{base}/connect-links",
        f"{base}/playground",
        f"{base}/api-keys",
        f"{base}/settings",
    ]
    for path in pages:
        page = await dashboard.get(path)
        assert page.status_code == 200, path
        assert "Signed in to Acme HR API key" in page_text(page.text), path
    admin = await sign_in(harness)
    for path in ("/projects", base, f"{base}/api-keys"):
        text = page_text((await admin.get(path)).text)
        assert "Signed in as Admin — all projects" in text, path
