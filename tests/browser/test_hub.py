"""StackOne's embeddable connect UI (`@stackone/hub` 1.11.4, its own `dist/webcomponent.js` from npm) on an
integrator's page on loopback, with `base-url` at `linkyard up --sandbox`: the picker, the popup through
Factorial's consent, the `success` event, the account; a re-link; an expired token; a denied consent; a page on
an origin the project does not allow; and the dashboard's Embed preview.

The UI polls its connection attempt every 2 s (its own timing): the tests wait on what the page shows.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from tests.browser.artifacts import Shots
from tests.browser.audit import ConsoleErrors
from tests.browser.conftest import HUB_SCRIPT, Browsing
from tests.browser.steps import consent, labelled, look, open_section, sign_in
from tests.harness.sandbox import Sandbox
from tests.live_server import serve

POLL_MS = 30_000  # the UI's poll is every 2 s; a page that shows its result well within this passes


class HostPages:
    """The integrator's product: pages that host `<stackone-hub>`, served on loopback with the package's script."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}

    def add(self, token: str, base_url: str) -> str:
        name = f"hub-{secrets.token_hex(6)}"
        self.pages[name] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme HR</title>
<script src="/webcomponent.js"></script></head>
<body><main><h1>Acme HR: connect your HR system</h1>
<stackone-hub token="{token}" base-url="{base_url}" height="520px"></stackone-hub>
<p id="result" role="status"></p></main>
<script>
document.querySelector("stackone-hub").addEventListener("success", (event) => {{
  document.getElementById("result").textContent = "success " + JSON.stringify(event.detail);
}});
</script></body></html>"""
        return name

    def app(self) -> Starlette:
        async def page(request: Request) -> Response:
            html = self.pages.get(request.path_params["name"])
            return HTMLResponse(html) if html is not None else Response(status_code=404)

        async def script(request: Request) -> Response:
            return FileResponse(HUB_SCRIPT, media_type="text/javascript")

        async def icon(request: Request) -> Response:
            return Response(status_code=204)

        return Starlette(
            routes=[
                Route("/webcomponent.js", script),
                Route("/favicon.ico", icon),
                Route("/{name}", page),
            ]
        )


@pytest.fixture(scope="module")
def host(sandbox: Sandbox) -> Iterator[tuple[HostPages, str]]:
    """The integrator's server on loopback, its origin allowed by the Demo project (set in the dashboard)."""
    if not HUB_SCRIPT.exists():
        pytest.fail(f"{HUB_SCRIPT} is missing: `make node-deps` installs @stackone/hub (tests/hub/node)")
    pages = HostPages()
    with serve(pages.app()) as url:
        yield pages, url


@pytest.fixture(scope="module")
def allowed_host(host: tuple[HostPages, str], sandbox: Sandbox, browser: Any) -> tuple[HostPages, str]:
    """The Demo project's settings, edited in the dashboard as an operator would: the integrator's origin added."""
    pages, url = host
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, sandbox, Shots("hub-allowed-origin"))
        open_section(page, "Settings")
        origins = labelled(page, "Allowed origins")
        current = origins.input_value().strip()
        if url not in current.splitlines():
            origins.fill(f"{current}\n{url}".strip())
            page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("main")).to_be_visible()
    finally:
        context.close()
    return pages, url


def new_session(sandbox: Sandbox, **fields: Any) -> dict[str, Any]:
    body = {"origin_owner_id": f"hub-{secrets.token_hex(4)}", "origin_owner_name": "Hub customer", **fields}
    with httpx.Client(base_url=sandbox.api_url, auth=(sandbox.api_key, ""), trust_env=False) as api:
        answer = api.post("/connect_sessions", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def account(sandbox: Sandbox, account_id: str) -> dict[str, Any]:
    """The account as `GET /accounts` lists it for its origin owner (the integrator's view)."""
    with httpx.Client(base_url=sandbox.api_url, auth=(sandbox.api_key, ""), trust_env=False) as api:
        owner = api.get(f"/accounts/{account_id}").json()["origin_owner_id"]
        listed = api.get("/accounts", params={"origin_owner_id": owner}).json()
    found = [item for item in listed if item["id"] == account_id]
    assert len(found) == 1, listed
    return dict(found[0])


def basic_employee(sandbox: Sandbox) -> str:
    users = sandbox.emulator_company()["users"]
    return str(next(user["email"] for user in users if user["role"] == "basic"))


def hub_of(page: Page) -> Locator:
    return page.locator("stackone-hub")


def open_host_page(context: BrowserContext, origin: str, name: str) -> Page:
    page = context.new_page()
    page.goto(f"{origin}/{name}")
    return page


def connect_in_popup(page: Page, shots: Shots, email: str, *, deny: bool = False) -> Page:
    """Press the UI's Connect: its popup runs Linkyard's flow to Factorial's consent, as the person with `email`."""
    hub = hub_of(page)
    with page.expect_popup() as opened:
        hub.get_by_role("button", name="Connect").click()
    popup = opened.value
    if deny:
        expect(popup).to_have_url(re.compile(r"/(oauth/authorize|sign_in)"))
        if "/sign_in" in popup.url:
            popup.get_by_role("button", name=re.compile(re.escape(email))).click()
        look(popup, shots, "factorial consent (deny)")
        popup.get_by_role("button", name="Deny").click()
    else:
        consent(popup, shots, email=email)
    return popup


def success_detail(page: Page) -> dict[str, Any]:
    result = page.locator("#result")
    expect(result).to_have_text(re.compile(r"^success "), timeout=POLL_MS)
    return dict(json.loads(result.inner_text().removeprefix("success ")))


def test_a_customer_connects_factorial_in_the_embedded_ui_and_the_page_gets_the_account(
    browsing: Browsing, sandbox: Sandbox, allowed_host: tuple[HostPages, str], shots: Shots
) -> None:
    pages, origin = allowed_host
    session = new_session(sandbox)
    page = open_host_page(browsing.new_context(), origin, pages.add(session["token"], sandbox.api_url))
    hub = hub_of(page)
    # One integration: the UI opens it at once, with its name and logo (served by Linkyard).
    expect(hub.get_by_text("Factorial", exact=True)).to_be_visible()
    expect(hub.get_by_role("img", name="factorialhr")).to_have_attribute(
        "src", f"{sandbox.api_url}/hub/logos/factorialhr.svg"
    )
    shots.take(page, "hub picker")
    popup = connect_in_popup(page, shots, basic_employee(sandbox))
    detail = success_detail(page)
    shots.take(page, "hub success")
    assert detail["provider"] == "factorialhr"
    assert detail["id"].startswith("acc_")
    expect(hub.get_by_text("Connection Successful")).to_be_visible()
    if not popup.is_closed():  # the UI closes its popup itself once it saw the attempt authenticated
        popup.wait_for_event("close", timeout=POLL_MS)
    linked = account(sandbox, detail["id"])
    assert linked["status"] == "active"
    assert linked["origin_owner_id"] == session["origin_owner_id"]
    assert linked["integration_id"] == session["integration_id"]


def test_a_relink_through_the_embedded_ui_keeps_the_account(
    browsing: Browsing, sandbox: Sandbox, allowed_host: tuple[HostPages, str], shots: Shots
) -> None:
    pages, origin = allowed_host
    context = browsing.new_context()
    email = basic_employee(sandbox)
    first = new_session(sandbox)
    page = open_host_page(context, origin, pages.add(first["token"], sandbox.api_url))
    connect_in_popup(page, shots, email)
    linked_id = success_detail(page)["id"]

    again = new_session(sandbox, account_id=linked_id)
    page = open_host_page(context, origin, pages.add(again["token"], sandbox.api_url))
    expect(hub_of(page).get_by_text("Factorial", exact=True)).to_be_visible()
    shots.take(page, "hub re-link")
    connect_in_popup(page, shots, email)
    assert success_detail(page)["id"] == linked_id
    relinked = account(sandbox, linked_id)
    assert relinked["status"] == "active"
    assert relinked["origin_owner_id"] == again["origin_owner_id"]  # the re-link session decides it


def test_an_expired_token_shows_no_integrations(
    browsing: Browsing,
    sandbox: Sandbox,
    allowed_host: tuple[HostPages, str],
    shots: Shots,
    console_errors: ConsoleErrors,
) -> None:
    pages, origin = allowed_host
    session = new_session(sandbox)
    # The sandbox runs on a real clock: the session is made to have expired in its database.
    with sqlite3.connect(sandbox.directory / ".linkyard" / "linkyard.db") as database:
        changed = database.execute(
            "UPDATE connect_sessions SET expires_at = created_at WHERE number = ?", (session["id"],)
        ).rowcount
    assert changed == 1
    console_errors.expect_errors_from(origin)  # the integrator's page logs the 401s; Linkyard's stay clean
    page = open_host_page(browsing.new_context(), origin, pages.add(session["token"], sandbox.api_url))
    expect(hub_of(page).get_by_text("No configured integrations available.")).to_be_visible()
    expect(hub_of(page).get_by_role("button", name="Connect")).to_have_count(0)
    shots.take(page, "hub expired token")


def test_a_denied_consent_shows_the_error_in_the_embedded_ui(
    browsing: Browsing, sandbox: Sandbox, allowed_host: tuple[HostPages, str], shots: Shots
) -> None:
    pages, origin = allowed_host
    session = new_session(sandbox)
    page = open_host_page(browsing.new_context(), origin, pages.add(session["token"], sandbox.api_url))
    expect(hub_of(page).get_by_text("Factorial", exact=True)).to_be_visible()
    popup = connect_in_popup(page, shots, basic_employee(sandbox), deny=True)
    expect(hub_of(page).get_by_text("You declined to connect the account.")).to_be_visible(timeout=POLL_MS)
    shots.take(page, "hub consent denied")
    if not popup.is_closed():
        expect(popup.get_by_role("heading", level=1)).to_have_text("Connection cancelled")
    expect(page.locator("#result")).to_have_text("")


def test_a_page_on_an_origin_the_project_does_not_allow_is_refused(
    browsing: Browsing,
    sandbox: Sandbox,
    allowed_host: tuple[HostPages, str],
    shots: Shots,
    console_errors: ConsoleErrors,
) -> None:
    pages, origin = allowed_host
    other = origin.replace("127.0.0.1", "localhost")  # same server, another origin: not in the allowed list
    session = new_session(sandbox)
    console_errors.expect_errors_from(other)
    context = browsing.new_context()
    page = open_host_page(context, other, pages.add(session["token"], sandbox.api_url))
    # The browser's preflight is refused (Chromium shows no page its preflights): the UI cannot call at all.
    expect(hub_of(page).get_by_text("Failed to fetch")).to_be_visible(timeout=POLL_MS)
    expect(hub_of(page).get_by_role("button", name="Connect")).to_have_count(0)
    shots.take(page, "hub origin refused")
    with httpx.Client(base_url=sandbox.api_url, trust_env=False) as client:
        preflight = client.options(
            "/hub/settings", headers={"Origin": other, "Access-Control-Request-Method": "GET"}
        )
    assert preflight.status_code == 403
    assert "access-control-allow-origin" not in preflight.headers
    # The session is untouched: a page on an allowed origin still links with it.
    page = open_host_page(context, origin, pages.add(session["token"], sandbox.api_url))
    expect(hub_of(page).get_by_text("Factorial", exact=True)).to_be_visible()


def test_the_dashboards_embed_preview_hosts_the_ui_for_a_fresh_session(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    sign_in(page, sandbox, shots)
    open_section(page, "Connect links")
    embed = page.get_by_role("region", name="Embed")
    expect(embed.locator("#embed-snippet")).to_contain_text(f'base-url="{sandbox.api_url}"')
    expect(embed.locator("#embed-snippet")).to_contain_text('import "@stackone/hub/webcomponent"')
    look(page, shots, "embed section")
    owner = f"preview-{secrets.token_hex(4)}"
    labelled(page, "Preview origin owner ID").fill(owner)
    embed.get_by_role("button", name="Open embed preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Embed preview")
    hub = hub_of(page)
    expect(hub.get_by_text("Factorial", exact=True)).to_be_visible()
    shots.take(page, "embed preview")
    connect_in_popup(page, shots, basic_employee(sandbox))
    status = page.locator("#hub-result")
    expect(status).to_contain_text("Linked: account acc_", timeout=POLL_MS)
    account_id = re.search(r"acc_[a-z0-9]+", status.inner_text())
    assert account_id is not None
    linked = account(sandbox, account_id.group(0))
    assert linked["origin_owner_id"] == owner
    assert linked["status"] == "active"
