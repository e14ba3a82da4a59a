"""The steps a person takes in the dashboard, the emulator's Factorial pages and the hosted connect pages.

Each step finds things the way a person does (by a label, a button's or a link's text, a heading) and types and
clicks; it takes a screenshot where the person would look at the result. The names are the product's words,
from issue 5: New Application, + Connector Profile, Create profile, Connect, Authorize.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.artifacts import Shots
from tests.browser.audit import focus_is_visible, focused_description, unlabelled_controls
from tests.harness.sandbox import Sandbox

# The connector profile wizard's OAuth scopes and the actions used by the flows.
LIST_EMPLOYEES = "factorialhr_list_employees"
GET_EMPLOYEE = "factorialhr_get_employee"
LIST_TIME_OFF = "factorialhr_list_time_off_requests"


def look(page: Page, shots: Shots, step: str) -> None:
    """What a person sees at this step: a screenshot, and every control on it has a name to be read out."""
    shots.take(page, step)
    assert unlabelled_controls(page) == [], f"controls without a label on {page.url}"


def labelled(page: Page, label: str) -> Locator:
    """The control whose label starts with `label` (a label may go on: "Client Secret (optional)")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\b"))


# -- dashboard ------------------------------------------------------------------------------------------------


def sign_in(page: Page, sandbox: Sandbox, shots: Shots) -> None:
    """Open the dashboard, sign in with the admin token, and land on the Demo project's overview."""
    page.goto(f"{sandbox.api_url}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    look(page, shots, "dashboard sign-in")
    page.get_by_label("Admin token or API key").fill(sandbox.admin_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/projects"))
    if re.search(r"/projects/?$", page.url):
        page.get_by_role("link", name="Demo", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Demo")).to_be_visible()
    # Whose dashboard this is stays in view (a person signed in to someone else's project would notice).
    expect(page.get_by_text("Signed in as Admin — all projects")).to_be_visible()
    look(page, shots, "project overview")


def sign_out(page: Page, shots: Shots) -> None:
    """Press Sign out: the sign-in page says so, and the dashboard asks for a token again."""
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in\?notice=signed_out$"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    look(page, shots, "signed out")


def open_section(page: Page, name: str) -> None:
    """Follow a link of the project's navigation (Connector Profiles, Linked Accounts, ...)."""
    page.get_by_role("navigation", name="Project").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def redirect_uri_to_copy(page: Page) -> str:
    """The redirect URI the overview offers in its copy box (what a person pastes into Factorial)."""
    value = labelled(page, "Redirect URI").input_value()
    assert value.endswith("/connect/oauth2/factorialhr/callback"), value
    return value


@dataclass(frozen=True)
class ProfileForm:
    """What a person enters in step 3 of the + Connector Profile wizard."""

    label: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    token_type: str  # "User" or "Company", as the radio buttons read
    actions: tuple[str, ...]


def start_profile_wizard(page: Page, shots: Shots) -> None:
    """Connector Profiles → + Connector Profile → search "Fact" → Factorial → OAuth 2.0: the profile form."""
    open_section(page, "Connector Profiles")
    look(page, shots, "connector profiles")
    page.get_by_role("link", name="+ Connector Profile").click()
    search = page.get_by_label("Search connectors")
    search.fill("Fact")
    look(page, shots, "wizard search connectors")
    page.get_by_role("link", name=re.compile("Factorial")).click()
    look(page, shots, "wizard choose auth type")
    page.get_by_role("link", name=re.compile(r"OAuth 2\.0")).click()
    expect(labelled(page, "Client ID")).to_be_visible()


def scope_box(page: Page, scope: str) -> Locator:
    return (
        page.get_by_role("group", name="OAuth Scopes")
        .get_by_role("checkbox", name=re.compile(rf"^{re.escape(scope)}\b"))
        .first
    )


def action_box(page: Page, action: str) -> Locator:
    return page.get_by_role("group", name="Actions").get_by_role(
        "checkbox", name=re.compile(rf"\b{re.escape(action)}\b")
    )


def fill_profile_form(page: Page, form: ProfileForm) -> None:
    labelled(page, "Label").fill(form.label)
    environment = labelled(page, "Environment")
    assert "sandbox" in environment.locator("option:checked").inner_text().lower()  # the default here
    labelled(page, "Client ID").fill(form.client_id)
    labelled(page, "Client Secret").fill(form.client_secret)
    for scope in form.scopes:
        scope_box(page, scope).check()
    page.get_by_role("group", name="Token Type").get_by_role(
        "radio", name=re.compile(rf"^{re.escape(form.token_type)}\b")
    ).check()
    for action in form.actions:
        find_action(page, action).check()
    page.get_by_label("Search actions").fill("")


def find_action(page: Page, action: str) -> Locator:
    """Type the action's name into Search actions: its area opens with it in view; its checkbox."""
    page.get_by_label("Search actions").fill(action.replace("_", " "))
    box = action_box(page, action)
    expect(box).to_be_visible()
    return box


def create_profile(page: Page, shots: Shots, form: ProfileForm) -> None:
    """The whole wizard, up to the profile listed in the project."""
    start_profile_wizard(page, shots)
    fill_profile_form(page, form)
    look(page, shots, "wizard profile form filled")
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text(form.label).first).to_be_visible()
    look(page, shots, "profile created")


def create_connect_link(page: Page, shots: Shots, *, owner_id: str, owner_name: str, profile: str) -> str:
    """Connect links → the form for one origin owner and the new profile → the link to hand out."""
    open_section(page, "Connect links")
    labelled(page, "Origin owner ID").fill(owner_id)
    labelled(page, "Origin owner name").fill(owner_name)
    labelled(page, "Username").fill(f"{owner_id}@example.com")
    choose_option(labelled(page, "Connector profile"), profile)
    look(page, shots, "connect link form")
    page.get_by_role("button", name="Create connect link").click()
    link = labelled(page, "Connect link").input_value()
    assert "/connect?token=" in link, link
    look(page, shots, "connect link created")
    return link


def open_connect_link(page: Page) -> Page:
    """Click "Open connect link": in this tab, or in the new one it opens."""
    opener = page.get_by_role("link", name="Open connect link")
    if opener.get_attribute("target") == "_blank":
        with page.context.expect_page() as opened:
            opener.click()
        tab = opened.value
        tab.wait_for_load_state()
        return tab
    opener.click()
    return page


def choose_option(select: Locator, text: str) -> None:
    """Pick the option of a select whose text contains `text` (as a person reads the list)."""
    options = select.locator("option")
    labels = options.all_inner_texts()
    matching = [index for index, label in enumerate(labels) if text in label]
    assert matching, f"no option with {text!r} in {labels}"
    select.select_option(index=matching[0])


def account_row(page: Page, owner_name: str) -> Locator:
    """The linked account of an origin owner, as a row of the Linked Accounts list."""
    return page.locator("tr, li, article").filter(has_text=owner_name).last


def see_account_active(page: Page, shots: Shots, owner_name: str) -> None:
    open_section(page, "Linked Accounts")
    expect(page.get_by_role("heading", level=1, name="Linked Accounts")).to_be_visible()
    expect(account_row(page, owner_name)).to_contain_text("Active")
    look(page, shots, "linked accounts")


def run_in_playground(page: Page, shots: Shots, *, owner_name: str, action: str) -> Any:
    """Actions playground: pick the account and the action, Choose, Run action; the JSON result, parsed."""
    open_section(page, "Actions playground")
    choose_option(labelled(page, "Account"), owner_name)
    choose_option(labelled(page, "Action"), action)
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_role("button", name="Run action")).to_be_visible()
    look(page, shots, "playground action form")
    page.get_by_role("button", name="Run action").click()
    result = page.locator("pre.json").first
    expect(result).to_be_visible()
    look(page, shots, "playground result")
    return json.loads(result.inner_text())


def follow_next_page(page: Page, shots: Shots, previous: Any) -> Any:
    """Press "Next page" under a list's result; the next page's JSON, parsed."""
    result = page.locator("pre.json").first
    before = result.inner_text()
    page.get_by_role("button", name="Next page").click()
    expect(result).not_to_have_text(before)
    look(page, shots, "playground next page")
    following = json.loads(result.inner_text())
    assert following != previous
    return following


def names_in(result: Any) -> set[str]:
    """Every `full_name` anywhere in a JSON result."""
    found: set[str] = set()
    if isinstance(result, dict):
        for key, value in result.items():
            if key == "full_name" and isinstance(value, str):
                found.add(value)
            else:
                found |= names_in(value)
    elif isinstance(result, list):
        for item in result:
            found |= names_in(item)
    return found


# -- the emulator's Factorial pages ----------------------------------------------------------------------------


def sign_in_to_factorial(page: Page, shots: Shots, email: str) -> None:
    """On the emulator's sign-in picker, pick the person with this login email."""
    expect(page.get_by_role("heading", level=1, name="Sign in to Factorial")).to_be_visible()
    look(page, shots, "factorial sign-in")
    page.get_by_role("button", name=re.compile(re.escape(email))).click()


def register_application(
    page: Page, sandbox: Sandbox, shots: Shots, *, name: str, redirect_uri: str, scopes: Iterable[str]
) -> tuple[str, str]:
    """In Factorial, as the company admin: New Application, fill it in, Submit; the client ID and secret."""
    page.goto(f"{sandbox.emulator_url}/oauth/applications")
    sign_in_to_factorial(page, shots, sandbox.admin_email)
    expect(page.get_by_role("heading", level=1, name="OAuth applications")).to_be_visible()
    look(page, shots, "factorial applications")
    page.get_by_role("link", name="New Application").click()
    labelled(page, "Name").fill(name)
    labelled(page, "Redirect URI").fill(redirect_uri)
    page.get_by_role("checkbox", name=re.compile(r"^Confidential")).check()
    for scope in scopes:
        page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(scope)}\b")).check()
    look(page, shots, "factorial new application")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Application created"))).to_be_visible()
    look(page, shots, "factorial application created")
    client_id = labelled(page, "Client ID").inner_text().strip()
    client_secret = labelled(page, "Client Secret").inner_text().strip()
    assert client_id and client_secret
    return client_id, client_secret


def consent(page: Page, shots: Shots, *, email: str, company_token: bool = False) -> None:
    """On Factorial's consent page, as the person with `email` (switching user if another is signed in)."""
    expect(page).to_have_url(re.compile(r"/(oauth/authorize|sign_in)"))
    if "/sign_in" in page.url:
        sign_in_to_factorial(page, shots, email)
    heading = page.get_by_role("heading", level=1, name=re.compile(r"^Authorize"))
    expect(heading).to_be_visible()
    if email not in page.locator("main").inner_text():  # someone else is signed in: switch, as a person would
        page.get_by_role("button", name=re.compile("Sign in as someone else")).click()
        sign_in_to_factorial(page, shots, email)
        expect(heading).to_be_visible()
    if company_token:
        expect(page.get_by_text("Company token.")).to_be_visible()
    look(page, shots, "factorial consent")
    page.get_by_role("button", name="Authorize").click()


# -- the hosted connect pages ----------------------------------------------------------------------------------


def connect(page: Page, shots: Shots) -> None:
    """On the hosted connect page: read it, then Connect."""
    expect(page.get_by_role("heading", level=1, name=re.compile("wants to connect"))).to_be_visible()
    look(page, shots, "hosted connect page")
    page.get_by_role("link", name=re.compile(r"^Connect")).click()


def see_connected(page: Page, shots: Shots) -> None:
    expect(page.get_by_role("heading", level=1, name=re.compile("is connected"))).to_be_visible()
    look(page, shots, "hosted connected")


# -- the keyboard ------------------------------------------------------------------------------------------------


def tab_to(page: Page, role: str, name: str | re.Pattern[str], *, limit: int = 250) -> None:
    """Press Tab until the focused element is a `role` whose accessible name matches `name`; its focus must
    show. Fails after `limit` presses: the control cannot be reached by keyboard."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(re.escape(name))
    # YAML quotes a line that holds ": ", so a line may read `- 'checkbox "time_off Time off: ..."'`.
    wanted = re.compile(rf"^- '?{role} \"(?P<name>[^\"]*)\"")
    seen: list[str] = []
    for _ in range(limit):
        focused = focused_description(page)
        match = wanted.match(focused)
        if match and pattern.search(match.group("name")):
            assert focus_is_visible(page), f"no visible focus on {focused} at {page.url}"
            return
        seen.append(focused)
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {role} {pattern.pattern!r} on {page.url}; passed: {seen[-12:]}")


def press_and_follow(page: Page, key: str = "Enter") -> None:
    """Press `key` on the focused link or button, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
