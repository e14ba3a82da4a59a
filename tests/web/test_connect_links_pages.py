"""The Connect links page: a form that makes a connect session (StackOne's shape) and shows its link once; the link
works in a browser; a return URL off the project's allowed origins is refused inline with the values kept."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx

from tests.api.conftest import RETURN_ORIGIN
from tests.web.conftest import Dashboard, Harness, Tenant, field_value, form_fields, page_text, sign_in

FORM = {
    "origin_owner_id": "org-42",
    "origin_owner_name": "Globex",
    "origin_username": "hank@globex.example",
    "redirect_url": "",
    "expires_in": "30",
}


def connect_link_on(html: str) -> str:
    """The link in the page's "Connect link" copy box."""
    [value] = [found["value"] for found in form_fields(html) if found.get("id") == "connect-link"]
    return value


def selected_option(html: str, select_id: str) -> str | None:
    select = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="([^"]*)" selected>', select)
    return found.group(1) if found else None


async def session_of(harness: Harness, tenant: Tenant, link: str) -> dict[str, Any]:
    token = httpx.URL(link).params["token"]
    answer = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": token}, headers=tenant.auth
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def signed_in_with_profile(harness: Harness) -> tuple[Tenant, dict[str, Any], Dashboard]:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant, label="Production app")
    return tenant, profile, await sign_in(harness, tenant.key)


async def test_the_form_has_its_labelled_fields_and_the_default_profile_chosen(harness: Harness) -> None:
    tenant, profile, dashboard = await signed_in_with_profile(harness)
    await harness.profile(tenant, label="Staging app")

    page = await dashboard.get(f"/projects/{tenant.project_id}/connect-links")

    text = page_text(page.text)
    assert page.status_code == 200
    for label in (
        "Origin owner ID",
        "Origin owner name",
        "Username (optional)",
        "Connector profile",
        "Return URL (optional)",
        "Expires in (minutes) (optional)",
    ):
        assert label in text, label
    assert '<button type="submit" class="primary">Create connect link</button>' in page.text
    assert selected_option(page.text, "f-integration_id") == profile["id"]
    assert "Staging app" in text
    assert field_value(page.text, "expires_in") == "30"
    assert f'href="/projects/{tenant.project_id}/settings"' in page.text
    assert RETURN_ORIGIN in text


async def test_a_connect_link_is_shown_once_and_links_an_account_when_opened(harness: Harness) -> None:
    tenant, profile, dashboard = await signed_in_with_profile(harness)

    page = await dashboard.submit(f"/projects/{tenant.project_id}/connect-links", FORM)

    assert page.status_code == 200
    link = connect_link_on(page.text)
    assert link.startswith("http://linkyard.test/connect?token=")
    assert '<label for="connect-link">Connect link</label>' in page.text
    assert f'href="{link}">Open connect link</a>' in page.text
    assert "2026-01-01 00:30 UTC" in page_text(page.text)
    session = await session_of(harness, tenant, link)
    assert (session["origin_owner_id"], session["origin_owner_name"]) == ("org-42", "Globex")
    assert session["origin_username"] == "hank@globex.example"
    assert session["integration_id"] == profile["id"] and session["status"] == "pending"

    flow = await harness.open_link({"auth_link_url": link})
    await harness.consent(flow, await harness.basic_user_email())
    assert (await harness.callback(flow)).status_code in (200, 303)
    [account] = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert (account["origin_owner_id"], account["integration_id"]) == ("org-42", profile["id"])
    listed = page_text((await dashboard.get(f"/projects/{tenant.project_id}/accounts")).text)
    assert "Globex" in listed and "Active" in listed


async def test_the_return_url_and_the_expiry_in_minutes_are_those_of_the_session(harness: Harness) -> None:
    tenant, _, dashboard = await signed_in_with_profile(harness)
    start = harness.clock()

    page = await dashboard.submit(
        f"/projects/{tenant.project_id}/connect-links",
        {**FORM, "redirect_url": f"{RETURN_ORIGIN}/integrations/done", "expires_in": "5"},
    )

    session = await session_of(harness, tenant, connect_link_on(page.text))
    assert session["redirect_url"] == f"{RETURN_ORIGIN}/integrations/done"
    assert session["expires_at"] == (start + timedelta(minutes=5)).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
    assert "in 5 minutes" in page_text(page.text)


async def test_a_return_url_off_the_allowed_origins_is_refused_inline_with_the_values_kept(
    harness: Harness,
) -> None:
    tenant, _, dashboard = await signed_in_with_profile(harness)

    page = await dashboard.submit(
        f"/projects/{tenant.project_id}/connect-links", {**FORM, "redirect_url": "https://evil.example/steal"}
    )

    assert page.status_code == 422
    assert "is not on one of the project's allowed origins" in page_text(page.text)
    assert 'aria-describedby="f-redirect_url-hint f-redirect_url-error"' in page.text
    assert 'aria-invalid="true"' in page.text
    for name in ("origin_owner_id", "origin_owner_name", "origin_username", "redirect_url", "expires_in"):
        expected = "https://evil.example/steal" if name == "redirect_url" else FORM[name]
        assert field_value(page.text, name) == expected, name
    assert "connect?token=" not in page.text


async def test_missing_names_and_a_bad_expiry_are_named_next_to_their_fields(harness: Harness) -> None:
    tenant, _, dashboard = await signed_in_with_profile(harness)

    page = await dashboard.submit(
        f"/projects/{tenant.project_id}/connect-links",
        {**FORM, "origin_owner_id": " ", "origin_owner_name": "", "expires_in": "0"},
    )

    assert page.status_code == 422
    text = page_text(page.text)
    assert "Please correct the fields marked below." in text
    assert text.count("must not be empty") == 2
    assert "must be a whole number of minutes from 1 to 10080 (7 days)" in text
    assert 'id="f-expires_in-error"' in page.text and 'id="f-origin_owner_id-error"' in page.text
    assert field_value(page.text, "origin_username") == FORM["origin_username"]


async def test_a_disabled_profile_is_not_offered_and_a_project_without_profiles_is_told_to_make_one(
    harness: Harness,
) -> None:
    tenant, profile, dashboard = await signed_in_with_profile(harness)
    other = await harness.profile(tenant, label="Second app", default=True)
    disabled = await harness.api.patch(
        f"/connector_profiles/{profile['id']}", json={"disabled": True}, headers=tenant.auth
    )
    assert disabled.status_code == 200, disabled.text

    page = await dashboard.get(f"/projects/{tenant.project_id}/connect-links")

    assert f'value="{profile["id"]}"' not in page.text
    assert selected_option(page.text, "f-integration_id") == other["id"]
    forged = await dashboard.submit(
        f"/projects/{tenant.project_id}/connect-links", {**FORM, "integration_id": profile["id"]}
    )
    assert forged.status_code == 422 and "is disabled" in page_text(forged.text)

    bare = await harness.tenant("Bare")
    empty = page_text(
        (await (await sign_in(harness, bare.key)).get(f"/projects/{bare.project_id}/connect-links")).text
    )
    assert "Create a connector profile first" in empty
