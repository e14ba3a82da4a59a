"""Bounded storage: a connect session keeps a few live OAuth states at most, and a sweep deletes used and expired
states and long-expired sessions (once each, even with several workers sweeping), keeping everything still live."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import Table, func, select

from linkyard.domain import ConnectSession, ManualClock
from linkyard.services import sweep_storage
from linkyard.store import Store
from linkyard.store.oauth_states import MAX_LIVE_STATES_PER_SESSION
from linkyard.store.tables import connect_sessions, oauth_states
from tests.store.conftest import Tenant

RETENTION = timedelta(days=7)
BINDING = "browser-cookie"


async def _session(store: Store, tenant: Tenant, *, ttl: timedelta = timedelta(minutes=30)) -> ConnectSession:
    session, _ = await store.connect_sessions.create(
        tenant.project.id,
        profile_id=tenant.profile.id,
        origin_owner_id="org-9",
        origin_owner_name="Org 9",
        ttl=ttl,
    )
    return session


async def _start(store: Store, session: ConnectSession) -> str:
    """What pressing Connect on the hosted page records: a state for the session."""
    _, state = await store.oauth_states.create(
        session.project_id,
        session_id=session.id,
        browser_binding=BINDING,
        authorize_url="https://factorial.test/oauth/authorize",
        token_url="https://factorial.test/oauth/token",
        redirect_uri="http://127.0.0.1:8000/connect/oauth2/factorialhr/callback",
        code_verifier="verifier-" + "v" * 40,
        return_url=None,
    )
    return state


async def _consume(store: Store, state: str) -> bool:
    return (
        await store.oauth_states.consume(state, browser_binding=BINDING, connector="factorialhr") is not None
    )


async def _ids(store: Store, table: Table) -> set[str]:
    async with store.database.read() as conn:
        return set((await conn.scalars(select(table.c.id))).all())


async def _states_of(store: Store, session: ConnectSession) -> int:
    statement = select(func.count()).where(oauth_states.c.session_id == session.id)
    async with store.database.read() as conn:
        return int(await conn.scalar(statement) or 0)


async def test_a_sweep_deletes_used_and_expired_states_and_sessions_past_retention_and_keeps_the_rest(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    long_gone = await _session(store, tenant)
    await _start(store, long_gone)
    clock.advance(timedelta(days=8))
    live_with_expired_state = await _session(store, tenant, ttl=timedelta(days=1))
    await _start(store, live_with_expired_state)
    recently_ended = await _session(store, tenant, ttl=timedelta(minutes=5))
    assert await _consume(store, await _start(store, recently_ended))
    clock.advance(timedelta(minutes=11))
    live = await _session(store, tenant)
    live_state = await _start(store, live)

    swept = await sweep_storage(store, retention=RETENTION)

    assert (swept.oauth_states, swept.connect_sessions) == (3, 1)
    assert await _ids(store, connect_sessions) == {live.id, live_with_expired_state.id, recently_ended.id}
    assert await _states_of(store, live) == 1
    assert await _consume(store, live_state), "a live flow still completes after a sweep"
    again = await sweep_storage(store, retention=RETENTION)
    assert (again.oauth_states, again.connect_sessions) == (1, 0)  # the state just used


async def test_two_workers_sweeping_a_backlog_at_once_delete_each_row_once_in_small_batches(
    store: Store, worker: Store, clock: ManualClock, tenant: Tenant
) -> None:
    backlog = 45
    for _ in range(backlog):
        await _start(store, await _session(store, tenant))
    clock.advance(RETENTION + timedelta(days=1))
    kept = [await _session(store, tenant) for _ in range(5)]
    for session in kept:
        await _start(store, session)

    sweeps = await asyncio.gather(
        sweep_storage(store, retention=RETENTION, batch_size=7),
        sweep_storage(worker, retention=RETENTION, batch_size=7),
    )

    assert sum(sweep.oauth_states for sweep in sweeps) == backlog
    assert sum(sweep.connect_sessions for sweep in sweeps) == backlog
    assert await _ids(store, connect_sessions) == {session.id for session in kept}
    assert len(await _ids(store, oauth_states)) == len(kept)


async def test_a_link_started_again_and_again_at_once_keeps_at_most_the_cap_of_states(
    store: Store, worker: Store, tenant: Tenant
) -> None:
    session = await _session(store, tenant)

    await asyncio.gather(
        *(_start(store if i % 2 else worker, session) for i in range(4 * MAX_LIVE_STATES_PER_SESSION))
    )

    assert await _states_of(store, session) == MAX_LIVE_STATES_PER_SESSION


async def test_the_newest_flows_of_a_link_keep_working_when_the_cap_drops_the_oldest(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    session = await _session(store, tenant)
    states = []
    for _ in range(MAX_LIVE_STATES_PER_SESSION + 2):
        states.append(await _start(store, session))
        clock.advance(timedelta(seconds=1))

    assert await _states_of(store, session) == MAX_LIVE_STATES_PER_SESSION
    assert not await _consume(store, states[0])
    assert not await _consume(store, states[1])
    assert await _consume(store, states[2])
    assert await _consume(store, states[-1])


async def test_used_and_expired_states_of_a_link_make_room_without_a_sweep(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    session = await _session(store, tenant)
    for _ in range(3):
        assert await _consume(store, await _start(store, session))
    for _ in range(3):
        await _start(store, session)
    clock.advance(timedelta(minutes=11))

    newest = await _start(store, session)

    assert await _states_of(store, session) == 1
    assert await _consume(store, newest)


async def test_a_sweep_deletes_signed_out_dashboard_sessions_once_they_would_have_expired(
    store: Store, clock: ManualClock
) -> None:
    await store.dashboard_sessions.end("session-ending-soon", expires_at=clock() + timedelta(hours=1))
    await store.dashboard_sessions.end("session-ending-later", expires_at=clock() + timedelta(hours=12))
    clock.advance(timedelta(hours=2))

    swept = await sweep_storage(store, retention=RETENTION)

    assert swept.ended_dashboard_sessions == 1
    assert await store.dashboard_sessions.has_ended("session-ending-later"), (
        "a live sign-out is still refused"
    )
