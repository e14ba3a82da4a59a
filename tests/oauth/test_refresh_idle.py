"""The background refresher: accounts nobody used for days are refreshed before their refresh token (one week
at Factorial) dies, once even when every worker runs the batch at the same moment."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from linkyard.domain import ManualClock
from linkyard.oauth import Refresher, TokenKeeper
from linkyard.oauth.keeper import SWEEP
from linkyard.store import Store
from tests.oauth.conftest import Control, LinkAccount, Linked, MakeKeeper

FIVE_DAYS = timedelta(days=5)


async def test_an_idle_account_is_refreshed_once_by_two_workers_running_the_batch_together(
    make_keeper: MakeKeeper, store: Store, linked: Linked, control: Control, clock: ManualClock
) -> None:
    await control.settings(token_latency_ms=30)
    workers = [await make_keeper(), await make_keeper()]
    clock.advance(FIVE_DAYS + timedelta(minutes=1))  # the access token expired days ago

    counts = await asyncio.gather(*(worker.refresh_idle(horizon=FIVE_DAYS) for worker in workers))

    assert sorted(counts) == [0, 1]
    assert await control.refreshes() == 1
    stored = await store.credentials.get(*linked.key)
    assert stored is not None and stored.issued_at == clock()
    assert stored.refresh_token != linked.token.refresh_token
    assert await workers[1].refresh_idle(horizon=FIVE_DAYS) == 0
    clock.advance(timedelta(days=3))  # 8 days after the link: the first refresh token would be dead by now
    token = await workers[0].access_token(*linked.key)
    assert await control.call(token) == 200
    assert await control.refreshes() == 2


async def test_recently_refreshed_company_and_errored_accounts_are_left_alone(
    keeper: TokenKeeper, store: Store, link: LinkAccount, control: Control, clock: ManualClock
) -> None:
    await link(owner="user-recent")
    await link(owner="company", token_type="company")
    errored = await link(owner="user-errored")
    await store.accounts.set_status(*errored.key, "error", reason_code="refresh_failed")
    clock.advance(timedelta(days=4))

    assert await keeper.refresh_idle(horizon=FIVE_DAYS) == 0
    clock.advance(timedelta(days=2))
    assert await keeper.refresh_idle(horizon=FIVE_DAYS) == 1  # only the active user-token account
    assert await control.refreshes() == 1


async def test_a_refused_idle_refresh_marks_that_account_and_the_batch_goes_on(
    keeper: TokenKeeper, store: Store, link: LinkAccount, control: Control, clock: ManualClock
) -> None:
    revoked = await link(owner="revoked")
    healthy = await link(owner="healthy")
    await control.revoke(token=revoked.token.refresh_token)
    clock.advance(FIVE_DAYS)

    assert await keeper.refresh_idle(horizon=FIVE_DAYS) == 1

    assert (await store.accounts.get(*revoked.key)).status == "error"
    assert (await store.accounts.get(*healthy.key)).status == "active"


async def test_the_refresher_runs_the_batch_in_the_background_until_stopped(
    keeper: TokenKeeper, linked: Linked, control: Control, clock: ManualClock
) -> None:
    clock.advance(FIVE_DAYS)

    async with Refresher(keeper, interval=0.01, jitter=0.5, horizon=FIVE_DAYS) as refresher:
        for _ in range(500):
            if refresher.runs >= 3:
                break
            await asyncio.sleep(0.01)

    runs = refresher.runs
    assert runs >= 3
    assert await control.refreshes() == 1  # refreshed on the first run, not again on the next ones
    await asyncio.sleep(0.05)
    assert refresher.runs == runs  # stopped


async def test_while_one_worker_sweeps_another_skips_its_turn_without_reading_or_refreshing(
    make_keeper: MakeKeeper, worker_store: Store, linked: Linked, control: Control, clock: ManualClock
) -> None:
    other = await make_keeper()
    clock.advance(FIVE_DAYS + timedelta(minutes=1))

    # Another worker (its own engine and pool on the same database) is sweeping.
    async with worker_store.exclusively(SWEEP) as sweeping:
        assert sweeping
        assert await other.refresh_idle(horizon=FIVE_DAYS) == 0
        assert await control.refreshes() == 0

    assert await other.refresh_idle(horizon=FIVE_DAYS) == 1  # its turn, once the other one is done
    assert await control.refreshes() == 1
