"""Security item 18: tenant isolation, as a route matrix.

Every route of the app is listed below with a probe that calls it with project B's key on project A's objects:
the answer is 404 (never 403, which would confirm the object exists) or shows none of A's objects, and A is
unchanged afterwards. A route missing from the matrix fails the test: a new route needs its probe.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.routing import APIRoute
from starlette.routing import Route

from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant, dashboard_sign_in

pytestmark = ON_BOTH_BACKENDS


@dataclass
class Setup:
    a: Tenant
    b: Tenant
    a_profile: str
    a_account: str
    a_owner: str
    a_session_token: str
    b_session: dict[str, Any]


Probe = Callable[[Harness, Setup], Awaitable[None]]


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


async def _not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, (response.request.method, response.request.url.path, response.text)
    assert response.json()["statusCode"] == 404


async def public(harness: Harness, s: Setup) -> None:
    """Not project-scoped at all (health, docs, the stylesheet)."""


async def catalogue(harness: Harness, s: Setup) -> None:
    """The connector catalogue: the same for every project, and holding no project's objects."""
    for path in ("/connectors", "/connectors/factorialhr"):
        as_a = await harness.api.get(path, headers=s.a.auth)
        as_b = await harness.api.get(path, headers=s.b.auth)
        assert as_a.json() == as_b.json()
        assert s.a_profile not in as_b.text and s.a_account not in as_b.text


async def profile_create(harness: Harness, s: Setup) -> None:
    created = await harness.profile(s.b)
    assert created["id"] != s.a_profile
    a_ids = _ids((await harness.api.get("/connector_profiles", headers=s.a.auth)).json()["data"])
    assert created["id"] not in a_ids


async def profile_list(harness: Harness, s: Setup) -> None:
    listed = await harness.api.get("/connector_profiles", headers=s.b.auth)
    assert s.a_profile not in _ids(listed.json()["data"])


async def profile_get(harness: Harness, s: Setup) -> None:
    await _not_found(await harness.api.get(f"/connector_profiles/{s.a_profile}", headers=s.b.auth))


async def profile_patch(harness: Harness, s: Setup) -> None:
    await _not_found(
        await harness.api.patch(
            f"/connector_profiles/{s.a_profile}",
            json={"label": "hijacked", "client_secret": "attacker-secret-0000"},
            headers=s.b.auth,
        )
    )


async def profile_delete(harness: Harness, s: Setup) -> None:
    for params in ({}, {"force": "true"}):
        await _not_found(
            await harness.api.delete(f"/connector_profiles/{s.a_profile}", params=params, headers=s.b.auth)
        )


async def auth_configs(harness: Harness, s: Setup) -> None:
    listed = await harness.api.get("/auth_configs", headers=s.b.auth)
    assert s.a_profile not in _ids(listed.json()["data"])


async def session_create(harness: Harness, s: Setup) -> None:
    base = {"origin_owner_id": "b-owner", "origin_owner_name": "B"}
    await _not_found(
        await harness.api.post(
            "/connect_sessions", json={**base, "integration_id": s.a_profile}, headers=s.b.auth
        )
    )
    await _not_found(
        await harness.api.post(
            "/connect_sessions", json={**base, "account_id": s.a_account}, headers=s.b.auth
        )
    )


async def session_authenticate(harness: Harness, s: Setup) -> None:
    await _not_found(
        await harness.api.post(
            "/connect_sessions/authenticate", json={"token": s.a_session_token}, headers=s.b.auth
        )
    )


async def account_list(harness: Harness, s: Setup) -> None:
    for params in ({}, {"origin_owner_id": s.a_owner}):
        listed = await harness.api.get("/accounts", params=params, headers=s.b.auth)
        assert s.a_account not in _ids(listed.json())


async def account_get(harness: Harness, s: Setup) -> None:
    await _not_found(await harness.api.get(f"/accounts/{s.a_account}", headers=s.b.auth))


async def account_patch(harness: Harness, s: Setup) -> None:
    await _not_found(
        await harness.api.patch(f"/accounts/{s.a_account}", json={"status": "suspended"}, headers=s.b.auth)
    )


async def account_delete(harness: Harness, s: Setup) -> None:
    await _not_found(await harness.api.delete(f"/accounts/{s.a_account}", headers=s.b.auth))


async def account_meta(harness: Harness, s: Setup) -> None:
    await _not_found(await harness.api.get(f"/accounts/{s.a_account}/meta", headers=s.b.auth))


async def action_rpc(harness: Harness, s: Setup) -> None:
    before = (await harness.stats())["api_requests"]
    call = {"action": "factorialhr_get_credentials"}
    await _not_found(
        await harness.api.post("/actions/rpc", json=call, headers={**s.b.auth, "x-account-id": s.a_account})
    )
    await _not_found(
        await harness.api.post(
            "/actions/rpc", json={**call, "headers": {"x-account-id": s.a_account}}, headers=s.b.auth
        )
    )
    assert (await harness.stats())["api_requests"] == before


async def action_list(harness: Harness, s: Setup) -> None:
    """B cannot list what A's account may run, nor learn that it exists."""
    for account_ids in (s.a_account, f"{s.a_account},acc_unknown"):
        await _not_found(
            await harness.api.get("/actions", params={"filter[account_ids]": account_ids}, headers=s.b.auth)
        )


async def action_search(harness: Harness, s: Setup) -> None:
    """Action search ranks the catalogue: the same for every project, and holding no project's objects."""
    query = {"query": "list employees"}
    as_a = await harness.api.post("/actions/search", json=query, headers=s.a.auth)
    as_b = await harness.api.post("/actions/search", json=query, headers=s.b.auth)
    assert as_a.json() == as_b.json()
    assert s.a_profile not in as_b.text and s.a_account not in as_b.text


async def mcp(harness: Harness, s: Setup) -> None:
    """B's key cannot open MCP on A's account, named in the header or the query."""
    before = (await harness.stats())["api_requests"]
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    accept = {"accept": "application/json, text/event-stream"}
    await _not_found(
        await harness.api.post(
            "/mcp", json=listing, headers={**s.b.auth, **accept, "x-account-id": s.a_account}
        )
    )
    await _not_found(
        await harness.api.post(
            "/mcp", params={"x-account-id": s.a_account}, json=listing, headers={**s.b.auth, **accept}
        )
    )
    assert (await harness.stats())["api_requests"] == before


async def connect_page(harness: Harness, s: Setup) -> None:
    """Hosted pages take a session token, not a key: B's key (or none) opens nothing of A's."""
    page = await harness.browser().get("/connect", headers=s.b.auth)
    assert page.status_code == 400
    assert s.a.name not in page.text


async def connect_start(harness: Harness, s: Setup) -> None:
    """B's session token cannot start a flow on A's profile."""
    start = await harness.browser().get(
        f"/connect/oauth2/{s.a_profile}", params={"token": s.b_session["token"]}, headers=s.b.auth
    )
    assert start.status_code == 400
    assert "set-cookie" not in start.headers


async def connect_callback(harness: Harness, s: Setup) -> None:
    """A flow of A's, called back in B's browser (without A's binding cookie), links nothing anywhere."""
    flow = await harness.open_link(await harness.session(s.a, origin_owner_id="a-owner-2"))
    await harness.consent(flow, await harness.basic_user_email())
    page = await harness.browser().get(flow.callback_path, headers=s.b.auth)
    assert page.status_code == 400
    assert (await harness.api.get("/accounts", headers=s.b.auth)).json() == []


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_DASHBOARD_IDS = {"{profile_id}": "a_profile", "{account_id}": "a_account"}


async def _dashboard_as_b(harness: Harness, s: Setup) -> tuple[httpx.AsyncClient, str]:
    """A browser signed in to the dashboard with project B's API key, and its CSRF token."""
    browser = harness.browser()
    signed_in = await dashboard_sign_in(browser, s.b.key)
    assert signed_in.status_code == 303, signed_in.text
    page = await browser.get(f"/projects/{s.b.project_id}/api-keys")
    found = _CSRF.search(page.text)
    assert found is not None, page.text
    return browser, found.group(1)


def dashboard(method: str, path: str) -> Probe:
    """A dashboard page of project A, opened (GET) or submitted (POST, with a valid form of B's session)
    by someone signed in with B's key: a 404 page that names nothing of A's."""

    async def probe(harness: Harness, s: Setup) -> None:
        browser, csrf = await _dashboard_as_b(harness, s)
        a_keys = await harness.store.api_keys.list(s.a.project_id)
        url = path.replace("{project_id}", s.a.project_id).replace("{key_id}", a_keys[0].id)
        url = url.replace("{connector}", "factorialhr")  # the catalogue is shared; the project is A's
        for placeholder, attribute in _DASHBOARD_IDS.items():
            url = url.replace(placeholder, getattr(s, attribute))
        if method == "GET":
            answer = await browser.get(url)
        else:
            fields = {"csrf": csrf, "name": "taken", "label": "taken", "client_id": "x", "action": "x"}
            answer = await browser.post(url, data=fields)
        assert answer.status_code == 404, (method, url, answer.status_code)
        assert s.a.name not in answer.text

    return probe


async def dashboard_public(harness: Harness, s: Setup) -> None:
    """Sign-in and static files: nothing of any project's; the projects list shows B only its own."""
    browser, csrf = await _dashboard_as_b(harness, s)
    listed = await browser.get("/projects")
    assert s.b.name in listed.text
    assert s.a.name not in listed.text
    assert s.a.project_id not in listed.text
    switched = await browser.get("/projects/switch", params={"project_id": s.a.project_id})
    assert switched.status_code == 404
    created = await browser.post("/projects", data={"csrf": csrf, "name": "Sneaky"})
    assert created.status_code == 403
    assert all(project.name != "Sneaky" for project in await harness.store.projects.list_all())


MATRIX: dict[tuple[str, str], Probe] = {
    ("GET", "/openapi.json"): public,
    ("GET", "/docs"): public,
    ("GET", "/docs/oauth2-redirect"): public,
    ("GET", "/healthz"): public,
    ("GET", "/connectors"): catalogue,
    ("GET", "/connectors/{key}"): catalogue,
    ("POST", "/connector_profiles"): profile_create,
    ("GET", "/connector_profiles"): profile_list,
    ("GET", "/connector_profiles/{profile_id}"): profile_get,
    ("PATCH", "/connector_profiles/{profile_id}"): profile_patch,
    ("DELETE", "/connector_profiles/{profile_id}"): profile_delete,
    ("GET", "/auth_configs"): auth_configs,
    ("POST", "/connect_sessions"): session_create,
    ("POST", "/connect_sessions/authenticate"): session_authenticate,
    ("GET", "/accounts"): account_list,
    ("GET", "/accounts/{account_id}"): account_get,
    ("PATCH", "/accounts/{account_id}"): account_patch,
    ("DELETE", "/accounts/{account_id}"): account_delete,
    ("GET", "/accounts/{account_id}/meta"): account_meta,
    ("GET", "/actions"): action_list,
    ("POST", "/actions/rpc"): action_rpc,
    ("POST", "/actions/search"): action_search,
    ("POST", "/mcp"): mcp,
    ("GET", "/connect/style.css"): public,
    ("GET", "/favicon.ico"): public,
    ("GET", "/connect"): connect_page,
    ("GET", "/connect/oauth2/{profile_id}"): connect_start,
    ("GET", "/connect/oauth2/{connector}/callback"): connect_callback,
    ("GET", "/"): dashboard_public,
    ("GET", "/sign-in"): dashboard_public,
    ("POST", "/sign-in"): dashboard_public,
    ("POST", "/sign-out"): dashboard_public,
    ("GET", "/static/dashboard.css"): public,
    ("GET", "/static/dashboard.js"): public,
    ("GET", "/projects"): dashboard_public,
    ("POST", "/projects"): dashboard_public,
    ("GET", "/projects/switch"): dashboard_public,
    **{
        (method, path): dashboard(method, path)
        for method, path in (
            ("GET", "/projects/{project_id}"),
            ("GET", "/projects/{project_id}/settings"),
            ("POST", "/projects/{project_id}/settings"),
            ("GET", "/projects/{project_id}/api-keys"),
            ("POST", "/projects/{project_id}/api-keys"),
            ("GET", "/projects/{project_id}/api-keys/{key_id}/revoke"),
            ("POST", "/projects/{project_id}/api-keys/{key_id}/revoke"),
            ("GET", "/projects/{project_id}/connectors"),
            ("GET", "/projects/{project_id}/connectors/{connector}"),
            ("GET", "/projects/{project_id}/accounts"),
            ("GET", "/projects/{project_id}/accounts/{account_id}"),
            ("POST", "/projects/{project_id}/accounts/{account_id}/label"),
            ("POST", "/projects/{project_id}/accounts/{account_id}/suspend"),
            ("POST", "/projects/{project_id}/accounts/{account_id}/resume"),
            ("POST", "/projects/{project_id}/accounts/{account_id}/relink"),
            ("GET", "/projects/{project_id}/accounts/{account_id}/unlink"),
            ("POST", "/projects/{project_id}/accounts/{account_id}/unlink"),
            ("GET", "/projects/{project_id}/connect-links"),
            ("POST", "/projects/{project_id}/connect-links"),
            ("GET", "/projects/{project_id}/playground"),
            ("POST", "/projects/{project_id}/playground"),
            ("GET", "/projects/{project_id}/connector-profiles"),
            ("GET", "/projects/{project_id}/connector-profiles/new"),
            ("POST", "/projects/{project_id}/connector-profiles/new"),
            ("GET", "/projects/{project_id}/connector-profiles/{profile_id}"),
            ("GET", "/projects/{project_id}/connector-profiles/{profile_id}/edit"),
            ("POST", "/projects/{project_id}/connector-profiles/{profile_id}/edit"),
            ("POST", "/projects/{project_id}/connector-profiles/{profile_id}/disable"),
            ("POST", "/projects/{project_id}/connector-profiles/{profile_id}/enable"),
            ("GET", "/projects/{project_id}/connector-profiles/{profile_id}/delete"),
            ("POST", "/projects/{project_id}/connector-profiles/{profile_id}/delete"),
        )
    },
}


def app_routes(harness: Harness) -> set[tuple[str, str]]:
    """Every (method, path) the app serves; anything that is not a plain route (a mount, an included router)
    fails: its routes could not be checked."""
    found: set[tuple[str, str]] = set()
    for route in harness.app.routes:
        assert isinstance(route, APIRoute | Route), f"cannot enumerate the routes behind {route!r}"
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


async def _snapshot(harness: Harness, s: Setup) -> list[Any]:
    paths = (
        f"/connector_profiles/{s.a_profile}",
        "/connector_profiles",
        f"/accounts/{s.a_account}",
        "/accounts",
        f"/accounts/{s.a_account}/meta",
    )
    snapshot: list[Any] = [(await harness.api.get(path, headers=s.a.auth)).json() for path in paths]
    authenticated = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": s.a_session_token}, headers=s.a.auth
    )
    snapshot.append(authenticated.json())
    return snapshot


async def test_every_route_keeps_project_a_out_of_project_bs_reach(harness: Harness) -> None:
    a = await harness.tenant("Project A")
    b = await harness.tenant("Project B")
    a_profile = await harness.profile(a)
    _, a_account = await harness.link(a, await harness.basic_user_email(), origin_owner_id="a-owner")
    a_session = await harness.session(a, origin_owner_id="a-owner")
    await harness.profile(b)
    setup = Setup(
        a=a,
        b=b,
        a_profile=a_profile["id"],
        a_account=a_account["id"],
        a_owner="a-owner",
        a_session_token=a_session["token"],
        b_session=await harness.session(b),
    )
    routes = app_routes(harness)
    assert routes - MATRIX.keys() == set(), "routes without a tenant-isolation probe: add them to MATRIX"
    assert MATRIX.keys() - routes == set(), "MATRIX names routes the app does not serve"

    before = await _snapshot(harness, setup)
    for (method, path), probe in sorted(MATRIX.items()):
        try:
            await probe(harness, setup)
        except AssertionError as failure:
            raise AssertionError(f"{method} {path}: {failure}") from failure
    assert await _snapshot(harness, setup) == before
    works = await harness.rpc(a, setup.a_account, "factorialhr_get_credentials")
    assert works.status_code == 200
