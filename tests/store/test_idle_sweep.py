"""The idle refresher's sweep reads only the accounts due: with nothing due, no row, however many are stored."""

from __future__ import annotations

from datetime import timedelta

from linkyard.domain import ManualClock, ProviderAccount
from linkyard.store import Store
from tests.harness.round_trips import Sent, rows_read, watched
from tests.store.conftest import Tenant, tokens

HORIZON = timedelta(days=5)


async def link_many(store: Store, tenant: Tenant, clock: ManualClock, count: int, prefix: str) -> list[str]:
    ids = []
    for n in range(count):
        account, _ = await store.accounts.upsert(
            tenant.project.id,
            profile_id=tenant.profile.id,
            origin_owner_id=f"{prefix}-{n}",
            origin_owner_name=f"Owner {n}",
            provider_account=ProviderAccount(company_id=str(n), employee_id="1", email=None),
            token=tokens(f"AT-{prefix}-{n}", f"RT-{prefix}-{n}", clock),
        )
        ids.append(account.id)
    return ids


async def sweep_cost(store: Store, clock: ManualClock) -> tuple[int, Sent]:
    """Run the sweep's read with nothing due; the rows it read (PostgreSQL) or its VM steps (SQLite)."""
    async with watched(store) as sent:
        assert await store.credentials.idle(clock() - HORIZON) == []
    selects = [(s, p) for s, p in sent.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, sent.statements
    if store.backend == "sqlite":
        return sent.vm_steps, sent
    return await rows_read(store, *selects[0]), sent


async def test_a_sweep_with_nothing_due_reads_no_row_however_many_accounts_are_stored(
    store: Store, tenant: Tenant, clock: ManualClock
) -> None:
    few, _ = await sweep_cost(store, clock)

    # Many accounts, none due: fresh tokens, and accounts in error whose old tokens are past the horizon.
    clock.advance(-HORIZON * 2)
    errored = await link_many(store, tenant, clock, 20, "errored")
    for account_id in errored:
        await store.accounts.set_status(tenant.project.id, account_id, "error", reason_code="refresh_failed")
    clock.advance(HORIZON * 2)
    await link_many(store, tenant, clock, 400, "fresh")

    many, _ = await sweep_cost(store, clock)
    if store.backend == "sqlite":
        assert many <= few + 20, (few, many)  # main: about ten steps per stored account
    else:
        assert few == many == 0
