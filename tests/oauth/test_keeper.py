"""The token keeper on a real store and the emulator: cached tokens, refresh ahead of expiry, terminal and
transient refresh failures, company tokens, 401 confirmation, unlink, and the cache's staleness bound."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette

from linkyard.api.errors import status_of
from linkyard.domain import ManualClock
from linkyard.errors import (
    CredentialsUnreadable,
    CredentialsWiped,
    NotFound,
    PreconditionFailed,
    TokenRefreshError,
)
from linkyard.oauth import ProviderClient, TokenKeeper
from linkyard.store import Store
from linkyard.store.tables import credentials
from tests.harness.database import WAIT
from tests.held_answers import AnswerHold
from tests.live_server import Served
from tests.oauth.conftest import (
    BASE,
    CORRUPTIONS,
    Control,
    LinkAccount,
    Linked,
    MakeKeeper,
    corrupt,
    counted_statements,
    expire,
    lock_requests,
)


@pytest.fixture
def hold(emulator: Starlette) -> AnswerHold:
    return AnswerHold(emulator)


@pytest.fixture
def upstream(hold: AnswerHold) -> AnswerHold:
    """The keepers reach Factorial through `hold`, which passes everything until a test arms it."""
    return hold


async def test_a_valid_token_is_served_from_memory_without_the_database_or_the_provider(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control
) -> None:
    assert await keeper.access_token(*linked.key) == linked.token.access_token  # first call reads the store

    with counted_statements(store) as statements:
        tokens = [await keeper.access_token(*linked.key) for _ in range(100)]

    assert set(tokens) == {linked.token.access_token}
    assert statements == []
    assert await control.refreshes() == 0


async def test_a_token_is_refreshed_ahead_of_expiry_by_the_providers_expires_in(
    keeper: TokenKeeper, store: Store, link: LinkAccount, control: Control, clock: ManualClock
) -> None:
    await control.settings(access_token_ttl=600)  # 10 minutes: refresh when 10% (1 minute) is left
    linked = await link()
    start = clock()

    clock.now = start + timedelta(minutes=8)
    assert await keeper.access_token(*linked.key) == linked.token.access_token
    clock.now = start + timedelta(minutes=9, seconds=30)
    fresh = await keeper.access_token(*linked.key)

    assert fresh != linked.token.access_token
    assert await control.refreshes() == 1
    assert await control.call(fresh) == 200
    stored = await store.credentials.get(*linked.key)
    assert stored is not None and stored.access_token == fresh  # stored before it was handed out
    assert stored.refresh_token not in (None, linked.token.refresh_token)
    assert stored.expires_at == clock() + timedelta(seconds=600)


async def test_an_hour_long_token_is_refreshed_when_less_than_five_minutes_are_left(
    keeper: TokenKeeper, linked: Linked, control: Control, clock: ManualClock
) -> None:
    start = clock()
    clock.now = start + timedelta(minutes=54)
    assert await keeper.access_token(*linked.key) == linked.token.access_token
    clock.now = start + timedelta(minutes=56)

    assert await keeper.access_token(*linked.key) != linked.token.access_token
    assert await control.refreshes() == 1


async def test_invalid_grant_puts_the_account_in_error_and_later_calls_fail_fast(
    keeper: TokenKeeper,
    store: Store,
    linked: Linked,
    control: Control,
    clock: ManualClock,
    make_keeper: MakeKeeper,
) -> None:
    await control.revoke(token=linked.token.refresh_token)  # the user revoked the app in Factorial
    expire(clock, linked.token)

    with pytest.raises(TokenRefreshError) as raised:
        await keeper.access_token(*linked.key)

    assert raised.value.terminal and status_of(raised.value) == 412
    account = await store.accounts.get(*linked.key)
    assert account.status == "error"
    [reason] = account.status_reasons
    assert reason.code == "refresh_failed" and "invalid_grant" in reason.description
    assert "Link the account again" in reason.description and reason.timestamp == clock()
    refreshes = await control.refreshes()
    assert refreshes == 1
    for attempt in (keeper, await make_keeper()):  # this process, and another one that never saw it
        with pytest.raises(PreconditionFailed) as later:
            await attempt.access_token(*linked.key)
        assert status_of(later.value) == 412
    assert await control.refreshes() == refreshes


async def test_a_5xx_on_refresh_is_transient_and_the_account_stays_active(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control, clock: ManualClock
) -> None:
    expire(clock, linked.token)
    await control.fault(method="POST", path="/oauth/token", status=503, times=1)

    with pytest.raises(TokenRefreshError) as raised:
        await keeper.access_token(*linked.key)

    assert not raised.value.terminal and status_of(raised.value) == 502
    assert raised.value.provider_errors[0]["status"] == 503
    assert (await store.accounts.get(*linked.key)).status == "active"
    fresh = await keeper.access_token(*linked.key)
    assert await control.call(fresh) == 200
    assert await control.refreshes() == 1


async def test_a_failed_refresh_ahead_of_expiry_serves_the_still_valid_token_and_retries_later(
    keeper: TokenKeeper, linked: Linked, control: Control, clock: ManualClock, emulator: Starlette
) -> None:
    clock.advance(timedelta(minutes=56))  # 4 minutes left: due for a refresh
    await control.fault(method="POST", path="/oauth/token", status=503, times=10)

    tokens = [await keeper.access_token(*linked.key) for _ in range(20)]

    assert set(tokens) == {linked.token.access_token}
    assert await control.call(tokens[0]) == 200
    assert emulator.state.world.faults[0].times == 9  # one attempt for twenty calls
    await control.http.delete("/_emulator/faults")
    clock.advance(timedelta(seconds=5))  # the revalidation bound: the next call tries again
    assert await keeper.access_token(*linked.key) != linked.token.access_token
    assert await control.refreshes() == 1


async def test_rejected_client_credentials_are_not_the_accounts_fault(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control, clock: ManualClock
) -> None:
    await store.connector_profiles.update(
        linked.project.id, linked.profile.id, client_secret="not-the-secret"
    )
    expire(clock, linked.token)

    with pytest.raises(TokenRefreshError) as raised:
        await keeper.access_token(*linked.key)

    assert not raised.value.terminal and status_of(raised.value) == 502
    assert "client credentials" in raised.value.message
    assert (await store.accounts.get(*linked.key)).status == "active"


async def test_a_timeout_on_refresh_is_transient_with_status_408(
    store: Store, linked: Linked, control: Control, clock: ManualClock, upstream_server: Served
) -> None:
    expire(clock, linked.token)
    await control.fault(method="POST", path="/oauth/token", status=None, delay_ms=300, times=1)
    async with ProviderClient(pins=upstream_server.pins(), clock=clock, timeout=0.05) as slow:
        keeper = TokenKeeper(store, slow, clock, sandbox_urls={"factorialhr": BASE})
        with pytest.raises(TokenRefreshError) as raised:
            await keeper.access_token(*linked.key)
        await keeper.aclose()

    assert not raised.value.terminal and status_of(raised.value) == 408
    assert (await store.accounts.get(*linked.key)).status == "active"


async def test_a_company_token_is_never_refreshed_even_after_30_days(
    keeper: TokenKeeper, link: LinkAccount, control: Control, clock: ManualClock
) -> None:
    linked = await link(token_type="company")

    clock.advance(timedelta(days=30))
    token = await keeper.access_token(*linked.key)

    assert token == linked.token.access_token
    assert await control.call(token) == 200
    assert await keeper.refresh_idle(horizon=timedelta(days=5)) == 0
    assert await control.refreshes() == 0


async def test_a_revoked_company_token_is_confirmed_once_then_the_account_is_in_error(
    keeper: TokenKeeper, store: Store, link: LinkAccount, control: Control
) -> None:
    linked = await link(token_type="company")
    token = await keeper.access_token(*linked.key)
    await control.revoke(company_id=(await control.company())["id"])
    assert await control.call(token) == 401  # the call the actions engine made
    api_calls = (await control.stats())["api_requests"]

    results = await asyncio.gather(*(keeper.report_unauthorized(*linked.key, token) for _ in range(10)))

    assert results == [None] * 10
    assert (await control.stats())["api_requests"] == api_calls + 1  # one confirmation for ten reports
    account = await store.accounts.get(*linked.key)
    assert account.status == "error" and account.status_reasons[0].code == "token_revoked"
    with pytest.raises(PreconditionFailed):
        await keeper.access_token(*linked.key)


async def test_a_company_token_401_that_does_not_repeat_keeps_the_account_active(
    keeper: TokenKeeper, store: Store, link: LinkAccount
) -> None:
    linked = await link(token_type="company")

    retry = await keeper.report_unauthorized(*linked.key, linked.token.access_token)

    assert retry == linked.token.access_token
    assert (await store.accounts.get(*linked.key)).status == "active"


async def test_a_401_on_a_user_token_forces_one_refresh_and_gives_a_token_for_the_retry(
    keeper: TokenKeeper, linked: Linked, control: Control
) -> None:
    old = await keeper.access_token(*linked.key)

    retries = await asyncio.gather(*(keeper.report_unauthorized(*linked.key, old) for _ in range(20)))
    late = await keeper.report_unauthorized(*linked.key, old)  # a straggler with the same rejected token

    assert len(set(retries)) == 1 and retries[0] not in (None, old) and late == retries[0]
    assert await control.refreshes() == 1
    assert retries[0] is not None and await control.call(retries[0]) == 200
    assert await keeper.access_token(*linked.key) == retries[0]


async def test_a_401_on_a_revoked_user_token_puts_the_account_in_error(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control
) -> None:
    await control.revoke(token=linked.token.access_token)

    assert await keeper.report_unauthorized(*linked.key, linked.token.access_token) is None
    assert (await store.accounts.get(*linked.key)).status == "error"


async def test_a_stale_worker_uses_the_token_another_worker_refreshed(
    make_keeper: MakeKeeper, linked: Linked, control: Control, clock: ManualClock
) -> None:
    first, second = await make_keeper(), await make_keeper()
    assert await first.access_token(*linked.key) == await second.access_token(*linked.key)  # both cached it
    expire(clock, linked.token)

    rotated = await first.access_token(*linked.key)
    seen_by_second = await second.access_token(*linked.key)
    retry = await second.report_unauthorized(*linked.key, linked.token.access_token)

    assert seen_by_second == retry == rotated != linked.token.access_token
    stats = await control.stats()
    assert stats["token_requests"]["refresh_token"] == 1
    assert not stats["token_errors"]


async def test_an_unlink_waiting_behind_a_refresh_wipes_the_rotated_tokens(
    keeper: TokenKeeper,
    store: Store,
    worker_store: Store,
    make_keeper: MakeKeeper,
    linked: Linked,
    hold: AnswerHold,
    clock: ManualClock,
) -> None:
    other_worker = await make_keeper(worker_store)
    expire(clock, linked.token)

    hold.arm("POST", "/oauth/token")
    refresh = asyncio.create_task(keeper.access_token(*linked.key))
    await asyncio.wait_for(hold.answered.wait(), WAIT)  # Factorial rotated; the refresh holds the row lock
    with lock_requests(worker_store) as requested:
        unlink = asyncio.create_task(worker_store.credentials.wipe(*linked.key))
        await asyncio.wait_for(requested.wait(), WAIT)  # the unlink asks for the lock the refresh holds
    done, _ = await asyncio.wait({unlink}, timeout=0.2)
    assert not done, "the unlink went ahead of the refresh holding the lock"
    hold.release()
    rotated = await refresh
    wiped = await unlink

    assert rotated == hold.body["access_token"] != linked.token.access_token
    assert wiped is not None and wiped.access_token == rotated  # the unlink can revoke what is live
    assert await store.credentials.get(*linked.key) is None
    keeper.forget(*linked.key)  # what the unlink service does in its own process
    with pytest.raises(CredentialsWiped):
        await keeper.access_token(*linked.key)
    with pytest.raises(CredentialsWiped):
        await other_worker.access_token(*linked.key)


async def test_a_refresh_waiting_behind_an_unlink_cannot_bring_the_credentials_back(
    keeper: TokenKeeper,
    store: Store,
    worker_store: Store,
    linked: Linked,
    control: Control,
    clock: ManualClock,
) -> None:
    expire(clock, linked.token)

    with lock_requests(store) as requested:
        async with worker_store.credentials.lock(*linked.key) as held:
            refresh = asyncio.create_task(keeper.access_token(*linked.key))
            await asyncio.wait_for(
                requested.wait(), WAIT
            )  # the refresh asks for the row lock the unlink holds
            await held.wipe()

    with pytest.raises(CredentialsWiped):
        await refresh
    assert await control.refreshes() == 0
    assert await worker_store.credentials.get(*linked.key) is None


async def test_a_refresh_after_an_unlink_finds_nothing_to_refresh(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control, clock: ManualClock
) -> None:
    await keeper.access_token(*linked.key)
    await store.credentials.wipe(*linked.key)
    expire(clock, linked.token)

    with pytest.raises(CredentialsWiped):
        await keeper.access_token(*linked.key)
    assert await control.refreshes() == 0
    assert await store.credentials.get(*linked.key) is None


async def test_a_change_made_by_another_process_is_seen_within_the_revalidation_bound(
    keeper: TokenKeeper, store: Store, linked: Linked, clock: ManualClock
) -> None:
    await keeper.access_token(*linked.key)
    await store.accounts.set_status(*linked.key, "suspended", reason_code="paused", description="paused")

    clock.advance(timedelta(seconds=4))
    assert await keeper.access_token(*linked.key) == linked.token.access_token  # still cached
    clock.advance(timedelta(seconds=1))
    with pytest.raises(PreconditionFailed):
        await keeper.access_token(*linked.key)


async def test_forget_applies_a_change_made_in_this_process_at_once(
    keeper: TokenKeeper, store: Store, linked: Linked
) -> None:
    await keeper.access_token(*linked.key)
    await store.accounts.set_status(*linked.key, "suspended")

    keeper.forget(*linked.key)

    with pytest.raises(PreconditionFailed):
        await keeper.access_token(*linked.key)


async def test_an_account_is_found_only_in_its_own_project(
    keeper: TokenKeeper, store: Store, linked: Linked, link: LinkAccount
) -> None:
    other = await link(owner="org-2")
    await keeper.access_token(*linked.key)

    with pytest.raises(NotFound):
        await keeper.access_token(other.project.id, linked.account.id)
    with pytest.raises(NotFound):
        await keeper.report_unauthorized(other.project.id, linked.account.id, linked.token.access_token)


async def test_unlink_wipes_the_credentials_and_revokes_the_grant_at_the_provider(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control
) -> None:
    token = await keeper.access_token(*linked.key)

    assert await keeper.unlink(*linked.key) is True

    assert await store.credentials.get(*linked.key) is None
    assert (await control.stats())["revocations"] == 1
    assert await control.call(token) == 401
    with pytest.raises(CredentialsWiped):
        await keeper.access_token(*linked.key)


async def test_unlink_wipes_even_when_the_provider_cannot_revoke(
    keeper: TokenKeeper, store: Store, linked: Linked, control: Control
) -> None:
    await control.fault(method="POST", path="/oauth/revoke", status=503, times=1)

    assert await keeper.unlink(*linked.key) is False

    assert await store.credentials.get(*linked.key) is None
    with pytest.raises(CredentialsWiped):
        await keeper.access_token(*linked.key)


async def test_unlink_during_a_refresh_revokes_the_rotated_grant(
    keeper: TokenKeeper,
    make_keeper: MakeKeeper,
    worker_store: Store,
    linked: Linked,
    control: Control,
    hold: AnswerHold,
    clock: ManualClock,
) -> None:
    unlinker = await make_keeper(worker_store)
    expire(clock, linked.token)

    hold.arm("POST", "/oauth/token")
    refresh = asyncio.create_task(keeper.access_token(*linked.key))
    await asyncio.wait_for(hold.answered.wait(), WAIT)  # Factorial rotated; the refresh holds the row lock
    with lock_requests(worker_store) as requested:
        unlink = asyncio.create_task(unlinker.unlink(*linked.key))
        await asyncio.wait_for(requested.wait(), WAIT)  # the unlink waits for the refresh
    hold.release()
    rotated = await refresh

    assert await unlink is True
    assert rotated == hold.body["access_token"] != linked.token.access_token
    assert await control.call(rotated) == 401  # the live token was revoked, not a stale one
    assert await control.refreshes() == 1


# --- credentials that do not decrypt (security.md item 24) --------------------------------------------------


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("linkyard") and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("how", CORRUPTIONS)
async def test_unreadable_credentials_put_the_account_in_error_once_across_workers(
    make_keeper: MakeKeeper,
    store: Store,
    linked: Linked,
    control: Control,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    workers = [await make_keeper(), await make_keeper()]  # two processes, each with its own engine
    bystander = await make_keeper()  # a third one that has not called yet
    await corrupt(store, *linked.key, how)
    caplog.set_level(logging.WARNING, logger="linkyard")

    outcomes = await asyncio.gather(
        *(worker.access_token(*linked.key) for worker in workers for _ in range(10)), return_exceptions=True
    )

    assert all(isinstance(outcome, PreconditionFailed) for outcome in outcomes), outcomes
    assert any(isinstance(outcome, CredentialsUnreadable) for outcome in outcomes)
    account = await store.accounts.get(*linked.key)
    assert account.status == "error"
    [reason] = account.status_reasons
    assert reason.code == "credentials_unreadable" and "Link the account again" in reason.description
    [line] = _warnings(caplog)
    assert linked.account.id in line.getMessage() and line.exc_info is None
    for worker in (*workers, bystander):
        with pytest.raises(PreconditionFailed, match="credentials_unreadable"):
            await worker.access_token(*linked.key)
    assert len(_warnings(caplog)) == 1
    stats = await control.stats()
    assert stats["api_requests"] == 1 and not stats["token_requests"].get("refresh_token")  # the link's only


async def test_credentials_relinked_while_an_unreadable_read_waited_for_the_lock_are_used(
    keeper: TokenKeeper, store: Store, worker_store: Store, linked: Linked
) -> None:
    sealed = await _sealed_access_token(store, linked)
    await corrupt(store, *linked.key, "tampered")

    with lock_requests(store) as requested:
        async with worker_store.database.write() as conn:  # a re-link's transaction, holding the row
            await conn.execute(
                select(credentials).where(credentials.c.account_id == linked.account.id).with_for_update()
            )
            call = asyncio.create_task(keeper.access_token(*linked.key))
            await asyncio.wait_for(
                requested.wait(), timeout=30
            )  # the read failed; the keeper waits for the lock
            await conn.execute(
                update(credentials)
                .where(credentials.c.account_id == linked.account.id)
                .values(access_token_encrypted=sealed, generation=credentials.c.generation + 1)
            )

    assert await call == linked.token.access_token
    assert (await store.accounts.get(*linked.key)).status == "active"


async def test_the_idle_refresher_puts_unreadable_credentials_in_error_once_and_goes_on(
    keeper: TokenKeeper,
    store: Store,
    link: LinkAccount,
    control: Control,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = await link(owner="broken")
    healthy = await link(owner="healthy")
    await corrupt(store, *broken.key, "unknown_key")
    clock.advance(timedelta(days=6))
    caplog.set_level(logging.WARNING, logger="linkyard")

    assert await keeper.refresh_idle(horizon=timedelta(days=5)) == 1  # the healthy one
    assert await keeper.refresh_idle(horizon=timedelta(days=5)) == 0

    account = await store.accounts.get(*broken.key)
    assert account.status == "error" and account.status_reasons[0].code == "credentials_unreadable"
    assert (await store.accounts.get(*healthy.key)).status == "active"
    [line] = _warnings(caplog)
    assert broken.account.id in line.getMessage()
    assert await control.refreshes() == 1


async def _sealed_access_token(store: Store, linked: Linked) -> str:
    async with store.database.engine.connect() as conn:
        sealed = await conn.scalar(
            select(credentials.c.access_token_encrypted).where(credentials.c.account_id == linked.account.id)
        )
    assert isinstance(sealed, str)
    return sealed
