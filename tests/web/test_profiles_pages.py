"""The Connector Profiles pages: the wizard that creates a profile, the list, a profile's page, editing (with the
inline explanation of missing scopes and every value kept), disable/enable and delete; the client secret is
never written into a page."""

from __future__ import annotations

import re
from typing import Any

import httpx

from linkyard.connectors import get_connector
from tests.web.conftest import (
    Dashboard,
    Harness,
    Tenant,
    checked_values,
    field_value,
    form_fields,
    page_text,
    sign_in,
)

FORM = "/connector-profiles/new?connector=factorialhr&auth_type=oauth2"
LIST_TIME_OFF = "factorialhr_list_time_off_requests"
LIST_EMPLOYEES = "factorialhr_list_employees"
EXPLANATION = "Needs the time_off scope, which is not selected"


def _profile_id(answer: httpx.Response) -> str:
    found = re.fullmatch(
        r"/projects/[^/]+/connector-profiles/([^/?]+)\?notice=(\w+)", answer.headers["location"]
    )
    assert found is not None, answer.headers["location"]
    return found.group(1)


async def _application(harness: Harness) -> dict[str, Any]:
    return await harness.application()


def _fields(application: dict[str, Any], **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "label": "Acme production",
        "environment": "sandbox",
        "client_id": application["client_id"],
        "client_secret": application["client_secret"],
        "scopes": ["employees", "time_off"],
        "token_type": "user",
        "actions": [LIST_EMPLOYEES, LIST_TIME_OFF],
        "default": "1",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


async def _create(dashboard: Dashboard, tenant: Tenant, fields: dict[str, Any]) -> httpx.Response:
    return await dashboard.submit(f"/projects/{tenant.project_id}{FORM}", fields)


async def _stored(harness: Harness, tenant: Tenant, profile_id: str) -> dict[str, Any]:
    answer = await harness.api.get(f"/connector_profiles/{profile_id}", headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _secret_shown_anywhere(harness: Harness, secret: str) -> list[str]:
    """Every response a browser or the API client got that holds the secret (there must be none)."""
    return [str(response.url) for response in harness.seen if secret in response.text]


# -- the wizard ----------------------------------------------------------------------------------------------


async def test_the_wizard_finds_factorial_and_leads_to_the_oauth_form(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    base = f"/projects/{tenant.project_id}/connector-profiles"

    listing = await dashboard.get(base)
    assert "Connector Profiles" in page_text(listing.text)
    assert f'href="{base}/new">+ Connector Profile</a>' in listing.text

    step_one = await dashboard.get(f"{base}/new", q="factor")
    assert step_one.status_code == 200
    assert "Search connectors" in page_text(step_one.text)
    assert f'href="{base}/new?connector=factorialhr">Factorial</a>' in step_one.text

    step_two = await dashboard.get(f"{base}/new", connector="factorialhr")
    assert "Choose how to authenticate" in page_text(step_two.text)
    assert f'href="{base}/new?connector=factorialhr&amp;auth_type=oauth2">OAuth 2.0</a>' in step_two.text

    step_three = await dashboard.get(f"{base}/new", connector="factorialhr", auth_type="oauth2")
    text = page_text(step_three.text)
    for label in (
        "Label",
        "Environment",
        "Client ID",
        "Client Secret",
        "OAuth Scopes",
        "Token Type",
        "Actions",
    ):
        assert label in text
    assert "Default profile" in text and "Create profile" in text
    inputs = {f.get("name"): f for f in form_fields(step_three.text) if f["tag"] == "input"}
    assert inputs["client_id"]["maxlength"] == "512" and inputs["client_id"]["spellcheck"] == "false"
    assert inputs["client_secret"]["maxlength"] == "1024"
    assert "http://linkyard.test/connect/oauth2/factorialhr/callback" in step_three.text
    assert field_value(step_three.text, "client_secret") == ""
    assert checked_values(step_three.text, "token_type") == ["user"]
    assert checked_values(step_three.text, "default") == ["1"], "the first profile is the default"
    selected = [f for f in form_fields(step_three.text) if f["tag"] == "select"]
    assert [f["name"] for f in selected] == ["environment"]
    assert re.search(r'<option value="sandbox" selected>Sandbox</option>', step_three.text), (
        "the sandbox is the default when the server runs the emulator"
    )
    scopes = {f["value"] for f in form_fields(step_three.text) if f.get("name") == "scopes"}
    assert scopes == {scope.name for scope in get_connector("factorialhr").scopes}
    actions = {f["value"] for f in form_fields(step_three.text) if f.get("name") == "actions"}
    assert actions == {
        action.id for action in get_connector("factorialhr").tools
    }  # with the unified operations


async def test_a_search_that_matches_nothing_lists_none_and_says_so(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    page = await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles/new", q="salesforce")
    assert page.status_code == 200
    assert "connector=factorialhr" not in page.text
    text = page_text(page.text)
    assert "No connector matches" in text and "salesforce" in text
    by_category = await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles/new", q="hris")
    assert "connector=factorialhr" in by_category.text


# -- creating --------------------------------------------------------------------------------------------------


async def test_creating_a_profile_stores_exactly_the_chosen_scopes_and_actions_and_never_shows_the_secret(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    secret = application["client_secret"]

    created = await _create(dashboard, tenant, _fields(application))
    assert created.status_code == 303, page_text(created.text)
    profile_id = _profile_id(created)
    assert created.headers["location"].endswith("notice=profile_created")

    stored = await _stored(harness, tenant, profile_id)
    assert stored["scopes"] == ["employees", "time_off"]
    assert stored["actions"] == [LIST_EMPLOYEES, LIST_TIME_OFF]
    assert stored["label"] == "Acme production"
    assert stored["environment"] == "sandbox"
    assert stored["token_type"] == "user"
    assert stored["default"] is True
    assert await harness.store.connector_profiles.client_secret(tenant.project_id, profile_id) == secret

    detail = await dashboard.get(created.headers["location"])
    text = page_text(detail.text)
    assert "Connector profile created" in text
    assert application["client_id"] in text
    assert f"…{secret[-4:]}" in text
    for fact in ("Sandbox", "User", "employees", "time_off", "Enabled", "Edit", "Disable", "Delete"):
        assert fact in text
    assert "Linked accounts 0" in text

    listing = page_text((await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles")).text)
    assert "Acme production" in listing
    assert "2 enabled" in listing and "Enabled" in listing and "Default" in listing
    await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles/{profile_id}/edit")

    _, account = await harness.link(tenant, await harness.basic_user_email())
    assert account["integration_id"] == profile_id, "the stored secret works at Factorial's token endpoint"
    assert _secret_shown_anywhere(harness, secret) == []


async def test_the_form_groups_the_actions_by_area_and_a_ticked_area_enables_each_of_its_actions(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    connector = get_connector("factorialhr")
    form = await dashboard.get(f"/projects/{tenant.project_id}{FORM}")
    assert form.status_code == 200
    # One folded group per area of Factorial's API, in the connector's order, then the unified operations.
    areas = re.findall(r'<details class="action-group" data-area="([a-z_]+)"', form.text)
    assert areas == [
        *(area for area in connector.areas if area in {a.area for a in connector.actions}),
        "unified",
    ]
    assert 'data-area="timeoff" open' not in form.text
    # Without a script, ticking an area's box sends the area: the service is handed each of its actions.
    application = await _application(harness)
    fields = _fields(application, scopes=["employees", "time_off"], actions=[LIST_EMPLOYEES])
    created = await _create(dashboard, tenant, {**fields, "action_groups": ["timeoff"]})
    assert created.status_code == 303, page_text(created.text)
    stored = await _stored(harness, tenant, _profile_id(created))
    time_off = [a.id for a in connector.actions if a.area == "timeoff"]
    assert stored["actions"] == [LIST_EMPLOYEES, *time_off]
    assert len(time_off) == 43
    # An area whose scope is not ticked is refused, each of its actions named with the scope it needs.
    refused = await _create(
        dashboard, tenant, {**fields, "label": "No payroll scope", "action_groups": ["payroll"]}
    )
    assert refused.status_code == 422
    text = page_text(refused.text)
    assert "Needs the payroll scope, which is not selected" in text
    assert 'data-area="payroll" open' in refused.text


async def test_no_scope_and_no_action_ticked_are_sent_as_none(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    fields = _fields(application, scopes=None, actions=None, label="", token_type="company", default=None)
    created = await _create(dashboard, tenant, fields)
    assert created.status_code == 303, page_text(created.text)
    stored = await _stored(harness, tenant, _profile_id(created))
    assert stored["scopes"] is None
    assert stored["actions"] is None
    assert stored["label"] is None
    assert stored["token_type"] == "company"
    # Every standard action (the hand-written ones) and every unified operation offered as a tool; the actions
    # generated from Factorial's whole API are enabled only by name.
    standard = [tool.id for tool in get_connector("factorialhr").tools if tool.default_enabled]
    assert stored["enabled_actions"] == standard
    listing = page_text((await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles")).text)
    assert "Factorial" in listing and "Company" in listing and "none listed" in listing


async def test_a_service_error_shows_next_to_its_field_and_nothing_is_created(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    answer = await _create(dashboard, tenant, _fields(application, client_id="", label="x" * 201))
    assert answer.status_code == 422
    assert 'id="f-client_id-error">must be 1-512 characters</p>' in answer.text
    assert 'aria-describedby="f-client_id-hint f-client_id-error"' in answer.text
    assert 'id="f-label-error">must be at most 200 characters</p>' in answer.text
    assert "Client ID: must be 1-512 characters" in page_text(answer.text), "listed in the alert at the top"
    assert await harness.store.connector_profiles.list(tenant.project_id) == []


# -- the inline explanation and keeping values -------------------------------------------------------------


async def test_an_action_without_its_scope_is_explained_inline_and_every_value_is_kept(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    secret = application["client_secret"]
    fields = _fields(application, scopes=["employees"], token_type="company", environment="demo")

    refused = await _create(dashboard, tenant, fields)
    assert refused.status_code == 422
    html = refused.text
    text = page_text(html)
    assert f"{LIST_TIME_OFF} needs time_off" in text, "the service's reason, in the alert at the top"
    assert 'role="alert"' in html
    explain = re.search(rf'id="action-{LIST_TIME_OFF}-explain">([^<]+)<', html)
    assert explain is not None and explain.group(1) == EXPLANATION
    assert html.count('class="inline-explain"') == 1, "only the action concerned"
    assert field_value(html, "label") == "Acme production"
    assert field_value(html, "client_id") == application["client_id"]
    assert re.search(r'<option value="demo" selected>', html)
    assert checked_values(html, "scopes") == ["employees"]
    assert checked_values(html, "token_type") == ["company"]
    assert set(checked_values(html, "actions")) == {LIST_EMPLOYEES, LIST_TIME_OFF}
    assert checked_values(html, "default") == ["1"]
    assert field_value(html, "client_secret") == ""
    assert "Your client secret is kept; type a new one to replace it" in text
    assert secret not in html
    sealed = field_value(html, "client_secret_sealed")
    assert sealed
    assert await harness.store.connector_profiles.list(tenant.project_id) == []

    fixed = {
        **fields,
        "scopes": ["employees", "time_off"],
        "client_secret": "",
        "client_secret_sealed": sealed,
    }
    created = await _create(dashboard, tenant, fixed)
    assert created.status_code == 303, page_text(created.text)
    profile_id = _profile_id(created)
    assert await harness.store.connector_profiles.client_secret(tenant.project_id, profile_id) == secret
    stored = await _stored(harness, tenant, profile_id)
    assert stored["environment"] == "demo" and stored["token_type"] == "company"
    assert _secret_shown_anywhere(harness, secret) == []


async def test_a_kept_secret_from_another_session_does_not_open(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    first = await sign_in(harness, tenant.key)
    second = await sign_in(harness, tenant.key)
    application = await _application(harness)
    refused = await _create(first, tenant, _fields(application, scopes=["employees"]))
    sealed = field_value(refused.text, "client_secret_sealed")
    assert sealed

    lifted = _fields(application, client_secret="", client_secret_sealed=sealed)
    answer = await _create(second, tenant, lifted)
    assert answer.status_code == 422
    assert "could not be kept from the last attempt: type it again" in page_text(answer.text)
    assert field_value(answer.text, "client_secret_sealed") is None
    assert await harness.store.connector_profiles.list(tenant.project_id) == []


# -- editing ---------------------------------------------------------------------------------------------------


async def test_editing_changes_scopes_and_actions_and_an_empty_secret_keeps_the_old_one(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    secret = application["client_secret"]
    profile_id = _profile_id(await _create(dashboard, tenant, _fields(application)))
    edit = f"/projects/{tenant.project_id}/connector-profiles/{profile_id}/edit"

    form = await dashboard.get(edit)
    assert form.status_code == 200
    assert "Save profile" in page_text(form.text)
    assert field_value(form.text, "label") == "Acme production"
    assert checked_values(form.text, "scopes") == ["employees", "time_off"]
    assert set(checked_values(form.text, "actions")) == {LIST_EMPLOYEES, LIST_TIME_OFF}
    assert field_value(form.text, "client_secret") == ""
    assert f"keep the current secret (…{secret[-4:]})" in page_text(form.text)

    changes = _fields(
        application,
        client_secret="",
        scopes=["employees", "recruitment"],
        actions=[LIST_EMPLOYEES, "factorialhr_list_candidates"],
        label="Acme recruiting",
    )
    saved = await dashboard.submit(edit, changes)
    assert saved.status_code == 303, page_text(saved.text)
    assert saved.headers["location"].endswith("notice=profile_updated")
    stored = await _stored(harness, tenant, profile_id)
    assert stored["scopes"] == ["employees", "recruitment"]
    assert stored["actions"] == [LIST_EMPLOYEES, "factorialhr_list_candidates"]
    assert stored["label"] == "Acme recruiting"
    assert await harness.store.connector_profiles.client_secret(tenant.project_id, profile_id) == secret
    assert _secret_shown_anywhere(harness, secret) == []


async def test_a_failed_edit_explains_and_keeps_a_new_secret_which_then_replaces_the_old(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    profile_id = _profile_id(await _create(dashboard, tenant, _fields(application)))
    edit = f"/projects/{tenant.project_id}/connector-profiles/{profile_id}/edit"
    new_secret = "canary-new-secret-0123456789abcdef"

    refused = await dashboard.submit(
        edit, _fields(application, client_secret=new_secret, scopes=["employees"])
    )
    assert refused.status_code == 422
    assert EXPLANATION in page_text(refused.text)
    assert new_secret not in refused.text
    assert "Your client secret is kept; type a new one to replace it" in page_text(refused.text)
    sealed = field_value(refused.text, "client_secret_sealed")
    assert sealed
    assert (
        await harness.store.connector_profiles.client_secret(tenant.project_id, profile_id)
        == application["client_secret"]
    ), "nothing changed yet"

    saved = await dashboard.submit(edit, _fields(application, client_secret="", client_secret_sealed=sealed))
    assert saved.status_code == 303, page_text(saved.text)
    assert await harness.store.connector_profiles.client_secret(tenant.project_id, profile_id) == new_secret
    detail = await dashboard.get(saved.headers["location"])
    assert "…cdef" in page_text(detail.text)

    typed = await dashboard.submit(edit, _fields(application, client_secret="another-secret-0000-wxyz"))
    assert typed.status_code == 303
    stored_secret = await harness.store.connector_profiles.client_secret(tenant.project_id, profile_id)
    assert stored_secret == "another-secret-0000-wxyz"
    assert _secret_shown_anywhere(harness, new_secret) == []
    assert _secret_shown_anywhere(harness, "another-secret-0000-wxyz") == []


async def test_the_default_profile_stays_default_when_edited(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    application = await _application(harness)
    first = _profile_id(await _create(dashboard, tenant, _fields(application)))
    second = _profile_id(await _create(dashboard, tenant, _fields(application, label="Second", default=None)))
    assert (await _stored(harness, tenant, first))["default"] is True
    assert (await _stored(harness, tenant, second))["default"] is False

    form = await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles/{first}/edit")
    assert "make another profile the default" in page_text(form.text)
    saved = await dashboard.submit(
        f"/projects/{tenant.project_id}/connector-profiles/{first}/edit", _fields(application, default=None)
    )
    assert saved.status_code == 303, page_text(saved.text)
    assert (await _stored(harness, tenant, first))["default"] is True

    promoted = await dashboard.submit(
        f"/projects/{tenant.project_id}/connector-profiles/{second}/edit",
        _fields(application, label="Second", default="1"),
    )
    assert promoted.status_code == 303
    assert (await _stored(harness, tenant, second))["default"] is True
    assert (await _stored(harness, tenant, first))["default"] is False


# -- disable, enable, delete ---------------------------------------------------------------------------------


async def test_disabling_stops_new_connect_sessions_and_enabling_allows_them_again(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    profile_id = _profile_id(await _create(dashboard, tenant, _fields(await _application(harness))))
    base = f"/projects/{tenant.project_id}/connector-profiles/{profile_id}"
    session = {"origin_owner_id": "customer-1", "origin_owner_name": "One", "integration_id": profile_id}

    disabled = await dashboard.submit(f"{base}/disable")
    assert disabled.status_code == 303
    page = page_text((await dashboard.get(disabled.headers["location"])).text)
    assert "Connector profile disabled" in page and "Enable" in page
    listing = page_text((await dashboard.get(f"/projects/{tenant.project_id}/connector-profiles")).text)
    assert "Disabled" in listing
    refused = await harness.api.post("/connect_sessions", json=session, headers=tenant.auth)
    assert refused.status_code == 422

    enabled = await dashboard.submit(f"{base}/enable")
    assert enabled.status_code == 303
    assert "Connector profile enabled" in page_text((await dashboard.get(enabled.headers["location"])).text)
    allowed = await harness.api.post("/connect_sessions", json=session, headers=tenant.auth)
    assert allowed.status_code == 201, allowed.text


async def test_deleting_a_profile_without_accounts(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    profile_id = _profile_id(await _create(dashboard, tenant, _fields(await _application(harness))))
    base = f"/projects/{tenant.project_id}/connector-profiles/{profile_id}"

    confirm = await dashboard.get(f"{base}/delete")
    text = page_text(confirm.text)
    assert "Delete connector profile “Acme production”?" in text
    assert "No account is linked through it" in text
    assert "Also unlink" not in text

    deleted = await dashboard.submit(f"{base}/delete")
    assert deleted.status_code == 303
    assert deleted.headers["location"].endswith("/connector-profiles?notice=profile_deleted")
    assert await harness.store.connector_profiles.list(tenant.project_id) == []
    assert (await dashboard.get(base)).status_code == 404


async def test_deleting_a_profile_with_accounts_needs_the_person_to_confirm_the_unlinking(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    profile_id = _profile_id(await _create(dashboard, tenant, _fields(await _application(harness))))
    _, account = await harness.link(tenant, await harness.basic_user_email())
    base = f"/projects/{tenant.project_id}/connector-profiles/{profile_id}"
    assert "Linked accounts 1" in page_text((await dashboard.get(base)).text)

    confirm = page_text((await dashboard.get(f"{base}/delete")).text)
    assert "1 linked account uses this profile" in confirm
    assert "Also unlink its 1 account" in confirm

    refused = await dashboard.submit(f"{base}/delete")
    assert refused.status_code == 409
    assert "Nothing was deleted: the profile still has linked accounts" in page_text(refused.text)
    assert len(await harness.store.connector_profiles.list(tenant.project_id)) == 1
    still = await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)
    assert still.status_code == 200

    deleted = await dashboard.submit(f"{base}/delete", {"force": "1"})
    assert deleted.status_code == 303
    assert await harness.store.connector_profiles.list(tenant.project_id) == []
    gone = await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)
    assert gone.status_code == 404


# -- who sees what -------------------------------------------------------------------------------------------


async def test_an_api_key_session_sees_only_its_own_projects_profiles(harness: Harness) -> None:
    mine = await harness.tenant("Acme HR")
    other = await harness.tenant("Globex")
    theirs = await harness.profile(other, label="Globex secret profile")
    dashboard = await sign_in(harness, mine.key)

    listing = await dashboard.get(f"/projects/{mine.project_id}/connector-profiles")
    assert "Globex" not in listing.text
    assert "No connector profiles yet" in page_text(listing.text)
    for path in (
        f"/projects/{mine.project_id}/connector-profiles/{theirs['id']}",
        f"/projects/{mine.project_id}/connector-profiles/{theirs['id']}/edit",
        f"/projects/{mine.project_id}/connector-profiles/{theirs['id']}/delete",
        f"/projects/{other.project_id}/connector-profiles",
        f"/projects/{other.project_id}/connector-profiles/{theirs['id']}",
        f"/projects/{other.project_id}{FORM}",
    ):
        page = await dashboard.get(path)
        assert page.status_code == 404, path
        assert "Globex" not in page.text, path
    for path in ("disable", "delete"):
        answer = await dashboard.submit(
            f"/projects/{mine.project_id}/connector-profiles/{theirs['id']}/{path}"
        )
        assert answer.status_code == 404
    stored = await _stored(harness, other, theirs["id"])
    assert stored["disabled"] is False


async def test_profile_pages_carry_no_inline_script_or_style(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    profile_id = _profile_id(await _create(dashboard, tenant, _fields(await _application(harness))))
    base = f"/projects/{tenant.project_id}"
    for path in (
        f"{base}/connectors",
        f"{base}/connectors/factorialhr",
        f"{base}/connector-profiles",
        f"{base}/connector-profiles/new",
        f"{base}/connector-profiles/new?connector=factorialhr",
        f"{base}{FORM}",
        f"{base}/connector-profiles/{profile_id}",
        f"{base}/connector-profiles/{profile_id}/edit",
        f"{base}/connector-profiles/{profile_id}/delete",
    ):
        html = (await dashboard.get(path)).text
        assert " style=" not in html and "<style" not in html, path
        assert re.findall(r"<script(?![^>]*\ssrc=)", html) == [], path
        assert re.search(r"\son[a-z]+=", html) is None, path
        for control in form_fields(html):
            if control.get("type") in ("hidden", None) and control["tag"] == "input":
                continue
            assert f'for="{control["id"]}"' in html, (path, control)
