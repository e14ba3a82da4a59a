"""Revocation is immediate across workers (security.md, property 22): `linkyard up --workers 3`, on PostgreSQL and
on SQLite, with every worker serving an API key from its read cache; then a change made elsewhere (`linkyard
api-keys revoke` in another process, a suspension or a disabled profile through the API, which one worker
serves) and the calls that follow at once: none of them may succeed, in any worker."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from typer.testing import CliRunner

from linkyard.cli import app
from linkyard.cli.connect_flow import follow_connect_link
from linkyard.store import generate_key_entry
from tests.cli.conftest import Process, child_env, port_pair

PG_URL = os.environ.get("LINKYARD_TEST_DATABASE_URL")
WORKERS = 3
AFTER = 200  # the calls that follow a change: 0 of them may succeed
BURST = 24  # calls in flight at once, each on a new connection so that the workers share them
MAX_ROUNDS = 40  # bursts to reach every worker before the test gives up
STARTUP_TIMEOUT = 120.0
LOG_TIMEOUT = 30.0
RPC_LINE = re.compile(r"\[(\d+)\] linkyard\.requests: POST /actions/rpc -> (\d+)")

pytestmark = [pytest.mark.slow]


@dataclass
class Server:
    """`linkyard up --sandbox --workers 3` with a linked account, and how to run the CLI on its database."""

    up: Process
    env: dict[str, str]
    sandbox: dict[str, Any]
    account_id: str

    @property
    def api(self) -> str:
        return str(self.sandbox["api_url"])

    def cli(self, *args: str) -> Any:
        """`linkyard ... --json` as an operator runs it on the server's database, in another process's role."""
        result = CliRunner().invoke(app, [*args, "--json"], env=self.env)
        assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}"
        return json.loads(result.stdout)

    def new_key(self, name: str) -> tuple[str, str]:
        created = self.cli("api-keys", "create", "--name", name)
        return created["id"], created["api_key"]

    def rpc_lines(self, since: int) -> list[tuple[str, int]]:
        """(worker pid, status) of each `/actions/rpc` the workers logged from line `since` of their output."""
        found = (RPC_LINE.search(line) for line in self.up.stderr[since:])
        return [(match[1], int(match[2])) for match in found if match]

    def wait_for_rpc_lines(self, since: int, count: int) -> list[tuple[str, int]]:
        """The log lines of `count` calls (a worker writes its line as it answers: the pipe may lag behind)."""
        deadline = time.monotonic() + LOG_TIMEOUT
        while len(lines := self.rpc_lines(since)) < count:
            assert time.monotonic() < deadline, f"only {len(lines)} of {count} calls were logged"
            time.sleep(0.05)
        return lines


def postgres_schema() -> Generator[str, None, None]:
    """A fresh schema of this module's own on the test server (dropped afterwards), as a database URL."""
    assert PG_URL is not None
    schema = f"lk_revoke_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(PG_URL)
    query = urlencode([*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")])
    try:
        yield urlunsplit(parts._replace(query=query))
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not PG_URL, reason="PostgreSQL run skipped: LINKYARD_TEST_DATABASE_URL is not set"
                ),
            ],
        ),
    ],
)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp(f"revocation-{request.param}")
    schemas = postgres_schema() if request.param == "postgresql" else None
    database_url = next(schemas) if schemas is not None else f"sqlite:///{directory / 'linkyard.db'}"
    env = child_env(
        LINKYARD_DATABASE_URL=database_url,
        LINKYARD_ENCRYPTION_KEYS=generate_key_entry("k1"),
        LINKYARD_LOG_LEVEL="DEBUG",  # one request line per call, with the worker's pid
        # The test sends hundreds of calls a second with one key, and then hundreds with a revoked one: what it
        # asserts is the refusal of revocation itself (401/412), not the request rates or the failed-key
        # throttle, which answer 429 past their bursts (tested in tests/api/test_rate_limits.py and
        # tests/api/test_auth_throttle.py).
        LINKYARD_RATE_LIMIT_PER_KEY="",
        LINKYARD_RATE_LIMIT_PER_PROJECT="",
        LINKYARD_AUTH_FAILURE_LIMIT_PER_ADDRESS="1000000/minute",
        LINKYARD_AUTH_FAILURE_LIMIT_PER_PREFIX="1000000/minute",
    )
    port = port_pair()
    up = Process(["up", "--sandbox", "--port", str(port), "--workers", str(WORKERS)], cwd=directory, env=env)
    try:
        up.wait_for("Connect link:", STARTUP_TIMEOUT)
        up.wait_until_serving(f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)
        up.wait_for_stderr("Application startup complete.", count=WORKERS, timeout=STARTUP_TIMEOUT)
        sandbox = json.loads((directory / ".linkyard" / "sandbox.json").read_text())
        account_id = asyncio.run(link_account(sandbox))
        cli_env = {
            "LINKYARD_DATABASE_URL": database_url,
            "LINKYARD_ENCRYPTION_KEYS": env["LINKYARD_ENCRYPTION_KEYS"],
            "LINKYARD_PROJECT": sandbox["project_id"],
        }
        yield Server(up, cli_env, sandbox, account_id)
    finally:
        up.stop()
        if schemas is not None:
            schemas.close()


async def link_account(sandbox: dict[str, Any]) -> str:
    """Link the emulator's company through the real redirects; the account's id."""
    async with httpx.AsyncClient(timeout=60.0, trust_env=False) as client:
        await follow_connect_link(client, sandbox["connect_link"], login_email=sandbox["admin_email"])
        answer = await client.get(
            f"{sandbox['api_url']}/accounts", auth=httpx.BasicAuth(sandbox["api_key"], "")
        )
        (account,) = answer.json()
        assert account["status"] == "active"
        return str(account["id"])


async def call(server: Server, api_key: str, count: int) -> list[int]:
    """`count` calls of an action, `BURST` at a time, each on a new connection; their statuses in order."""
    limits = httpx.Limits(max_connections=BURST, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60.0, trust_env=False, limits=limits) as client:

        async def one() -> int:
            answer = await client.post(
                f"{server.api}/actions/rpc",
                json={"action": "factorialhr_get_credentials"},
                headers={"x-account-id": server.account_id},
                auth=httpx.BasicAuth(api_key, ""),
            )
            return answer.status_code

        return list(await asyncio.gather(*(one() for _ in range(count))))


def warm_every_worker(server: Server, api_key: str) -> None:
    """Calls until every worker has answered one with 200: each then holds the key, the account and the
    profile in its read cache (and the last burst is the moment before the change)."""
    since = len(server.up.stderr)
    for _ in range(MAX_ROUNDS):
        assert asyncio.run(call(server, api_key, BURST)) == [200] * BURST
        served = {pid for pid, status in server.rpc_lines(since) if status == 200}
        if len(served) == WORKERS:
            return
    raise AssertionError(f"only {len(served)} of {WORKERS} workers answered in {MAX_ROUNDS} bursts")


def calls_after_the_change(server: Server, api_key: str) -> tuple[list[int], set[str]]:
    """The `AFTER` calls made at once after a change (their statuses), then more until every worker has
    answered one (whose statuses are returned with them): so no worker escapes the check."""
    since = len(server.up.stderr)
    statuses = asyncio.run(call(server, api_key, AFTER))
    workers = {pid for pid, _ in server.wait_for_rpc_lines(since, AFTER)}
    for _ in range(MAX_ROUNDS):
        if len(workers) == WORKERS:
            break
        statuses += asyncio.run(call(server, api_key, BURST))
        workers = {pid for pid, _ in server.wait_for_rpc_lines(since, len(statuses))}
    return statuses, workers


def test_a_key_revoked_with_the_cli_is_refused_by_every_worker_as_soon_as_the_command_returns(
    server: Server,
) -> None:
    key_id, api_key = server.new_key("revoked-at-once")
    warm_every_worker(server, api_key)

    revoked = server.cli("api-keys", "revoke", key_id)
    statuses, workers = calls_after_the_change(server, api_key)

    assert revoked["revoked_at"] is not None
    assert statuses[:AFTER].count(200) == 0
    assert set(statuses) == {401}
    assert len(workers) == WORKERS


def test_an_account_suspended_through_one_worker_is_refused_by_every_worker_at_once(server: Server) -> None:
    _, api_key = server.new_key("suspension")
    auth = httpx.BasicAuth(api_key, "")
    warm_every_worker(server, api_key)

    answer = httpx.patch(
        f"{server.api}/accounts/{server.account_id}", json={"status": "suspended"}, auth=auth, timeout=60.0
    )
    try:
        assert answer.status_code == 200 and answer.json()["status"] == "suspended"
        statuses, workers = calls_after_the_change(server, api_key)
    finally:
        httpx.patch(
            f"{server.api}/accounts/{server.account_id}", json={"status": "active"}, auth=auth, timeout=60.0
        )

    assert statuses[:AFTER].count(200) == 0
    assert set(statuses) == {412}
    assert len(workers) == WORKERS


def test_a_profile_disabled_through_one_worker_is_refused_by_every_worker_at_once(server: Server) -> None:
    _, api_key = server.new_key("disabled-profile")
    auth = httpx.BasicAuth(api_key, "")
    profile = f"{server.api}/connector_profiles/{server.sandbox['profile_id']}"
    warm_every_worker(server, api_key)

    answer = httpx.patch(profile, json={"disabled": True}, auth=auth, timeout=60.0)
    try:
        assert answer.status_code == 200 and answer.json()["disabled"] is True
        statuses, workers = calls_after_the_change(server, api_key)
    finally:
        httpx.patch(profile, json={"disabled": False}, auth=auth, timeout=60.0)

    assert statuses[:AFTER].count(200) == 0
    assert set(statuses) == {412}
    assert len(workers) == WORKERS
