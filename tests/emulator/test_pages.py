"""The emulator's browser pages over HTTP: sign-in picker, authorize/consent and the OAuth applications admin.

A tiny hand-built world (two companies) keeps every rule visible; `html.parser` reads the pages the way a
headless browser would (ids, labels, hidden fields), so no test depends on the page's wording alone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.emulator.factorial import create_app
from linkyard.emulator.factorial.oauth import oauth_routes
from linkyard.emulator.factorial.pages import SESSION_COOKIE, page_routes
from linkyard.emulator.factorial.seed import describe_company
from linkyard.emulator.factorial.state import Company, OAuthApplication, Row, World, can_sign_in
from linkyard.emulator.factorial.tokens import SCOPES, create_application

BASE = "http://factorial.test"
REDIRECT = "https://app.example/callback"


@dataclass
class Env:
    world: World
    http: httpx.AsyncClient
    company: Company
    admin: Row
    basic: Row
    app: OAuthApplication
    other_company: Company
    other_admin: Row


def add_company(world: World, name: str) -> Company:
    return world.add_company(
        name=name,
        legal_name=f"{name} SL",
        tin="B0",
        locale="en",
        subscription_plan="business",
        onboarded_on="2020-01-01",
    )


def add_employee(world: World, company: Company, email: str, name: str, **extra: Any) -> Row:
    row: Row = {"full_name": name, "login_email": email, "email": email, "active": True, "_role": "basic"}
    row["_can_login"] = True
    row.update(extra)
    world.table("employees/employees").insert(company.id, row)
    world.register_login(company.id, row)
    return row


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    world = World()
    acme = add_company(world, "Acme")
    admin = add_employee(world, acme, "ana@acme.example", "Ana López", _role="admin")
    basic = add_employee(world, acme, "bob@acme.example", "Bob Smith")
    add_employee(world, acme, "gone@acme.example", "Gone Person", active=False)
    add_employee(world, acme, "nologin@acme.example", "No Login", _can_login=False)
    globex = add_company(world, "Globex")
    other_admin = add_employee(world, globex, "gus@globex.example", "Gus Grant", _role="admin")
    app = create_application(
        world, company_id=acme.id, name="Linkyard", redirect_uris=[REDIRECT], scopes=["employees", "time_off"]
    )
    asgi = Starlette(routes=[*oauth_routes(world), *page_routes(world)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=BASE) as http:
        yield Env(world, http, acme, admin, basic, app, globex, other_admin)


class Page(HTMLParser):
    """The parts of a page a browser test uses: elements by id, inputs, labels, buttons and visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.inputs: list[dict[str, str]] = []
        self.buttons: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.text_parts: list[str] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self._label_depth = 0
        self.unlabelled: list[dict[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "label":
            self._label_depth += 1
            if "for" in attributes:
                self.label_for.add(attributes["for"])
        if tag in ("input", "textarea", "select"):
            self.inputs.append({"tag": tag, **attributes})
            if attributes.get("type") != "hidden" and self._label_depth == 0:
                self.unlabelled.append(attributes)
        if tag in ("input", "br", "meta", "hr", "img", "link"):
            if "id" in attributes:
                self.by_id[attributes["id"]] = attributes.get("value", "")
            return  # void elements never close
        self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1
        while self._open:
            open_tag, attributes, text = self._open.pop()
            content = "".join(text).strip()
            if "id" in attributes:
                self.by_id[attributes["id"]] = content
            if open_tag == "button":
                self.buttons.append({**attributes, "text": content})
            if self._open:
                self._open[-1][2].append("".join(text))
            if open_tag == "textarea":
                for field in reversed(self.inputs):
                    if field["tag"] == "textarea":
                        field["value"] = "".join(text)
                        break
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._open:
            self._open[-1][2].append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text_parts))

    def field(self, name: str) -> dict[str, str]:
        return next(field for field in self.inputs if field.get("name") == name)

    def hidden(self) -> dict[str, str]:
        return {
            f["name"]: f.get("value", "")
            for f in self.inputs
            if f.get("type") == "hidden" and f["name"] != "return_to"
        }

    def assert_every_control_is_labelled(self) -> None:
        missing = [f for f in self.unlabelled if f.get("id") not in self.label_for]
        assert not missing, f"controls without a label: {missing}"
        for button in self.buttons:
            assert button["text"], f"a button without text: {button}"


def parse(response: httpx.Response) -> Page:
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


async def sign_in(env: Env, email: str) -> None:
    response = await env.http.post("/sign_in", data={"login_email": email, "return_to": "/sign_in"})
    assert response.status_code == 303, response.text


def authorize_query(env: Env, **overrides: str) -> dict[str, str]:
    return {
        "client_id": env.app.client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "state": "xyz",
        **overrides,
    }


def redirect_params(response: httpx.Response, base: str = REDIRECT) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(base)
    return dict(httpx.URL(location).params)


# --- authorize: errors that must not redirect ---------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "unknown-client"},
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": REDIRECT + "?x=1"},
        {"redirect_uri": ""},
    ],
    ids=["unknown-client", "unregistered-uri", "uri-with-extra-query", "missing-uri"],
)
async def test_authorize_with_a_bad_client_or_redirect_uri_shows_an_error_page_and_never_redirects(
    env: Env, overrides: dict[str, str]
) -> None:
    await sign_in(env, "bob@acme.example")

    for method in ("GET", "POST"):
        if method == "GET":
            response = await env.http.get("/oauth/authorize", params=authorize_query(env, **overrides))
        else:
            form = {
                **authorize_query(env, **overrides),
                "login_email": "bob@acme.example",
                "decision": "approve",
            }
            response = await env.http.post("/oauth/authorize", data=form)

        assert response.status_code == 400
        assert "location" not in response.headers
        assert parse(response).by_id["error-message"]
    assert env.world.codes == {}


# --- authorize: errors sent back to the client --------------------------------------------------


async def test_authorize_errors_after_the_redirect_uri_check_redirect_with_error_and_state(env: Env) -> None:
    await sign_in(env, "bob@acme.example")

    bad_type = await env.http.get("/oauth/authorize", params=authorize_query(env, response_type="token"))
    bad_scope = await env.http.get("/oauth/authorize", params=authorize_query(env, scope="payroll banking"))
    bad_owner = await env.http.get(
        "/oauth/authorize", params=authorize_query(env, resource_owner_type="robot")
    )

    assert redirect_params(bad_type) == {
        "error": "unsupported_response_type",
        "error_description": redirect_params(bad_type)["error_description"],
        "state": "xyz",
    }
    assert redirect_params(bad_scope)["error"] == "invalid_scope"
    assert redirect_params(bad_owner)["error"] == "invalid_request"


async def test_error_redirect_appends_to_a_redirect_uri_that_already_has_a_query(env: Env) -> None:
    with_query = "https://app.example/cb?tenant=7"
    env.app.redirect_uris.append(with_query)

    response = await env.http.post(
        "/oauth/authorize",
        data={
            **authorize_query(env, redirect_uri=with_query),
            "login_email": "bob@acme.example",
            "decision": "approve",
        },
    )

    assert response.headers["location"].startswith(with_query + "&code=")
    assert redirect_params(response, with_query)["tenant"] == "7"


async def test_pkce_require_without_a_challenge_redirects_with_invalid_request(env: Env) -> None:
    env.world.settings.pkce = "require"
    await sign_in(env, "bob@acme.example")

    response = await env.http.get("/oauth/authorize", params=authorize_query(env))

    assert redirect_params(response)["error"] == "invalid_request"


async def test_non_admin_asking_for_a_company_token_is_sent_back_with_access_denied(env: Env) -> None:
    await sign_in(env, "bob@acme.example")

    response = await env.http.get(
        "/oauth/authorize", params=authorize_query(env, resource_owner_type="company")
    )

    assert redirect_params(response)["error"] == "access_denied"
    assert redirect_params(response)["state"] == "xyz"


# --- sign in ------------------------------------------------------------------------------------


async def test_authorize_when_signed_out_sends_the_browser_to_the_sign_in_picker(env: Env) -> None:
    response = await env.http.get("/oauth/authorize", params=authorize_query(env))

    assert response.status_code == 302
    target = httpx.URL(response.headers["location"])
    assert target.path == "/sign_in"
    return_to = httpx.URL(target.params["return_to"])
    assert return_to.path == "/oauth/authorize"
    assert dict(return_to.params) == authorize_query(env)


async def test_sign_in_picker_lists_only_users_who_can_sign_in_grouped_by_company(env: Env) -> None:
    page = parse(await env.http.get("/sign_in", params={"return_to": "/oauth/applications"}))

    picks = [b["value"] for b in page.buttons if b.get("name") == "login_email"]
    assert picks == ["ana@acme.example", "bob@acme.example", "gus@globex.example"]
    assert "Acme" in page.text and "Globex" in page.text
    assert page.text.index("Acme") < page.text.index("bob@acme.example") < page.text.index("Globex")
    assert page.field("return_to")["value"] == "/oauth/applications"
    assert page.by_id["login-email"] == ""  # the free email field, empty
    page.assert_every_control_is_labelled()


async def test_sign_in_sets_an_httponly_lax_session_cookie_and_goes_back_to_return_to(env: Env) -> None:
    response = await env.http.post(
        "/sign_in", data={"login_email": "Bob@Acme.example", "return_to": "/oauth/authorize?a=1"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/oauth/authorize?a=1"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie


@pytest.mark.parametrize(
    "return_to",
    [
        "//evil.example/x",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "http://factorial.test.evil/",
    ],
)
async def test_sign_in_never_redirects_off_site(env: Env, return_to: str) -> None:
    response = await env.http.post(
        "/sign_in", data={"login_email": "bob@acme.example", "return_to": return_to}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/sign_in"


async def test_sign_in_with_an_unknown_or_locked_out_email_re_renders_the_picker_with_an_error(
    env: Env,
) -> None:
    for email in ("nobody@acme.example", "gone@acme.example", "nologin@acme.example"):
        response = await env.http.post(
            "/sign_in", data={"login_email": email, "return_to": "/oauth/applications"}
        )

        assert response.status_code == 400
        page = parse(response)
        assert page.by_id["sign-in-error"]
        assert page.field("login_email")["value"] == email
        assert "set-cookie" not in response.headers


async def test_sign_out_clears_the_session(env: Env) -> None:
    await sign_in(env, "ana@acme.example")
    assert (await env.http.get("/oauth/applications")).status_code == 200

    response = await env.http.post("/sign_out", data={"return_to": "/oauth/applications"})

    assert response.status_code == 303
    assert (await env.http.get("/oauth/applications")).status_code == 302


async def test_forms_posted_from_another_origin_are_refused(env: Env) -> None:
    evil = {"origin": "https://evil.example"}

    signed = await env.http.post("/sign_in", data={"login_email": "ana@acme.example"}, headers=evil)
    consent = await env.http.post(
        "/oauth/authorize",
        data={**authorize_query(env), "login_email": "bob@acme.example", "decision": "approve"},
        headers=evil,
    )
    await sign_in(env, "ana@acme.example")
    created = await env.http.post(
        "/oauth/applications",
        data={"name": "X", "redirect_uri": REDIRECT, "scopes": "employees", "confidential": "1"},
        headers=evil,
    )

    assert (signed.status_code, consent.status_code, created.status_code) == (403, 403, 403)
    assert "location" not in consent.headers
    assert env.world.codes == {}
    assert len(env.world.applications) == 1
    same_origin = await env.http.post(
        "/sign_in", data={"login_email": "bob@acme.example"}, headers={"origin": BASE}
    )
    assert same_origin.status_code == 303


async def test_a_browser_posting_this_pages_own_form_is_believed_over_its_null_origin(env: Env) -> None:
    # Under the pages' no-referrer policy Chromium sends `Origin: null` with a form of the same page; its
    # Sec-Fetch-Site says where the form came from (another port of the same host is another origin).
    own_page = {"origin": "null", "sec-fetch-site": "same-origin"}
    other_port = {"origin": "null", "sec-fetch-site": "same-site"}

    refused = await env.http.post("/sign_in", data={"login_email": "bob@acme.example"}, headers=other_port)
    signed = await env.http.post("/sign_in", data={"login_email": "bob@acme.example"}, headers=own_page)

    assert (refused.status_code, signed.status_code) == (403, 303)
    null_alone = await env.http.post(
        "/sign_in", data={"login_email": "bob@acme.example"}, headers={"origin": "null"}
    )
    assert null_alone.status_code == 403


# --- consent ------------------------------------------------------------------------------------


async def test_consent_page_names_the_app_company_person_and_granted_scopes_in_plain_words(env: Env) -> None:
    await sign_in(env, "bob@acme.example")

    response = await env.http.get("/oauth/authorize", params=authorize_query(env, scope="employees payroll"))

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = parse(response)
    assert page.by_id["application-name"] == "Linkyard"
    assert page.by_id["consent-company"] == "Acme"
    assert page.by_id["consent-person"] == "Bob Smith"
    assert "Employees, teams and team memberships" in page.by_id["consent-scopes"]
    assert "Time off" not in page.by_id["consent-scopes"], "only requested ∩ app scopes"
    assert "payroll" not in page.by_id["consent-scopes"]
    assert page.hidden() == {
        "client_id": env.app.client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "employees",
        "state": "xyz",
        "resource_owner_type": "user",
        "code_challenge": "",
        "code_challenge_method": "",
        "login_email": "bob@acme.example",
    }
    decisions = {b["value"]: b["text"] for b in page.buttons if b.get("name") == "decision"}
    assert decisions == {"approve": "Authorize", "deny": "Deny"}
    assert "company-token-notice" not in page.by_id
    page.assert_every_control_is_labelled()


async def test_consent_without_a_scope_parameter_grants_all_the_app_scopes(env: Env) -> None:
    await sign_in(env, "bob@acme.example")

    page = parse(await env.http.get("/oauth/authorize", params=authorize_query(env)))

    assert page.hidden()["scope"] == "employees time_off"


async def test_consent_for_a_company_token_says_so_to_an_admin(env: Env) -> None:
    await sign_in(env, "ana@acme.example")

    page = parse(
        await env.http.get("/oauth/authorize", params=authorize_query(env, resource_owner_type="company"))
    )

    assert "whole company" in page.by_id["company-token-notice"]
    assert page.hidden()["resource_owner_type"] == "company"


async def test_browser_flow_sign_in_consent_approve_returns_a_code_bound_to_the_user(env: Env) -> None:
    start = await env.http.get("/oauth/authorize", params=authorize_query(env, scope="time_off"))
    picker = parse(await env.http.get(start.headers["location"]))
    signed = await env.http.post(
        "/sign_in", data={"login_email": "bob@acme.example", "return_to": picker.field("return_to")["value"]}
    )
    consent = parse(await env.http.get(signed.headers["location"]))

    response = await env.http.post("/oauth/authorize", data={**consent.hidden(), "decision": "approve"})

    params = redirect_params(response)
    assert params["state"] == "xyz"
    code = env.world.codes[params["code"]]
    assert (code.company_id, code.employee_id, code.scopes) == (env.company.id, env.basic["id"], ["time_off"])
    assert (code.redirect_uri, code.resource_owner_type, code.client_id) == (
        REDIRECT,
        "user",
        env.app.client_id,
    )


async def test_any_company_can_authorize_another_company_app(env: Env) -> None:
    form = {**authorize_query(env), "login_email": "gus@globex.example", "decision": "approve"}

    params = redirect_params(await env.http.post("/oauth/authorize", data=form))

    assert env.world.codes[params["code"]].company_id == env.other_company.id


async def test_deny_sends_access_denied_with_the_state(env: Env) -> None:
    form = {**authorize_query(env), "login_email": "bob@acme.example", "decision": "deny"}

    params = redirect_params(await env.http.post("/oauth/authorize", data=form))

    assert params["error"] == "access_denied"
    assert params["state"] == "xyz"
    assert env.world.codes == {}


@pytest.mark.parametrize("email", ["nobody@acme.example", "gone@acme.example", "nologin@acme.example", ""])
async def test_approval_by_an_unknown_or_locked_out_user_is_access_denied(env: Env, email: str) -> None:
    form = {**authorize_query(env), "login_email": email, "decision": "approve"}

    assert redirect_params(await env.http.post("/oauth/authorize", data=form))["error"] == "access_denied"
    assert env.world.codes == {}


async def test_posted_company_token_approval_needs_an_admin(env: Env) -> None:
    form = {**authorize_query(env), "resource_owner_type": "company", "decision": "approve"}

    basic = await env.http.post("/oauth/authorize", data={**form, "login_email": "bob@acme.example"})
    admin = await env.http.post("/oauth/authorize", data={**form, "login_email": "ana@acme.example"})

    assert redirect_params(basic)["error"] == "access_denied"
    code = env.world.codes[redirect_params(admin)["code"]]
    assert (code.resource_owner_type, code.employee_id) == ("company", env.admin["id"])


# --- OAuth applications admin -------------------------------------------------------------------


async def test_applications_page_sends_a_signed_out_browser_to_sign_in(env: Env) -> None:
    response = await env.http.get("/oauth/applications")

    assert response.status_code == 302
    assert response.headers["location"] == "/sign_in?return_to=%2Foauth%2Fapplications"


@pytest.mark.parametrize("path", ["/oauth/applications", "/oauth/applications/new"])
async def test_applications_pages_refuse_a_non_admin_with_a_clear_403_page(env: Env, path: str) -> None:
    await sign_in(env, "bob@acme.example")

    response = await env.http.get(path)

    assert response.status_code == 403
    assert "admin" in parse(response).by_id["error-message"].lower()


async def test_non_admin_cannot_create_an_application(env: Env) -> None:
    await sign_in(env, "bob@acme.example")

    response = await env.http.post(
        "/oauth/applications", data={"name": "X", "redirect_uri": REDIRECT, "scopes": "employees"}
    )

    assert response.status_code == 403
    assert len(env.world.applications) == 1


async def test_applications_list_shows_only_the_admin_company_apps_and_a_new_application_link(
    env: Env,
) -> None:
    create_application(
        env.world,
        company_id=env.other_company.id,
        name="Globex tool",
        redirect_uris=[REDIRECT],
        scopes=["employees"],
    )
    await sign_in(env, "ana@acme.example")

    page = parse(await env.http.get("/oauth/applications"))

    assert page.by_id["new-application"] == "New Application"
    assert "Linkyard" in page.text and env.app.client_id in page.text
    assert "Globex tool" not in page.text
    assert env.app.client_secret not in page.text


async def test_new_application_form_has_every_scope_in_order_and_confidential_checked(env: Env) -> None:
    await sign_in(env, "ana@acme.example")

    page = parse(await env.http.get("/oauth/applications/new"))

    scopes = [f["value"] for f in page.inputs if f.get("name") == "scopes"]
    assert scopes == list(SCOPES)
    assert len(scopes) == 27
    assert not any("checked" in f for f in page.inputs if f.get("name") == "scopes")
    assert "checked" in page.field("confidential")
    assert page.field("name")["tag"] == "input"
    assert page.field("redirect_uri")["tag"] == "textarea"
    assert any(b["text"] == "Submit" for b in page.buttons)
    page.assert_every_control_is_labelled()


async def test_creating_an_application_shows_the_client_id_and_secret_once(env: Env) -> None:
    await sign_in(env, "ana@acme.example")
    form = {
        "name": "Payroll sync",
        "redirect_uri": "https://sync.example/cb\r\nhttp://127.0.0.1:7000/cb\r\n",
        "confidential": "1",
        "scopes": ["employees", "payroll"],
    }

    response = await env.http.post("/oauth/applications", data=form)

    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    page = parse(response)
    client_id, secret = page.by_id["client-id"], page.by_id["client-secret"]
    assert "not be shown again" in page.by_id["secret-warning"]
    app = env.world.applications[client_id]
    assert (app.client_secret, app.name, app.confidential) == (secret, "Payroll sync", True)
    assert app.redirect_uris == ["https://sync.example/cb", "http://127.0.0.1:7000/cb"]
    assert app.scopes == ["employees", "payroll"]
    assert app.company_id == env.company.id
    assert len(client_id) == 43 and re.fullmatch(r"[A-Za-z0-9_-]{43}", client_id)
    assert re.fullmatch(r"[0-9a-f]{64}", secret)

    detail = await env.http.get(f"/oauth/applications/{app.id}")
    listing = await env.http.get("/oauth/applications")
    assert detail.status_code == 200
    assert parse(detail).by_id["client-id"] == client_id
    assert secret not in detail.text and secret not in listing.text
    assert "client-secret" not in parse(detail).by_id
    assert f"/oauth/applications/{app.id}" in listing.text


async def test_an_unchecked_confidential_box_creates_a_public_client(env: Env) -> None:
    await sign_in(env, "ana@acme.example")

    page = parse(
        await env.http.post(
            "/oauth/applications", data={"name": "SPA", "redirect_uri": REDIRECT, "scopes": "tasks"}
        )
    )

    assert env.world.applications[page.by_id["client-id"]].confidential is False


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": "  ", "redirect_uri": REDIRECT, "scopes": ["employees"]}, "name"),
        ({"name": "App", "redirect_uri": "", "scopes": ["employees"]}, "redirect_uri"),
        (
            {"name": "App", "redirect_uri": "https://ok.example/cb\n/relative/cb", "scopes": ["employees"]},
            "redirect_uri",
        ),
        (
            {"name": "App", "redirect_uri": "https://x.example/cb#frag", "scopes": ["employees"]},
            "redirect_uri",
        ),
        ({"name": "App", "redirect_uri": "ftp://x.example/cb", "scopes": ["employees"]}, "redirect_uri"),
        ({"name": "App", "redirect_uri": REDIRECT, "scopes": []}, "scopes"),
        ({"name": "App", "redirect_uri": REDIRECT, "scopes": ["root"]}, "scopes"),
    ],
    ids=["blank-name", "no-uri", "relative-uri", "fragment", "ftp", "no-scope", "unknown-scope"],
)
async def test_invalid_application_form_is_re_rendered_with_inline_errors_keeping_typed_values(
    env: Env, form: dict[str, Any], field: str
) -> None:
    await sign_in(env, "ana@acme.example")

    response = await env.http.post("/oauth/applications", data=form)

    assert response.status_code == 422
    page = parse(response)
    assert page.by_id[f"{field.replace('_', '-')}-error"]
    assert page.field("name")["value"] == form["name"]
    assert page.field("redirect_uri")["value"] == form["redirect_uri"]
    checked = [f["value"] for f in page.inputs if f.get("name") == "scopes" and "checked" in f]
    assert checked == [scope for scope in form["scopes"] if scope in SCOPES]
    assert "checked" not in page.field("confidential"), "an unchecked box stays unchecked"
    assert len(env.world.applications) == 1
    page.assert_every_control_is_labelled()


async def test_application_detail_of_another_company_is_not_found(env: Env) -> None:
    foreign = create_application(
        env.world, company_id=env.other_company.id, name="G", redirect_uris=[REDIRECT], scopes=["tasks"]
    )
    await sign_in(env, "ana@acme.example")

    response = await env.http.get(f"/oauth/applications/{foreign.id}")

    assert response.status_code == 404
    assert foreign.client_id not in response.text


async def test_pages_escape_user_supplied_text(env: Env) -> None:
    await sign_in(env, "ana@acme.example")

    response = await env.http.post(
        "/oauth/applications",
        data={"name": "<script>alert(1)</script>", "redirect_uri": REDIRECT, "scopes": "tasks"},
    )

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


# --- against the whole seeded emulator --------------------------------------------------------------


@pytest.fixture
async def seeded() -> AsyncIterator[tuple[World, httpx.AsyncClient]]:
    emulator = create_app(seed=7, employees=60)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=BASE) as http:
        yield emulator.state.world, http


async def test_big_company_picker_lists_the_described_users_and_a_free_email_field(
    seeded: tuple[World, httpx.AsyncClient],
) -> None:
    world, http = seeded
    company = next(iter(world.companies.values()))
    described = describe_company(world, company)
    listed = {user["email"] for user in described["users"]}
    unlisted = next(
        row["login_email"]
        for row in world.table("employees/employees").rows(company.id)
        if can_sign_in(row) and row["login_email"] not in listed
    )

    page = parse(await http.get("/sign_in"))
    signed = await http.post("/sign_in", data={"login_email": unlisted, "return_to": "/sign_in"})

    picks = [b["value"] for b in page.buttons if b.get("name") == "login_email"]
    assert picks == [user["email"] for user in described["users"]]
    assert "login-email" in page.by_id
    assert signed.status_code == 303
    assert unlisted in (await http.get("/sign_in")).text


async def test_admin_creates_an_app_on_the_page_and_a_user_links_it_end_to_end(
    seeded: tuple[World, httpx.AsyncClient],
) -> None:
    world, http = seeded
    described = describe_company(world, next(iter(world.companies.values())))
    basic = next(user["email"] for user in described["users"] if user["role"] == "basic")
    await http.post("/sign_in", data={"login_email": described["admin"]["email"]})
    created = parse(
        await http.post(
            "/oauth/applications",
            data={"name": "E2E", "redirect_uri": REDIRECT, "confidential": "1", "scopes": ["employees"]},
        )
    )
    client_id, secret = created.by_id["client-id"], created.by_id["client-secret"]
    await http.post("/sign_out")
    start = await http.get(
        "/oauth/authorize",
        params={"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "state": "e2e"},
    )
    signed = await http.post(
        "/sign_in",
        data={"login_email": basic, "return_to": httpx.URL(start.headers["location"]).params["return_to"]},
    )
    consent = parse(await http.get(signed.headers["location"]))
    code = redirect_params(
        await http.post("/oauth/authorize", data={**consent.hidden(), "decision": "approve"})
    )["code"]
    token = await http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "client_secret": secret,
        },
    )
    assert token.status_code == 200, token.text

    me = await http.get(
        "/api/2026-10-01/resources/api_public/credentials",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )

    assert me.status_code == 200, me.text
    assert me.json()["data"][0]["login_email"] == basic
