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

from linkyard.api.routes.unified_unsupported import UnsupportedRoute
from tests.api.conftest import ON_BOTH_BACKENDS, RETURN_ORIGIN, Harness, Tenant, dashboard_sign_in

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


async def connector_meta(harness: Harness, s: Setup) -> None:
    """The catalogue's meta holds no project's objects (`active` is each project's own: both have a profile;
    tests/api/test_connectors_meta.py shows a project without one)."""
    for path in ("/connectors/meta", "/connectors/meta/factorialhr"):
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
    for params in (
        {},
        {"origin_owner_id": s.a_owner},
        {"origin_owner_ids": s.a_owner},
        {"account_ids": s.a_account},
    ):
        listed = await harness.api.get("/accounts", params=params, headers=s.b.auth)
        assert listed.status_code == 200, listed.text
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


def unified(path: str) -> Probe:
    """B cannot read A's account through the unified API (a list, or a record by an id), nor reach Factorial."""

    async def probe(harness: Harness, s: Setup) -> None:
        before = (await harness.stats())["api_requests"]
        await _not_found(
            await harness.api.get(
                path.replace("{id}", "1").replace("{subResourceId}", "2"),
                headers={**s.b.auth, "x-account-id": s.a_account},
            )
        )
        assert (await harness.stats())["api_requests"] == before

    return probe


def unified_write(method: str, path: str, body: dict[str, Any]) -> Probe:
    """B cannot write to A's account through the unified API: 404 before any call to Factorial."""

    async def probe(harness: Harness, s: Setup) -> None:
        before = (await harness.stats())["api_requests"]
        await _not_found(
            await harness.api.request(
                method,
                path.replace("{id}", "1").replace("{subResourceId}", "2"),
                json=body,
                headers={**s.b.auth, "x-account-id": s.a_account},
            )
        )
        assert (await harness.stats())["api_requests"] == before

    return probe


def unified_people(method: str, path: str) -> Probe:
    """B cannot write people to A's account through the unified API (nor read an employee's records), nor reach
    Factorial."""

    async def probe(harness: Harness, s: Setup) -> None:
        before = (await harness.stats())["api_requests"]
        url = path.replace("{id}", "1").replace("{subResourceId}", "2")
        body = {"first_name": "Planted"} if method != "GET" else None
        headers = {**s.b.auth, "x-account-id": s.a_account}
        await _not_found(await harness.api.request(method, url, json=body, headers=headers))
        assert (await harness.stats())["api_requests"] == before

    return probe


def unified_time_off(method: str, path: str) -> Probe:
    """B cannot read, create, change or cancel time off of A's account through the unified API, nor reach
    Factorial."""

    async def probe(harness: Harness, s: Setup) -> None:
        before = (await harness.stats())["api_requests"]
        body = {"comment": "planted"} if method in ("POST", "PATCH") else None
        await _not_found(
            await harness.api.request(
                method,
                path.replace("{id}", "1").replace("{sub_id}", "1"),
                json=body,
                headers={**s.b.auth, "x-account-id": s.a_account},
            )
        )
        assert (await harness.stats())["api_requests"] == before

    return probe


def not_supported(method: str, path: str) -> Probe:
    """B naming A's account on an operation the provider cannot back learns nothing: 404, as for an unknown
    account, never the 501 that would confirm the account (and its provider)."""

    async def probe(harness: Harness, s: Setup) -> None:
        before = (await harness.stats())["api_requests"]
        concrete = re.sub(r"\{[^{}]+\}", "1", path)
        await _not_found(
            await harness.api.request(method, concrete, headers={**s.b.auth, "x-account-id": s.a_account})
        )
        assert (await harness.stats())["api_requests"] == before

    return probe


def not_supported_probes(harness: Harness) -> dict[tuple[str, str], Probe]:
    """A probe for each of StackOne's operations that no route serves (read from the app: they change as
    resources are served)."""
    return {
        (method, route.path): not_supported(method, route.path)
        for route in harness.app.routes
        if isinstance(route, UnsupportedRoute)
        for method in route.methods or ()
    }


async def tool_feedback(harness: Harness, s: Setup) -> None:
    """B cannot file feedback on A's account, and A keeps none of B's attempt."""
    report = {"feedback": "planted", "account_id": s.a_account, "tool_names": ["factorialhr_get_credentials"]}
    await _not_found(await harness.api.post("/ai/tool-feedback", json=report, headers=s.b.auth))
    assert await harness.store.tool_feedback.list(s.a.project_id, limit=1) == ([], 0)


async def unified_proxy(harness: Harness, s: Setup) -> None:
    """B cannot call A's account through the proxy, nor learn that it exists; nothing reaches Factorial."""
    before = (await harness.stats())["api_requests"]
    path = "/api/2026-10-01/resources/api_public/credentials"
    await _not_found(
        await harness.api.post(
            "/unified/proxy", json={"path": path}, headers={**s.b.auth, "x-account-id": s.a_account}
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
    """B's key cannot open MCP on A's account, named in the header or the query: the JSON-RPC error carries the
    404 an unknown account gets, word for word."""
    before = (await harness.stats())["api_requests"]
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    accept = {"accept": "application/json, text/event-stream"}
    unknown = await harness.api.post(
        "/mcp", json=listing, headers={**s.b.auth, **accept, "x-account-id": "acc_unknown"}
    )
    for answer in (
        await harness.api.post(
            "/mcp", json=listing, headers={**s.b.auth, **accept, "x-account-id": s.a_account}
        ),
        await harness.api.post(
            "/mcp", params={"x-account-id": s.a_account}, json=listing, headers={**s.b.auth, **accept}
        ),
    ):
        error = answer.json()["error"]
        assert error["data"]["statusCode"] == 404
        assert (error["message"], error["code"]) == (
            unknown.json()["error"]["message"],
            unknown.json()["error"]["code"],
        )
        assert s.a_account not in answer.text
    assert (await harness.stats())["api_requests"] == before


async def mcp_no_session(harness: Harness, s: Setup) -> None:
    """`GET`/`DELETE /mcp` open and end nothing, whoever's account they name."""
    for method in ("GET", "DELETE"):
        answer = await harness.api.request(method, "/mcp", headers={**s.b.auth, "x-account-id": s.a_account})
        assert answer.status_code == 405
        await _not_found(
            await harness.api.request(
                method, "/mcp", headers={**s.b.auth, "x-account-id": s.a_account, "mcp-session-id": "s"}
            )
        )


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


async def inbound_delivery(harness: Harness, s: Setup) -> None:
    """A provider's delivery is authenticated by its subscription's challenge, never by a project's key: B's key
    on a URL naming no subscription (A's account has none) is 401 and records no event anywhere."""
    before = (await harness.api.get("/events", headers=s.a.auth)).json()
    forged = await harness.api.post(
        f"/inbound/factorialhr/inb_{s.a_account}",
        json={"id": 1},
        headers={**s.b.auth, "x-factorial-wh-challenge": s.a_session_token},
    )
    assert forged.status_code == 401, forged.text
    assert (await harness.api.get("/events", headers=s.a.auth)).json() == before
    assert (await harness.api.get("/events", headers=s.b.auth)).json()["data"] == []


async def _a_logged_call(harness: Harness, s: Setup) -> str:
    """A call of A's (an action, with a provider step), and its request log's id as A sees it."""
    assert (await harness.rpc(s.a, s.a_account, "factorialhr_get_credentials")).status_code == 200
    listed = await harness.api.get("/requests/logs", params={"account_ids": s.a_account}, headers=s.a.auth)
    return str(listed.json()["data"][0]["request_id"])


def _only_bs(listed: httpx.Response, s: Setup, a_ids: set[str]) -> None:
    """B's own calls only (some name A's objects: B's probes tried them); none of A's logs."""
    assert listed.status_code == 200, listed.text
    data = listed.json()["data"]
    assert {log["project_id"] for log in data} <= {s.b.project_id}
    assert not a_ids & {log["request_id"] for log in data}


async def request_logs(harness: Harness, s: Setup) -> None:
    a_ids = {await _a_logged_call(harness, s)}
    for params in ({}, {"account_ids": s.a_account}, {"include": "step_logs"}):
        _only_bs(await harness.api.get("/requests/logs", params=params, headers=s.b.auth), s, a_ids)


async def request_log(harness: Harness, s: Setup) -> None:
    await _not_found(
        await harness.api.get(f"/requests/logs/{await _a_logged_call(harness, s)}", headers=s.b.auth)
    )


async def step_logs(harness: Harness, s: Setup) -> None:
    log_id = await _a_logged_call(harness, s)
    listed = await harness.api.get("/requests/logs/steps", params={"request_ids": log_id}, headers=s.b.auth)
    assert listed.json() == {"data": [], "next": None}


async def platform_logs(harness: Harness, s: Setup) -> None:
    assert (await harness.api.get(f"/accounts/{s.a_account}", headers=s.a.auth)).status_code == 200
    mine = await harness.api.get("/requests/platform-logs", headers=s.a.auth)
    a_ids = {log["request_id"] for log in mine.json()["data"]}
    assert a_ids
    _only_bs(await harness.api.get("/requests/platform-logs", headers=s.b.auth), s, a_ids)


def _hub_headers(token: str) -> dict[str, str]:
    return {"x-hub-session-token": token, "x-hub-version": "1.11.4", "Origin": RETURN_ORIGIN}


async def hub_listing(harness: Harness, s: Setup) -> None:
    """The embedded connect UI with B's session token: B's own integration, nothing of A's."""
    token = (await harness.session(s.b))["token"]
    for path in ("/hub/settings", "/hub/connectors"):
        answer = await harness.api.get(path, headers=_hub_headers(token))
        assert answer.status_code == 200, answer.text
        assert s.a_profile not in answer.text and s.a_account not in answer.text


async def hub_objects(harness: Harness, s: Setup) -> None:
    """B's session token on A's integration, account and connection attempt: 404; A's attempt untouched."""
    token = (await harness.session(s.b))["token"]
    created = await harness.api.post(
        "/hub/connection_attempts", json={}, headers=_hub_headers(s.a_session_token)
    )
    a_attempt = created.json()["id"]
    api = harness.api
    for answer in (
        await api.get(f"/hub/connectors/{s.a_profile}", headers=_hub_headers(token)),
        await api.get(f"/hub/accounts/{s.a_account}", headers=_hub_headers(token)),
        await api.post("/hub/accounts", json={"integration_id": s.a_profile}, headers=_hub_headers(token)),
        await api.patch(f"/hub/accounts/{s.a_account}", json={}, headers=_hub_headers(token)),
        await api.get(f"/hub/connection_attempts/{a_attempt}", headers=_hub_headers(token)),
        await api.delete(f"/hub/connection_attempts/{a_attempt}", headers=_hub_headers(token)),
    ):
        await _not_found(answer)
    mine = await api.post("/hub/connection_attempts", json={}, headers=_hub_headers(token))
    assert mine.status_code == 201 and mine.json()["id"] != a_attempt
    still = await api.get(f"/hub/connection_attempts/{a_attempt}", headers=_hub_headers(s.a_session_token))
    assert still.json()["status"] == "pending"


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
        url = url.replace("{log_id}", await _a_logged_call(harness, s))
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


async def _a_webhook(harness: Harness, s: Setup) -> dict[str, Any]:
    created = await harness.api.post(
        "/webhooks",
        json={"url": "https://hooks.example.com/a", "event_types": ["account.created"]},
        headers=s.a.auth,
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def webhook_probe(method: str, path: str) -> Probe:
    """Webhooks, their deliveries and the events: B's key on A's webhook, delivery or event is a 404, and B's
    lists hold none of A's (A's account link wrote an `account.created` event)."""

    async def probe(harness: Harness, s: Setup) -> None:
        hook = await _a_webhook(harness, s)
        a_events = (await harness.api.get("/events", headers=s.a.auth)).json()["data"]
        assert a_events
        event_id = a_events[0]["id"]
        concrete = path.replace("{webhook_id}", hook["id"]).replace("{event_id}", event_id)
        if "{delivery_id}" in concrete:
            await harness.api.post(f"/webhooks/{hook['id']}/test", headers=s.a.auth)
            listed = await harness.api.get(f"/webhooks/{hook['id']}/deliveries", headers=s.a.auth)
            concrete = concrete.replace("{delivery_id}", listed.json()["data"][0]["id"])
        if concrete in ("/webhooks", "/events"):
            if method == "POST":
                made = await harness.api.post(
                    "/webhooks",
                    json={"url": "https://hooks.example.com/b", "event_types": ["account.created"]},
                    headers=s.b.auth,
                )
                assert made.status_code == 201
                mine = _ids((await harness.api.get("/webhooks", headers=s.a.auth)).json()["data"])
                assert made.json()["id"] not in mine
                return
            listed = await harness.api.get(concrete, headers=s.b.auth)
            assert listed.status_code == 200
            assert hook["id"] not in listed.text and event_id not in listed.text
            return
        bodies = {"PATCH": {"enabled": False}, "POST": {"event_id": event_id}}
        if concrete.endswith("/rotate_secret") or concrete.endswith("/test"):
            bodies["POST"] = {}
        response = await harness.api.request(method, concrete, headers=s.b.auth, json=bodies.get(method))
        await _not_found(response)
        again = (await harness.api.get(f"/webhooks/{hook['id']}", headers=s.a.auth)).json()
        assert again["enabled"] is True and again["updated_at"] == hook["updated_at"]

    return probe


MATRIX: dict[tuple[str, str], Probe] = {
    ("GET", "/openapi.json"): public,
    ("GET", "/docs"): public,
    ("GET", "/docs/oauth2-redirect"): public,
    ("GET", "/healthz"): public,
    ("GET", "/connectors"): catalogue,
    ("GET", "/connectors/{key}"): catalogue,
    ("GET", "/connectors/meta"): connector_meta,
    ("GET", "/connectors/meta/{provider}"): connector_meta,
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
    ("POST", "/unified/proxy"): unified_proxy,
    ("POST", "/actions/search"): action_search,
    **{
        ("GET", f"/unified/hris/{resource}{suffix}"): unified(f"/unified/hris/{resource}{suffix}")
        for resource in (
            "companies",
            "employees",
            "locations",
            "groups",
            "groups/teams",
            "employments",
            "jobs",
            "groups/cost_centers",
            "groups/companies",
        )
        for suffix in ("", "/{id}")
    },
    **{
        (method, path): unified_people(method, path)
        for method, path in (
            ("POST", "/unified/hris/employees"),
            ("PATCH", "/unified/hris/employees/{id}"),
            ("POST", "/unified/hris/employees/{id}/invite"),
            ("GET", "/unified/hris/employees/{id}/employments"),
            ("POST", "/unified/hris/employees/{id}/employments"),
            ("GET", "/unified/hris/employees/{id}/employments/{subResourceId}"),
            ("PATCH", "/unified/hris/employees/{id}/employments/{subResourceId}"),
        )
    },
    **{
        ("GET", path): unified(path)
        for path in (
            "/unified/hris/shifts",
            "/unified/hris/shifts/{id}",
            "/unified/hris/employees/{id}/shifts",
            "/unified/hris/employees/{id}/shifts/{subResourceId}",
            "/unified/hris/time_entries",
            "/unified/hris/time_entries/{id}",
            "/unified/hris/employees/{id}/documents",
            "/unified/hris/employees/{id}/documents/{subResourceId}",
            "/unified/hris/employees/{id}/documents/{subResourceId}/download",
            "/unified/hris/documents/employee_categories",
            "/unified/hris/documents/employee_categories/{id}",
            "/unified/hris/custom_field_definitions/employees",
            "/unified/hris/custom_field_definitions/employees/{id}",
            "/unified/hris/tasks",
            "/unified/hris/tasks/{id}",
            "/unified/hris/employees/{id}/tasks",
            "/unified/hris/employees/{id}/tasks/{subResourceId}",
        )
    },
    **{
        ("POST", path): unified_write("POST", path, body)
        for path, body in (
            ("/unified/hris/employees/{id}/documents/upload", {"name": "planted.txt", "content": "aGk="}),
            (
                "/unified/hris/employees/{id}/documents/upload/batch",
                {"items": [{"name": "planted.txt", "content": "aGk="}]},
            ),
        )
    },
    **{
        (method, path): unified_time_off(method, path)
        for method, path in (
            ("GET", "/unified/hris/time_off"),
            ("GET", "/unified/hris/time_off/{id}"),
            ("GET", "/unified/hris/employees/{id}/time_off"),
            ("POST", "/unified/hris/employees/{id}/time_off"),
            ("GET", "/unified/hris/employees/{id}/time_off/{sub_id}"),
            ("PATCH", "/unified/hris/employees/{id}/time_off/{sub_id}"),
            ("DELETE", "/unified/hris/employees/{id}/time_off/{sub_id}"),
            ("GET", "/unified/hris/time_off_types"),
            ("GET", "/unified/hris/time_off_types/{id}"),
            ("GET", "/unified/hris/time_off_policies"),
            ("GET", "/unified/hris/time_off_policies/{id}"),
            ("GET", "/unified/hris/employees/{id}/time_off_policies"),
            ("GET", "/unified/hris/employees/{id}/time_off_balances"),
            ("GET", "/unified/hris/employees/{id}/time_off_balances/{sub_id}"),
        )
    },
    **{
        ("GET", f"/unified/ats/{resource}{suffix}"): unified(f"/unified/ats/{resource}{suffix}")
        for resource in (
            "jobs",
            "job_postings",
            "candidates",
            "applications",
            "application_stages",
            "interview_stages",
            "rejected_reasons",
            "departments",
            "locations",
            "users",
            "jobs/{id}/application_stages",
            "applications/{id}/scorecards",
        )
        for suffix in ("", "/{id}" if "{id}" not in resource else "/{subResourceId}")
    },
    **{
        (method, path): unified_write(method, path, body)
        for method, path, body in (
            (
                "PATCH",
                "/unified/hris/employees/{id}/tasks/{subResourceId}",
                {"status": {"value": "completed"}},
            ),
            ("POST", "/unified/ats/jobs", {"title": "Planted"}),
            ("PATCH", "/unified/ats/jobs/{id}", {"title": "Planted"}),
            ("POST", "/unified/ats/candidates", {"first_name": "Planted", "last_name": "Candidate"}),
            ("PATCH", "/unified/ats/candidates/{id}", {"first_name": "Planted"}),
            ("POST", "/unified/ats/applications", {"candidate_id": "1", "job_id": "2"}),
            ("PATCH", "/unified/ats/applications/{id}", {"passthrough": {"qualified": True}}),
            ("POST", "/unified/ats/applications/{id}/move", {"interview_stage_id": "2"}),
            ("POST", "/unified/ats/applications/{id}/reject", {"rejected_reason_id": "2"}),
        )
    },
    ("POST", "/mcp"): mcp,
    ("GET", "/requests/logs"): request_logs,
    ("GET", "/requests/logs/{log_id}"): request_log,
    ("GET", "/requests/logs/steps"): step_logs,
    ("GET", "/requests/platform-logs"): platform_logs,
    ("POST", "/ai/tool-feedback"): tool_feedback,
    **{
        (method, path): webhook_probe(method, path)
        for method, path in (
            ("POST", "/webhooks"),
            ("GET", "/webhooks"),
            ("GET", "/webhooks/{webhook_id}"),
            ("PATCH", "/webhooks/{webhook_id}"),
            ("DELETE", "/webhooks/{webhook_id}"),
            ("POST", "/webhooks/{webhook_id}/rotate_secret"),
            ("POST", "/webhooks/{webhook_id}/test"),
            ("POST", "/webhooks/{webhook_id}/replay"),
            ("GET", "/webhooks/{webhook_id}/deliveries"),
            ("GET", "/webhooks/{webhook_id}/deliveries/{delivery_id}"),
            ("GET", "/events"),
            ("GET", "/events/{event_id}"),
        )
    },
    ("GET", "/mcp"): mcp_no_session,
    ("DELETE", "/mcp"): mcp_no_session,
    ("GET", "/connect/style.css"): public,
    ("GET", "/favicon.ico"): public,
    ("GET", "/connect"): connect_page,
    ("GET", "/connect/oauth2/{profile_id}"): connect_start,
    ("GET", "/connect/oauth2/{connector}/callback"): connect_callback,
    ("POST", "/inbound/{connector}/{token}"): inbound_delivery,
    ("GET", "/"): dashboard_public,
    ("GET", "/sign-in"): dashboard_public,
    ("POST", "/sign-in"): dashboard_public,
    ("POST", "/sign-out"): dashboard_public,
    ("GET", "/static/dashboard.css"): public,
    ("GET", "/static/dashboard.js"): public,
    ("GET", "/static/embed.js"): public,
    ("GET", "/static/stackone-hub.js"): public,
    ("GET", "/hub/settings"): hub_listing,
    ("GET", "/hub/connectors"): hub_listing,
    ("GET", "/hub/connectors/{integration_id}"): hub_objects,
    ("GET", "/hub/accounts/{account_id}"): hub_objects,
    ("POST", "/hub/accounts"): hub_objects,
    ("PATCH", "/hub/accounts/{account_id}"): hub_objects,
    ("POST", "/hub/connection_attempts"): hub_objects,
    ("GET", "/hub/connection_attempts/{attempt_id}"): hub_objects,
    ("DELETE", "/hub/connection_attempts/{attempt_id}"): hub_objects,
    ("GET", "/hub/logos/{connector_key}.svg"): public,
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
            ("POST", "/projects/{project_id}/connect-links/preview"),
            ("GET", "/projects/{project_id}/playground"),
            ("POST", "/projects/{project_id}/playground"),
            ("GET", "/projects/{project_id}/logs"),
            ("GET", "/projects/{project_id}/logs/{log_id}"),
            ("POST", "/projects/{project_id}/logs/bodies"),
            ("GET", "/projects/{project_id}/tool-feedback"),
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
            ("GET", "/projects/{project_id}/webhooks"),
            ("POST", "/projects/{project_id}/webhooks"),
            ("GET", "/projects/{project_id}/webhooks/{webhook_id}"),
            ("GET", "/projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}"),
            ("POST", "/projects/{project_id}/webhooks/{webhook_id}/test"),
            ("POST", "/projects/{project_id}/webhooks/{webhook_id}/rotate-secret"),
            ("POST", "/projects/{project_id}/webhooks/{webhook_id}/enable"),
            ("POST", "/projects/{project_id}/webhooks/{webhook_id}/disable"),
            ("POST", "/projects/{project_id}/webhooks/{webhook_id}/replay"),
            ("POST", "/projects/{project_id}/webhooks/{webhook_id}/delete"),
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
    matrix = {**MATRIX, **not_supported_probes(harness)}
    assert routes - matrix.keys() == set(), "routes without a tenant-isolation probe: add them to MATRIX"
    assert matrix.keys() - routes == set(), "MATRIX names routes the app does not serve"

    before = await _snapshot(harness, setup)
    for (method, path), probe in sorted(matrix.items()):
        try:
            await probe(harness, setup)
        except AssertionError as failure:
            raise AssertionError(f"{method} {path}: {failure}") from failure
    assert await _snapshot(harness, setup) == before
    works = await harness.rpc(a, setup.a_account, "factorialhr_get_credentials")
    assert works.status_code == 200
