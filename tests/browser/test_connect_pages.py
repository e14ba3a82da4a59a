"""The hosted connect pages as an end user meets them: the link a product hands out, Factorial's sign-in and
consent, and the pages for a link that is used up or not valid, and for a consent that was denied."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.artifacts import Shots
from tests.browser.steps import connect, consent, look, see_connected
from tests.harness.sandbox import Sandbox


def basic_employee(sandbox: Sandbox) -> str:
    """The login email of an employee who is not an admin."""
    users = sandbox.emulator_company()["users"]
    return str(next(user["email"] for user in users if user["role"] == "basic"))


def test_the_connect_page_says_who_asks_what_is_shared_and_links_an_employee(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    link = sandbox.new_connect_link(owner_id=f"hosted-{secrets.token_hex(4)}", owner_name="Hosted page user")
    page.goto(link)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Demo wants to connect to your Factorial account")
    shared = page.get_by_role("region", name="What Demo will be able to do")
    expect(shared).to_contain_text("read and update employee profiles")  # the scopes, in words
    expect(page.get_by_text(re.compile(r"User token: acts as the employee who links"))).to_be_visible()
    connect(page, shots)
    consent(page, shots, email=basic_employee(sandbox))
    see_connected(page, shots)
    expect(page.get_by_text("Demo can now use it")).to_be_visible()


def test_a_used_link_says_so_and_what_to_do_next(page: Page, sandbox: Sandbox, shots: Shots) -> None:
    link = sandbox.new_connect_link(owner_id=f"used-{secrets.token_hex(4)}", owner_name="Used link user")
    page.goto(link)
    connect(page, shots)
    consent(page, shots, email=basic_employee(sandbox))
    see_connected(page, shots)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link was already used")
    expect(page.get_by_role("region", name="What you can do")).to_contain_text("ask for a new link")
    look(page, shots, "used link")


def test_a_link_that_is_not_valid_says_so_and_what_to_do_next(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    page.goto(f"{sandbox.api_url}/connect?token=lkcs_{secrets.token_urlsafe(12)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not valid")
    expect(page.get_by_text("expired or is not valid")).to_be_visible()
    expect(page.get_by_role("region", name="What you can do")).to_contain_text("ask for a new link")
    look(page, shots, "link not valid")


def test_denied_consent_says_nothing_was_shared_and_how_to_try_again(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    link = sandbox.new_connect_link(owner_id=f"deny-{secrets.token_hex(4)}", owner_name="Denying user")
    page.goto(link)
    connect(page, shots)
    page.get_by_role("button", name=re.compile(re.escape(basic_employee(sandbox)))).click()
    look(page, shots, "factorial consent")
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connection cancelled")
    expect(page.get_by_text("Nothing was shared")).to_be_visible()
    expect(page.get_by_role("region", name="What you can do")).to_be_visible()
    look(page, shots, "consent denied")


def test_a_provider_error_says_what_happened_and_what_to_do_next(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    link = sandbox.new_connect_link(owner_id=f"outage-{secrets.token_hex(4)}", owner_name="Outage user")
    page.goto(link)
    connect(page, shots)
    with sandbox.emulator_failing(method="POST", path="/oauth/token", status=503):
        consent(page, shots, email=basic_employee(sandbox))
        expect(page.get_by_role("heading", level=1)).to_have_text("The connection could not be completed")
    expect(page.get_by_text("Factorial could not complete the sign-in")).to_be_visible()
    expect(page.get_by_role("region", name="What you can do")).to_contain_text("ask for a new link")
    look(page, shots, "provider error")
