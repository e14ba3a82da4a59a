"""Security property 20: hostile bodies never reach a 500.

A sweep sends every route of the app (walked from `app.routes`, so a new route is swept without anyone listing
it), with each of its methods, bodies an attacker would try: nested thousands deep, over the size cap (declared
and chunked), not UTF-8, of the wrong content type, truncated, invalid and empty. It sends them without
credentials, with a valid API key, and from a browser signed in to the dashboard. Every answer is below 500,
JSON answers are StackOne's error envelope, and a request writes at most one log line at WARNING or above,
without a traceback (a log anyone can fill is a denial of service of its own).

Without credentials, a route that wants an API key answers 401 whatever the body: it is refused before it is
parsed. Depth is bounded below what any parser or encoder down the line copes with (`MAX_JSON_DEPTH`).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import orjson
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Route

from linkyard.api.bodies import MAX_JSON_DEPTH
from linkyard.api.middleware import DEFAULT_MAX_BODY_BYTES
from linkyard.config import Settings
from tests.api.conftest import PUBLIC_URL, Harness, Tenant
from tests.harness.platform import platform_settings

ADMIN_TOKEN = "admin-token-of-the-hostile-body-sweep-0123456789"
ACTION = "factorialhr_list_employees"
ENVELOPE_KEYS = {"statusCode", "message", "timestamp", "code"}
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")
_FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The API fixtures' settings, with an admin token: the admin's dashboard session reaches every form."""
    return platform_settings(
        database_url,
        admin_token=ADMIN_TOKEN,
    )


# --- the bodies ------------------------------------------------------------------------------------------


def deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


_WELL_FORMED = (
    b'{"action": "factorialhr_list_employees", "body": VALUE, "query": VALUE, "metadata": VALUE, '
    b'"origin_owner_id": TEXT, "origin_owner_name": TEXT, "label": TEXT, "token": TEXT, '
    b'"jsonrpc": "2.0", "id": 1, "method": "tools/call", '
    b'"params": {"name": "factorialhr_list_employees", "arguments": VALUE}}'
)


def well_formed(value: bytes, text: bytes = b'"sweep"') -> bytes:
    """A body most routes take (an action call, a connect session, an MCP tool call) with `value` wherever a
    route takes free-form JSON and `text` wherever it takes a string: it passes the parser and the models."""
    return _WELL_FORMED.replace(b"VALUE", value).replace(b"TEXT", text)


def mcp_call(params: bytes) -> bytes:
    return b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ' + params + b"}"


def multipart(value: bytes, *, filename: str | None = None) -> bytes:
    disposition = b'form-data; name="token"' + (f'; filename="{filename}"'.encode() if filename else b"")
    return b"--sweep\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + value + b"\r\n--sweep--\r\n"


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body without a declared length (sent chunked), `total` bytes long."""
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=sweep"


@dataclass(frozen=True)
class Case:
    name: str
    content_type: str | None
    body: Callable[[], bytes | AsyncIterator[bytes]]
    oversize: bool = False


CASES: tuple[Case, ...] = (
    Case("array 1,500 deep", JSON, lambda: deep_array(1_500)),
    Case("object 1,500 deep", JSON, lambda: deep_object(1_500)),
    Case("array 100,000 deep", JSON, lambda: deep_array(100_000)),
    Case("object 100,000 deep", JSON, lambda: deep_object(100_000)),
    Case("array 100,000 deep, no content type", None, lambda: deep_array(100_000)),
    Case("array 100,000 deep, as +json", "application/vnd.api+json", lambda: deep_array(100_000)),
    Case("value 200 deep in a well-formed body", JSON, lambda: well_formed(deep_object(198))),
    Case("lone surrogates in free-form JSON", JSON, lambda: well_formed(b'{"\\ud800": "\\udfff"}')),
    Case("lone surrogates in strings", JSON, lambda: well_formed(b"{}", b'"\\udfff"')),
    Case("a 5,000-digit number in a well-formed body", JSON, lambda: well_formed(b"9" * 5_000)),
    Case("a huge exponent in a well-formed body", JSON, lambda: well_formed(b'{"n": 1e999999}')),
    Case("an MCP call with a number for a name", JSON, lambda: mcp_call(b'{"name": 5, "arguments": []}')),
    Case("an MCP call with arguments as a list", JSON, lambda: mcp_call(b'{"name": "x", "arguments": []}')),
    Case("an MCP batch", JSON, lambda: b'[{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}]'),
    Case("metadata 200 deep", JSON, lambda: b'{"metadata": ' + deep_object(199) + b"}"),
    Case(
        "over the cap, declared",
        JSON,
        lambda: b"[" + b"1," * (DEFAULT_MAX_BODY_BYTES // 2) + b"1]",
        oversize=True,
    ),
    Case("over the cap, chunked", JSON, lambda: chunks(DEFAULT_MAX_BODY_BYTES + 1), oversize=True),
    Case("not UTF-8, as JSON", JSON, lambda: b'{"action": "\xff\xfe\xc3\x28", "token": "\x80"}'),
    Case("not UTF-8, UTF-16 lookalike", JSON, lambda: b"\xff\xfe{\x00\xd8"),
    Case("not UTF-8, as a form", FORM, lambda: b"token=\xff\xfe&csrf=\xc3\x28&next=%FF%FE"),
    Case("not UTF-8, in a multipart form", MULTIPART, lambda: multipart(b"\xff\xfe\xc3\x28")),
    Case("a file in a multipart form", MULTIPART, lambda: multipart(b"secret", filename="a.txt")),
    Case("multipart without a boundary", "multipart/form-data", lambda: b"--x\r\n\r\n"),
    Case("JSON sent as text", "text/plain", lambda: orjson.dumps({"action": ACTION})),
    Case("a form sent as JSON", JSON, lambda: b"token=abc&csrf=def"),
    Case("JSON sent as a form", FORM, lambda: orjson.dumps({"action": ACTION})),
    Case("truncated JSON", JSON, lambda: b'{"action": "factorialhr_list_emp'),
    Case("invalid JSON", JSON, lambda: b"{action: nope, [}"),
    Case("NUL bytes", JSON, lambda: b'{"action": "\x00\x00"}\x00'),
    Case("empty", JSON, lambda: b""),
)


# --- the routes ------------------------------------------------------------------------------------------


def app_routes(harness: Harness) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, as `tests/api/test_tenancy.py` walks them."""
    found: set[tuple[str, str]] = set()
    for route in harness.app.routes:
        assert isinstance(route, APIRoute | Route), f"cannot enumerate the routes behind {route!r}"
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    # DELETE last: unlinking the account or deleting the profile early would spare the routes after it.
    return sorted(found, key=lambda item: (item[0] == "DELETE", item))


@dataclass
class Sweep:
    """The objects the sweep's URLs name (real ones, so that requests get past the lookups), and what failed."""

    tenant: Tenant
    ids: dict[str, str]
    dashboard: httpx.AsyncClient
    failures: list[str]

    def url(self, path: str) -> str:
        return _PLACEHOLDER.sub(lambda found: self.ids.get(found.group(1), "sweep"), path)


async def _sweep_setup(harness: Harness) -> Sweep:
    tenant = await harness.tenant("Sweep")
    profile = await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    keys = await harness.store.api_keys.list(tenant.project_id)
    dashboard = harness.browser()
    signed_in = await _sign_in(dashboard, ADMIN_TOKEN)
    assert signed_in.status_code == 303, signed_in.text
    ids = {
        "project_id": tenant.project_id,
        "profile_id": profile["id"],
        "account_id": account["id"],
        "key_id": keys[0].id,
        "connector": "factorialhr",
        "key": "factorialhr",
    }
    return Sweep(tenant, ids, dashboard, [])


async def _sign_in(browser: httpx.AsyncClient, token: str) -> httpx.Response:
    """Sign in as a person does: open the sign-in page, then submit its form with `token` (and the form's own
    token, where the page has one: the dashboard's guard against login CSRF)."""
    page = await browser.get("/sign-in")
    form = {"token": token, "next": "/"}
    found = _FORM_TOKEN.search(page.text)
    if found is not None:
        form["csrf"] = html.unescape(found.group(1))
    return await browser.post("/sign-in", data=form)


def _headers(case: Case, sweep: Sweep, *, with_key: bool) -> dict[str, str]:
    headers = {"accept": "application/json, text/event-stream", "x-account-id": sweep.ids["account_id"]}
    if case.content_type is not None:
        headers["content-type"] = case.content_type
    if with_key:
        headers.update(sweep.tenant.auth)
    return headers


def _problems(
    method: str, path: str, response: httpx.Response, records: list[logging.LogRecord]
) -> list[str]:
    """What is wrong with one answer: a 5xx, a JSON answer that is not the envelope, too much logging."""
    found: list[str] = []
    # 501 is StackOne's "not supported by this provider", the documented answer of a unified operation no route
    # serves (`linkyard.api.routes.unified_unsupported`): by design, whatever the body.
    unsupported = response.status_code == 501 and path.startswith("/unified/")
    if response.status_code >= 500 and not unsupported:
        found.append(f"answered {response.status_code}: {response.text[:200]!r}")
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith(JSON):
        body = response.json()
        is_envelope = isinstance(body, dict) and body.keys() >= ENVELOPE_KEYS
        # MCP defines its own errors for what its transport refuses: a JSON-RPC error object.
        is_jsonrpc_error = path == "/mcp" and isinstance(body, dict) and "error" in body
        if not (is_envelope or is_jsonrpc_error):
            found.append(f"answered {response.status_code} outside the envelope: {response.text[:200]!r}")
        if is_envelope and body["statusCode"] != response.status_code:
            found.append(f"answered {response.status_code} with an envelope saying {body['statusCode']}")
    loud = [record for record in records if record.levelno >= logging.WARNING]
    if len(loud) > 1:
        found.append(f"logged {len(loud)} lines: {[record.getMessage()[:100] for record in loud]}")
    for record in loud:
        if record.exc_info or record.exc_text or "Traceback" in record.getMessage():
            found.append(f"logged a traceback: {record.name}: {record.getMessage()[:100]}")
    return found


async def _send(
    sweep: Sweep,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    case: Case,
    *,
    with_key: bool,
) -> httpx.Response:
    before = len(caplog.records)
    response = await client.request(
        method, sweep.url(path), content=case.body(), headers=_headers(case, sweep, with_key=with_key)
    )
    for problem in _problems(method, path, response, caplog.records[before:]):
        sweep.failures.append(f"{method} {path} [{case.name}, {'key' if with_key else 'no key'}]: {problem}")
    return response


def _client(harness: Harness, cookies: httpx.Cookies | None = None) -> httpx.AsyncClient:
    """A client that sees a crashed request as the 500 a user would get (not as the test's own exception)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=harness.app, raise_app_exceptions=False),
        base_url=PUBLIC_URL,
        cookies=cookies,
    )


async def test_no_hostile_body_on_any_route_reaches_a_500_or_floods_the_log(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sweep = await _sweep_setup(harness)
    caplog.set_level(logging.WARNING)
    routes = app_routes(harness)
    assert ("POST", "/actions/rpc") in routes and ("POST", "/mcp") in routes
    sent = 0
    async with _client(harness) as anonymous, _client(harness, sweep.dashboard.cookies) as signed_in:
        for client, with_key in ((anonymous, False), (signed_in, False), (anonymous, True)):
            for method, path in routes:
                for case in CASES:
                    await _send(sweep, client, caplog, method, path, case, with_key=with_key)
                    sent += 1
    assert sent >= len(routes) * len(CASES) * 3
    assert sweep.failures == [], f"{len(sweep.failures)} of {sent} requests:\n" + "\n".join(sweep.failures)


async def test_without_a_key_an_api_route_refuses_any_body_before_reading_it(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A route that answers a plain anonymous request 401 answers every hostile body 401 too (or 413 for a body
    over the cap, refused before anything reads it): an anonymous caller makes the platform parse nothing."""
    sweep = await _sweep_setup(harness)
    caplog.set_level(logging.WARNING)
    wrong: list[str] = []
    async with _client(harness) as anonymous:
        guarded = []
        for method, path in app_routes(harness):
            plain = await anonymous.request(method, sweep.url(path))
            # The API's 401 (the dashboard's sign-in form answers a wrong token 401 too, as a page).
            if plain.status_code == 401 and plain.headers["content-type"].startswith(JSON):
                guarded.append((method, path))
        assert ("POST", "/actions/rpc") in guarded and ("POST", "/mcp") in guarded
        assert ("POST", "/connect_sessions") in guarded and ("PATCH", "/accounts/{account_id}") in guarded
        for method, path in guarded:
            for case in CASES:
                response = await _send(sweep, anonymous, caplog, method, path, case, with_key=False)
                allowed = {401, 413} if case.oversize else {401}
                if response.status_code not in allowed:
                    wrong.append(f"{method} {path} [{case.name}]: {response.status_code}")
                elif response.status_code == 401:
                    assert "www-authenticate" in response.headers
    assert wrong == []
    assert sweep.failures == []


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 200, 600])
async def test_json_nested_deeper_than_the_bound_is_a_400_before_anything_changes(
    harness: Harness, caplog: pytest.LogCaptureFixture, depth: int
) -> None:
    sweep = await _sweep_setup(harness)
    caplog.set_level(logging.WARNING)
    auth = {**sweep.tenant.auth, "content-type": JSON}
    account_id = sweep.ids["account_id"]
    inner = deep_object(depth - 1)  # inside the body's own object: `depth` levels in all
    stats_before = (await harness.stats())["api_requests"]
    answers = [
        await harness.api.post(
            "/connect_sessions",
            content=b'{"origin_owner_id": "deep", "origin_owner_name": "Deep", "metadata": ' + inner + b"}",
            headers=auth,
        ),
        await harness.api.patch(
            f"/accounts/{account_id}", content=b'{"metadata": ' + inner + b"}", headers=auth
        ),
        await harness.api.post(
            "/actions/rpc",
            content=b'{"action": "' + ACTION.encode() + b'", "query": ' + inner + b"}",
            headers={**auth, "x-account-id": account_id},
        ),
    ]
    for answer in answers:
        assert answer.status_code == 400, (answer.request.url.path, answer.text)
        body = answer.json()
        assert body["code"] == "json_too_deep"
        assert body["statusCode"] == 400
        assert str(MAX_JSON_DEPTH) in body["message"]
    account = (await harness.api.get(f"/accounts/{account_id}", headers=sweep.tenant.auth)).json()
    assert not account.get("metadata")
    assert (await harness.stats())["api_requests"] == stats_before
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


async def test_json_nested_to_the_bound_is_served(harness: Harness) -> None:
    sweep = await _sweep_setup(harness)
    auth = sweep.tenant.auth
    metadata = orjson.loads(deep_object(MAX_JSON_DEPTH - 1))
    created = await harness.api.post(
        "/connect_sessions",
        json={"origin_owner_id": "deep", "origin_owner_name": "Deep", "metadata": metadata},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    updated = await harness.api.patch(
        f"/accounts/{sweep.ids['account_id']}", json={"metadata": metadata}, headers=auth
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["metadata"] == metadata
