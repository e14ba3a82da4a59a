"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against `linkyard up --sandbox`.

The sandbox and the browser start once for this package and stop when its last test has run: while Playwright's
sync API is open, asyncio sees its loop as running in this thread, and the async tests of other packages
(pytest-asyncio) must not meet it. Each test gets fresh browser contexts (no cookies from another test), a
screenshot folder, and a console watcher: a console error or an uncaught exception on any page fails the test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.artifacts import Shots
from tests.browser.audit import ConsoleErrors
from tests.harness.sandbox import Sandbox, running_sandbox

CHROMIUM = Path("/usr/bin/chromium")
HUB_SCRIPT = (
    Path(__file__).parents[1]
    / "hub"
    / "node"
    / "node_modules"
    / "@stackone"
    / "hub"
    / "dist"
    / "webcomponent.js"
)
"""StackOne's `<stackone-hub>` web component, from the package `make test` installs with `npm ci` (tests/hub/node)."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 15_000  # one step of a person; the whole test is far shorter than the sum


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this package is a browser test: `-m "not browser"` (`make test-fast`) leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    """CI installs Chromium (`.ci/run`), so there a missing one is a failure; a developer may skip."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("LINKYARD_TEST_DATABASE_URL"):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests must run here (.ci/run installs it: apt-get install "
            "chromium)",
            pytrace=False,
        )
    pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="package")
def chromium() -> Path:
    _require_chromium()
    return CHROMIUM


@pytest.fixture(scope="package")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="package")
def sandbox(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """`linkyard up --sandbox` in a directory of its own, with an admin token the tests know."""
    with running_sandbox(
        tmp_path_factory.mktemp("sandbox"),
        admin_token=f"browser-tests-{secrets.token_urlsafe(24)}",
        LINKYARD_HUB_SCRIPT_PATH=str(HUB_SCRIPT),
    ) as running:
        yield running


class Browsing:
    """Opens browser contexts (a person's browser each) that the console watcher follows; closes them after."""

    def __init__(self, browser: Browser, console: ConsoleErrors) -> None:
        self._browser = browser
        self._console = console
        self.contexts: list[BrowserContext] = []

    def new_context(self) -> BrowserContext:
        context = self._browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        self._console.watch(context)
        self.contexts.append(context)
        return context

    def new_page(self) -> Page:
        return self.new_context().new_page()

    def pages(self) -> list[Page]:
        return [page for context in self.contexts for page in context.pages if not page.is_closed()]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(autouse=True)
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


@pytest.fixture
def browsing(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Browsing]:
    opened = Browsing(browser, console_errors)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def page(browsing: Browsing) -> Page:
    return browsing.new_page()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """After the test body: a picture of every open page if it failed, and the console check if it passed."""
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    try:
        result = yield
    except pytest.skip.Exception:
        raise
    except BaseException:
        _picture_open_pages(funcargs, "failure")
        raise
    console = funcargs.get("console_errors")
    problems = console.problems() if isinstance(console, ConsoleErrors) else []
    if problems:
        _picture_open_pages(funcargs, "console-error")
        raise AssertionError("pages logged console errors:\n  " + "\n  ".join(problems))
    return result


def _picture_open_pages(funcargs: dict[str, Any], step: str) -> None:
    browsing, shots = funcargs.get("browsing"), funcargs.get("shots")
    if not isinstance(browsing, Browsing) or not isinstance(shots, Shots):
        return
    for page in browsing.pages():
        try:
            shots.take(page, step)
        except Exception:  # noqa: S112 - a picture must not hide the failure it illustrates
            continue
