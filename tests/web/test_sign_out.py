"""Signing out ends the session in the database: a copy of the cookie (taken from a shared computer, a proxy log,
a backup) is refused afterwards by this worker and by every other one on the same database; the sign-in page
says that one is signed out, or that the key one was signed in with is revoked."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import timedelta

import httpx
import pytest

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.domain import ManualClock
from linkyard.store import KeyRing, open_store
from linkyard.web.dashboard.ui import SESSION_COOKIE
from tests.api.conftest import ON_BOTH_BACKENDS, PUBLIC_URL
from tests.live_server import Served
from tests.web.conftest import ADMIN_TOKEN, Dashboard, Harness, page_text, sign_in

pytestmark = ON_BOTH_BACKENDS

Worker = Callable[[], httpx.AsyncClient]


@pytest.fixture
async def second_worker(
    settings: Settings, database_url: str, keyring: KeyRing, clock: ManualClock, upstream_server: Served
) -> AsyncIterator[Worker]:
    """Browsers on a second app on the same database, with its own store and caches: another worker process."""
    async with AsyncExitStack() as stack:
        store = await open_store(database_url, keyring, clock)
        stack.push_async_callback(store.close)
        app = create_app(settings, store=store, clock=clock, provider_pins=upstream_server.pins())
        await stack.enter_async_context(app.router.lifespan_context(app))

        def browser() -> httpx.AsyncClient:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
            stack.push_async_callback(client.aclose)
            return client

        yield browser


def holding(browser: httpx.AsyncClient, dashboard: Dashboard) -> httpx.AsyncClient:
    """`browser` with a copy of the dashboard's session cookie."""
    browser.cookies.set(SESSION_COOKIE, dashboard.browser.cookies[SESSION_COOKIE], domain="linkyard.test")
    return browser


async def test_a_copied_cookie_is_refused_after_sign_out(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    for token in (ADMIN_TOKEN, tenant.key):
        dashboard = await sign_in(harness, token)
        copy = holding(harness.browser(), dashboard)
        assert (await copy.get(f"/projects/{tenant.project_id}")).status_code == 200
        assert (await dashboard.submit("/sign-out")).status_code == 303
        page = await copy.get(f"/projects/{tenant.project_id}")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/sign-in")
        # Its forms change nothing either, even with the session's CSRF token.
        copy_form = await copy.post(
            f"/projects/{tenant.project_id}/api-keys", data={"csrf": dashboard.csrf, "name": "after sign-out"}
        )
        assert copy_form.status_code == 303
        assert copy_form.headers["location"] == "/sign-in"
    names = [key.name for key in await harness.store.api_keys.list(tenant.project_id)]
    assert "after sign-out" not in names


async def test_a_copied_cookie_is_refused_by_another_worker_after_sign_out(
    harness: Harness, second_worker: Worker
) -> None:
    tenant = await harness.tenant("Acme HR")
    for token in (ADMIN_TOKEN, tenant.key):
        dashboard = await sign_in(harness, token)
        elsewhere = holding(second_worker(), dashboard)
        assert (await elsewhere.get(f"/projects/{tenant.project_id}")).status_code == 200
        assert (await dashboard.submit("/sign-out")).status_code == 303
        refused = await elsewhere.get(f"/projects/{tenant.project_id}")
        assert refused.status_code == 303
        assert refused.headers["location"].startswith("/sign-in")


async def test_signing_out_on_another_worker_ends_the_session_here(
    harness: Harness, second_worker: Worker
) -> None:
    dashboard = await sign_in(harness)
    elsewhere = holding(second_worker(), dashboard)
    signed_out = await elsewhere.post("/sign-out", data={"csrf": dashboard.csrf})
    assert signed_out.status_code == 303
    assert (await dashboard.get("/projects")).status_code == 303


async def test_signing_out_one_browser_leaves_the_others_signed_in(harness: Harness) -> None:
    first = await sign_in(harness)
    second = await sign_in(harness)
    assert (await first.submit("/sign-out")).status_code == 303
    assert (await second.get("/projects")).status_code == 200
    again = await sign_in(harness)  # the same person signs in afresh after signing out
    assert (await again.get("/projects")).status_code == 200


async def test_the_sign_in_page_says_you_are_signed_out(harness: Harness) -> None:
    dashboard = await sign_in(harness)
    answer = await dashboard.submit("/sign-out")
    assert answer.headers["location"] == "/sign-in?notice=signed_out"
    assert SESSION_COOKIE in answer.headers["set-cookie"]  # deleted in this browser too
    page = await dashboard.get(answer.headers["location"])
    assert page.status_code == 200
    text = page_text(page.text)
    assert "You are signed out." in text
    assert "Admin token or API key" in text


async def test_revoking_the_key_you_signed_in_with_signs_you_out_and_says_so(
    harness: Harness, second_worker: Worker
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    elsewhere = holding(second_worker(), dashboard)
    assert (await elsewhere.get(f"/projects/{tenant.project_id}")).status_code == 200  # it read the live key
    key = (await harness.store.api_keys.list(tenant.project_id))[0]
    answer = await dashboard.submit(f"/projects/{tenant.project_id}/api-keys/{key.id}/revoke")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?notice=api_key_revoked"
    page = await dashboard.get(answer.headers["location"])
    assert "The API key is revoked: requests with it now get 401." in page_text(page.text)
    # The session ended with the key, on every worker (whatever their caches of the key still say).
    assert (await elsewhere.get(f"/projects/{tenant.project_id}")).status_code == 303


async def test_the_sign_in_page_shows_only_its_own_notices(harness: Harness) -> None:
    browser = harness.browser()
    for code in ("profile_created", "<script>alert(1)</script>", "x" * 60):
        page = await browser.get("/sign-in", params={"notice": code})
        assert page.status_code == 200
        assert 'role="status"' not in page.text
        assert "<script>alert" not in page.text


async def test_ended_sessions_are_kept_only_until_they_would_have_expired(harness: Harness) -> None:
    store = harness.store.dashboard_sessions
    for _ in range(3):
        await (await sign_in(harness)).submit("/sign-out")
    assert await store.purge() == 0
    harness.clock.advance(timedelta(hours=12, seconds=1))
    await (await sign_in(harness)).submit("/sign-out")  # a sign-out clears what has expired
    assert await store.purge() == 0
    harness.clock.advance(timedelta(hours=12, seconds=1))
    assert await store.purge() == 1
