"""Many hosts on one PostgreSQL (issue 16 item 6): three `linkyard up --workers 2` hosts, each in a network
namespace of its own with its own address on a bridge, nginx balancing across them, the Factorial emulator and
the database reached over the bridge. Under load, every token expiry is refreshed exactly once across all hosts;
a host killed (SIGKILL) in the middle of a refresh, and another in the middle of a call, lose no credential, put
no account in `error`, and the remaining hosts go on serving.

What the test builds (unique names per run, removed even when it fails):
- a bridge with an address in the root namespace (the "gateway"), and one namespace per host joined to it by a
  veth pair;
- `socat` on the gateway forwarding to PostgreSQL, which listens on the root namespace's loopback only (a
  namespace cannot reach that loopback, and the machine's PostgreSQL is not ours to reconfigure);
- the emulator, served from the test's event loop on the gateway address behind an `AnswerHold` (which stops a
  host deterministically "Factorial has answered, the host has not got the answer yet");
- nginx on loopback with the three hosts as its upstream, adding the serving host's address to each answer.

Expiries are made by moving the emulator's clock two hours on: Factorial then refuses the access tokens every
host holds, and each account must be refreshed once, whichever hosts and workers its calls land on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from linkyard.connectors import get_connector
from linkyard.domain import ManualClock
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.emulator.factorial.state import Clock as EmulatorClock
from linkyard.oauth import ProviderClient, endpoints_for
from linkyard.store import KeyRing, Store, generate_key_entry
from tests.cli.conftest import Process, child_env
from tests.harness.database import PG_URL
from tests.held_answers import AnswerHold
from tests.oauth.conftest import BASE, CREDENTIALS_PATH, Control, Linked, link_account
from tests.store.conftest import OpenStore, database_url, open_stores

__all__ = ["database_url", "open_stores"]

pytestmark = [
    pytest.mark.multihost,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not PG_URL, reason="many hosts share one PostgreSQL: LINKYARD_TEST_DATABASE_URL is not set"
    ),
]

HOSTS = 3
WORKERS = 2
ACCOUNTS = 4
CALLS_PER_ACCOUNT = 24
"""Calls per account in each burst: 96 concurrent calls through nginx, on six workers across three hosts."""
PORT = 8000
"""Each host's port, inside its own namespace."""
STARTUP_TIMEOUT = 180.0
WAIT = 60.0
"""A bound on waiting for what takes milliseconds to seconds; reached only when something is broken."""
EXPIRY = timedelta(hours=2)
CREDENTIALS = "factorialhr_get_credentials"
HOST_HEADER = "x-upstream"


@pytest.fixture
def backend() -> str:
    """PostgreSQL only: it is the one database several hosts share."""
    return "postgresql"


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)  # noqa: S603 - fixed commands


def _required(program: str, package: str) -> str:
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if path is None:
        pytest.fail(f"{program} is missing: install it (`apt-get install {package}`; .ci/run does)")
    return path


@dataclass
class Network:
    """A bridge with the root namespace's address on it, and one namespace per host attached to it."""

    gateway: str
    namespaces: list[str]
    addresses: list[str]


@pytest.fixture
def network() -> Iterator[Network]:
    if os.geteuid() != 0:
        pytest.fail("the many-hosts test creates network namespaces: it needs root (CI runs as root)")
    _required("ip", "iproute2")
    tag = secrets.token_hex(3)
    subnet = f"10.{200 + secrets.randbelow(50)}.{secrets.randbelow(250)}"
    bridge = f"lkb{tag}"
    namespaces = [f"lkn{tag}{index}" for index in range(HOSTS)]
    network = Network(f"{subnet}.1", namespaces, [f"{subnet}.{11 + index}" for index in range(HOSTS)])
    try:
        _run("ip", "link", "add", bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{network.gateway}/24", "dev", bridge)
        _run("ip", "link", "set", bridge, "up")
        for index, (namespace, address) in enumerate(zip(namespaces, network.addresses, strict=True)):
            outside, inside = f"lkv{tag}{index}", f"lkp{tag}{index}"
            _run("ip", "netns", "add", namespace)
            _run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            _run("ip", "link", "set", outside, "master", bridge, "up")
            _run("ip", "link", "set", inside, "netns", namespace)
            _run("ip", "-n", namespace, "addr", "add", f"{address}/24", "dev", inside)
            _run("ip", "-n", namespace, "link", "set", inside, "up")
            _run("ip", "-n", namespace, "link", "set", "lo", "up")
        yield network
    finally:
        for namespace in namespaces:  # deleting a namespace deletes its end of the veth pair, and so the pair
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, check=False)  # noqa: S603, S607
        subprocess.run(["ip", "link", "del", bridge], capture_output=True, check=False)  # noqa: S603, S607


class Daemon:
    """A helper program (socat, nginx) of the test's, in its own process group, stopped after the test."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - fixed commands
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(WAIT)


@pytest.fixture
def daemons() -> Iterator[list[Daemon]]:
    started: list[Daemon] = []
    try:
        yield started
    finally:
        for daemon in reversed(started):
            daemon.stop()


def _until_listening(address: str, port: int, daemon: Daemon) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        with socket.socket() as probe:
            probe.settimeout(1.0)
            if probe.connect_ex((address, port)) == 0:
                return
        if daemon.popen.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on {address}:{port}:\n{daemon.log.read_text()}")
        time.sleep(0.05)


def _free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def _forward_postgres(network: Network, tmp_path: Path, daemons: list[Daemon]) -> tuple[str, int]:
    """socat on the gateway, forwarding each connection to PostgreSQL on loopback; the address it listens on."""
    socat = _required("socat", "socat")
    assert PG_URL is not None
    target = urlsplit(PG_URL)
    port = _free_port(network.gateway)
    daemon = Daemon(
        [
            socat,
            f"TCP-LISTEN:{port},bind={network.gateway},reuseaddr,fork,backlog=256",
            f"TCP:{target.hostname}:{target.port or 5432}",
        ],
        tmp_path / "socat.log",
    )
    daemons.append(daemon)
    _until_listening(network.gateway, port, daemon)
    return network.gateway, port


def _nginx(network: Network, tmp_path: Path, daemons: list[Daemon]) -> str:
    """nginx on loopback, balancing over the hosts; each answer names the host that served it."""
    nginx = _required("nginx", "nginx")
    port = _free_port("127.0.0.1")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    servers = "\n".join(
        f"    server {address}:{PORT} max_fails=1 fail_timeout=60s;" for address in network.addresses
    )
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"""
user root;
daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  {temp}
  upstream linkyard {{
{servers}
    keepalive 32;
    # Idle connections to a host close here before the host closes them (uvicorn: after 5 s): a request sent
    # on a connection the host is closing meets a reset, which nginx does not retry for a POST (a 502).
    keepalive_timeout 3s;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://linkyard;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout;
      add_header {HOST_HEADER} $upstream_addr always;
    }}
  }}
}}
"""
    )
    daemon = Daemon(
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
        prefix / "out.log",
    )
    daemons.append(daemon)
    _until_listening("127.0.0.1", port, daemon)
    return f"http://127.0.0.1:{port}"


@dataclass
class Factorial:
    url: str
    hold: AnswerHold
    control: Control
    provider: ProviderClient


@contextlib.asynccontextmanager
async def served_factorial(address: str, clock: ManualClock) -> AsyncIterator[Factorial]:
    """The emulator on `address` (the gateway), in this event loop, on the test's clock, behind a hold."""
    emulator = create_emulator(seed=5, employees=12, clock=EmulatorClock(lambda: clock().timestamp()))
    hold = AnswerHold(emulator)
    port = _free_port(address)
    config = uvicorn.Config(hold, host=address, port=port, lifespan="off", log_level="warning", backlog=512)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    deadline = time.monotonic() + WAIT
    while not server.started:
        if serving.done():
            serving.result()
            raise AssertionError("the emulator stopped before it started")
        assert time.monotonic() < deadline, "the emulator did not start"
        await asyncio.sleep(0.01)
    try:
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=hold), base_url=BASE) as http,
            ProviderClient(pins={"factorial.test": (address, port)}, clock=clock) as provider,
        ):
            yield Factorial(f"http://{address}:{port}", hold, Control(http), provider)
    finally:
        hold.release()
        server.should_exit = True
        await serving
        await emulator.state.webhooks.aclose()


CUT_OFF = 0
"""The status a burst records for an answer cut off after its head (its host died between the two)."""


@dataclass(frozen=True)
class Answer:
    """What a call through nginx got: its status (or `CUT_OFF`), its headers and its body."""

    status_code: int
    headers: httpx.Headers
    text: str


@dataclass
class Tenant:
    """One linked account in a project of its own, with the project's API key."""

    linked: Linked
    api_key: str

    async def call(self, client: httpx.AsyncClient, url: str) -> Answer:
        async with client.stream(
            "POST",
            f"{url}/actions/rpc",
            json={"action": CREDENTIALS},
            headers={"x-account-id": self.linked.account.id},
            auth=(self.api_key, ""),
        ) as response:
            try:
                await response.aread()
            except httpx.RemoteProtocolError:
                # nginx had passed on the answer's head when its host died: the body never came.
                return Answer(CUT_OFF, response.headers, "cut off after its head")
            return Answer(response.status_code, response.headers, response.text)


@dataclass
class Burst:
    """What one burst of calls through nginx saw."""

    statuses: Counter[int]
    served_by: Counter[str]
    """By the address of the host that answered (the last one nginx tried)."""
    failed_on: Counter[str]
    """Non-200 answers, by the host that gave them (502: nginx lost the host in the middle of the call;
    `CUT_OFF`: the host died after its answer's head had been passed on)."""
    failures: list[str]
    """Each non-200 answer: the host, the status and the body's start (what the test shows when it fails)."""
    passed_on: int
    """Calls nginx passed on to another host after the first could not be reached."""
    refreshes: int
    seconds: float

    def figures(self) -> str:
        return (
            f"{sum(self.statuses.values())} calls in {self.seconds:.2f} s, statuses {dict(self.statuses)}, "
            f"refreshes {self.refreshes}, served by {dict(self.served_by)}, passed on {self.passed_on}"
        )


async def burst(client: httpx.AsyncClient, url: str, tenants: list[Tenant], factorial: Factorial) -> Burst:
    """`CALLS_PER_ACCOUNT` concurrent calls on every account through nginx: their statuses, which hosts served
    them, and how many refreshes Factorial saw meanwhile."""
    before = await factorial.control.refreshes()
    started = time.monotonic()
    answers = await asyncio.gather(
        *(tenant.call(client, url) for tenant in tenants for _ in range(CALLS_PER_ACCOUNT))
    )
    seconds = time.monotonic() - started
    after = await factorial.control.refreshes()
    # `$upstream_addr` lists every host nginx tried, the one that answered last: "10.0.0.13:8000, 10.0.0.11:8000".
    tried = [
        [hop.strip().rsplit(":", 1)[0] for hop in answer.headers.get(HOST_HEADER, "?").split(",")]
        for answer in answers
    ]
    return Burst(
        statuses=Counter(answer.status_code for answer in answers),
        served_by=Counter(hops[-1] for hops in tried),
        failed_on=Counter(
            hops[-1] for hops, answer in zip(tried, answers, strict=True) if answer.status_code != 200
        ),
        failures=[
            f"{hops[-1]} {answer.status_code} {answer.text[:300]}"
            for hops, answer in zip(tried, answers, strict=True)
            if answer.status_code != 200
        ],
        passed_on=sum(len(hops) > 1 for hops in tried),
        refreshes=after - before,
        seconds=seconds,
    )


def _host_url(database_url: str, host: str, port: int, application: str) -> str:
    """The test database's URL (its schema included) with PostgreSQL reached at host:port instead, and the hosts'
    connections named `application` (so the test can tell theirs from other sessions on the server)."""
    parts = urlsplit(database_url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    query = urlencode([*parse_qsl(parts.query), ("application_name", application)])
    return urlunsplit(parts._replace(netloc=netloc, query=query))


async def kill(host: Process) -> None:
    """SIGKILL to the whole host (its `up` process and both workers), as a machine that dies."""
    os.killpg(host.popen.pid, signal.SIGKILL)
    await asyncio.to_thread(host.popen.wait, WAIT)


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `condition` until it holds, within `WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while not await condition():
        assert time.monotonic() < deadline, f"waited {WAIT} s for {what}"
        await asyncio.sleep(0.01)


async def test_three_hosts_behind_nginx_refresh_each_expiry_once_and_survive_a_host_killed_mid_refresh_and_mid_call(
    network: Network,
    daemons: list[Daemon],
    database_url: str,
    open_stores: OpenStore,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    db_host, db_port = await asyncio.to_thread(_forward_postgres, network, tmp_path, daemons)
    clock = ManualClock(datetime.now(UTC))
    key_entry = generate_key_entry("k1")
    store: Store = await open_stores(database_url, KeyRing.parse(key_entry), clock)
    application = f"linkyard-many-hosts-{secrets.token_hex(4)}"

    async def hosts_waiting_on_a_lock() -> int:
        async with store.database.engine.connect() as conn:
            waiting = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND wait_event_type = 'Lock'"
                ),
                {"name": application},
            )
        return int(waiting or 0)

    async with served_factorial(network.gateway, clock) as factorial:
        # `grace`: a refresh token used by a host that died before storing its successor still works once more.
        await factorial.control.settings(rotation="grace")
        endpoints = endpoints_for(get_connector("factorialhr"), "sandbox", BASE)
        tenants = []
        for index in range(ACCOUNTS):
            linked = await link_account(
                store, factorial.control, factorial.provider, endpoints, owner=f"org-{index}"
            )
            _, api_key = await store.api_keys.create(linked.project.id, "many hosts")
            tenants.append(Tenant(linked, api_key))

        env = child_env(
            LINKYARD_DATABASE_URL=_host_url(database_url, db_host, db_port, application),
            LINKYARD_ENCRYPTION_KEYS=key_entry,
            LINKYARD_SANDBOX_FACTORIALHR_URL=factorial.url,
        )
        hosts = []
        for namespace in network.namespaces:
            host = Process(
                ["up", "--host", "0.0.0.0", "--port", str(PORT), "--workers", str(WORKERS)],  # noqa: S104
                cwd=tmp_path,
                env=env,
                prefix=("ip", "netns", "exec", namespace),
            )
            processes.append(host)
            hosts.append(host)
        for host, address in zip(hosts, network.addresses, strict=True):
            await asyncio.to_thread(
                host.wait_until_serving, f"http://{address}:{PORT}/healthz", STARTUP_TIMEOUT
            )
            await asyncio.to_thread(
                host.wait_for_stderr, "Application startup complete.", count=WORKERS, timeout=STARTUP_TIMEOUT
            )
        by_address = dict(zip(network.addresses, hosts, strict=True))
        nginx = await asyncio.to_thread(_nginx, network, tmp_path, daemons)
        every = len(tenants) * CALLS_PER_ACCOUNT
        limits = httpx.Limits(max_connections=every + 1, max_keepalive_connections=every + 1)
        figures: list[str] = []
        async with httpx.AsyncClient(timeout=WAIT, trust_env=False, limits=limits) as client:
            # Warm: every host's workers have the accounts' tokens; nothing is refreshed.
            warm = await burst(client, nginx, tenants, factorial)
            figures.append(f"warm: {warm.figures()}")
            assert warm.statuses == {200: every}, warm.failures
            assert warm.refreshes == 0
            assert set(warm.served_by) == set(network.addresses), warm.served_by

            # Expiries under load: each account refreshed once per expiry, across all hosts and workers.
            for expiry in range(3):
                clock.advance(EXPIRY)
                round_ = await burst(client, nginx, tenants, factorial)
                figures.append(f"expiry {expiry + 1}: {round_.figures()}")
                assert round_.statuses == {200: every}, round_.failures
                assert round_.refreshes == ACCOUNTS
                assert set(round_.served_by) == set(network.addresses), round_.served_by

            # Mid-refresh, under load: the third host has Factorial's new tokens for the first account in flight,
            # holding that account's refresh, while a burst runs through nginx and other hosts' refreshes of that
            # account wait for it; then it dies.
            doomed_address = network.addresses[2]
            clock.advance(EXPIRY)
            factorial.hold.arm("POST", "/oauth/token")
            before = await factorial.control.refreshes()
            held = asyncio.create_task(tenants[0].call(client, f"http://{doomed_address}:{PORT}"))
            await asyncio.wait_for(factorial.hold.answered.wait(), WAIT)
            assert factorial.hold.client == doomed_address
            load = asyncio.create_task(burst(client, nginx, tenants, factorial))
            await until(
                lambda: _positive(hosts_waiting_on_a_lock()), "another host to wait for the held refresh"
            )
            await kill(by_address.pop(doomed_address))
            with pytest.raises(httpx.TransportError):
                await held
            factorial.hold.release()
            killed_mid_refresh = await load
            refreshes = await factorial.control.refreshes() - before
            figures.append(
                f"host killed mid-refresh: {killed_mid_refresh.figures()} (+1 held), {refreshes} in all"
            )
            # The only failures are calls nginx had handed to the dying host (502, or cut off after their head),
            # none from a survivor.
            assert set(killed_mid_refresh.statuses) <= {200, 502, CUT_OFF}, killed_mid_refresh.statuses
            assert set(killed_mid_refresh.failed_on) <= {doomed_address}, killed_mid_refresh.failures
            # Each account refreshed once, plus one per refresh the dying host had started and never stored: the
            # held one, and any the load had given it.
            lost = killed_mid_refresh.statuses[502] + killed_mid_refresh.statuses[CUT_OFF]
            assert ACCOUNTS + 1 <= refreshes <= ACCOUNTS + 1 + lost
            settled = await burst(client, nginx, tenants, factorial)
            figures.append(f"after it: {settled.figures()}")
            assert settled.statuses == {200: every}, settled.failures
            assert settled.refreshes == 0, settled.figures()
            assert set(settled.served_by) == set(by_address), settled.served_by

            # Mid-call, under load: a burst through nginx, one of its calls held at Factorial; the host that made
            # that call dies.
            factorial.hold.arm("GET", CREDENTIALS_PATH)
            load = asyncio.create_task(burst(client, nginx, tenants, factorial))
            await asyncio.wait_for(factorial.hold.answered.wait(), WAIT)
            doomed_address = str(factorial.hold.client)
            await kill(by_address.pop(doomed_address))
            factorial.hold.release()
            killed_mid_call = await load
            figures.append(f"host killed mid-call: {killed_mid_call.figures()}")
            assert set(killed_mid_call.statuses) <= {200, 502, CUT_OFF}, killed_mid_call.statuses
            assert killed_mid_call.statuses[502] + killed_mid_call.statuses[CUT_OFF] >= 1
            assert set(killed_mid_call.failed_on) == {doomed_address}, killed_mid_call.failures
            assert killed_mid_call.refreshes == 0

            # The last host standing serves everything, and still refreshes each expiry once.
            (survivor,) = by_address
            settled = await burst(client, nginx, tenants, factorial)
            figures.append(f"after it: {settled.figures()}")
            assert settled.statuses == {200: every}, settled.failures
            assert settled.refreshes == 0
            assert set(settled.served_by) == {survivor}, settled.served_by
            clock.advance(EXPIRY)
            last = await burst(client, nginx, tenants, factorial)
            figures.append(f"expiry on the last host: {last.figures()}")
            assert last.statuses == {200: every}, last.failures
            assert last.refreshes == ACCOUNTS, last.figures()

        # No credential lost, no account in `error`: each stored token set is whole and Factorial takes it.
        for tenant in tenants:
            account = await store.accounts.get(*tenant.linked.key)
            assert account.status == "active", account.status_reasons
            stored = await store.credentials.get(*tenant.linked.key)
            assert stored is not None and stored.refresh_token is not None
            assert await factorial.control.call(stored.access_token) == 200
        print("\n".join(["", *figures]))  # the figures docs/benchmarks.md quotes (shown with `pytest -s`)


async def _positive(count: Awaitable[int]) -> bool:
    return await count > 0
