"""API versions as Factorial has them: its quarterly releases and the legacy `v2` answer, anything else is a 404
(before the credential is even looked at); the published clients' own versions keep working."""

from __future__ import annotations

import factorialhr
import httpx
import pytest
from factorial_api_client import FactorialClient
from starlette.applications import Starlette

from tests.emulator.conftest import BASE

RELEASES = [
    "2024-10-01",
    "2025-01-01",
    "2025-04-01",
    "2025-07-01",
    "2025-10-01",
    "2026-01-01",
    "2026-04-01",
    "2026-07-01",
    "2026-10-01",
]
UNKNOWN = [
    "2025-02-15",  # a real date, but no release
    "2027-01-01",  # the beta, not released
    "2099-01-01",
    "2024-07-01",  # before the first dated version
    "v1",  # removed
    "v3",
    "latest",
    "2026-13-45",
]


@pytest.mark.parametrize("version", [*RELEASES, "v2"])
async def test_every_release_and_v2_answer_with_ids_typed_by_version(
    client: httpx.AsyncClient, api_key: str, version: str
) -> None:
    response = await client.get(
        f"/api/{version}/resources/employees/employees", headers={"x-api-key": api_key}, params={"limit": 2}
    )

    assert response.status_code == 200, response.text
    first = response.json()["data"][0]
    assert isinstance(first["id"], str if version >= "2026-07-01" and version != "v2" else int)


@pytest.mark.parametrize("version", UNKNOWN)
async def test_an_unknown_version_is_a_404_with_or_without_a_credential(
    client: httpx.AsyncClient, api_key: str, version: str
) -> None:
    url = f"/api/{version}/resources/employees/employees"

    authenticated = await client.get(url, headers={"x-api-key": api_key})
    anonymous = await client.get(url)
    written = await client.post(
        f"/api/{version}/resources/timeoff/leaves",
        headers={"x-api-key": api_key},
        json={"employee_id": 1, "start_on": "2030-01-01"},
    )

    for response in (authenticated, anonymous, written):
        assert response.status_code == 404
        assert response.json() == {"errors": [f"Unknown API version {version!r}"]}


async def test_the_published_clients_default_versions_keep_working(emulator: Starlette, api_key: str) -> None:
    official = FactorialClient(api_key=api_key, base_url=BASE)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator), base_url=BASE, headers={"x-api-key": api_key}
    ) as http:
        official._client.set_async_httpx_client(http)
        employees = (await official.employees.employees.list_async()).data
    async with factorialhr.ApiClient(
        BASE, auth=factorialhr.ApiKeyAuth(api_key), transport=httpx.ASGITransport(app=emulator)
    ) as api:
        assert api.api_version == "2026-04-01"
        unofficial = list((await factorialhr.EmployeesEndpoint(api).all()).data())

    assert employees and all(isinstance(employee.id, str) for employee in employees)
    assert unofficial and all(isinstance(employee.id, int) for employee in unofficial)
    assert sorted(int(employee.id) for employee in employees) == sorted(e.id for e in unofficial)
