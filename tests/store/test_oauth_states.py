"""OAuth state: single use (one winner among concurrent callbacks), expiring, bound to browser and connector."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from linkyard.domain import ManualClock
from linkyard.store import Store
from tests.store.conftest import Tenant, dump_database


async def _start_flow(store: Store, tenant: Tenant, cookie: str = "browser-cookie") -> str:
    session, _ = await store.connect_sessions.create(
        tenant.project.id,
        profile_id=tenant.profile.id,
        origin_owner_id="org-9",
        origin_owner_name="Org 9",
        redirect_url="https://app.example/done",
    )
    _, state = await store.oauth_states.create(
        tenant.project.id,
        session_id=session.id,
        browser_binding=cookie,
        authorize_url="https://factorial.test/oauth/authorize",
        token_url="https://factorial.test/oauth/token",
        redirect_uri="http://127.0.0.1:8000/connect/oauth2/factorialhr/callback",
        code_verifier="verifier-" + "v" * 40,
        return_url="https://app.example/done",
    )
    return state


async def test_a_state_is_long_random_and_stored_only_as_a_digest(store: Store, tenant: Tenant) -> None:
    state = await _start_flow(store, tenant)
    assert len(state) >= 43  # 256 bits in base64url
    assert state not in await dump_database(store)


async def test_a_state_is_consumed_once_with_everything_fixed_at_the_start(
    store: Store, tenant: Tenant
) -> None:
    state = await _start_flow(store, tenant)
    consumed = await store.oauth_states.consume(
        state, browser_binding="browser-cookie", connector="factorialhr"
    )
    assert consumed is not None
    assert consumed.project_id == tenant.project.id
    assert consumed.profile_id == tenant.profile.id
    assert consumed.code_verifier == "verifier-" + "v" * 40
    assert consumed.token_url == "https://factorial.test/oauth/token"
    assert "verifier-" not in repr(consumed)
    replay = await store.oauth_states.consume(
        state, browser_binding="browser-cookie", connector="factorialhr"
    )
    assert replay is None


async def test_two_concurrent_callbacks_with_one_state_have_exactly_one_winner(
    store: Store, worker: Store, tenant: Tenant
) -> None:
    state = await _start_flow(store, tenant)
    results = await asyncio.gather(
        *(
            (store if i % 2 else worker).oauth_states.consume(
                state, browser_binding="browser-cookie", connector="factorialhr"
            )
            for i in range(8)
        )
    )
    assert len([result for result in results if result is not None]) == 1


async def test_an_expired_state_is_refused(store: Store, clock: ManualClock, tenant: Tenant) -> None:
    state = await _start_flow(store, tenant)
    clock.advance(timedelta(minutes=10))
    assert (
        await store.oauth_states.consume(state, browser_binding="browser-cookie", connector="factorialhr")
        is None
    )


async def test_a_callback_from_another_browser_is_refused_and_does_not_burn_the_state(
    store: Store, tenant: Tenant
) -> None:
    state = await _start_flow(store, tenant)
    for cookie in (None, "", "someone-elses-cookie"):
        assert (
            await store.oauth_states.consume(state, browser_binding=cookie, connector="factorialhr") is None
        )
    assert await store.oauth_states.consume(state, browser_binding="browser-cookie", connector="factorialhr")


async def test_a_state_is_refused_at_another_connectors_callback(store: Store, tenant: Tenant) -> None:
    state = await _start_flow(store, tenant)
    assert (
        await store.oauth_states.consume(state, browser_binding="browser-cookie", connector="personio")
        is None
    )


async def test_unknown_and_empty_states_are_refused(store: Store, tenant: Tenant) -> None:
    await _start_flow(store, tenant)
    for state in ("", "not-a-state", "A" * 43):
        assert (
            await store.oauth_states.consume(state, browser_binding="browser-cookie", connector="factorialhr")
            is None
        )


async def test_purge_removes_used_and_expired_states_only(
    store: Store, clock: ManualClock, tenant: Tenant
) -> None:
    used = await _start_flow(store, tenant)
    await store.oauth_states.consume(used, browser_binding="browser-cookie", connector="factorialhr")
    await _start_flow(store, tenant)
    assert await store.oauth_states.purge() == 1
    clock.advance(timedelta(minutes=11))
    assert await store.oauth_states.purge() == 1
