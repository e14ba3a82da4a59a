"""Closing a store: connections still in use (a job's write finishing at shutdown) are waited for and closed by
the pool, never dropped unclosed with a discarded pool."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, text

from linkyard.store import Store


async def test_closing_waits_for_a_connection_in_use_and_closes_it_when_it_comes_back(store: Store) -> None:
    database = store.database
    closed: list[Any] = []
    event.listen(database.engine.sync_engine, "close", lambda dbapi, _record: closed.append(dbapi))
    held = await database.engine.connect()
    await held.execute(text("SELECT 1"))
    dbapi = (await held.get_raw_connection()).dbapi_connection

    closing = asyncio.create_task(database.dispose())
    done, _ = await asyncio.wait({closing}, timeout=0.5)
    assert not done, "the pool was closed while a connection was still in use"

    await held.close()  # the job's transaction ends: its connection goes back to the pool
    await closing
    assert any(connection is dbapi for connection in closed), "the returned connection was not closed"


async def test_closing_gives_up_waiting_after_its_grace(store: Store) -> None:
    held = await store.database.engine.connect()
    await held.execute(text("SELECT 1"))
    await asyncio.wait_for(store.database.dispose(grace=0.0), timeout=5)
    await held.invalidate()  # this one is abandoned with the old pool: close it by hand for the test
