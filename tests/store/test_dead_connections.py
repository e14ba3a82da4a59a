"""Reads survive the database dropping the pool's connections, without a ping at every checkout."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from linkyard.store import Store
from tests.harness.database import PG_URL
from tests.store.conftest import BACKENDS, Tenant

POSTGRES_ONLY = [p for p in BACKENDS if p.id == "postgresql"]


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
async def test_a_read_after_the_server_dropped_the_pooled_connection_succeeds(
    store: Store, tenant: Tenant
) -> None:
    async with store.database.engine.connect() as conn:
        pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    assert PG_URL is not None
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    # The pooled connection is dead; the read is sent again on a new one instead of failing the call.
    found = await store.accounts.read(tenant.project.id, tenant.account.id)
    assert found.account.id == tenant.account.id
    async with store.database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one() != pid
