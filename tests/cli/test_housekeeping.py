"""`linkyard housekeeping run`: deletes used and expired OAuth states and long-expired connect sessions once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from linkyard.domain import ManualClock, utc_now
from linkyard.store import KeyRing, open_store
from linkyard.store.tables import connect_sessions
from tests.cli.conftest import Cli

RETENTION_DAYS = 30


async def _seed(cli: Cli) -> tuple[str, str]:
    """A connect session that expired 40 days ago with a flow never finished, and a live one; their ids."""
    clock = ManualClock(utc_now() - timedelta(days=40))
    store = await open_store(cli.database_url, KeyRing.parse(cli.key_entry), clock)
    try:
        project = await store.projects.create("Acme")
        profile = await store.connector_profiles.create(
            project.id, connector="factorialhr", client_id="c", client_secret="s" * 16, environment="demo"
        )
        ids = []
        for age in (timedelta(0), timedelta(days=40)):
            clock.advance(age)
            session, _ = await store.connect_sessions.create(
                project.id, profile_id=profile.id, origin_owner_id="org-1", origin_owner_name="Org 1"
            )
            await store.oauth_states.create(
                project.id,
                session_id=session.id,
                browser_binding="cookie",
                authorize_url="https://factorial.test/oauth/authorize",
                token_url="https://factorial.test/oauth/token",
                redirect_uri="http://127.0.0.1:8000/connect/oauth2/factorialhr/callback",
                code_verifier="v" * 43,
                return_url=None,
            )
            ids.append(session.id)
        return ids[0], ids[1]
    finally:
        await store.close()


async def _session_ids(cli: Cli) -> set[str]:
    store = await open_store(cli.database_url, KeyRing.parse(cli.key_entry))
    try:
        async with store.database.read() as conn:
            return set((await conn.scalars(select(connect_sessions.c.id))).all())
    finally:
        await store.close()


def test_housekeeping_run_deletes_what_ended_long_ago_and_keeps_live_sessions(cli: Cli) -> None:
    _, live = asyncio.run(_seed(cli))

    first = cli.json("housekeeping", "run", "--batch-size", "1")
    again = cli.ok("housekeeping", "run")

    assert (first["oauth_states"], first["connect_sessions"]) == (1, 1)
    assert first["sessions_expired_before"] < utc_now().isoformat()
    assert "Deleted 0 used or expired OAuth state(s) and 0 connect session(s)" in again.stdout
    assert asyncio.run(_session_ids(cli)) == {live}


def test_the_retention_comes_from_the_settings(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(_seed(cli))
    monkeypatch.setenv("LINKYARD_CONNECT_SESSION_RETENTION_DAYS", "60")

    kept = cli.json("housekeeping", "run")

    assert (kept["oauth_states"], kept["connect_sessions"]) == (1, 0)
