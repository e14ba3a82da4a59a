"""Reads survive the database dropping the pools' connections, without a ping at every checkout: the engine's
pool and the point reads' (`Database.fetch`, a cold call's read)."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from linkyard.config import resolve_database_url
from linkyard.errors import StoreError
from linkyard.store import Store, point_reads
from linkyard.store.account_reads import account_read_statement
from linkyard.store.database import Database, create_serving_engine
from tests.harness.database import PG_URL
from tests.store.conftest import BACKENDS, Tenant

POSTGRES_ONLY = [p for p in BACKENDS if p.id == "postgresql"]


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
async def test_a_read_after_the_server_dropped_every_pooled_connection_succeeds(
    store: Store, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The point reads hold one connection at most here (they open at the first read, below): the one killed.
    monkeypatch.setattr(point_reads, "POSTGRES_POINT_CONNECTIONS", 1)
    used: list[int] = []

    async def seen(connection: Any) -> None:
        used.append(connection.info.backend_pid)

    store.database.point_reads.listeners.append(seen)
    await store.accounts.read(tenant.project.id, tenant.account.id)
    async with store.database.engine.connect() as conn:
        pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    assert PG_URL is not None
    with psycopg.connect(PG_URL, autocommit=True) as admin:  # as a restart of the server would
        admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [[pid, *used]])

    # The point read's connection and the engine's are dead; the read is sent again through the engine, which
    # finds its connection dead too and sends it once more on a new one, instead of failing the call.
    found = await store.accounts.read(tenant.project.id, tenant.account.id)
    assert found.account.id == tenant.account.id
    assert used[-1] == used[0]  # that read was first sent on the dead connection of the point reads
    async with store.database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one() != pid


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
async def test_a_point_read_after_the_server_dropped_its_connection_succeeds(
    store: Store, tenant: Tenant
) -> None:
    used: list[int] = []

    async def seen(connection: Any) -> None:
        used.append(connection.info.backend_pid)

    store.database.point_reads.listeners.append(seen)
    await store.accounts.read(tenant.project.id, tenant.account.id)
    assert PG_URL is not None
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [used[-1]])
    dead = used[-1]

    # Every connection the point reads hold may be the dead one: each read still finds the account (sent again
    # through the engine when its connection fails), and the dead connection is not used again.
    for _ in range(3):
        found = await store.accounts.read(tenant.project.id, tenant.account.id)
        assert found.account.id == tenant.account.id
    assert used.count(dead) == 2, used
    assert used[-1] != dead


async def test_with_the_database_unreachable_a_point_read_fails_soon_and_says_nothing_of_the_url(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(point_reads, "POSTGRES_POINT_WAIT", 0.5)
    # Nothing listens on port 1: every connection attempt is refused.
    urls = resolve_database_url("postgresql://linkyard:n0t-for-logs@127.0.0.1:1/linkyard")
    database = Database(create_serving_engine(urls), "postgresql")
    try:
        with pytest.raises(StoreError) as refused:
            await asyncio.wait_for(database.fetch(account_read_statement(), {"account_id": "acc_1"}), 30)
    finally:
        await database.dispose()
    assert "n0t-for-logs" not in str(refused.value) and "n0t-for-logs" not in caplog.text
