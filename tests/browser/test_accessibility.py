"""Every page a person meets names each of its controls and logs no console error, and the main flows work
with the keyboard alone: register an OAuth application in Factorial, sign in, open Connector Profiles, walk the
wizard to Create profile, and link an account from the hosted connect page through Factorial's sign-in and
consent."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.artifacts import Shots
from tests.browser.audit import unlabelled_controls
from tests.browser.conftest import Browsing
from tests.browser.steps import (
    LIST_EMPLOYEES,
    open_section,
    press_and_follow,
    see_connected,
    sign_in,
    tab_to,
)
from tests.harness.sandbox import Sandbox

DASHBOARD_SECTIONS = (
    "Overview",
    "Connectors",
    "Connector Profiles",
    "Linked Accounts",
    "Connect links",
    "Actions playground",
    "Request logs",
    "Tool feedback",
    "API keys",
    "Settings",
)


class Survey:
    """Pages visited one after another, each pictured, with the unnamed controls of each."""

    def __init__(self, shots: Shots) -> None:
        self.shots = shots
        self.unnamed: dict[str, list[str]] = {}

    def check(self, page: Page, step: str) -> None:
        page.wait_for_load_state()
        self.shots.take(page, step)
        found = unlabelled_controls(page)
        if found:
            self.unnamed[f"{step} ({page.url})"] = found


def test_every_control_on_every_page_has_a_label_and_no_page_logs_a_console_error(
    browsing: Browsing, sandbox: Sandbox, shots: Shots
) -> None:
    survey = Survey(shots)
    page = browsing.new_page()

    # The dashboard, signed out and then in: each section, the wizard's steps and the forms' error states.
    page.goto(f"{sandbox.api_url}/sign-in")
    survey.check(page, "sign-in")
    page.get_by_role(
        "button", name="Sign in"
    ).click()  # empty: the browser or the server says what is missing
    survey.check(page, "sign-in empty")
    sign_in(page, sandbox, shots)
    for section in DASHBOARD_SECTIONS:
        open_section(page, section)
        survey.check(page, section)
    open_section(page, "Connector Profiles")
    page.get_by_role("link", name="+ Connector Profile").click()
    survey.check(page, "wizard connectors")
    page.get_by_role("link", name=re.compile("Factorial")).click()
    survey.check(page, "wizard auth types")
    page.get_by_role("link", name=re.compile(r"OAuth 2\.0")).click()
    survey.check(page, "wizard form")
    page.get_by_role("button", name="Create profile").click()  # nothing filled in
    survey.check(page, "wizard form with errors")
    open_section(page, "Connect links")
    page.get_by_role("button", name="Create connect link").click()  # nothing filled in
    survey.check(page, "connect link form with errors")
    page.goto(f"{sandbox.api_url}/projects")
    survey.check(page, "projects")

    # The hosted connect pages, and Factorial's pages on the way.
    visitor = browsing.new_page()
    visitor.goto(f"{sandbox.api_url}/connect?token=lkcs_{secrets.token_urlsafe(12)}")
    survey.check(visitor, "hosted link not valid")
    visitor.goto(sandbox.new_connect_link(owner_id=f"a11y-{secrets.token_hex(4)}", owner_name="A11y user"))
    survey.check(visitor, "hosted connect page")
    visitor.get_by_role("link", name=re.compile(r"^Connect")).click()
    survey.check(visitor, "factorial sign-in")
    visitor.get_by_role("button", name=re.compile(re.escape(sandbox.admin_email))).click()
    survey.check(visitor, "factorial consent")
    visitor.goto(f"{sandbox.emulator_url}/oauth/applications")
    survey.check(visitor, "factorial applications")
    visitor.get_by_role("link", name="New Application").click()
    survey.check(visitor, "factorial new application")
    visitor.get_by_role("button", name="Submit").click()  # nothing filled in
    survey.check(visitor, "factorial new application with errors")

    assert survey.unnamed == {}


def test_the_main_flows_work_with_the_keyboard_alone(
    browsing: Browsing, sandbox: Sandbox, shots: Shots
) -> None:
    # In Factorial: sign in as the admin, New Application, fill it in, Submit.
    factorial = browsing.new_page()
    keys = factorial.keyboard
    factorial.goto(f"{sandbox.emulator_url}/oauth/applications")
    tab_to(factorial, "button", re.compile(re.escape(sandbox.admin_email)))
    press_and_follow(factorial)
    tab_to(factorial, "link", "New Application")
    press_and_follow(factorial)
    tab_to(factorial, "textbox", re.compile(r"^Name$"))
    keys.type("Keyboard app")
    tab_to(factorial, "textbox", re.compile(r"^Redirect URI"))
    keys.type(sandbox.redirect_uri)
    tab_to(factorial, "checkbox", re.compile(r"^Confidential"))
    if not factorial.get_by_role("checkbox", name=re.compile(r"^Confidential")).is_checked():
        keys.press("Space")
    for scope in ("employees", "time_off"):
        tab_to(factorial, "checkbox", re.compile(rf"^{scope}\b"))
        keys.press("Space")
    shots.take(factorial, "factorial application by keyboard")
    tab_to(factorial, "button", re.compile(r"^Submit$"))
    press_and_follow(factorial)
    client_id = factorial.get_by_label("Client ID", exact=True).inner_text().strip()
    client_secret = factorial.get_by_label("Client Secret", exact=True).inner_text().strip()
    shots.take(factorial, "factorial application created by keyboard")

    page = browsing.new_page()
    keys = page.keyboard

    # Sign in.
    page.goto(f"{sandbox.api_url}/sign-in")
    tab_to(page, "textbox", "Admin token or API key")
    keys.type(sandbox.admin_token)
    press_and_follow(page)
    expect(page).to_have_url(re.compile(r"/projects"))
    shots.take(page, "signed in")

    # Connector Profiles → + Connector Profile → Factorial → OAuth 2.0.
    if re.search(r"/projects/?$", page.url):
        tab_to(page, "link", re.compile(r"^Demo$"))
        press_and_follow(page)
    tab_to(page, "link", re.compile(r"^Connector Profiles$"))
    press_and_follow(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    tab_to(page, "link", "+ Connector Profile")
    press_and_follow(page)
    tab_to(page, "(textbox|searchbox)", "Search connectors")
    keys.type("Fact")
    tab_to(page, "link", "Factorial")
    shots.take(page, "wizard search by keyboard")
    press_and_follow(page)
    tab_to(page, "link", re.compile(r"OAuth 2\.0"))
    press_and_follow(page)

    # The profile form: type, tick with Space, choose the token type with the arrows.
    label = f"Keyboard {secrets.token_hex(3)}"
    tab_to(page, "textbox", re.compile(r"^Client ID"))
    keys.type(client_id)
    tab_to(page, "textbox", re.compile(r"^Client Secret"))
    keys.type(client_secret)
    tab_to(page, "textbox", re.compile(r"^Label"))
    keys.type(label)
    for scope in ("employees", "time_off"):
        tab_to(page, "checkbox", re.compile(rf"^{scope}\b"))
        keys.press("Space")
    # The actions are folded by area: the search box narrows them and opens the areas that hold a match.
    tab_to(page, "(textbox|searchbox)", "Search actions")
    keys.type(LIST_EMPLOYEES)
    tab_to(page, "checkbox", re.compile(rf"\b{LIST_EMPLOYEES}\b"))
    keys.press("Space")
    expect(page.get_by_role("checkbox", name=re.compile(rf"\b{LIST_EMPLOYEES}\b"))).to_be_checked()
    shots.take(page, "wizard filled by keyboard")
    tab_to(page, "button", "Create profile")
    press_and_follow(page)
    expect(page.get_by_text(label).first).to_be_visible()
    shots.take(page, "profile created by keyboard")

    # The hosted connect page, Factorial's sign-in and consent.
    end_user = browsing.new_page()
    end_user.goto(sandbox.new_connect_link(owner_id=f"kb-{secrets.token_hex(4)}", owner_name="Keyboard user"))
    tab_to(end_user, "link", re.compile(r"^Connect"))
    press_and_follow(end_user)
    employee = next(user for user in sandbox.emulator_company()["users"] if user["role"] == "basic")
    tab_to(end_user, "button", re.compile(re.escape(employee["email"])))
    press_and_follow(end_user)
    tab_to(end_user, "button", re.compile(r"^Authorize$"))
    shots.take(end_user, "consent by keyboard")
    press_and_follow(end_user)
    see_connected(end_user, shots)


def test_the_label_check_finds_every_control_a_screen_reader_cannot_name(page: Page) -> None:
    page.set_content(
        """<main>
          <label for="a">Named</label><input id="a" value="x: y">
          <label>Wrapped <input type="checkbox" checked></label>
          <input aria-label="By aria-label"> <span id="l">By reference</span><input aria-labelledby="l">
          <button>Press</button> <input type="hidden" name="csrf">
          <input value="nameless: with a colon"> <input type="checkbox"> <select><option>One</option></select>
          <textarea></textarea> <button></button> <input type="radio">
        </main>"""
    )
    assert [line.split()[1].strip("'") for line in unlabelled_controls(page)] == [
        "textbox",
        "checkbox",
        "combobox",
        "textbox",
        "button",
        "radio",
    ]
