"""What a call costs the database: on a cold account one round trip, on a warm one none."""

from __future__ import annotations

from datetime import timedelta

import pytest

from linkyard.config import Settings
from tests.actions.conftest import API, Linked
from tests.harness.database import ON_BOTH_BACKENDS
from tests.harness.platform import Harness
from tests.harness.round_trips import traffic, without_background_queries

pytestmark = ON_BOTH_BACKENDS

ACTION = "factorialhr_get_credentials"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return without_background_queries(settings)


async def test_a_call_on_a_cold_account_costs_one_round_trip(harness: Harness, linked: Linked) -> None:
    tenant = linked.tenant
    assert (await harness.rpc(tenant, linked.account_id, ACTION)).status_code == 200
    async with traffic(harness.store) as sent:
        # Past every cache's lifetime: the account, its profile and its token are cold in this process.
        harness.advance(timedelta(seconds=6))
        listed = await harness.api.get("/actions", headers=tenant.auth)  # the API key is read again, alone
        assert listed.status_code == 200
        sent.reset()
        answer = await harness.rpc(tenant, linked.account_id, ACTION)
        assert answer.status_code == 200, answer.text
        # One joined read of the account, its profile and its credentials: no BEGIN/COMMIT, no pre-ping, and
        # the token keeper does not read the same rows again. On PostgreSQL, a connection of the point reads
        # prepares the read the first time it sends it: a round trip of its own, once per connection.
        assert sent.count() - sent.preparations() == 1 and sent.preparations() <= 1, sent.statements
        sent.reset()
        assert (await harness.rpc(tenant, linked.account_id, ACTION)).status_code == 200
        assert sent.count() == 0, sent.statements  # warm now: served from memory


async def test_a_proxied_call_on_a_cold_account_costs_one_round_trip(
    harness: Harness, linked: Linked
) -> None:
    tenant = linked.tenant
    headers = {**tenant.auth, "x-account-id": linked.account_id}
    body = {"method": "get", "path": f"{API}/employees/employees?limit=2"}
    assert (await harness.api.post("/unified/proxy", json=body, headers=headers)).status_code == 200
    async with traffic(harness.store) as sent:
        harness.advance(timedelta(seconds=6))
        assert (await harness.api.get("/actions", headers=tenant.auth)).status_code == 200
        sent.reset()
        answer = await harness.api.post("/unified/proxy", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        assert sent.count() - sent.preparations() == 1 and sent.preparations() <= 1, sent.statements
