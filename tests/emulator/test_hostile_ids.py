"""Hostile ids never crash the emulator: every resource route answers Factorial's 404 (or a 422 for a malformed
filter, cursor or body), never a 500, for ids that are huge, negative, not numbers, not ASCII or very long.

The routes come from the emulator's own resource table, so a resource added later is swept too.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from linkyard.emulator.factorial.generic import complete_resources
from linkyard.emulator.factorial.resources import Resource, build_resources

RESOURCES = complete_resources(build_resources())  # the hand-written resources and the generic engine's
VERSIONS = ["2026-10-01", "2026-04-01"]  # string ids, then integer ids
HOSTILE_IDS = [
    "1" * 5000,  # past Python's int() limit on long strings
    "9" * 20,  # beyond 64 bits
    "18446744073709551616",  # 2**64
    "-1",
    "0",
    "abc",
    "1.5",
    "1e3",
    " 1",
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # an Arabic-Indic digit
    "é" * 3000,
    "x" * 10_000,
    "1\n",
]
HOSTILE_JSON_IDS: list[Any] = [
    "1" * 5000,
    10**30,
    2**64,
    -1,
    -(2**63) - 1,
    "abc",
    "²",
    "é" * 3000,
    1.5,
    True,
    [1],
    {"id": 1},
]
ID_FIELDS = [
    "id",
    "employee_id",
    "manager_id",
    "timeoff_manager_id",
    "leave_type_id",
    "location_id",
    "legal_entity_id",
    "team_id",
    "company_id",
]
# Plausible bodies for every write, so that the hostile field is what the emulator has to judge.
BASE_BODY = {
    "id": 1,
    "employee_id": 1,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.test",
    "start_on": "2030-01-02",
    "finish_on": "2030-01-03",
    "effective_on": "2030-01-02",
    "starts_on": "2030-01-02",
    "terminated_on": "2030-01-02",
    "subscription_type": "employees/employee/create",
    "target_url": "https://hooks.example.test/in",
}


def _member_methods(resource: Resource) -> dict[str, bool]:
    """Each member method and whether the resource serves it (the others are Factorial's 405)."""
    return {
        "GET": resource.gettable and resource.listing is None,
        "PUT": resource.update is not None,
        "DELETE": resource.delete is not None,
    }


def _filter_names(resource: Resource) -> list[str]:
    names = ["ids[]", "after_id", "before_id", "limit", "page"]
    for flt in resource.filters:
        names.append(f"{flt.param}[]" if flt.param.endswith("ids") else flt.param)
    return names


@pytest.fixture
async def headers(client: httpx.AsyncClient, api_key: str) -> dict[str, str]:
    # Sweeps send more than Factorial's 200 POSTs a minute.
    unlimited = await client.put("/_emulator/settings", json={"rate_limit_post_per_minute": None})
    assert unlimited.status_code == 200
    return {"x-api-key": api_key}


async def _stats(client: httpx.AsyncClient) -> dict[str, Any]:
    return dict((await client.get("/_emulator/stats")).json())


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", sorted(RESOURCES))
async def test_a_hostile_id_in_the_path_is_factorials_404_on_every_resource(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, version: str
) -> None:
    resource = RESOURCES[path]
    for hostile in HOSTILE_IDS:
        url = f"/api/{version}/resources/{path}/{quote(hostile, safe='')}"
        for method, served in _member_methods(resource).items():
            response = await client.request(method, url, headers=headers, json={})
            expected = 404 if served else 405
            assert response.status_code == expected, (method, path, hostile[:12], response.text[:200])
            assert isinstance(response.json()["errors"], list)
            assert hostile not in response.text or len(hostile) < 3


@pytest.mark.parametrize("path", sorted(path for path, resource in RESOURCES.items() if resource.listable))
async def test_hostile_ids_in_filters_cursors_and_paging_are_never_a_500(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    for name in _filter_names(RESOURCES[path]):
        for hostile in HOSTILE_IDS:
            response = await client.get(
                f"/api/2026-10-01/resources/{path}", headers=headers, params={name: hostile}
            )
            assert response.status_code in (200, 422), (path, name, hostile[:12], response.text[:200])
            if response.status_code == 422:
                assert list(response.json()["errors"]) == [name.removesuffix("[]")]


async def test_an_out_of_range_id_in_a_filter_matches_nothing_and_a_malformed_one_is_422(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    url = "/api/2026-10-01/resources/employees/employees"
    huge = await client.get(url, headers=headers, params={"ids[]": "9" * 5000})
    assert huge.status_code == 200
    assert huge.json()["data"] == []
    malformed = await client.get(url, headers=headers, params={"ids[]": "²"})
    assert malformed.status_code == 422
    assert malformed.json()["errors"] == {"ids": ["must be a list of ids"]}
    endless = await client.get(url, headers=headers, params={"limit": "1" * 5000})
    assert endless.status_code == 200
    assert endless.json()["meta"]["limit"] == 100


@pytest.mark.parametrize("path", sorted(p for p, r in RESOURCES.items() if r.actions or r.create or r.update))
async def test_hostile_ids_in_request_bodies_are_never_a_500(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    # A field a write does not take is ignored, as Factorial ignores it: then the write may succeed.
    resource = RESOURCES[path]
    base = f"/api/2026-10-01/resources/{path}"
    writes = [f"{base}/{action}" for action in resource.actions]
    if resource.create is not None:
        writes.append(base)
    listed = await client.get(base, headers=headers, params={"limit": 1}) if resource.listable else None
    first = listed.json()["data"] if listed is not None else []
    for field in ID_FIELDS:
        for hostile in HOSTILE_JSON_IDS:
            body = {**BASE_BODY, field: hostile}
            for url in writes:
                if (
                    resource.multipart and url == base
                ):  # an upload: the same fields as form fields, and a file
                    fields = {name: json.dumps(value) for name, value in body.items()}
                    upload = {"file": ("a.txt", b"hello", "text/plain")}
                    response = await client.post(url, headers=headers, data=fields, files=upload)
                else:
                    response = await client.post(url, headers=headers, json=body)
                assert response.status_code in (200, 201, 404, 409, 422), (url, field, response.text[:200])
            if resource.update is not None and first:
                response = await client.put(
                    f"{base}/{first[0]['id']}", headers=headers, json={field: hostile}
                )
                assert response.status_code in (200, 404, 422), (path, field, response.text[:200])
    # Whatever was stored along the way still renders: the list answers.
    if resource.listable:
        assert (await client.get(base, headers=headers)).status_code == 200


@pytest.mark.parametrize("hostile", HOSTILE_JSON_IDS)
async def test_a_hostile_target_id_is_404_and_a_hostile_reference_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], hostile: Any
) -> None:
    base = "/api/2026-10-01/resources/timeoff/leaves"
    before = (await client.get(base, headers=headers)).json()["meta"]["total"]
    approve = await client.post(f"{base}/approve", headers=headers, json={"id": hostile})
    # Factorial finds the target by id: what names no leave is not found; what is not an id at all, invalid.
    assert approve.status_code in (404, 422), approve.text
    created = await client.post(
        base, headers=headers, json={"employee_id": hostile, "start_on": "2030-01-02"}
    )
    assert created.status_code == 422, created.text
    assert list(created.json()["errors"]) == ["employee_id"]
    assert str(hostile) not in created.text
    assert (await client.get(base, headers=headers)).json()["meta"]["total"] == before


async def test_oversized_numbers_are_refused_before_they_are_stored(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    base = "/api/2026-10-01/resources/contracts/contract_versions"
    version = (await client.get(base, headers=headers, params={"limit": 1})).json()["data"][0]
    for field in ("salary_amount", "working_hours"):
        response = await client.put(f"{base}/{version['id']}", headers=headers, json={field: 2**64})
        assert response.status_code == 422
        assert list(response.json()["errors"]) == [field]
    assert (await client.get(f"{base}/{version['id']}", headers=headers)).json() == version


async def test_hostile_paths_do_not_each_add_a_route_counter(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for hostile in HOSTILE_IDS:
        url = f"/api/2026-10-01/resources/employees/employees/{quote(hostile, safe='')}"
        assert (await client.get(url, headers=headers)).status_code == 404
    routes = (await _stats(client))["requests_by_route"]
    assert routes == {"GET employees/employees/{id}": len(HOSTILE_IDS)}


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "clock", {"advance_seconds": 1e308}, "advance_seconds"),
        ("PUT", "settings", {"access_token_ttl": 10**30}, "access_token_ttl"),
        ("POST", "reset", {"seed": 10**40}, "seed"),
        ("POST", "companies", {"name": "Big", "employees": 1, "seed": 10**40}, "seed"),
        ("POST", "faults", {"method": "GET", "path": "*", "status": 500, "times": 10**30}, "times"),
    ],
)
async def test_the_control_api_refuses_numbers_that_would_break_the_world(
    client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str, body: Any, field: str
) -> None:
    response = await client.request(method, f"/_emulator/{path}", json=body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    # The world still works.
    listed = await client.get("/api/2026-10-01/resources/employees/employees", headers=headers)
    assert listed.status_code == 200
