"""`filter[updated_after]` skips no record: every record updated at or after the time, each once, in Factorial's
order, walked through `next` in small pages, whether Factorial narrows the list first (employees, by day) or
Linkyard compares alone (time off), at the edges of a day and in offsets on both sides of UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 2, 150


async def _factorial_all(harness: Harness, path: str) -> list[dict[str, Any]]:
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    headers = {"x-api-key": created.json()["api_key"]}
    records: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params = {"limit": "100", **({"after_id": after} if after else {})}
        page = (await harness.factorial.get(f"{FACTORIAL_API}/{path}", params=params, headers=headers)).json()
        records += page["data"]
        if not page["meta"]["has_next_page"]:
            return records
        after = records[-1]["id"]


async def _linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, token_type="company", scopes=ALL_SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _walk(
    harness: Harness, tenant: Tenant, account_id: str, path: str, since: datetime, page_size: int
) -> list[str]:
    """Every id the unified list gives through `next`, filtered by `since` as sent (its offset kept)."""
    found: list[str] = []
    cursor: str | None = None
    while True:
        params = {
            "page_size": str(page_size),
            "filter[updated_after]": since.isoformat(),
            **({"next": cursor} if cursor else {}),
        }
        response: httpx.Response = await harness.api.get(
            f"/unified/hris/{path}", params=params, headers={**tenant.auth, "x-account-id": account_id}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        found += [record["id"] for record in body["data"]]
        cursor = body["next"]
        if cursor is None:
            return found


def _expected(records: list[dict[str, Any]], since: datetime) -> list[str]:
    return [r["id"] for r in records if datetime.fromisoformat(r["updated_at"]) >= since]


@pytest.mark.parametrize("path", ["employees/employees", "timeoff/leaves"])
async def test_no_record_updated_since_is_skipped_at_the_edges_of_a_day(harness: Harness, path: str) -> None:
    tenant, account_id = await _linked(harness)
    unified_path = {"employees/employees": "employees", "timeoff/leaves": "time_off"}[path]
    records = await _factorial_all(harness, path)
    times = sorted(datetime.fromisoformat(r["updated_at"]) for r in records)
    # A record updated in the first hours of its UTC day, the time asked being exactly its own (at or after:
    # it is in), written in an offset west of UTC that puts it on the day before; and one late in its day,
    # written east of UTC on the next day.
    early = next(moment for moment in times[len(times) // 3 :] if moment.hour < 6)
    late = next(moment for moment in times[len(times) // 3 :] if moment.hour >= 18)
    cases = [
        early.astimezone(timezone(timedelta(hours=-11))),
        late.astimezone(timezone(timedelta(hours=13))),
        early - timedelta(microseconds=1),
    ]
    for since in cases:
        expected = _expected(records, since)
        assert 0 < len(expected) < len(records)
        found = await _walk(harness, tenant, account_id, unified_path, since, page_size=13)
        assert found == expected, since.isoformat()
    # The record at the very time asked is in; a microsecond later, it is not.
    at_early = [r["id"] for r in records if datetime.fromisoformat(r["updated_at"]) == early]
    after_early = await _walk(
        harness, tenant, account_id, unified_path, early + timedelta(microseconds=1), page_size=50
    )
    assert at_early and not set(at_early) & set(after_early)
    assert set(at_early) <= set(await _walk(harness, tenant, account_id, unified_path, early, page_size=50))
