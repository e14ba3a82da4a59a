"""Exactly one refresh per expiry (security item 11): many callers in one process, and several workers (each
with its own engine on the same database), against the emulator in strict rotation, where a second use of a
refresh token would revoke the whole grant."""

from __future__ import annotations

import asyncio

from linkyard.domain import ManualClock
from linkyard.oauth import TokenKeeper
from linkyard.store import Store
from tests.oauth.conftest import Control, Linked, MakeKeeper, counted_statements, expire


async def test_200_concurrent_calls_on_an_expired_token_refresh_it_once(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control, clock: ManualClock
) -> None:
    await control.settings(rotation="strict", token_latency_ms=50)
    expire(clock, linked.token)

    with counted_statements(store) as statements:
        tokens = await asyncio.gather(*(keeper.access_token(*linked.key) for _ in range(200)))

    assert len(tokens) == 200 and len(set(tokens)) == 1
    assert await control.refreshes() == 1
    assert await control.call(tokens[0]) == 200
    stored = await store.credentials.get(*linked.key)
    assert stored is not None and stored.access_token == tokens[0]
    assert len(statements) < 40  # one shared flight: a few reads, one lock, one write; not 200 of each


async def test_two_workers_with_50_concurrent_calls_each_refresh_once(
    make_keeper: MakeKeeper, linked: Linked, control: Control, clock: ManualClock
) -> None:
    await control.settings(rotation="strict", token_latency_ms=50)
    workers = [await make_keeper(), await make_keeper()]  # separate stores: separate engines and pools
    expire(clock, linked.token)

    tokens = await asyncio.gather(
        *(worker.access_token(*linked.key) for worker in workers for _ in range(50))
    )

    assert len(tokens) == 100 and len(set(tokens)) == 1
    stats = await control.stats()
    assert stats["token_requests"]["refresh_token"] == 1
    assert not stats["token_errors"]
    assert await control.call(tokens[0]) == 200


async def test_four_workers_over_three_expiries_refresh_once_per_expiry(
    store: Store, make_keeper: MakeKeeper, linked: Linked, control: Control, clock: ManualClock
) -> None:
    await control.settings(rotation="strict", token_latency_ms=20)
    workers = [await make_keeper() for _ in range(4)]
    token = linked.token
    for expiry in range(1, 4):
        expire(clock, token)
        tokens = await asyncio.gather(*(w.access_token(*linked.key) for w in workers for _ in range(10)))
        assert len(set(tokens)) == 1 and await control.refreshes() == expiry
        stored = await store.credentials.get(*linked.key)
        assert stored is not None
        token = stored
    assert not (await control.stats())["token_errors"]
