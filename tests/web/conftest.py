"""Dashboard fixtures: the platform app (with an admin token) and the Factorial emulator in-process, as in
`tests/api`, and `Dashboard`, a browser signed in to the dashboard that submits forms with their CSRF token.

Pages are checked by what a person reads (`page_text`) and by the form fields they fill, not by markup details.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from linkyard.config import Settings
from linkyard.store import generate_key_entry
from tests.api.conftest import (
    FACTORIAL,
    PUBLIC_URL,
    Harness,
    Tenant,
    app,
    backend,
    clock,
    dashboard_sign_in,
    emulator,
    factorial,
    harness,
    keyring,
    store,
    upstream,
    upstream_server,
)
from tests.store.conftest import database_url

__all__ = [
    "Harness",
    "Tenant",
    "app",
    "backend",
    "clock",
    "dashboard_sign_in",
    "database_url",
    "emulator",
    "factorial",
    "harness",
    "keyring",
    "store",
    "upstream",
    "upstream_server",
]

ADMIN_TOKEN = "admin-token-of-the-dashboard-tests-0123456789"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')

FormData = Mapping[str, str | Sequence[str]] | Sequence[tuple[str, str]]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        public_url=PUBLIC_URL,
        encryption_keys=generate_key_entry("k1"),
        sandbox_urls={"factorialhr": FACTORIAL},
        admin_token=ADMIN_TOKEN,
        # A test sends calls as fast as it can with one key; the request rates are tested on their own
        # (tests/api/test_rate_limits.py), and a fast machine must not turn a test's calls into 429s.
        rate_limit_per_key=None,
        rate_limit_per_project=None,
    )


@dataclass
class Dashboard:
    """A browser signed in to the dashboard (its own cookie jar), and the CSRF token of its session."""

    browser: httpx.AsyncClient
    csrf: str

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.browser.get(path, params=params or None)

    async def submit(self, path: str, data: FormData | None = None) -> httpx.Response:
        """POST a form as the page would, with the session's CSRF token (repeated fields: a list of pairs)."""
        pairs: list[tuple[str, str | int | float | bool | None]] = [("csrf", self.csrf)]
        if isinstance(data, Mapping):
            for name, value in data.items():
                values = [value] if isinstance(value, str) else list(value)
                pairs.extend((name, item) for item in values)
        elif data is not None:
            pairs.extend(data)
        return await self.browser.post(
            path,
            content=httpx.QueryParams(pairs).__str__().encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )


async def sign_in(harness: Harness, token: str = ADMIN_TOKEN) -> Dashboard:
    """Sign in through the sign-in form with the admin token (default) or an API key."""
    browser = harness.browser()
    answer = await dashboard_sign_in(browser, token)
    assert answer.status_code == 303, answer.text
    page = await browser.get("/projects")
    found = _CSRF.search(page.text)
    assert found is not None, page.text
    return Dashboard(browser, found.group(1))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(html: str) -> str:
    """What a person reads on the page: the text content, whitespace collapsed, without scripts or styles."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "select", "textarea"):
            self.fields.append({"tag": tag, **{name: value or "" for name, value in attrs}})


def form_fields(html: str) -> list[dict[str, str]]:
    """Every input, select and textarea of a page, with its attributes (`name`, `value`, `checked`, ...)."""
    parser = _Fields()
    parser.feed(html)
    return parser.fields


def field_value(html: str, name: str) -> str | None:
    """The `value` attribute of the first input called `name` (what the form shows after a failed submit)."""
    for found in form_fields(html):
        if found.get("name") == name and found["tag"] == "input":
            return found.get("value", "")
    return None


def checked_values(html: str, name: str) -> list[str]:
    """The values of the checked checkboxes (or radio) called `name`."""
    return [
        found.get("value", "")
        for found in form_fields(html)
        if found.get("name") == name and "checked" in found
    ]
