"""The generic engine's behaviour on a resource it serves from the facts file alone (overtime requests), and the
writes it adds to hand-written resources, over HTTP in-process."""

from __future__ import annotations

from typing import Any

import httpx

from linkyard.emulator.factorial import create_app
from linkyard.factorial_facts import Model, load_facts

BASE = "http://factorial.test"
OVERTIME = "/api/2026-10-01/resources/attendance/overtime_requests"
EMPLOYEES = "/api/2026-10-01/resources/employees/employees"


async def _headers(client: httpx.AsyncClient, api_key: str) -> dict[str, str]:
    unlimited = await client.put("/_emulator/settings", json={"rate_limit_post_per_minute": None})
    assert unlimited.status_code == 200
    return {"x-api-key": api_key}


async def test_a_generic_resource_is_seeded_with_rows_that_name_real_employees(
    client: httpx.AsyncClient, api_key: str
) -> None:
    headers = await _headers(client, api_key)
    rows = (await client.get(OVERTIME, headers=headers)).json()["data"]
    employees = {row["id"] for row in (await client.get(EMPLOYEES, headers=headers)).json()["data"]}
    assert len(rows) == 5
    assert all(row["employee_id"] in employees for row in rows)
    assert all(isinstance(row["id"], str) and row["date"][4] == "-" for row in rows)


async def test_the_same_seed_seeds_the_same_generic_rows(api_key: str) -> None:
    answers = []
    for _ in range(2):
        app = create_app(seed=7, employees=60)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            company = (await http.get("/_emulator/companies")).json()[0]
            key = (await http.post("/_emulator/api_keys", json={"company_id": company["id"]})).json()[
                "api_key"
            ]
            rows = (await http.get(OVERTIME, headers={"x-api-key": key})).json()["data"]
        answers.append([{k: v for k, v in row.items() if not k.endswith("_at")} for row in rows])
        await app.state.webhooks.aclose()
    assert answers[0] == answers[1]


async def test_a_generic_list_pages_by_cursor_and_by_page_and_filters_by_employee(
    client: httpx.AsyncClient, api_key: str
) -> None:
    headers = await _headers(client, api_key)
    every = (await client.get(OVERTIME, headers=headers)).json()["data"]
    first = (await client.get(OVERTIME, headers=headers, params={"limit": 2})).json()
    assert [row["id"] for row in first["data"]] == [row["id"] for row in every[:2]]
    assert first["meta"]["has_next_page"] is True and first["meta"]["total"] == 5
    after = {"limit": 2, "after_id": first["meta"]["end_cursor"]}
    second = (await client.get(OVERTIME, headers=headers, params=after)).json()
    assert [row["id"] for row in second["data"]] == [row["id"] for row in every[2:4]]
    third = (await client.get(OVERTIME, headers=headers, params={"limit": 2, "page": 3})).json()
    assert [row["id"] for row in third["data"]] == [every[4]["id"]]
    one = every[0]["employee_id"]
    mine = (await client.get(OVERTIME, headers=headers, params={"employee_ids[]": one})).json()["data"]
    assert mine and all(row["employee_id"] == one for row in mine)
    bad = await client.get(OVERTIME, headers=headers, params={"employee_ids[]": "abc"})
    assert bad.status_code == 422
    assert bad.json() == {"errors": {"employee_ids": ["must be a list of ids"]}}


async def test_a_create_is_checked_against_the_request_model_then_got_updated_and_deleted(
    client: httpx.AsyncClient, api_key: str
) -> None:
    headers = await _headers(client, api_key)
    employee = (await client.get(EMPLOYEES, headers=headers)).json()["data"][2]["id"]
    missing = await client.post(OVERTIME, headers=headers, json={"date": "2030-05-04"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"employee_id": ["can't be blank"], "author_id": ["can't be blank"]}
    unknown = await client.post(
        OVERTIME,
        headers=headers,
        json={"date": "2030-05-04", "employee_id": "999999999", "author_id": employee},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"employee_id": ["does not exist"]}
    wrong_type = await client.post(
        OVERTIME,
        headers=headers,
        json={"date": "2030-05-04", "employee_id": employee, "author_id": employee, "hours_amount": "many"},
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"] == {"hours_amount": ["must be a number"]}
    body: dict[str, Any] = {"date": "2030-05-04", "employee_id": employee, "author_id": employee}
    created = await client.post(OVERTIME, headers=headers, json=body)
    assert created.status_code == 201, created.text
    row = created.json()
    assert (row["date"], row["employee_id"]) == ("2030-05-04", employee)
    url = f"{OVERTIME}/{row['id']}"
    assert (await client.get(url, headers=headers)).json() == row
    deleted = await client.delete(url, headers=headers)
    assert deleted.status_code == 200 and deleted.json()["id"] == row["id"]
    assert (await client.get(url, headers=headers)).status_code == 404


async def test_hand_written_resources_take_the_writes_they_used_to_refuse(
    client: httpx.AsyncClient, api_key: str
) -> None:
    headers = await _headers(client, api_key)
    team = await client.post(
        "/api/2026-10-01/resources/teams/teams", headers=headers, json={"name": "Platform guild"}
    )
    assert team.status_code == 201, team.text
    assert team.json()["name"] == "Platform guild"
    teams = (await client.get("/api/2026-10-01/resources/teams/teams", headers=headers)).json()["data"]
    assert team.json()["id"] in {row["id"] for row in teams}
    company = (await client.get("/api/2026-10-01/resources/api_public/credentials", headers=headers)).json()
    location = await client.post(
        "/api/2026-10-01/resources/locations/locations",
        headers=headers,
        json={
            "name": "Porto office",
            "country": "pt",
            "timezone": "Europe/Lisbon",
            "company_id": company["data"][0]["company_id"],
        },
    )
    assert location.status_code == 201, location.text
    assert location.json()["name"] == "Porto office"
    employee = (await client.get(EMPLOYEES, headers=headers)).json()["data"][3]["id"]
    shift = await client.post(
        "/api/2026-10-01/resources/attendance/shifts",
        headers=headers,
        json={"employee_id": employee, "date": "2030-05-04", "clock_in": "09:00", "clock_out": "13:00"},
    )
    assert shift.status_code == 201, shift.text
    assert shift.json()["employee_id"] == employee
    posting_body = {
        field.name: field.enum[0] if field.enum else "Data engineer"
        for field in _create_model("/api/2026-10-01/resources/ats/job_postings").required
    }
    posting = await client.post(
        "/api/2026-10-01/resources/ats/job_postings", headers=headers, json=posting_body
    )
    assert posting.status_code == 201, posting.text
    assert posting.json()["title"] == "Data engineer"
    refused = await client.post("/api/2026-10-01/resources/teams/teams", headers=headers, json={})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"name": ["can't be blank"]}}


def _create_model(path: str) -> Model:
    facts = load_facts()
    (endpoint,) = (e for e in facts.endpoints if e.method == "POST" and e.path == path)
    assert endpoint.body is not None
    return facts.model(endpoint.body.model)


async def test_a_providers_own_code_stays_text_in_the_versions_with_integer_ids(
    client: httpx.AsyncClient, api_key: str
) -> None:
    headers = await _headers(client, api_key)
    address = {
        "line1": "Calle 1",
        "city": "Barcelona",
        "postal_code": "08001",
        "state": "B",
        "country_code": "es",
    }
    body = {"name": "Acme", "address": address, "external_id": "81", "tax_id": "12345678"}
    created = await client.post("/api/2026-04-01/resources/finance/contacts", headers=headers, json=body)
    assert created.status_code in (200, 201), created.text
    contact = created.json()
    assert isinstance(contact["id"], int)
    assert (contact["external_id"], contact["tax_id"]) == ("81", "12345678")
