"""`POST /unified/proxy` against the emulator on loopback: each method goes through with the account's token and
the provider's answer comes back; scopes, account status, refused headers and the size cap are enforced before
anything (or anything more) is sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from linkyard.config import Settings
from linkyard.connectors import get_connector
from tests.api.conftest import ALL_SCOPES, Harness, Tenant

API = f"/api/{get_connector('factorialhr').api_version}/resources"
SIZE_CAP = 20_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A size cap that a page of two employees fits in and the whole company's list does not."""
    return settings.model_copy(update={"proxy_max_response_bytes": SIZE_CAP})


async def linked(harness: Harness, *, scopes: list[str] = ALL_SCOPES) -> tuple[Tenant, dict[str, Any]]:
    """A project with the seeded company's admin linked (a user token) on a profile with `scopes`."""
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, scopes=scopes)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, account


async def proxy(harness: Harness, tenant: Tenant, account_id: str, **body: Any) -> httpx.Response:
    return await harness.api.post(
        "/unified/proxy", json=body, headers={**tenant.auth, "x-account-id": account_id}
    )


async def api_requests(harness: Harness) -> int:
    return int((await harness.stats())["api_requests"])


async def test_a_get_reaches_factorial_with_the_accounts_token_and_its_answer_comes_back(
    harness: Harness,
) -> None:
    tenant, account = await linked(harness)

    answer = await proxy(
        harness, tenant, account["id"], method="get", path=f"{API}/employees/employees?limit=2"
    )

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["x-content-type-options"] == "nosniff", "the provider's body is never sniffed"
    assert "sandbox" in answer.headers["content-security-policy"]
    assert "set-cookie" not in answer.headers
    page = answer.json()
    assert len(page["data"]) == 2 and page["meta"]["has_next_page"] is True
    action = await harness.rpc(tenant, account["id"], "factorialhr_list_employees", query={"page_size": "2"})
    assert [e["id"] for e in page["data"]] == [e["id"] for e in action.json()["data"]]
    assert (await proxy(harness, tenant, account["id"], path=f"{API}/api_public/credentials")).json()["data"][
        0
    ]["email"] == await harness.admin_email(), "method defaults to GET; the token is the linked admin's"


async def test_a_post_creates_and_a_delete_deletes_through_the_proxy(harness: Harness) -> None:
    tenant, account = await linked(harness)
    company_id = account["provider_account"]["company_id"]

    created = await proxy(
        harness,
        tenant,
        account["id"],
        method="post",
        path=f"{API}/ats/candidates",
        body={"first_name": "Ada", "last_name": "Proxy", "company_id": company_id},
    )
    assert created.status_code == 201, created.text
    candidate = created.json()
    assert candidate["first_name"] == "Ada"

    employee = account["provider_account"]["employee_id"]
    leave = await proxy(
        harness,
        tenant,
        account["id"],
        method="POST",
        path=f"{API}/timeoff/leaves",
        body={"employee_id": employee, "start_on": "2027-03-01", "finish_on": "2027-03-02"},
    )
    assert leave.status_code == 201, leave.text
    leave_id = leave.json()["id"]
    deleted = await proxy(
        harness, tenant, account["id"], method="delete", path=f"{API}/timeoff/leaves/{leave_id}"
    )
    assert deleted.status_code == 200, deleted.text
    gone = await proxy(harness, tenant, account["id"], path=f"{API}/timeoff/leaves/{leave_id}")
    assert gone.status_code == 404, "Factorial's 404 is passed on"
    assert gone.json()["code"] == "provider_refused"
    assert gone.json()["provider_errors"][0]["status"] == 404


async def test_a_patch_reaches_factorial_which_refuses_the_method_and_the_refusal_is_passed_on(
    harness: Harness,
) -> None:
    tenant, account = await linked(harness)
    employee = account["provider_account"]["employee_id"]

    answer = await proxy(
        harness,
        tenant,
        account["id"],
        method="patch",
        path=f"{API}/employees/employees/{employee}",
        body={"city": "Girona"},
    )

    # Factorial updates with PUT; it authenticated the token before refusing the method (a 401 would be a 412).
    assert answer.status_code == 405, answer.text
    assert answer.json()["provider_errors"][0]["status"] == 405
    routes = (await harness.stats())["requests_by_route"]
    assert routes.get("PATCH employees/employees/{id}") == 1


async def test_an_expired_token_is_refreshed_once_by_the_keeper_before_the_proxied_call(
    harness: Harness,
) -> None:
    tenant, account = await linked(harness)
    harness.advance(timedelta(hours=2))  # the user token lives an hour

    answers = [
        await proxy(harness, tenant, account["id"], path=f"{API}/api_public/credentials") for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200], answers[0].text
    assert (await harness.stats())["token_requests"]["refresh_token"] == 1


async def test_a_path_needs_the_scopes_of_its_resource_checked_before_any_call(harness: Harness) -> None:
    tenant, account = await linked(harness, scopes=["employees"])
    before = await api_requests(harness)

    leaves = await proxy(harness, tenant, account["id"], path=f"{API}/timeoff/leaves")
    projects = await proxy(harness, tenant, account["id"], path=f"{API}/project_management/projects")
    times = await proxy(harness, tenant, account["id"], path=f"{API}/project_management/time_records")
    unknown = await proxy(harness, tenant, account["id"], path=f"{API}/no_such_namespace/things")
    oauth = await proxy(harness, tenant, account["id"], method="post", path="/oauth/token", body={})

    assert leaves.status_code == 403 and leaves.json()["missing_scopes"] == ["time_off"], leaves.text
    assert projects.json()["missing_scopes"] == ["project_management_projects"], projects.text
    assert times.json()["missing_scopes"] == ["project_management_time"], times.text  # its own scope
    assert unknown.status_code == 403 and "missing_scopes" not in unknown.json(), unknown.text
    assert oauth.status_code == 400 and oauth.json()["code"] == "proxy_path_refused", oauth.text
    assert await api_requests(harness) == before, "nothing was sent to Factorial"
    allowed = await proxy(harness, tenant, account["id"], path=f"{API}/employees/employees?limit=1")
    assert allowed.status_code == 200, allowed.text


async def test_a_suspended_account_or_an_unknown_one_is_refused_before_any_call(harness: Harness) -> None:
    tenant, account = await linked(harness)
    suspended = await harness.api.patch(
        f"/accounts/{account['id']}", json={"status": "suspended"}, headers=tenant.auth
    )
    assert suspended.status_code == 200, suspended.text
    before = await api_requests(harness)

    refused = await proxy(harness, tenant, account["id"], path=f"{API}/employees/employees")
    unknown = await proxy(harness, tenant, "acc_unknown", path=f"{API}/employees/employees")
    nameless = await harness.api.post(
        "/unified/proxy", json={"path": f"{API}/employees/employees"}, headers=tenant.auth
    )

    assert refused.status_code == 412, refused.text
    assert unknown.status_code == 404, unknown.text
    assert nameless.status_code == 400, nameless.text
    assert await api_requests(harness) == before


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"Authorization": "Bearer stolen"}, "authorization"),
        ({"x-api-key": "another-credential"}, "x-api-key"),
        ({"Host": "evil.example"}, "host"),
        ({"Cookie": "session=1"}, "cookie"),
        ({"Proxy-Authorization": "Basic eDp5"}, "proxy-authorization"),
        ({"Connection": "close"}, "connection"),
        ({"Keep-Alive": "timeout=5"}, "keep-alive"),
        ({"TE": "trailers"}, "te"),
        ({"Trailer": "x-checksum"}, "trailer"),
        ({"Transfer-Encoding": "chunked"}, "transfer-encoding"),
        ({"Upgrade": "websocket"}, "upgrade"),
        ({"Connection": "x-hop", "x-hop": "1"}, "x-hop"),
        ({"Content-Length": "0"}, "content-length"),
        ({"Accept-Encoding": "br"}, "accept-encoding"),
    ],
)
async def test_credential_and_hop_by_hop_headers_are_refused_naming_them(
    harness: Harness, headers: dict[str, str], named: str
) -> None:
    tenant, account = await linked(harness)
    before = await api_requests(harness)

    answer = await proxy(harness, tenant, account["id"], path=f"{API}/employees/employees", headers=headers)

    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "proxy_header_refused"
    assert named in answer.json()["message"]
    assert await api_requests(harness) == before


async def test_header_values_with_line_breaks_are_refused(harness: Harness) -> None:
    tenant, account = await linked(harness)

    answer = await proxy(
        harness,
        tenant,
        account["id"],
        path=f"{API}/employees/employees",
        headers={"x-note": "a\r\nAuthorization: Bearer stolen"},
    )

    assert answer.status_code == 400 and answer.json()["code"] == "proxy_header_refused", answer.text
    assert "stolen" not in answer.text


async def test_an_answer_over_the_size_cap_is_refused_with_a_clear_error(harness: Harness) -> None:
    tenant, account = await linked(harness)

    answer = await proxy(harness, tenant, account["id"], path=f"{API}/employees/employees?limit=100")

    assert answer.status_code == 502, answer.text
    assert answer.json()["code"] == "response_too_large"
    assert f"{SIZE_CAP} bytes" in answer.json()["message"]
    small = await proxy(harness, tenant, account["id"], path=f"{API}/employees/employees?limit=2")
    assert small.status_code == 200 and len(small.content) < SIZE_CAP


async def test_every_namespace_of_factorials_api_is_reachable_with_the_scopes_its_actions_need(
    harness: Harness,
) -> None:
    """The proxy's rules and the actions agree: each endpoint's path is covered by a rule asking exactly the
    scopes of the action that calls it, and a namespace beyond the first hand-kept table answers."""
    connector = get_connector("factorialhr")
    assert connector.proxy is not None
    for action in connector.actions:
        rule = connector.proxy.rule_for(tuple(action.path.strip("/").split("/")))
        assert rule is not None, action.path
        assert sorted(rule.scopes) == sorted(action.required_scopes), (action.id, rule.prefix)

    tenant, account = await linked(harness)
    assets = await proxy(harness, tenant, account["id"], path=f"{API}/it_management/it_assets")
    assert assets.status_code == 200 and isinstance(assets.json()["data"], list), assets.text
