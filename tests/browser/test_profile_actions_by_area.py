"""The profile form offers Factorial's whole API (~670 tools) by area: a person searches the actions, ticks a
whole area at once, and still sees, by each action, the scope it needs and is missing."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from linkyard.connectors import get_connector
from tests.browser.artifacts import Shots
from tests.browser.steps import (
    ProfileForm,
    action_box,
    fill_profile_form,
    labelled,
    look,
    scope_box,
    sign_in,
    start_profile_wizard,
)
from tests.harness.sandbox import Sandbox

TIME_OFF = [action.id for action in get_connector("factorialhr").actions if action.area == "timeoff"]


def test_a_whole_area_is_ticked_at_once_and_each_of_its_actions_says_the_scope_it_needs(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    sign_in(page, sandbox, shots)
    start_profile_wizard(page, shots)
    label = f"Time off whole area {secrets.token_hex(3)}"
    fill_profile_form(
        page,
        ProfileForm(
            label=label,
            client_id=f"client-{secrets.token_hex(4)}",
            client_secret=f"secret-{secrets.token_hex(8)}",
            scopes=("employees",),
            token_type="Company",
            actions=(),
        ),
    )
    # The areas start folded (nothing ticked): one line each, with how many of its actions are ticked.
    area = page.locator("details.action-group[data-area=timeoff]")
    expect(area.locator("summary")).to_contain_text(f"Time off 0 of {len(TIME_OFF)} ticked")
    expect(action_box(page, "factorialhr_approve_all_leaves")).to_be_hidden()
    area.locator("summary").click()
    everything = area.get_by_role("checkbox", name=re.compile(r"^Every one in Time off"))
    everything.check()
    expect(area.locator("summary")).to_contain_text(f"{len(TIME_OFF)} of {len(TIME_OFF)} ticked")
    for action in ("factorialhr_approve_all_leaves", "factorialhr_list_time_off_requests"):
        expect(action_box(page, action)).to_be_checked()
    # Each of them explains, by itself, the scope it needs that is not ticked.
    explained = page.locator("details.action-group[data-area=timeoff] .inline-explain:visible")
    expect(explained).to_have_count(len(TIME_OFF))
    expect(explained.first).to_have_text("Needs the time_off scope, which is not selected")
    look(page, shots, "a whole area ticked without its scope")

    # Unticking one of them leaves the area partly ticked.
    action_box(page, "factorialhr_bulk_delete_leaves").uncheck()
    expect(area.locator("summary")).to_contain_text(f"{len(TIME_OFF) - 1} of {len(TIME_OFF)} ticked")
    expect(everything).not_to_be_checked()
    action_box(page, "factorialhr_bulk_delete_leaves").check()
    expect(everything).to_be_checked()

    # The search narrows ~670 actions to those whose words match, opening their areas.
    search = page.get_by_label("Search actions")
    search.fill("overtime request")
    expect(page.get_by_text(re.compile(r"^\d+ actions match$"))).to_be_visible()
    approve = action_box(page, "factorialhr_approve_overtime_request")
    expect(approve).to_be_visible()
    expect(action_box(page, "factorialhr_list_employees")).to_be_hidden()
    look(page, shots, "actions searched")
    search.fill("")

    # Ticking the scope answers every explanation; the profile enables the whole area.
    scope_box(page, "time_off").check()
    expect(page.locator(".inline-explain:visible")).to_have_count(0)
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text(label).first).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^\s*{len(TIME_OFF)}\b"))).to_be_visible()
    page.get_by_text("Show the actions").click()
    for action in TIME_OFF:
        expect(page.locator("code", has_text=re.compile(rf"^{action}$"))).to_be_visible()
    look(page, shots, "profile with the time off area")
    expect(labelled(page, "Redirect URI")).to_be_visible()
