"""Migrations: applied on open, idempotent, safe for concurrent starters, and in step with the tables."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from linkyard.config import DatabaseUrls, resolve_database_url
from linkyard.domain import ManualClock
from linkyard.store import KeyRing, Store
from linkyard.store.database import create_migration_engine
from linkyard.store.migrate import alembic_config, current_revision, head_revision, upgrade_database
from linkyard.store.tables import metadata
from tests.store.conftest import OpenStore, make_tenant


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


def _downgrade_to(urls: DatabaseUrls, revision: str) -> None:
    config = alembic_config()
    engine = create_migration_engine(urls)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


async def test_sessions_made_before_0007_are_numbered_when_it_runs(
    store: Store, database_url: str, clock: ManualClock
) -> None:
    """0007 gives each existing connect session a distinct number (StackOne's clients read `id` as one); its
    downgrade takes the column away again."""
    tenant = await make_tenant(store, clock)
    sessions = [
        (
            await store.connect_sessions.create(
                tenant.project.id,
                profile_id=tenant.profile.id,
                origin_owner_id=f"owner-{n}",
                origin_owner_name="Owner",
            )
        )[0]
        for n in range(3)
    ]
    assert len({session.number for session in sessions}) == 3
    urls = resolve_database_url(database_url)
    numbering = ScriptDirectory.from_config(alembic_config()).get_revision("0007")
    assert numbering is not None and isinstance(numbering.down_revision, str)
    await store.database.engine.dispose()  # SQLite's table rebuild wants the file to itself
    await asyncio.to_thread(_downgrade_to, urls, numbering.down_revision)
    assert await asyncio.to_thread(current_revision, urls) == numbering.down_revision
    await asyncio.to_thread(upgrade_database, urls)
    numbers = {(await store.connect_sessions.get(tenant.project.id, s.id)).number for s in sessions}
    assert len(numbers) == 3
    assert all(1 <= number < 2**53 for number in numbers)
