"""What every page must get right whatever it shows: no console error, a label on every control, visible focus.

Chromium reports a page answered with an error status (a 400 for an expired link, a 422 for a form with
mistakes) as "Failed to load resource" on the console. That status is the page's content, asserted by the tests
that open it; only a failed *subresource* (a stylesheet, a script, an icon) is an error here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, WebError

# Roles of the controls a person fills or presses, as Playwright's ARIA snapshot names them.
_CONTROL_ROLES = (
    "textbox|searchbox|combobox|listbox|checkbox|radio|spinbutton|slider|switch|button|menuitemcheckbox"
)
# `- checkbox "employees" [checked]` has a name; `- textbox [disabled]` or `- checkbox: x` has none. YAML quotes
# a line that holds ": " (`- 'textbox: a: b'`), hence the optional quote.
_NAMELESS = re.compile(rf"^\s*- '?({_CONTROL_ROLES})(?=\s*(\[|:|$|'))", re.MULTILINE)


@dataclass
class ConsoleErrors:
    """Console errors and uncaught exceptions of every page of the contexts it watches."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    """(url, text) of each console message of type error, and each uncaught page error."""
    documents: set[str] = field(default_factory=set)
    """URLs that were loaded as documents (their status is the page's own business)."""
    expected_from: set[str] = field(default_factory=set)
    """Origins of pages whose errors a test provokes on purpose (an integrator's page refused by the platform):
    only the platform's and the provider's pages must stay clean there."""

    def expect_errors_from(self, origin: str) -> None:
        self.expected_from.add(origin.rstrip("/"))

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            if message.page is not None and _origin(message.page.url) in self.expected_from:
                return
            where = message.location.get("url") or (message.page.url if message.page else "")
            self.messages.append((where, message.text))

    def _web_error(self, error: WebError) -> None:
        if error.page is not None and _origin(error.page.url) in self.expected_from:
            return
        where = error.page.url if error.page else ""
        self.messages.append((where, f"uncaught {error.error.name}: {error.error.message}"))

    def _response(self, response: Response) -> None:
        if response.request.resource_type == "document":
            self.documents.add(response.url)

    def problems(self) -> list[str]:
        return [
            f"{url}: {text}"
            for url, text in self.messages
            if not (text.startswith("Failed to load resource") and url in self.documents)
        ]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def unlabelled_controls(page: Page) -> list[str]:
    """The controls of the page a screen reader would announce without a name (by their ARIA snapshot line).

    Playwright computes each accessible name the way browsers do: `<label for>`, a wrapping `<label>`,
    `aria-label`, `aria-labelledby`, a button's text. Hidden inputs and hidden elements are not in the tree.
    """
    snapshot = page.locator("body").aria_snapshot()
    return [match.group(0).strip() for match in _NAMELESS.finditer(snapshot)]


def focused_description(page: Page) -> str:
    """The focused element as the accessibility tree has it, e.g. `- link "Connector Profiles"` ('' if none)."""
    focused = page.locator("*:focus")
    if focused.count() == 0:
        return ""
    lines = focused.first.aria_snapshot().splitlines()
    return lines[0] if lines else ""


def focus_is_visible(page: Page) -> bool:
    """Whether the focused element shows a focus indicator (an outline or a ring drawn with box-shadow)."""
    return bool(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return false;
                const style = getComputedStyle(el);
                const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
                return outline || (style.boxShadow && style.boxShadow !== "none");
            }"""
        )
    )
