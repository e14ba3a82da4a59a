"""Failed dashboard sign-ins are throttled per source address and per credential (security property 27).

The policy: an API key (256 random bits) is always checked, so a live key signs in from anywhere; the admin
token (which a person may choose) is not even compared while its address, or the admin token from every address
together, is over its burst of failures: 429 with `Retry-After`, the right token included, until the burst
has passed. Each browser here comes from the address the test gives its ASGI client.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from linkyard.config import Settings
from linkyard.web.dashboard.ui import SESSION_COOKIE
from tests.api.conftest import PUBLIC_URL
from tests.harness.platform import platform_settings
from tests.web.conftest import ADMIN_TOKEN, Harness, form_fields, page_text

PER_ADDRESS = 4
PER_PREFIX = 6

Browser = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return platform_settings(
        database_url,
        admin_token=ADMIN_TOKEN,
        auth_failure_limit_per_address=f"{PER_ADDRESS}/hour",  # hours: a window edge mid-test is unlikely
        auth_failure_limit_per_prefix=f"{PER_PREFIX}/hour",
    )


@pytest.fixture
async def browser_from(app: FastAPI) -> AsyncIterator[Browser]:
    """A fresh browser (its own cookie jar) whose requests come from a given address."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 50000 + len(opened)))
        browser = httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL)
        opened.append(browser)
        return browser

    yield make
    for browser in opened:
        await browser.aclose()


async def attempt(browser: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the sign-in page and submit its form (with whatever hidden fields it carries) with `token`."""
    page = await browser.get("/sign-in")
    assert page.status_code == 200, page.text
    fields = {
        field["name"]: field.get("value", "")
        for field in form_fields(page.text)
        if field.get("type") == "hidden" and field.get("name")
    }
    return await browser.post("/sign-in", data={**fields, "token": token})


def _assert_throttled(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    assert 1 <= int(answer.headers["retry-after"]) <= 3600
    assert "Too many failed sign-ins" in page_text(answer.text)
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


async def test_guessing_the_admin_token_from_one_address_is_stopped_there(
    harness: Harness, browser_from: Browser
) -> None:
    tenant = await harness.tenant("Acme HR")
    attacker = browser_from("203.0.113.7")
    for _ in range(PER_ADDRESS):
        assert (await attempt(attacker, secrets.token_urlsafe(24))).status_code == 401
    _assert_throttled(await attempt(attacker, secrets.token_urlsafe(24)))
    # The admin token is not even compared from there now: a right guess would give itself away.
    _assert_throttled(await attempt(attacker, ADMIN_TOKEN))
    # A live API key is always checked, so it signs in from the same address.
    assert (await attempt(browser_from("203.0.113.7"), tenant.key)).status_code == 303
    # The operator, elsewhere, signs in as usual.
    assert (await attempt(browser_from("198.51.100.20"), ADMIN_TOKEN)).status_code == 303


async def test_guessing_the_admin_token_from_many_addresses_is_stopped_everywhere(
    harness: Harness, browser_from: Browser
) -> None:
    tenant = await harness.tenant("Acme HR")
    for index in range(PER_PREFIX):
        answer = await attempt(browser_from(f"192.0.2.{index + 1}"), secrets.token_urlsafe(24))
        assert answer.status_code == 401
    _assert_throttled(await attempt(browser_from("192.0.2.200"), secrets.token_urlsafe(24)))
    _assert_throttled(await attempt(browser_from("192.0.2.201"), ADMIN_TOKEN))
    assert (await attempt(browser_from("192.0.2.202"), tenant.key)).status_code == 303


async def test_guessing_a_key_behind_its_prefix_is_answered_429_and_the_key_still_signs_in(
    harness: Harness, browser_from: Browser
) -> None:
    tenant = await harness.tenant("Acme HR")
    prefix = tenant.key[:7]
    for index in range(PER_PREFIX):
        guess = prefix + secrets.token_urlsafe(32)[:40]
        assert (await attempt(browser_from(f"192.0.2.{index + 1}"), guess)).status_code == 401
    _assert_throttled(await attempt(browser_from("192.0.2.99"), prefix + secrets.token_urlsafe(32)[:40]))
    assert (await attempt(browser_from("192.0.2.1"), tenant.key)).status_code == 303
    # Successful sign-ins are never counted: many of them leave the next failure a plain 401.
    for _ in range(2 * PER_ADDRESS):
        assert (await attempt(browser_from("198.51.100.30"), ADMIN_TOKEN)).status_code == 303
    assert (await attempt(browser_from("198.51.100.30"), "not-the-token-at-all")).status_code == 401
