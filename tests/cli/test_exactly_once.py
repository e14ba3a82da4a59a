"""Exactly one refresh per expiry across every worker: `linkyard up --workers 4` on PostgreSQL, 50 concurrent
calls on an expired token, the emulator in `rotation=strict` (security.md, item 11)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from linkyard.cli.connect_flow import follow_connect_link
from linkyard.store import generate_key_entry
from tests.cli.conftest import Process, child_env, port_pair

PG_URL = os.environ.get("LINKYARD_TEST_DATABASE_URL")
WORKERS = 4
CALLS = 50
STARTUP_TIMEOUT = 120.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not PG_URL,
        reason="exactly-once across workers needs PostgreSQL: LINKYARD_TEST_DATABASE_URL is not set",
    ),
]


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema of this test's own (dropped afterwards), as a database URL."""
    assert PG_URL is not None
    schema = f"lk_cli_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(PG_URL)
    query = urlencode([*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")])
    try:
        yield urlunsplit(parts._replace(query=query))
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def link_and_hammer(sandbox: dict[str, str]) -> tuple[int, int, list[int]]:
    """Link an account through the real redirects, expire its token at the emulator, then fire the calls.

    Returns the emulator's refresh count before and after, and the status of every call."""
    api, emulator = sandbox["api_url"], sandbox["emulator_url"]
    auth = httpx.BasicAuth(sandbox["api_key"], "")
    limits = httpx.Limits(max_connections=CALLS, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60.0, trust_env=False, limits=limits) as client:
        settings = await client.put(f"{emulator}/_emulator/settings", json={"rotation": "strict"})
        assert settings.json()["rotation"] == "strict"
        await follow_connect_link(client, sandbox["connect_link"], login_email=sandbox["admin_email"])
        (account,) = (await client.get(f"{api}/accounts", auth=auth)).json()
        assert account["status"] == "active"

        async def get_credentials() -> int:
            answer = await client.post(
                f"{api}/actions/rpc",
                json={"action": "factorialhr_get_credentials"},
                headers={"x-account-id": account["id"]},
                auth=auth,
            )
            return answer.status_code

        assert await get_credentials() == 200
        await client.post(f"{emulator}/_emulator/clock", json={"advance_seconds": 2 * 3600})
        before = (await client.get(f"{emulator}/_emulator/stats")).json()["token_requests"]["refresh_token"]
        statuses = await asyncio.gather(*(get_credentials() for _ in range(CALLS)))
        after = (await client.get(f"{emulator}/_emulator/stats")).json()["token_requests"]["refresh_token"]
        return before, after, list(statuses)


def test_fifty_calls_on_an_expired_token_across_four_workers_refresh_it_exactly_once(
    clean_env: Path, pg_schema_url: str, processes: list[Process]
) -> None:
    port = port_pair()
    env = child_env(
        LINKYARD_DATABASE_URL=pg_schema_url,
        LINKYARD_ENCRYPTION_KEYS=generate_key_entry("k1"),
        LINKYARD_LOG_LEVEL="DEBUG",  # one request line per call, with the worker's pid
    )
    up = Process(["up", "--sandbox", "--port", str(port), "--workers", str(WORKERS)], cwd=clean_env, env=env)
    processes.append(up)
    up.wait_for("Connect link:", STARTUP_TIMEOUT)
    up.wait_until_serving(f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)
    up.wait_for_stderr("Application startup complete.", count=WORKERS, timeout=STARTUP_TIMEOUT)
    sandbox = json.loads((clean_env / ".linkyard" / "sandbox.json").read_text())

    before, after, statuses = asyncio.run(link_and_hammer(sandbox))

    assert statuses == [200] * CALLS
    assert after - before == 1
    # The request log (DEBUG) names each line's worker: the calls must have been spread over several.
    serving = set(re.findall(r"\[(\d+)\] \S+: POST /actions/rpc", "".join(up.stderr)))
    assert len(serving) > 1, "the calls should have been spread over several workers"
