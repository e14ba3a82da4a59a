"""Migrations: applied on open, idempotent, safe for concurrent starters, and in step with the tables."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from linkyard.config import resolve_database_url
from linkyard.store import KeyRing, Store
from linkyard.store.migrate import current_revision, head_revision, upgrade_database
from linkyard.store.tables import metadata
from tests.store.conftest import OpenStore


async def test_opening_an_empty_database_migrates_it_to_head(
    empty_database_url: str, keyring: KeyRing, open_stores: OpenStore
) -> None:
    await open_stores(empty_database_url, keyring)
    urls = resolve_database_url(empty_database_url)
    assert head_revision() is not None
    assert await asyncio.to_thread(current_revision, urls) == head_revision()


async def test_migrating_again_changes_nothing(store: Store, database_url: str, tenant: object) -> None:
    urls = resolve_database_url(database_url)
    await asyncio.to_thread(upgrade_database, urls)
    await asyncio.to_thread(upgrade_database, urls)
    assert await asyncio.to_thread(current_revision, urls) == head_revision()
    assert len(await store.projects.list_all()) == 1


async def test_workers_starting_together_on_an_empty_database_all_open_it(
    empty_database_url: str, keyring: KeyRing, open_stores: OpenStore
) -> None:
    stores = await asyncio.gather(*(open_stores(empty_database_url, keyring) for _ in range(4)))
    project = await stores[0].projects.create("Acme")
    assert (await stores[3].projects.get(project.id)).name == "Acme"


async def test_migrations_create_exactly_the_tables_the_code_uses(store: Store) -> None:
    def differences(sync_connection: object) -> list[object]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, metadata))

    async with store.database.engine.connect() as conn:
        assert await conn.run_sync(differences) == []
