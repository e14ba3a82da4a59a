"""The + Connector Profile wizard explains, next to the action, a chosen action whose scope is not selected: live
while the person ticks, and again from the server after Create profile, with everything typed still there."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.artifacts import Shots
from tests.browser.steps import (
    LIST_EMPLOYEES,
    LIST_TIME_OFF,
    ProfileForm,
    action_box,
    fill_profile_form,
    labelled,
    look,
    scope_box,
    sign_in,
    sign_out,
    start_profile_wizard,
)
from tests.harness.sandbox import Sandbox


def explanations(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".inline-explain:visible").all_inner_texts()]


def test_an_action_needing_an_unselected_scope_is_explained_inline_and_the_form_keeps_every_value(
    page: Page, sandbox: Sandbox, shots: Shots
) -> None:
    sign_in(page, sandbox, shots)
    start_profile_wizard(page, shots)
    form = ProfileForm(
        label=f"Needs time off {secrets.token_hex(3)}",
        client_id=f"client-typed-by-hand-{secrets.token_hex(4)}",
        client_secret=f"secret-typed-by-hand-{secrets.token_hex(8)}",
        scopes=("employees",),
        token_type="Company",
        actions=(LIST_EMPLOYEES, LIST_TIME_OFF),
    )
    fill_profile_form(page, form)

    # Live: one explanation, next to the time-off action, naming the missing scope.
    expect(page.locator(".inline-explain:visible")).to_have_count(1)
    (explained,) = explanations(page)
    assert "time_off" in explained
    next_to_action = page.locator("label, li, div").filter(has=action_box(page, LIST_TIME_OFF)).last
    expect(next_to_action.locator(".inline-explain")).to_be_visible()
    look(page, shots, "time-off action without its scope")

    page.get_by_role("button", name="Create profile").click()

    # From the server: the same explanation, and every value as typed (the secret is never sent back, but kept).
    expect(page.locator(".inline-explain:visible").filter(has_text="time_off")).to_have_count(1)
    look(page, shots, "explained after create profile")
    expect(labelled(page, "Label")).to_have_value(form.label)
    expect(labelled(page, "Client ID")).to_have_value(form.client_id)
    assert form.client_secret not in page.content()
    assert "sandbox" in labelled(page, "Environment").locator("option:checked").inner_text().lower()
    expect(scope_box(page, "employees")).to_be_checked()
    expect(scope_box(page, "time_off")).not_to_be_checked()
    group = page.get_by_role("group", name="Token Type")
    expect(group.get_by_role("radio", name=re.compile(r"^Company"))).to_be_checked()
    expect(action_box(page, LIST_EMPLOYEES)).to_be_checked()
    expect(action_box(page, LIST_TIME_OFF)).to_be_checked()
    expect(page.locator("input[type=checkbox]:checked")).to_have_count(3)  # nothing else got ticked

    # Ticking the scope answers the explanation; the profile is then created, with the secret kept.
    expect(page.get_by_text(re.compile("client secret is kept", re.IGNORECASE))).to_be_visible()
    scope_box(page, "time_off").check()
    expect(page.locator(".inline-explain:visible")).to_have_count(0)
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text(form.label).first).to_be_visible()
    expect(page.locator(".inline-explain:visible")).to_have_count(0)
    look(page, shots, "profile created")

    # Done: signing out ends the session; the dashboard's pages ask for a token again.
    sign_out(page, shots)
    page.go_back()
    page.reload()
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
