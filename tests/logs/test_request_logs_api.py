"""Request logs through the API: every action call, MCP tool call and token refresh is logged with its provider
steps, listed with StackOne's filters and keyset paging, and one project never sees another's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from linkyard.connectors import get_connector
from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant

pytestmark = ON_BOTH_BACKENDS

LIST = "factorialhr_list_employees"
CREDENTIALS = "factorialhr_get_credentials"


async def _linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _logs(harness: Harness, tenant: Tenant, **params: Any) -> httpx.Response:
    return await harness.api.get("/requests/logs", params=params, headers=tenant.auth)


async def test_an_action_call_is_logged_with_its_provider_step(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    called = await harness.rpc(tenant, account_id, LIST, query={"page_size": "5"})
    assert called.status_code == 200, called.text

    listed = await _logs(harness, tenant, include="step_logs")
    assert listed.status_code == 200, listed.text
    [log] = listed.json()["data"]
    assert log["action"] == LIST
    assert log["account_id"] == account_id
    assert (log["status"], log["success"], log["provider"], log["http_method"]) == (
        200,
        True,
        "factorialhr",
        "POST",
    )
    assert log["path"] == "/actions/rpc"
    [step] = log["step_requests"]
    assert step["http_method"] == "GET"
    assert step["status"] == 200
    assert step["url"].startswith("http://factorial.test/") and "?" not in step["url"]

    detail = await harness.api.get(f"/requests/logs/{log['request_id']}", headers=tenant.auth)
    assert detail.status_code == 200, detail.text
    full = detail.json()["data"]
    [step] = full["step_requests"]
    assert step["request"]["url"]["hostname"] == "factorial.test"
    assert step["request"]["headers"]["authorization"] == "[REDACTED]"
    # Bodies are off by default.
    assert full["request"]["body"] is None and full["response"]["body"] is None
    assert step["request"]["body"] is None and step["response"]["body"] is None


async def _mcp(
    harness: Harness, tenant: Tenant, account_id: str, name: str, arguments: dict[str, Any]
) -> Any:
    message = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    answer = await harness.api.post(
        "/mcp",
        json=message,
        headers={**tenant.auth, "x-account-id": account_id, "accept": "application/json, text/event-stream"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


async def test_a_failed_call_says_why_and_which_provider_call_failed(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    fault = {"method": "GET", "path": "/api/*/resources/employees/employees*", "status": 503, "times": 10}
    assert (await harness.factorial.post("/_emulator/faults", json=fault)).status_code in (200, 201)
    called = await harness.rpc(tenant, account_id, LIST)
    assert called.status_code == 502, called.text

    [log] = (await _logs(harness, tenant, success="false")).json()["data"]
    assert (log["status"], log["success"]) == (502, False)
    assert log["error"] == called.json()["message"]
    full = (await harness.api.get(f"/requests/logs/{log['request_id']}", headers=tenant.auth)).json()["data"]
    statuses = [step["status"] for step in full["step_requests"]]
    assert statuses and set(statuses) == {503}  # each attempt (GETs are retried) is a step


async def test_mcp_tool_calls_are_logged_with_the_actions_outcome(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    done = await _mcp(harness, tenant, account_id, LIST, {"query": {"page_size": "2"}})
    assert done["isError"] is False
    harness.advance(timedelta(seconds=1))
    failed = await _mcp(harness, tenant, account_id, "factorialhr_no_such_action", {})
    assert failed["isError"] is True

    logs = (await _logs(harness, tenant, order_direction="asc", include="step_logs")).json()["data"]
    assert [(log["action"], log["status"], log["source_type"]) for log in logs] == [
        (LIST, 200, "mcp"),
        ("factorialhr_no_such_action", 404, "mcp"),
    ]
    assert len(logs[0]["step_requests"]) == 1 and logs[1]["step_requests"] == []
    assert logs[1]["error"] == failed["structuredContent"]["message"]


async def test_a_token_refresh_is_logged_with_its_token_call_and_no_token(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application()
    await harness.profile(tenant, application)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    before = await harness.store.credentials.get(tenant.project_id, account["id"])
    harness.advance(timedelta(hours=2))
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    after = await harness.store.credentials.get(tenant.project_id, account["id"])
    assert before is not None and after is not None and after.access_token != before.access_token

    listed = (await _logs(harness, tenant, actions="refresh_token", include="step_logs")).json()["data"]
    [refresh] = listed
    assert (refresh["status"], refresh["success"], refresh["account_id"]) == (200, True, account["id"])
    assert refresh["service"] == "oauth" and refresh["source_type"] == "api"
    [step] = refresh["step_requests"]
    assert (step["http_method"], step["status"]) == ("POST", 200)
    assert step["url"] == "http://factorial.test/oauth/token"
    shown = (await harness.api.get(f"/requests/logs/{refresh['request_id']}", headers=tenant.auth)).text
    for secret in (
        before.refresh_token,
        after.refresh_token,
        after.access_token,
        application["client_secret"],
    ):
        assert secret and secret not in shown


async def test_lists_filter_as_stackones_client_asks(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    assert (await harness.rpc(tenant, account_id, LIST)).status_code == 200
    harness.advance(timedelta(minutes=1))
    assert (
        await harness.rpc(tenant, account_id, "factorialhr_get_employee", path={"id": "0"})
    ).status_code == 404
    harness.advance(timedelta(minutes=1))
    assert (await harness.rpc(tenant, account_id, "factorialhr_no_such_action")).status_code == 404
    moment = harness.clock()

    async def actions(**params: Any) -> list[str]:
        answer = await _logs(harness, tenant, **params)
        assert answer.status_code == 200, answer.text
        return [log["action"] for log in answer.json()["data"]]

    everything = [LIST, "factorialhr_get_employee", "factorialhr_no_such_action"][::-1]
    assert await actions() == everything
    assert await actions(status_codes="4xx") == everything[:2]
    assert await actions(status_codes="200,500-599") == [LIST]
    assert await actions(success="true") == [LIST]
    assert await actions(actions=f"{LIST},factorialhr_no_such_action") == [everything[0], LIST]
    assert await actions(**{"filter[actions]": LIST}) == [LIST]
    assert await actions(account_ids=account_id) == everything
    assert await actions(account_ids="acc_someone_else") == []
    assert await actions(providers="factorialhr", http_methods="post") == everything
    start = (moment - timedelta(seconds=90)).isoformat()
    assert await actions(start_date=start) == everything[:2]
    assert await actions(end_date=start) == [LIST]
    assert await actions(sub_resources="anything") == []


async def test_the_clients_other_filters_select_by_what_each_names(harness: Harness) -> None:
    """`request_ids`, `services`, `resources`, `source_types` and `source_values` on the logs and the steps, and
    `categories` on the platform logs: each keeps what it names and drops the rest (none is ignored)."""
    tenant, account_id = await _linked(harness)
    assert (await harness.rpc(tenant, account_id, LIST)).status_code == 200
    harness.advance(timedelta(seconds=1))
    assert (await harness.rpc(tenant, account_id, CREDENTIALS)).status_code == 200
    assert (await harness.api.get("/accounts", headers=tenant.auth)).status_code == 200
    listed = (await _logs(harness, tenant)).json()["data"]
    assert [log["action"] for log in listed] == [CREDENTIALS, LIST]
    credentials, employees = listed
    assert credentials["resource"] != employees["resource"], listed

    async def ids(route: str, **params: str) -> list[str]:
        answer = await harness.api.get(route, params=params, headers=tenant.auth)
        assert answer.status_code == 200, (params, answer.text)
        return [log["request_id"] for log in answer.json()["data"]]

    logs, steps = "/requests/logs", "/requests/logs/steps"
    both = [credentials["request_id"], employees["request_id"]]
    assert await ids(logs, request_ids=employees["request_id"]) == [employees["request_id"]]
    assert await ids(logs, request_ids=",".join(both)) == both
    assert await ids(logs, request_ids="req_someone_else") == []
    assert await ids(logs, resources=str(employees["resource"])) == [employees["request_id"]]
    assert await ids(logs, services=str(employees["service"])) == both
    assert await ids(logs, services="ats_nothing") == []
    assert await ids(logs, source_types=str(employees["source_type"])) == both
    assert await ids(logs, source_types="worker") == []
    assert await ids(logs, source_values="/actions/rpc") == both
    assert await ids(logs, source_values="/elsewhere") == []
    assert await ids(steps, request_ids=employees["request_id"]) == [employees["request_id"]]
    assert await ids(steps, resources=str(credentials["resource"])) == [credentials["request_id"]]
    assert await ids(steps, services="ats_nothing") == []

    platform = "/requests/platform-logs"
    accounts = await ids(platform, categories="accounts")
    assert accounts and await ids(platform, categories="accounts,connectors") == accounts
    assert await ids(platform, categories="webhooks_nothing") == []


async def test_keyset_paging_walks_every_log_once_in_the_order_asked(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    for _ in range(5):
        assert (await harness.rpc(tenant, account_id, CREDENTIALS)).status_code == 200
        harness.advance(timedelta(seconds=1))

    async def walk(**params: Any) -> list[str]:
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = await _logs(harness, tenant, page_size=2, **params, **({"next": cursor} if cursor else {}))
            assert page.status_code == 200, page.text
            body = page.json()
            seen += [log["request_id"] for log in body["data"]]
            cursor = body["next"]
            if cursor is None:
                return seen

    newest_first = await walk()
    assert len(newest_first) == len(set(newest_first)) == 5
    assert await walk(order_direction="asc") == newest_first[::-1]
    by_duration = await walk(order_by="duration", order_direction="asc")
    assert sorted(by_duration) == sorted(newest_first)
    first = (await _logs(harness, tenant, page_size=2)).json()["next"]
    other_order = await _logs(harness, tenant, next=first, order_direction="asc")
    assert other_order.status_code == 400


async def test_bad_list_parameters_are_400_naming_them(harness: Harness) -> None:
    tenant, _ = await _linked(harness)
    cases = {
        "colour": "blue",
        "status_codes": "abc",
        "start_date": "yesterday",
        "success": "maybe",
        "page_size": "0",
        "order_by": "name",
        "order_direction": "up",
        "next": "not-a-cursor",
        "include": "everything",
    }
    for name, value in cases.items():
        answer = await _logs(harness, tenant, **{name: value})
        assert answer.status_code == 400, (name, answer.text)
        assert answer.json()["statusCode"] == 400
    unknown = await _logs(harness, tenant, colour="blue")
    assert "colour" in unknown.json()["message"]
    # A `filter[...]` the logs do not serve is refused the same way, naming it (api/queries.py).
    unserved = await _logs(harness, tenant, **{"filter[colour]": "blue"})
    assert unserved.status_code == 400, unserved.text
    assert unserved.json()["code"] == "unknown_query_parameter"
    assert "'filter[colour]'" in unserved.json()["message"]


async def test_another_projects_logs_are_out_of_reach(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    assert (await harness.rpc(tenant, account_id, LIST)).status_code == 200
    [log] = (await _logs(harness, tenant)).json()["data"]
    other = await harness.tenant("Other Co")

    assert (
        await harness.api.get(f"/requests/logs/{log['request_id']}", headers=other.auth)
    ).status_code == 404
    assert (await harness.api.get("/requests/logs/req_unknown", headers=tenant.auth)).status_code == 404
    assert (await _logs(harness, other, account_ids=account_id)).json()["data"] == []
    steps = await harness.api.get("/requests/logs/steps", headers=other.auth)
    assert steps.json() == {"data": [], "next": None}
    mine = await harness.api.get("/requests/logs/steps", headers=tenant.auth)
    assert [step["request_id"] for step in mine.json()["data"]] == [log["request_id"]]


async def test_platform_calls_are_platform_logs(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    harness.advance(timedelta(seconds=1))
    assert (await harness.api.get("/accounts", headers=tenant.auth)).status_code == 200
    harness.advance(timedelta(seconds=1))
    missing = await harness.api.get("/accounts/acc_nobody", headers=tenant.auth)
    assert missing.status_code == 404
    answer = await harness.api.get(
        "/requests/platform-logs", params={"categories": "accounts"}, headers=tenant.auth
    )
    assert answer.status_code == 200, answer.text
    logs = answer.json()["data"]
    assert [(log["path"], log["status"]) for log in logs][:2] == [
        ("/accounts/acc_nobody", 404),
        ("/accounts", 200),
    ]
    assert all(log["category"] == "accounts" for log in logs)
    failed = await harness.api.get(
        "/requests/platform-logs",
        params={"status_codes": "404", "categories": "accounts"},
        headers=tenant.auth,
    )
    assert [log["path"] for log in failed.json()["data"]] == ["/accounts/acc_nobody"]
    # Action calls are request logs, not platform logs.
    assert (await harness.rpc(tenant, account_id, LIST)).status_code == 200
    listed = await harness.api.get("/requests/platform-logs", params={"actions": LIST}, headers=tenant.auth)
    assert listed.json()["data"] == []


async def test_a_proxied_call_is_logged_like_an_action_with_its_provider_step(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    api = f"/api/{get_connector('factorialhr').api_version}/resources"
    proxied = await harness.api.post(
        "/unified/proxy",
        json={"method": "get", "path": f"{api}/employees/employees?limit=2"},
        headers={**tenant.auth, "x-account-id": account_id},
    )
    assert proxied.status_code == 200, proxied.text
    harness.advance(timedelta(seconds=1))
    refused = await harness.api.post(
        "/unified/proxy",
        json={"path": "/oauth/token"},
        headers={**tenant.auth, "x-account-id": account_id},
    )
    assert refused.status_code in (400, 403), refused.text

    logs = (await _logs(harness, tenant, actions="proxy", include="step_logs")).json()["data"]
    assert [(log["status"], log["account_id"], log["provider"]) for log in logs] == [
        (refused.status_code, account_id, "factorialhr"),
        (200, account_id, "factorialhr"),
    ]
    assert logs[0]["step_requests"] == [] and logs[0]["error"] == refused.json()["message"]
    [step] = logs[1]["step_requests"]
    assert step["url"] == f"http://factorial.test{api}/employees/employees" and step["status"] == 200
    full = (await harness.api.get(f"/requests/logs/{logs[1]['request_id']}", headers=tenant.auth)).json()
    assert full["data"]["step_requests"][0]["request"]["url"]["query_params"] == {"limit": "2"}
