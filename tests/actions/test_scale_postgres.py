"""One running platform grown from 10 to 100,000 accounts on PostgreSQL keeps a call's cost flat (issue 16).

No manual step between the stages: the accounts are written while the platform serves, the way a long-running
server sees its tables grow. What must hold at every size: a call on a cold account is one round trip, its read
an index scan on the primary key. That read is prepared on the point reads' connections, whose plan was made
while `accounts` had 10 rows and is kept for the connection's life: it must be an index scan from the start
(sequential scans are off there). Nothing is prepared on the engine's connections, which serve every other
statement and plan each with the tables' current size.
Speed is the bench's (`bench/scale_bench.py`, figures in docs/benchmarks.md), never asserted here: a shared
machine's timings would make this test flaky without proving more than the structure does.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from psycopg import sql
from sqlalchemy import text

from linkyard.config import Settings
from linkyard.services.platform import Platform
from linkyard.store.account_reads import account_read_statement
from tests.actions.conftest import Linked
from tests.harness.bulk import link_accounts
from tests.harness.database import BACKENDS
from tests.harness.platform import Harness
from tests.harness.round_trips import traffic, without_background_queries

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("backend", [p for p in BACKENDS if p.id == "postgresql"], indirect=True),
]

ACTION = "factorialhr_get_credentials"
STAGES = (10, 1_000, 10_000, 100_000)
CALLS = 300


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return without_background_queries(settings)


async def call(harness: Harness, linked: Linked, account_id: str) -> None:
    answer = await harness.rpc(linked.tenant, account_id, ACTION)
    assert answer.status_code == 200, answer.text


async def prepare(platform: Platform, project_id: str, account_id: str) -> None:
    """What `run_action` reads before calling the provider: the account, its profile, a token."""
    found = await platform.store.accounts.read_recent(project_id, account_id)
    assert await platform.keeper.access_token(project_id, account_id, read=found)


async def plan_kept(connection: Any, account_id: str) -> str:
    """The plan a point reads' connection keeps for the account read (its generic plan), from that connection."""
    found = await connection.execute(
        "SELECT name FROM pg_prepared_statements WHERE statement LIKE 'SELECT accounts.id AS a_id,%'"
    )
    (name,) = await found.fetchone()
    explained = await connection.execute(
        sql.SQL("EXPLAIN EXECUTE {}({})").format(sql.Identifier(name), sql.Literal(account_id))
    )
    return "\n".join(row[0] for row in await explained.fetchall())


async def test_a_platform_grown_from_10_to_100000_accounts_keeps_calls_flat(
    harness: Harness, linked: Linked
) -> None:
    store = harness.store
    platform: Platform = harness.app.state.platform
    project_id = linked.tenant.project_id
    token = await store.credentials.get(linked.tenant.project_id, linked.account_id)
    assert token is not None  # a company token: it works for every account sealed with it
    profile_id = (await store.accounts.get(linked.tenant.project_id, linked.account_id)).profile_id
    ids: list[str] = [linked.account_id]
    rng = random.Random(16)
    figures = []
    point_connections: list[Any] = []  # those the point reads used, as the cold calls' reads went by

    async def seen(connection: Any) -> None:
        point_connections.append(connection)

    for stage in STAGES:
        ids += await link_accounts(
            store,
            linked.tenant.project_id,
            profile_id,
            stage - len(ids),
            token=token,
            now=harness.clock(),
            prefix=f"stage-{stage}",
        )
        for _ in range(CALLS):  # random accounts, each through the whole path
            await prepare(platform, project_id, rng.choice(ids))
        for _ in range(5):
            await call(harness, linked, rng.choice(ids))

        # A cold account: one round trip (and, the first time a connection sends it, the read's preparation).
        store.database.point_reads.listeners.append(seen)
        async with traffic(store) as sent:
            cold = next(i for i in reversed(ids) if i != linked.account_id)
            harness.advance(timedelta(seconds=6))
            assert (await harness.api.get("/actions", headers=linked.tenant.auth)).status_code == 200
            sent.reset()
            await call(harness, linked, cold)
            assert sent.count() - sent.preparations() == 1 and sent.preparations() <= 1
        store.database.point_reads.listeners.remove(seen)
        prepared_plan = await plan_kept(point_connections[-1], cold)
        assert "Seq Scan" not in prepared_plan and "pk_accounts" in prepared_plan, prepared_plan
        async with store.database.engine.connect() as conn:
            prepared = (await conn.execute(text("SELECT count(*) FROM pg_prepared_statements"))).scalar_one()
            compiled = account_read_statement().compile(conn.sync_connection)
            parameters = compiled.construct_params({"account_id": cold})
            explained = await conn.exec_driver_sql(f"EXPLAIN {compiled}", parameters)
            plan = "\n".join(row[0] for row in explained)
        assert prepared == 0
        if stage >= 1_000:  # at 10 rows a sequential scan is the planner's right choice
            assert "Seq Scan on accounts" not in plan and "pk_accounts" in plan, plan

        figures.append((stage, prepared_plan.splitlines()[0], plan.splitlines()[0] if plan else ""))
    # Speed is the bench's (bench/scale_bench.py, docs/benchmarks.md): this test holds the structure that keeps
    # a cold call flat (one round trip, an index scan whatever the table's size when the read was prepared).
    print("accounts, plan kept for the cold read, plan of the same read made now:", figures)
