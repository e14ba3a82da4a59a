"""The REST API over HTTP: every resource of the spec's table, ids by version, pagination, errors, permissions."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.emulator.conftest import obtain_token, seeded_company

V = "/api/2026-10-01/resources"
V_INT = "/api/2026-04-01/resources"


def auth(key: str) -> dict[str, str]:
    return {"x-api-key": key}


async def listing(client: httpx.AsyncClient, key: str, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"{V}/{path}", headers=auth(key), params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


READ_ONLY_RESOURCES = [
    "employees/employees",
    "teams/teams",
    "teams/memberships",
    "locations/locations",
    "companies/legal_entities",
    "contracts/contract_versions",
    "timeoff/leave_types",
    "timeoff/leaves",
    "ats/job_postings",
    "ats/candidates",
    "ats/applications",
]


@pytest.mark.parametrize("path", READ_ONLY_RESOURCES)
async def test_list_then_get_each_resource_with_string_ids(
    client: httpx.AsyncClient, api_key: str, path: str
) -> None:
    page = await listing(client, api_key, path, limit=5)
    assert page["data"], f"{path} has seeded rows"
    first = page["data"][0]
    assert isinstance(first["id"], str)
    assert isinstance(first["company_id"], str)
    one = await client.get(f"{V}/{path}/{first['id']}", headers=auth(api_key))
    assert one.status_code == 200
    assert one.json() == first


@pytest.mark.parametrize(
    "path",
    [
        *READ_ONLY_RESOURCES,
        "holidays/company_holidays",
        "timeoff/allowances",
        "timeoff/allowance_stats",
        "attendance/shifts",
    ],
)
async def test_versions_before_2026_07_01_use_integer_ids(
    client: httpx.AsyncClient, api_key: str, path: str
) -> None:
    for prefix in (V_INT, "/api/v2/resources"):
        response = await client.get(f"{prefix}/{path}", headers=auth(api_key), params={"limit": 3})
        assert response.status_code == 200
        rows = response.json()["data"]
        assert rows, path
        for row in rows:
            id_fields = [k for k in row if (k == "id" or k.endswith("_id")) and row[k] is not None]
            assert all(isinstance(row[k], int) for k in id_fields), (path, row)


async def test_list_only_resources_answer(client: httpx.AsyncClient, api_key: str) -> None:
    for path in (
        "holidays/company_holidays",
        "timeoff/allowances",
        "timeoff/allowance_stats",
        "attendance/shifts",
    ):
        assert (await listing(client, api_key, path))["data"], path


async def test_cursor_pagination_meta_is_exact(client: httpx.AsyncClient, api_key: str) -> None:
    first = await listing(client, api_key, "employees/employees", limit=25)
    ids = [int(row["id"]) for row in first["data"]]
    assert first["meta"] == {
        "has_next_page": True,
        "has_previous_page": False,
        "limit": 25,
        "total": 60,
        "start_cursor": base64.b64encode(str(ids[0]).encode()).decode(),
        "end_cursor": base64.b64encode(str(ids[-1]).encode()).decode(),
    }
    second = await listing(
        client, api_key, "employees/employees", limit=25, after_id=first["meta"]["end_cursor"]
    )
    third = await listing(
        client, api_key, "employees/employees", limit=25, after_id=second["meta"]["end_cursor"]
    )
    assert len(third["data"]) == 10
    assert third["meta"]["has_next_page"] is False
    assert third["meta"]["has_previous_page"] is True
    every = [row["id"] for page in (first, second, third) for row in page["data"]]
    assert len(set(every)) == 60
    back = await listing(
        client, api_key, "employees/employees", limit=25, before_id=third["meta"]["start_cursor"]
    )
    assert back["data"] == second["data"]


async def test_offset_pagination_meta_has_no_cursors(client: httpx.AsyncClient, api_key: str) -> None:
    page = await listing(client, api_key, "employees/employees", page=3, limit=25)
    assert page["meta"] == {"has_next_page": False, "has_previous_page": True, "limit": 25, "total": 60}
    assert len(page["data"]) == 10


async def test_limit_above_100_means_100_as_factorial_documents(client: httpx.AsyncClient) -> None:
    company = await client.post("/_emulator/companies", json={"name": "Big Co", "employees": 130, "seed": 3})
    key = (await client.post("/_emulator/api_keys", json={"company_id": company.json()["id"]})).json()[
        "api_key"
    ]
    page = await listing(client, key, "employees/employees", limit=100000)
    assert page["meta"]["limit"] == 100
    assert len(page["data"]) == 100
    assert page["meta"]["total"] == 130


async def test_employee_filters(client: httpx.AsyncClient, api_key: str) -> None:
    everyone = (await listing(client, api_key, "employees/employees"))["data"]
    some = [everyone[2]["id"], everyone[5]["id"]]
    by_ids = await client.get(
        f"{V}/employees/employees", headers=auth(api_key), params=[("ids[]", i) for i in some]
    )
    assert [row["id"] for row in by_ids.json()["data"]] == some
    email = everyone[4]["login_email"]
    assert [
        r["id"]
        for r in (await listing(client, api_key, "employees/employees", **{"emails[]": email}))["data"]
    ] == [everyone[4]["id"]]
    active = (await listing(client, api_key, "employees/employees", only_active="true"))["data"]
    assert active and all(row["active"] for row in active)
    assert len(active) < len(everyone)
    managers = (await listing(client, api_key, "employees/employees", only_managers="true"))["data"]
    manager_ids = {row["manager_id"] for row in everyone}
    assert {row["id"] for row in managers} == manager_ids - {None}
    location = everyone[0]["location_id"]
    located = (await listing(client, api_key, "employees/employees", **{"location_ids[]": location}))["data"]
    assert located and all(row["location_id"] == location for row in located)
    team = (await listing(client, api_key, "teams/teams"))["data"][0]
    members = (await listing(client, api_key, "employees/employees", **{"team_ids[]": team["id"]}))["data"]
    assert {row["id"] for row in members} == set(team["employee_ids"])
    needle = everyone[7]["last_name"][:4]
    named = (await listing(client, api_key, "employees/employees", full_text_name=needle))["data"]
    assert everyone[7]["id"] in {row["id"] for row in named}


async def test_leave_filters(client: httpx.AsyncClient, api_key: str) -> None:
    leaves = (await listing(client, api_key, "timeoff/leaves"))["data"]
    states = {leave["approved"] for leave in leaves}
    assert states == {True, False, None}
    employee_id = leaves[0]["employee_id"]
    mine = (await listing(client, api_key, "timeoff/leaves", **{"employee_ids[]": employee_id}))["data"]
    assert mine and all(leave["employee_id"] == employee_id for leave in mine)
    approved = (await listing(client, api_key, "timeoff/leaves", approved="true"))["data"]
    assert approved and all(leave["approved"] is True for leave in approved)
    window = (await listing(client, api_key, "timeoff/leaves", **{"from": "2000-01-01", "to": "2000-01-31"}))[
        "data"
    ]
    assert window == []


async def test_create_update_and_delete_a_leave(client: httpx.AsyncClient, api_key: str) -> None:
    employee = (await listing(client, api_key, "employees/employees", only_active="true"))["data"][1]
    created = await client.post(
        f"{V}/timeoff/leaves",
        headers=auth(api_key),
        json={"employee_id": employee["id"], "start_on": "2031-05-05", "finish_on": "2031-05-06"},
    )
    assert created.status_code == 201
    leave = created.json()
    assert leave["approved"] is None and leave["days_taken"] == 2
    updated = await client.put(
        f"{V}/timeoff/leaves/{leave['id']}", headers=auth(api_key), json={"description": "Moved"}
    )
    assert updated.status_code == 200 and updated.json()["description"] == "Moved"
    rejected = await client.post(
        f"{V}/timeoff/leaves/reject", headers=auth(api_key), json={"id": leave["id"], "reason": "Busy"}
    )
    assert rejected.status_code == 200 and rejected.json()["approved"] is False
    deleted = await client.delete(f"{V}/timeoff/leaves/{leave['id']}", headers=auth(api_key))
    assert deleted.status_code == 200
    assert deleted.json()["id"] == leave["id"]
    assert deleted.json()["deleted_at"]
    assert (await client.get(f"{V}/timeoff/leaves/{leave['id']}", headers=auth(api_key))).status_code == 404


async def test_employee_actions_terminate_unterminate_invite_and_update(
    client: httpx.AsyncClient, api_key: str
) -> None:
    employee = (await listing(client, api_key, "employees/employees", only_active="true"))["data"][-1]
    terminated = await client.post(
        f"{V}/employees/employees/terminate",
        headers=auth(api_key),
        json={"id": employee["id"], "terminated_on": "2020-01-31", "termination_reason": "Moved abroad"},
    )
    assert terminated.status_code == 200
    assert terminated.json()["active"] is False and terminated.json()["terminated_on"] == "2020-01-31"
    back = await client.post(
        f"{V}/employees/employees/unterminate", headers=auth(api_key), json={"id": employee["id"]}
    )
    assert back.json()["active"] is True and back.json()["terminated_on"] is None
    invited = await client.post(
        f"{V}/employees/employees/invite", headers=auth(api_key), json={"id": employee["id"]}
    )
    assert invited.status_code == 200
    renamed = await client.put(
        f"{V}/employees/employees/{employee['id']}", headers=auth(api_key), json={"first_name": "Zoe"}
    )
    assert renamed.json()["first_name"] == "Zoe"
    assert renamed.json()["full_name"].startswith("Zoe ")


async def test_create_with_contract_makes_an_employee_and_a_contract_version(
    client: httpx.AsyncClient, api_key: str
) -> None:
    company = await seeded_company(client)
    created = await client.post(
        f"{V}/employees/employees/create_with_contract",
        headers=auth(api_key),
        json={
            "company_id": str(company["id"]),
            "first_name": "Nora",
            "last_name": "Vidal",
            "email": "nora.vidal@new-hire.example",
            "job_title": "Analyst",
        },
    )
    assert created.status_code == 200
    employee = created.json()
    versions = await listing(
        client, api_key, "contracts/contract_versions", **{"employee_ids[]": employee["id"]}
    )
    assert [v["job_title"] for v in versions["data"]] == ["Analyst"]
    again = await client.post(
        f"{V}/employees/employees/create_with_contract",
        headers=auth(api_key),
        json={
            "company_id": str(company["id"]),
            "first_name": "N",
            "last_name": "V",
            "email": "nora.vidal@new-hire.example",
        },
    )
    assert again.status_code == 422 and "email" in again.json()["errors"]


async def test_contract_version_create_and_update(client: httpx.AsyncClient, api_key: str) -> None:
    employee = (await listing(client, api_key, "employees/employees"))["data"][2]
    created = await client.post(
        f"{V}/contracts/contract_versions",
        headers=auth(api_key),
        json={
            "employee_id": employee["id"],
            "effective_on": "2031-01-01",
            "starts_on": "2031-01-01",
            "salary_amount": 5000000,
        },
    )
    assert created.status_code == 201
    version = created.json()
    assert version["salary_amount"] == 5000000 and version["employee_id"] == employee["id"]
    updated = await client.put(
        f"{V}/contracts/contract_versions/{version['id']}", headers=auth(api_key), json={"job_title": "Lead"}
    )
    assert updated.json()["job_title"] == "Lead"


async def test_clock_in_and_out(client: httpx.AsyncClient, api_key: str) -> None:
    employee = (await listing(client, api_key, "employees/employees", only_active="true"))["data"][4]
    started = await client.post(
        f"{V}/attendance/shifts/clock_in",
        headers=auth(api_key),
        json={"employee_id": employee["id"], "now": "2031-02-03T09:00:00Z"},
    )
    assert started.status_code == 200 and started.json()["clock_in"] == "09:00"
    twice = await client.post(
        f"{V}/attendance/shifts/clock_in",
        headers=auth(api_key),
        json={"employee_id": employee["id"], "now": "2031-02-03T09:05:00Z"},
    )
    assert twice.status_code == 422
    ended = await client.post(
        f"{V}/attendance/shifts/clock_out",
        headers=auth(api_key),
        json={"employee_id": employee["id"], "now": "2031-02-03T17:30:00Z"},
    )
    assert ended.status_code == 200
    assert ended.json()["clock_out"] == "17:30" and ended.json()["minutes"] == 510


async def test_candidate_create(client: httpx.AsyncClient, api_key: str) -> None:
    created = await client.post(
        f"{V}/ats/candidates",
        headers=auth(api_key),
        json={"first_name": "Ivo", "last_name": "Ruiz", "email": "ivo@cv.example"},
    )
    assert created.status_code == 201
    assert created.json()["full_name"] == "Ivo Ruiz"


async def test_webhook_subscription_crud(client: httpx.AsyncClient, api_key: str) -> None:
    created = await client.post(
        f"{V}/api_public/webhook_subscriptions",
        headers=auth(api_key),
        json={
            "subscription_type": "employees/employee/update",
            "target_url": "https://hooks.example/x",
            "challenge": "c1",
        },
    )
    assert created.status_code == 201
    subscription = created.json()
    assert subscription["type"] == "employees/employee/update" and subscription["enabled"] is True
    path = f"{V}/api_public/webhook_subscriptions/{subscription['id']}"
    assert (await client.get(path, headers=auth(api_key))).json() == subscription
    assert (await client.put(path, headers=auth(api_key), json={"enabled": False})).json()["enabled"] is False
    assert (await client.delete(path, headers=auth(api_key))).status_code == 200
    assert (await client.get(path, headers=auth(api_key))).status_code == 404


async def test_credentials_for_a_user_token_describe_the_employee(client: httpx.AsyncClient) -> None:
    company = await seeded_company(client)
    basic = next(user for user in company["users"] if user["role"] == "basic")
    token = await obtain_token(client, basic["email"])
    response = await client.get(
        f"{V}/api_public/credentials", headers={"authorization": f"Bearer {token['access_token']}"}
    )
    credential = response.json()["data"][0]
    assert credential["employee_id"] == str(basic["employee_id"])
    assert credential["company_id"] == str(company["id"])
    assert credential["login_email"] == basic["email"]


# --- errors and permissions ---------------------------------------------------------------------------------


async def test_missing_or_bad_credentials_are_401_with_a_json_body(client: httpx.AsyncClient) -> None:
    for headers in (
        {},
        {"x-api-key": "nope"},
        {"authorization": "Bearer nope"},
        {"authorization": "Basic abc"},
    ):
        response = await client.get(f"{V}/employees/employees", headers=headers)
        assert response.status_code == 401
        assert "errors" in response.json()


async def test_api_key_wins_over_a_bearer_token(client: httpx.AsyncClient, api_key: str) -> None:
    response = await client.get(
        f"{V}/employees/employees", headers={"x-api-key": api_key, "authorization": "Bearer bogus"}
    )
    assert response.status_code == 200


async def test_a_token_without_the_scope_gets_403(client: httpx.AsyncClient) -> None:
    company = await seeded_company(client)
    token = await obtain_token(client, company["admin"]["email"], scopes=["employees"])
    headers = {"authorization": f"Bearer {token['access_token']}"}
    assert (await client.get(f"{V}/employees/employees", headers=headers)).status_code == 200
    denied = await client.get(f"{V}/timeoff/leaves", headers=headers)
    assert denied.status_code == 403
    assert "time_off" in str(denied.json()["errors"])


async def test_non_admins_get_restricted_payloads_except_for_themselves(client: httpx.AsyncClient) -> None:
    company = await seeded_company(client)
    basic = next(user for user in company["users"] if user["role"] == "basic")
    token = await obtain_token(client, basic["email"])
    headers = {"authorization": f"Bearer {token['access_token']}"}
    rows = (await client.get(f"{V}/employees/employees", headers=headers)).json()["data"]
    me = next(row for row in rows if row["id"] == str(basic["employee_id"]))
    others = [row for row in rows if row["id"] != me["id"]]
    assert me["birthday_on"] is not None
    assert all(row["birthday_on"] is None and row["bank_number"] is None for row in others)
    assert all(row["full_name"] for row in others)


async def test_only_a_manager_or_admin_can_approve_a_leave(client: httpx.AsyncClient, api_key: str) -> None:
    company = await seeded_company(client)
    everyone = (await listing(client, api_key, "employees/employees"))["data"]
    managed = {row["timeoff_manager_id"] or row["manager_id"] for row in everyone if row["active"]}
    by_id = {row["id"]: row for row in everyone}
    manager_id = next(
        u["employee_id"]
        for u in company["users"]
        if str(u["employee_id"]) in managed and u["role"] == "basic"
    )
    report = next(
        row
        for row in everyone
        if row["active"] and (row["timeoff_manager_id"] or row["manager_id"]) == str(manager_id)
    )
    outsider = next(
        u
        for u in company["users"]
        if u["role"] == "basic"
        and str(u["employee_id"]) not in (report["manager_id"], report["timeoff_manager_id"])
    )
    assert by_id[report["id"]]
    leave = (
        await client.post(
            f"{V}/timeoff/leaves",
            headers=auth(api_key),
            json={"employee_id": report["id"], "start_on": "2032-01-05"},
        )
    ).json()
    outsider_token = await obtain_token(client, outsider["email"])
    refused = await client.post(
        f"{V}/timeoff/leaves/approve",
        headers={"authorization": f"Bearer {outsider_token['access_token']}"},
        json={"id": leave["id"]},
    )
    assert refused.status_code in (403, 404)
    manager_email = next(u["email"] for u in company["users"] if u["employee_id"] == manager_id)
    manager_token = await obtain_token(client, manager_email)
    approved = await client.post(
        f"{V}/timeoff/leaves/approve",
        headers={"authorization": f"Bearer {manager_token['access_token']}"},
        json={"id": leave["id"]},
    )
    assert approved.status_code == 200 and approved.json()["approved"] is True


async def test_companies_are_isolated(client: httpx.AsyncClient, api_key: str) -> None:
    other = (
        await client.post("/_emulator/companies", json={"name": "Other Co", "employees": 5, "seed": 9})
    ).json()
    other_key = (await client.post("/_emulator/api_keys", json={"company_id": other["id"]})).json()["api_key"]
    mine = (await listing(client, api_key, "employees/employees"))["data"][0]
    assert (
        await client.get(f"{V}/employees/employees/{mine['id']}", headers=auth(other_key))
    ).status_code == 404
    theirs = (await listing(client, other_key, "employees/employees"))["data"]
    assert len(theirs) == 5
    assert {row["company_id"] for row in theirs} == {str(other["id"])}
    put = await client.put(
        f"{V}/employees/employees/{mine['id']}", headers=auth(other_key), json={"first_name": "X"}
    )
    assert put.status_code == 404
    assert (await client.get(f"{V}/employees/employees/{mine['id']}", headers=auth(api_key))).json() == mine


BAD_REQUESTS = [
    ("GET", f"{V}/employees/employees/abc", None, 404),
    ("GET", f"{V}/employees/employees/99999999999", None, 404),
    ("GET", "/api/2026-13-45/resources/employees/employees", None, 404),
    ("GET", "/api/latest/resources/employees/employees", None, 404),
    ("GET", f"{V}/nothing/here", None, 404),
    ("GET", f"{V}/employees/employees?limit=-1", None, 422),
    ("GET", f"{V}/employees/employees?limit=abc", None, 422),
    ("GET", f"{V}/employees/employees?page=0", None, 422),
    ("GET", f"{V}/employees/employees?after_id=%%%", None, 422),
    ("GET", f"{V}/employees/employees?ids[]=x", None, 422),
    ("GET", f"{V}/employees/employees?only_active=maybe", None, 422),
    ("GET", f"{V}/employees/employees?updated_at_gteq=yesterday", None, 422),
    ("POST", f"{V}/timeoff/leaves", b"{not json", 400),
    ("POST", f"{V}/timeoff/leaves", b"[1, 2]", 422),
    ("POST", f"{V}/timeoff/leaves", b'{"employee_id": "abc", "start_on": "2030-01-01"}', 422),
    ("POST", f"{V}/timeoff/leaves", b'{"employee_id": 1, "start_on": "not a date"}', 422),
    ("POST", f"{V}/timeoff/leaves", b'{"start_on": "2030-01-01"}', 422),
    ("POST", f"{V}/timeoff/leaves/approve", b'{"id": {"x": 1}}', 422),
    ("POST", f"{V}/timeoff/leaves/approve", b'{"id": 424242424242}', 404),
    ("POST", f"{V}/timeoff/leaves/explode", b"{}", 404),
    ("PATCH", f"{V}/employees/employees/1", b"{}", 405),
    ("DELETE", f"{V}/employees/employees/1", None, 405),
    (
        "POST",
        f"{V}/api_public/webhook_subscriptions",
        b'{"subscription_type": "x", "target_url": "ftp://a"}',
        422,
    ),
]


@pytest.mark.parametrize(("method", "url", "body", "status"), BAD_REQUESTS)
async def test_bad_input_is_a_4xx_json_answer_and_changes_nothing(
    client: httpx.AsyncClient, api_key: str, method: str, url: str, body: bytes | None, status: int
) -> None:
    before = (await listing(client, api_key, "timeoff/leaves"))["meta"]["total"]
    response = await client.request(
        method, url, headers={**auth(api_key), "content-type": "application/json"}, content=body
    )
    assert response.status_code == status, response.text
    assert "errors" in response.json()
    assert (await listing(client, api_key, "timeoff/leaves"))["meta"]["total"] == before


async def test_422_names_the_field_without_echoing_the_value(client: httpx.AsyncClient, api_key: str) -> None:
    response = await client.post(
        f"{V}/timeoff/leaves",
        headers=auth(api_key),
        json={"employee_id": "SENTINEL-VALUE", "start_on": "2030-01-01"},
    )
    assert response.status_code == 422
    assert "employee_id" in response.json()["errors"]
    assert "SENTINEL-VALUE" not in response.text


async def test_post_rate_limit_answers_429_with_retry_after(client: httpx.AsyncClient, api_key: str) -> None:
    await client.put("/_emulator/settings", json={"rate_limit_post_per_minute": 2})
    body = {"first_name": "A", "last_name": "B"}
    statuses = [
        (await client.post(f"{V}/ats/candidates", headers=auth(api_key), json=body)).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    limited = await client.post(f"{V}/ats/candidates", headers=auth(api_key), json=body)
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert (await client.get(f"{V}/ats/candidates", headers=auth(api_key))).status_code == 200
    await client.post("/_emulator/clock", json={"advance_seconds": 61})
    assert (await client.post(f"{V}/ats/candidates", headers=auth(api_key), json=body)).status_code == 201


async def test_stats_count_api_requests_exactly(client: httpx.AsyncClient, api_key: str) -> None:
    before = (await client.get("/_emulator/stats")).json()
    for _ in range(3):
        await client.get(f"{V}/teams/teams", headers=auth(api_key))
    await client.get(f"{V}/teams/teams/1", headers=auth(api_key))
    after = (await client.get("/_emulator/stats")).json()
    assert after["api_requests"] - before["api_requests"] == 4
    assert (
        after["requests_by_route"]["GET teams/teams"] - before["requests_by_route"].get("GET teams/teams", 0)
        == 3
    )
