"""Account lists read by keyset: a page deep in 2,000 accounts reads what the first page reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from linkyard.domain import ManualClock, TokenSet
from linkyard.store import Store
from tests.harness.bulk import link_accounts
from tests.harness.round_trips import rows_read, watched
from tests.store.conftest import Tenant

PAGE = 26


async def page_cost(
    store: Store, tenant: Tenant, after: tuple[datetime, str] | None
) -> tuple[int, list[str]]:
    async with watched(store) as sent:
        found = await store.accounts.list(tenant.project.id, after=after, limit=PAGE)
    [(statement, parameters)] = [
        (s, p) for s, p in sent.statements if s.lstrip().upper().startswith("SELECT")
    ]
    cost = sent.vm_steps if store.backend == "sqlite" else await rows_read(store, statement, parameters)
    return cost, [account.id for account in found]


async def test_the_last_page_reads_what_the_first_does_and_pages_meet_exactly(
    store: Store, tenant: Tenant, clock: ManualClock
) -> None:
    now = clock()
    token = TokenSet(
        access_token="AT", refresh_token="RT", expires_at=now + timedelta(hours=1), issued_at=now
    )
    ids = [tenant.account.id]
    later = now + timedelta(seconds=1)  # after the tenant's own account
    ids += await link_accounts(store, tenant.project.id, tenant.profile.id, 2000, token=token, now=later)
    await store.refresh_statistics()

    first_cost, first = await page_cost(store, tenant, None)
    assert first == ids[:PAGE]
    before_last = await store.accounts.get(tenant.project.id, ids[-PAGE - 1])
    last_cost, last = await page_cost(store, tenant, (before_last.created_at, before_last.id))
    assert last == ids[-PAGE:]
    # OFFSET 1975 would read (and, on SQLite, step over) every row before the page.
    assert last_cost <= first_cost * 1.5 + 20, (first_cost, last_cost)

    # Page after page, every account once, in creation order.
    seen: list[str] = []
    after: tuple[datetime, str] | None = None
    while True:
        found = await store.accounts.list(tenant.project.id, after=after, limit=500)
        seen += [account.id for account in found]
        if len(found) < 500:
            break
        after = (found[-1].created_at, found[-1].id)
    assert seen == ids
