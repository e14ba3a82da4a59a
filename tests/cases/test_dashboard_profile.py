"""The dashboard's connector profile wizard and form are built from the connector's declaration alone: its name
and categories in the search, its environments (the sandbox when the server runs one), its token types, scopes
and actions, and its own redirect URI; the profile it creates links accounts."""

from __future__ import annotations

import html
import re

import httpx

from tests.api.conftest import basic
from tests.cases.conftest import World
from tests.web.conftest import checked_values, form_fields, page_text


async def test_the_wizard_finds_the_connector_and_its_form_creates_a_profile_that_links(world: World) -> None:
    project_id, key = await world.tenant()
    connector = world.case.connector
    browser, csrf = await world.dashboard(key)
    base = f"/projects/{project_id}/connector-profiles"

    found = await browser.get(f"{base}/new", params={"q": connector.name[:4].lower()})
    assert f'href="{base}/new?connector={connector.key}">{html.escape(connector.name)}</a>' in found.text

    form = await browser.get(f"{base}/new", params={"connector": connector.key, "auth_type": "oauth2"})
    assert form.status_code == 200, form.text
    redirect_uri = f"http://linkyard.test/connect/oauth2/{connector.key}/callback"
    assert redirect_uri in form.text
    fields = form_fields(form.text)
    environments = re.findall(r'<option value="([a-z_]+)"', form.text)
    assert environments == list(connector.environments)
    assert re.search(r'<option value="sandbox" selected>', form.text), "the server runs this sandbox"
    assert checked_values(form.text, "token_type") == [connector.token_types[0].name]
    assert {f["value"] for f in fields if f.get("name") == "token_type"} == {
        t.name for t in connector.token_types
    }
    assert {f["value"] for f in fields if f.get("name") == "scopes"} == set(connector.scope_names)
    assert {f["value"] for f in fields if f.get("name") == "actions"} == {a.id for a in connector.tools}

    client_id, client_secret = await world.case.register(world.provider, redirect_uri)
    pairs = [
        ("csrf", csrf),
        ("label", "From the form"),
        ("environment", "sandbox"),
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("token_type", connector.token_types[0].name),
        ("default", "1"),
        *(("scopes", scope) for scope in world.case.scopes),
    ]
    created = await browser.post(
        f"{base}/new?connector={connector.key}&auth_type=oauth2",
        content=str(httpx.QueryParams(tuple(pairs))).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert created.status_code == 303, page_text(created.text)
    detail = page_text((await browser.get(created.headers["location"])).text)
    assert "Connector profile created" in detail and client_secret not in detail

    listed = (await world.api.get("/connector_profiles", headers=basic(key))).json()["data"]
    assert [(p["connector"], p["label"], p["scopes"]) for p in listed] == [
        (connector.key, "From the form", world.case.scopes)
    ]
    account = await world.link(key)
    assert account["integration_id"] == listed[0]["id"]
