"""The hot path's read sent straight to the driver gives what SQLAlchemy gives, and the SQLite pool's own reset
still rolls back a transaction left open."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import make_url

from linkyard.domain import ManualClock
from linkyard.store import Store
from linkyard.store.account_reads import account_read_statement
from tests.store.conftest import BACKENDS, Tenant, tokens

SQLITE_ONLY = [p for p in BACKENDS if p.id == "sqlite"]


async def test_a_driver_read_gives_the_values_sqlalchemy_gives(
    store: Store, tenant: Tenant, clock: ManualClock
) -> None:
    project_id, account_id = tenant.project.id, tenant.account.id
    # Every kind of column set: JSON lists and objects, booleans, aware datetimes, NULLs, integers.
    await store.accounts.update(
        project_id, account_id, label="Payroll", metadata={"team": ["a", "b"], "n": 1}
    )
    clock.advance(timedelta(minutes=3))
    async with store.credentials.lock(project_id, account_id) as held:
        await held.replace(tokens("AT-1", None, clock))
    parameters = {"account_id": account_id}
    statement = account_read_statement()

    sent = await store.database.fetch(statement, parameters)
    async with store.database.read() as conn:
        expected = [dict(row._mapping) for row in await conn.execute(statement, parameters)]

    assert sent == expected and len(sent) == 1
    row = sent[0]
    assert {name: type(row[name]) for name in ("p_is_default", "a_scopes", "a_created_at")} == {
        name: type(expected[0][name]) for name in ("p_is_default", "a_scopes", "a_created_at")
    }
    assert row["a_created_at"].tzinfo is not None and row["c_refresh_token_encrypted"] is None
    assert row["a_metadata"] == {"team": ["a", "b"], "n": 1} and row["p_is_default"] is True
    # Read twice (the statement's compiled form is kept): the same again.
    assert await store.database.fetch(statement, parameters) == expected


async def test_a_driver_read_of_an_unknown_key_gives_no_row(store: Store, tenant: Tenant) -> None:
    parameters = {"account_id": "acc_unknown"}
    assert await store.database.fetch(account_read_statement(), parameters) == []


@pytest.mark.parametrize("backend", SQLITE_ONLY)
async def test_a_sqlite_connection_given_back_in_a_transaction_is_rolled_back(
    store: Store, tenant: Tenant
) -> None:
    async with store.database.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute("BEGIN IMMEDIATE")  # the database's write lock, held by this connection
        assert driver.in_transaction
    # Given back to the pool: the pool's reset rolled it back, so another connection takes the lock at once.
    database = make_url(store.database.engine.url).database
    assert database is not None
    other = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert await store.accounts.read(tenant.project.id, tenant.account.id)
