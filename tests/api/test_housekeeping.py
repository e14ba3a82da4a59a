"""Bounded storage over real HTTP: one connect link started 300 times keeps a few OAuth states, and the server's
lifespan runs the housekeeper, which deletes used and expired states and old connect sessions on its own."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Table, select

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.domain import ManualClock
from linkyard.services import Housekeeper
from linkyard.store import Store
from linkyard.store.oauth_states import MAX_LIVE_STATES_PER_SESSION
from linkyard.store.tables import connect_sessions, oauth_states
from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.live_server import Served

pytestmark = ON_BOTH_BACKENDS

STARTS = 300
WAVE = 25  # concurrent starts at a time


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The housekeeper sweeps every 100 ms, so that a test waits for a couple of runs, not for minutes."""
    return settings.model_copy(update={"housekeeping_interval_seconds": 0.1})


async def _ids(store: Store, table: Table) -> set[str]:
    async with store.database.read() as conn:
        return set((await conn.scalars(select(table.c.id))).all())


async def test_300_starts_of_one_link_leave_at_most_the_cap_of_states_and_the_newest_flow_links(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    session = await harness.session(tenant)
    page = await harness.browser().get(httpx.URL(session["auth_link_url"]).raw_path.decode())
    button = re.search(r'class="button" href="([^"]+)"', page.text)
    assert button is not None, page.text
    start = html.unescape(button.group(1))

    async def press_connect() -> int:
        return (await harness.browser().get(start)).status_code

    for _ in range(STARTS // WAVE):
        assert set(await asyncio.gather(*(press_connect() for _ in range(WAVE)))) == {302}

    assert len(await _ids(harness.store, oauth_states)) == MAX_LIVE_STATES_PER_SESSION
    flow = await harness.open_link(session)
    await harness.consent(flow, await harness.admin_email())
    assert (await harness.callback(flow)).status_code == 200
    assert len(await _ids(harness.store, oauth_states)) <= MAX_LIVE_STATES_PER_SESSION


async def test_the_lifespan_runs_the_housekeeper_which_deletes_aged_states_and_sessions_and_keeps_live_ones(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="linkyard.services.housekeeping")
    housekeeper: Housekeeper = harness.app.state.housekeeper
    assert housekeeper.running
    tenant = await harness.tenant()
    await harness.profile(tenant)
    abandoned = await harness.session(tenant)
    await harness.open_link(abandoned)  # a flow started and never finished
    harness.advance(timedelta(days=31, hours=1))  # past the state's, the session's and the retention's end
    session = await harness.session(tenant)
    flow = await harness.open_link(session)

    # A run that began before the clock moved may still be going: wait for one that began after it.
    await asyncio.wait_for(housekeeper.wait_for_runs(housekeeper.runs + 2), timeout=30)

    async with harness.store.database.read() as conn:  # the API shows a session's number as its `id`
        assert set((await conn.scalars(select(connect_sessions.c.number))).all()) == {session["id"]}
    assert len(await _ids(harness.store, oauth_states)) == 1
    await harness.consent(flow, await harness.admin_email())
    assert (await harness.callback(flow)).status_code == 200, "the live flow still links"
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("housekeeping deleted")]
    assert summaries and all("\n" not in line for line in summaries)


async def test_an_interval_of_0_turns_the_housekeeper_off(
    settings: Settings, store: Store, clock: ManualClock, upstream_server: Served
) -> None:
    app = create_app(
        settings.model_copy(update={"housekeeping_interval_seconds": 0.0}),
        store=store,
        clock=clock,
        provider_pins=upstream_server.pins(),
    )
    async with app.router.lifespan_context(app):
        assert not app.state.housekeeper.running
