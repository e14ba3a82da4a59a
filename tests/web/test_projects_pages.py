"""Projects and API keys in the dashboard: the admin creates projects; a key is shown once, works, and revokes."""

from __future__ import annotations

import re

from tests.web.conftest import Harness, field_value, page_text, sign_in

KEY_SHAPE = re.compile(r"lk_[A-Za-z0-9_-]{40,}")


async def test_the_admin_creates_a_project_and_its_first_key_works_once_shown(harness: Harness) -> None:
    dashboard = await sign_in(harness)
    created = await dashboard.submit(
        "/projects",
        {"name": "Acme HR", "allowed_origins": "https://app.acme.example\nhttps://staging.acme.example:8443"},
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    key = KEY_SHAPE.search(created.text)
    assert key is not None
    listed = await harness.api.get("/accounts", headers={"Authorization": f"Bearer {key.group(0)}"})
    assert listed.status_code == 200
    project = next(p for p in await harness.store.projects.list_all() if p.name == "Acme HR")
    assert project.allowed_origins == ("https://app.acme.example", "https://staging.acme.example:8443")
    # Shown once: no page of the project shows it again.
    for path in ("/projects", f"/projects/{project.id}", f"/projects/{project.id}/api-keys"):
        assert key.group(0) not in (await dashboard.get(path)).text


async def test_a_bad_project_keeps_what_was_typed_and_names_the_culprit(harness: Harness) -> None:
    dashboard = await sign_in(harness)
    answer = await dashboard.submit(
        "/projects", {"name": "Acme HR", "allowed_origins": "https://ok.example\n//evil.com"}
    )
    assert answer.status_code == 422
    text = page_text(answer.text)
    assert "Please correct the fields marked below" in text
    assert field_value(answer.text, "name") == "Acme HR"
    assert "https://ok.example" in answer.text  # the textarea keeps both lines
    assert all(p.name != "Acme HR" for p in await harness.store.projects.list_all())


async def test_an_api_key_session_sees_only_its_project_and_cannot_create_projects(harness: Harness) -> None:
    mine = await harness.tenant("Mine")
    other = await harness.tenant("Other")
    dashboard = await sign_in(harness, mine.key)
    home = await dashboard.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == f"/projects/{mine.project_id}"
    listed = page_text((await dashboard.get("/projects")).text)
    assert "Mine" in listed
    assert "Other" not in listed
    assert "New project" not in listed
    refused = await dashboard.submit("/projects", {"name": "Sneaky"})
    assert refused.status_code == 403
    assert (await dashboard.get(f"/projects/{other.project_id}")).status_code == 404


async def test_an_api_key_is_created_shown_once_and_revoked_with_confirmation(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness)
    base = f"/projects/{tenant.project_id}/api-keys"
    created = await dashboard.submit(base, {"name": "production backend"})
    assert created.status_code == 200
    raw = KEY_SHAPE.search(created.text)
    assert raw is not None
    headers = {"Authorization": f"Bearer {raw.group(0)}"}
    assert (await harness.api.get("/accounts", headers=headers)).status_code == 200

    listed = await dashboard.get(base)
    assert "production backend" in page_text(listed.text)
    assert raw.group(0) not in listed.text
    key = next(
        k for k in await harness.store.api_keys.list(tenant.project_id) if k.name == "production backend"
    )
    confirm = await dashboard.get(f"{base}/{key.id}/revoke")
    assert "Revoke the API key “production backend”?" in page_text(confirm.text)
    revoked = await dashboard.submit(f"{base}/{key.id}/revoke")
    assert revoked.status_code == 303
    assert "notice=api_key_revoked" in revoked.headers["location"]
    assert (await harness.api.get("/accounts", headers=headers)).status_code == 401
    after = page_text((await dashboard.get(revoked.headers["location"])).text)
    assert "The API key is revoked" in after
    assert "Revoked" in after


async def test_a_nameless_key_is_refused_inline(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness)
    before = len(await harness.store.api_keys.list(tenant.project_id))
    answer = await dashboard.submit(f"/projects/{tenant.project_id}/api-keys", {"name": "   "})
    assert answer.status_code == 422
    assert "must be 1-200 printable characters" in page_text(answer.text)
    assert len(await harness.store.api_keys.list(tenant.project_id)) == before


async def test_project_settings_save_allowed_origins_and_refuse_tricks(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    path = f"/projects/{tenant.project_id}/settings"
    saved = await dashboard.submit(
        path, {"name": "Acme People", "allowed_origins": "https://people.acme.example"}
    )
    assert saved.status_code == 303
    project = await harness.store.projects.get(tenant.project_id)
    assert project.name == "Acme People"
    assert project.allowed_origins == ("https://people.acme.example",)
    refused = await dashboard.submit(
        path, {"name": "Acme People", "allowed_origins": "https://allowed.com@evil.com"}
    )
    assert refused.status_code == 422
    assert (await harness.store.projects.get(tenant.project_id)).allowed_origins == (
        "https://people.acme.example",
    )


async def test_the_overview_shows_the_redirect_uri_and_the_steps_left(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    page = await dashboard.get(f"/projects/{tenant.project_id}")
    assert 'value="http://linkyard.test/connect/oauth2/factorialhr/callback"' in page.text
    text = page_text(page.text)
    assert "+ Connector Profile" in text
    assert "http://factorial.test/oauth/applications" in page.text


async def test_an_unknown_page_is_a_not_found_page_not_json(harness: Harness) -> None:
    dashboard = await sign_in(harness)
    answer = await dashboard.get("/projects/prj_doesnotexist")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Not found" in page_text(answer.text)
