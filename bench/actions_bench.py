"""Gateway benchmark: what `POST /actions/rpc` adds over calling the Factorial emulator directly.

Run by hand (`make bench-actions`); the figures go into docs/benchmarks.md. Not a test.

Everything runs as an operator runs it, each in its own process on loopback: the emulator
(`linkyard emulator factorial --employees 10000`) and the platform (`linkyard up`, one uvicorn worker, a SQLite
file in a temporary directory or `--database-url`, a key file). An account is linked through the real flow (an
OAuth application in the emulator, a connector profile, a connect session whose link is walked the way a browser
walks it). Then, side by side and interleaved so that drift hits both alike:

1. sequential `factorialhr_get_employee`: the direct GET of `/employees/employees/{id}` with an emulator API key
   versus `POST /actions/rpc`, alternating call by call from a lean keep-alive socket client (no HTTP library in
   the way), p50/p99 per call; then `wrk` with one connection (a Lua script for the POST), rounds alternating;
2. 32 concurrent connections with `wrk`: requests/s, rounds alternating; then the same against a second
   platform process with more uvicorn workers (`--extra-workers`, 2 by default), on the same database;
3. bulk: every employee through `next` (page_size 100) versus the official SDK's `paginate(limit=100)` straight
   to the emulator (and, for reference, a plain httpx walk of the emulator's cursor);
4. request logs: the platform (logs on, the default) against a second platform process on the same database with
   `LINKYARD_REQUEST_LOGS_ENABLED=false`, sequential calls interleaved three ways with the direct call (so each
   side's added latency is known), then `wrk -c32` rounds alternating on and off.

After the sequential run, the servers' CPU time per call is read from /proc (the emulator's for a direct call;
the platform's and the emulator's for a call through the gateway): at 32 connections on a small machine, the
throughput is bounded by it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import free_port

API_VERSION = "2026-10-01"
EMPLOYEES_PATH = f"/api/{API_VERSION}/resources/employees/employees"
GET_EMPLOYEE = "factorialhr_get_employee"
LIST_EMPLOYEES = "factorialhr_list_employees"


# --- processes -----------------------------------------------------------------------------------------


@dataclass
class Child:
    """A `linkyard` process of this benchmark, its output in a file (so no pipe ever fills)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def start(
    name: str, args: list[str], env: dict[str, str], directory: Path, *, profile: Path | None = None
) -> Child:
    """`linkyard ARGS` in its own process; with `profile`, under a profiler, its report written there
    (cProfile's statistics for a `.pstats` file, else pyinstrument's text report)."""
    log = directory / f"{name}.log"
    wrapper = []
    if profile is not None and profile.suffix == ".pstats":
        wrapper = ["-m", "cProfile", "-o", str(profile)]
    elif profile is not None:
        wrapper = ["-m", "pyinstrument", "-r", "text", "-o", str(profile)]
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [sys.executable, *wrapper, "-m", "linkyard.cli", *args],
            env=env,
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Child(name, popen, log)


def wait_until_answering(child: Child, url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if child.popen.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{child.name} did not start:\n{child.tail()}")
        time.sleep(0.1)


def linkyard_env(directory: Path, database_url: str | None, key_entry: str, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("LINKYARD_")}
    key_file = directory / "encryption.key"
    key_file.write_text(key_entry + "\n")
    key_file.chmod(0o600)
    env.update(
        LINKYARD_DATABASE_URL=database_url or f"sqlite:///{directory / 'linkyard.db'}",
        LINKYARD_ENCRYPTION_KEYS=key_file.read_text().strip(),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


# --- linking an account through the real flow ----------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    api_url: str
    api_key: str
    account_id: str
    emulator_url: str
    emulator_key: str
    employee_ids: list[str]


async def link_account(api_url: str, api_key: str, emulator_url: str) -> tuple[str, str]:
    """Profile, connect session and the browser's walk through the hosted page and the emulator's consent."""
    from linkyard.cli.demo import Sandbox, walk

    async with httpx.AsyncClient(timeout=30.0, trust_env=False) as client:
        sandbox = Sandbox(
            client=client,
            api_url=api_url,
            api_key=api_key,
            emulator_url=emulator_url,
            redirect_uri=f"{api_url}/connect/oauth2/factorialhr/callback",
            mode="benchmark",
        )
        result = await walk(sandbox)
        company = (await client.get(f"{emulator_url}/_emulator/companies")).json()[0]
        key = await client.post(f"{emulator_url}/_emulator/api_keys", json={"company_id": company["id"]})
        return str(result.account["id"]), str(key.json()["api_key"])


def employee_ids(emulator_url: str, key: str, count: int) -> list[str]:
    with httpx.Client(base_url=emulator_url, headers={"x-api-key": key}, timeout=30) as http:
        page = http.get(EMPLOYEES_PATH, params={"limit": 100}).json()
    ids = [str(employee["id"]) for employee in page["data"]]
    return random.Random(7).sample(ids, min(count, len(ids)))


# --- a lean client: a keep-alive socket and prepared bytes ---------------------------------------------


class LeanConnection:
    """HTTP/1.1 over one kept-alive socket with the request bytes prepared in advance: a few microseconds of
    client work per call, so that the figures are the servers', not the client library's."""

    def __init__(self, url: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.host = f"{host}:{port}"
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pending = b""

    def close(self) -> None:
        self.sock.close()

    def get(self, path: str, headers: dict[str, str]) -> bytes:
        return self._prepare("GET", path, headers, b"")

    def post(self, path: str, headers: dict[str, str], body: bytes) -> bytes:
        return self._prepare("POST", path, {**headers, "content-type": "application/json"}, body)

    def _prepare(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"content-length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def send(self, raw: bytes) -> tuple[int, bytes]:
        self.sock.sendall(raw)
        buffer = self.pending
        while b"\r\n\r\n" not in buffer:
            buffer += self._recv()
        head, _, rest = buffer.partition(b"\r\n\r\n")
        status = int(head[9:12])
        match = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
        if match is None:
            raise RuntimeError("a response without content-length (the lean client reads only those)")
        length = int(match.group(1))
        while len(rest) < length:
            rest += self._recv()
        self.pending = rest[length:]
        return status, rest[:length]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(262_144)
        if not chunk:
            raise RuntimeError("the server closed the connection")
        return chunk


def basic(api_key: str) -> str:
    return "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()


def rpc_body(employee_id: str) -> bytes:
    return json.dumps({"action": GET_EMPLOYEE, "path": {"id": employee_id}}).encode()


@dataclass
class Sequential:
    direct: list[float] = field(default_factory=list)
    gateway: list[float] = field(default_factory=list)


def sequential(linked: Linked, calls: int, warmup: int) -> Sequential:
    """Alternate direct and gateway calls (order shuffled per pair), timing each from send to last byte."""
    direct = LeanConnection(linked.emulator_url)
    gateway = LeanConnection(linked.api_url)
    rpc_headers = {"authorization": basic(linked.api_key), "x-account-id": linked.account_id}
    direct_headers = {"x-api-key": linked.emulator_key, "accept": "application/json"}
    prepared = [
        (
            direct.get(f"{EMPLOYEES_PATH}/{employee_id}", direct_headers),
            gateway.post("/actions/rpc", rpc_headers, rpc_body(employee_id)),
        )
        for employee_id in linked.employee_ids
    ]
    # The same employee both ways, once: the gateway must hand back exactly what Factorial answered.
    status_d, body_d = direct.send(prepared[0][0])
    status_g, body_g = gateway.send(prepared[0][1])
    if (status_d, status_g) != (200, 200) or json.loads(body_g)["data"] != json.loads(body_d):
        raise SystemExit(f"direct {status_d} and gateway {status_g} disagree: {body_g[:300]!r}")
    order = random.Random(11)
    timings = Sequential()
    clock = time.perf_counter
    for index in range(warmup + calls):
        raw_direct, raw_gateway = prepared[index % len(prepared)]
        pair: list[tuple[LeanConnection, bytes, list[float]]] = [
            (direct, raw_direct, timings.direct),
            (gateway, raw_gateway, timings.gateway),
        ]
        order.shuffle(pair)
        for connection, raw, into in pair:
            started = clock()
            status, _ = connection.send(raw)
            elapsed = clock() - started
            if status != 200:
                raise SystemExit(f"HTTP {status} during the sequential run")
            if index >= warmup:
                into.append(elapsed * 1000)
    direct.close()
    gateway.close()
    return timings


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and all its descendants (uvicorn's workers), from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            process = int(stat.parent.name)
            parents[process] = int(fields[1])
            times[process] = (int(fields[11]) + int(fields[12])) / _TICKS
    total = 0.0
    for process, seconds in times.items():
        ancestor = process
        while ancestor > 1 and ancestor != pid:
            ancestor = parents.get(ancestor, 0)
        if ancestor == pid:
            total += seconds
    return total


@dataclass(frozen=True)
class CpuPerCall:
    """Microseconds of CPU per call: the emulator's for a direct call; the platform's and the emulator's for a
    call through the gateway."""

    direct_emulator: float
    gateway_platform: float
    gateway_emulator: float


def cpu_per_call(setup: Setup, calls: int) -> CpuPerCall:
    """`calls` direct calls, then `calls` through the gateway, on lean connections; CPU read before and after."""
    linked = setup.linked
    emulator, platform_pid = setup.emulator.popen.pid, setup.platform.popen.pid
    direct = LeanConnection(linked.emulator_url)
    gateway = LeanConnection(linked.api_url)
    rpc_headers = {"authorization": basic(linked.api_key), "x-account-id": linked.account_id}
    direct_headers = {"x-api-key": linked.emulator_key, "accept": "application/json"}
    ids = linked.employee_ids
    direct_raw = [direct.get(f"{EMPLOYEES_PATH}/{i}", direct_headers) for i in ids]
    gateway_raw = [gateway.post("/actions/rpc", rpc_headers, rpc_body(i)) for i in ids]

    def spent(connection: LeanConnection, raws: list[bytes]) -> tuple[float, float]:
        for index in range(200):  # warm
            connection.send(raws[index % len(raws)])
        before = cpu_seconds(emulator), cpu_seconds(platform_pid)
        for index in range(calls):
            connection.send(raws[index % len(raws)])
        after = cpu_seconds(emulator), cpu_seconds(platform_pid)
        return (after[0] - before[0]) * 1e6 / calls, (after[1] - before[1]) * 1e6 / calls

    direct_emulator, _ = spent(direct, direct_raw)
    gateway_emulator, gateway_platform = spent(gateway, gateway_raw)
    direct.close()
    gateway.close()
    return CpuPerCall(direct_emulator, gateway_platform, gateway_emulator)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- wrk -----------------------------------------------------------------------------------------------

_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

_LUA = """
local ids = {%(ids)s}
local i = 0
%(headers)s
request = function()
  i = i + 1
  local id = ids[(i %% #ids) + 1]
  %(request)s
end
"""


@dataclass(frozen=True)
class WrkRun:
    rps: float
    p50: float
    p99: float


def lua_script(directory: Path, name: str, linked: Linked, *, gateway: bool) -> Path:
    ids = ", ".join(f'"{employee_id}"' for employee_id in linked.employee_ids)
    if gateway:
        headers = {
            "Authorization": basic(linked.api_key),
            "x-account-id": linked.account_id,
            "Content-Type": "application/json",
        }
        request = (
            f'return wrk.format("POST", "/actions/rpc", nil, '
            f'\'{{"action":"{GET_EMPLOYEE}","path":{{"id":"\' .. id .. \'"}}}}\')'
        )
    else:
        headers = {"x-api-key": linked.emulator_key, "Accept": "application/json"}
        request = f'return wrk.format("GET", "{EMPLOYEES_PATH}/" .. id)'
    header_lines = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    path = directory / f"{name}.lua"
    path.write_text(_LUA % {"ids": ids, "headers": header_lines, "request": request})
    return path


def wrk(url: str, script: Path, connections: int, seconds: int) -> WrkRun:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def latency(label: str) -> float:
        found = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert found is not None, out
        return float(found.group(1)) * _WRK_UNITS[found.group(2)]

    return WrkRun(rps, latency("50%"), latency("99%"))


def wrk_rounds(
    linked: Linked,
    directory: Path,
    connections: int,
    seconds: int,
    rounds: int,
    *,
    api_url: str | None = None,
) -> tuple[list[WrkRun], list[WrkRun]]:
    """Alternating wrk rounds, direct then gateway; `api_url` is another platform process to use."""
    gateway_url = api_url or linked.api_url
    direct_script = lua_script(directory, "direct", linked, gateway=False)
    gateway_script = lua_script(directory, "gateway", linked, gateway=True)
    wrk(linked.emulator_url, direct_script, connections, 1)  # warm up both
    wrk(gateway_url, gateway_script, connections, 1)
    direct: list[WrkRun] = []
    gateway: list[WrkRun] = []
    for _ in range(rounds):
        direct.append(wrk(linked.emulator_url, direct_script, connections, seconds))
        gateway.append(wrk(gateway_url, gateway_script, connections, seconds))
    return direct, gateway


# --- request logs on and off ----------------------------------------------------------------------------


@dataclass
class LoggingTimings:
    direct: list[float] = field(default_factory=list)
    logging_on: list[float] = field(default_factory=list)
    logging_off: list[float] = field(default_factory=list)


def logging_sequential(linked: Linked, off_url: str, calls: int, warmup: int) -> LoggingTimings:
    """Direct, gateway with request logs on, and a second platform with them off (same database), alternating
    call by call in a shuffled order, each timed from send to last byte."""
    direct = LeanConnection(linked.emulator_url)
    logging_on = LeanConnection(linked.api_url)
    logging_off = LeanConnection(off_url)
    rpc_headers = {"authorization": basic(linked.api_key), "x-account-id": linked.account_id}
    direct_headers = {"x-api-key": linked.emulator_key, "accept": "application/json"}
    prepared = [
        (
            direct.get(f"{EMPLOYEES_PATH}/{employee_id}", direct_headers),
            logging_on.post("/actions/rpc", rpc_headers, rpc_body(employee_id)),
        )
        for employee_id in linked.employee_ids
    ]
    order = random.Random(13)
    timings = LoggingTimings()
    clock = time.perf_counter
    for index in range(warmup + calls):
        raw_direct, raw_rpc = prepared[index % len(prepared)]
        trio: list[tuple[LeanConnection, bytes, list[float]]] = [
            (direct, raw_direct, timings.direct),
            (logging_on, raw_rpc, timings.logging_on),
            (logging_off, raw_rpc, timings.logging_off),
        ]
        order.shuffle(trio)
        for connection, raw, into in trio:
            started = clock()
            status, _ = connection.send(raw)
            elapsed = clock() - started
            if status != 200:
                raise SystemExit(f"HTTP {status} during the request log run")
            if index >= warmup:
                into.append(elapsed * 1000)
    for connection in (direct, logging_on, logging_off):
        connection.close()
    return timings


def logging_cpu(linked: Linked, on_pid: int, off_url: str, off_pid: int, calls: int) -> tuple[float, float]:
    """Microseconds of platform CPU per call with request logs on and off: blocks of 200 calls alternating
    between the two processes, each process's CPU read before the first block and after the last (plus two
    flush intervals, so the logs' redaction and writes, done in the background, are counted)."""
    logging_on = LeanConnection(linked.api_url)
    logging_off = LeanConnection(off_url)
    rpc_headers = {"authorization": basic(linked.api_key), "x-account-id": linked.account_id}
    raws = [logging_on.post("/actions/rpc", rpc_headers, rpc_body(i)) for i in linked.employee_ids]
    for index in range(200):  # warm both
        logging_on.send(raws[index % len(raws)])
        logging_off.send(raws[index % len(raws)])
    time.sleep(2.5)
    before = cpu_seconds(on_pid), cpu_seconds(off_pid)
    block = 200
    for start in range(0, calls, block):
        for connection in (logging_on, logging_off):
            for index in range(start, min(start + block, calls)):
                connection.send(raws[index % len(raws)])
    time.sleep(2.5)
    after = cpu_seconds(on_pid), cpu_seconds(off_pid)
    logging_on.close()
    logging_off.close()
    return (after[0] - before[0]) * 1e6 / calls, (after[1] - before[1]) * 1e6 / calls


def logging_wrk_rounds(
    linked: Linked, directory: Path, off_url: str, connections: int, seconds: int, rounds: int
) -> tuple[list[WrkRun], list[WrkRun]]:
    """Alternating wrk rounds against the gateway with request logs on, then off."""
    script = lua_script(directory, "gateway-logging", linked, gateway=True)
    wrk(linked.api_url, script, connections, 1)
    wrk(off_url, script, connections, 1)
    logging_on: list[WrkRun] = []
    logging_off: list[WrkRun] = []
    for _ in range(rounds):
        logging_on.append(wrk(linked.api_url, script, connections, seconds))
        logging_off.append(wrk(off_url, script, connections, seconds))
    return logging_on, logging_off


# --- bulk ----------------------------------------------------------------------------------------------


def walk_gateway(http: httpx.Client, linked: Linked) -> int:
    headers = {"x-account-id": linked.account_id}
    query: dict[str, Any] = {"page_size": 100}
    seen = 0
    while True:
        answer = http.post(
            "/actions/rpc", json={"action": LIST_EMPLOYEES, "query": query}, headers=headers
        ).json()
        seen += len(answer["data"])
        if not answer["next"]:
            return seen
        query = {"page_size": 100, "next": answer["next"]}


def walk_sdk(sdk: Any) -> int:
    return sum(1 for _ in sdk.employees.employees.paginate(limit=100))


def walk_direct_httpx(http: httpx.Client) -> int:
    params: dict[str, Any] = {"limit": 100}
    seen = 0
    while True:
        page = http.get(EMPLOYEES_PATH, params=params).json()
        seen += len(page["data"])
        meta = page["meta"]
        if not meta["has_next_page"]:
            return seen
        params = {"limit": 100, "after_id": meta["end_cursor"]}


def bulk(linked: Linked, rounds: int, expected: int) -> dict[str, list[float]]:
    from factorial_api_client import FactorialClient

    sdk = FactorialClient(api_key=linked.emulator_key, base_url=linked.emulator_url)
    gateway = httpx.Client(
        base_url=linked.api_url, auth=httpx.BasicAuth(linked.api_key, ""), timeout=60, trust_env=False
    )
    direct = httpx.Client(
        base_url=linked.emulator_url, headers={"x-api-key": linked.emulator_key}, timeout=60, trust_env=False
    )
    walks: dict[str, Callable[[], int]] = {
        "sdk": lambda: walk_sdk(sdk),
        "gateway": lambda: walk_gateway(gateway, linked),
        "httpx": lambda: walk_direct_httpx(direct),
    }
    times: dict[str, list[float]] = {name: [] for name in walks}
    for name, run in walks.items():  # warm up
        if run() != expected:
            raise SystemExit(f"the {name} walk did not see {expected} employees")
    for _ in range(rounds):
        for name, run in walks.items():
            started = time.perf_counter()
            count = run()
            times[name].append(time.perf_counter() - started)
            assert count == expected
    gateway.close()
    direct.close()
    sdk._client.get_httpx_client().close()
    return times


# --- the run -------------------------------------------------------------------------------------------


@dataclass
class Setup:
    """The running servers of one benchmark run, and what it takes to start another platform process."""

    linked: Linked
    emulator: Child
    platform: Child
    env: dict[str, str]
    directory: Path

    @contextlib.contextmanager
    def another_platform(self, workers: int, name: str = "", **env: str) -> Iterator[tuple[str, Child]]:
        """One more `linkyard up` with `workers` uvicorn workers, on the same database, `env` on top; its URL
        and process."""
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        child = start(
            name or f"platform-{workers}-workers",
            ["up", "--port", str(port), "--workers", str(workers)],
            {**self.env, "LINKYARD_PUBLIC_URL": url, **env},
            self.directory,
        )
        try:
            wait_until_answering(child, f"{url}/healthz")
            yield url, child
        finally:
            child.stop()


@contextlib.contextmanager
def servers(args: argparse.Namespace, directory: Path) -> Iterator[Setup]:
    from linkyard.store import generate_key_entry

    emulator_port, api_port = free_port(), free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    api_url = f"http://127.0.0.1:{api_port}"
    env = linkyard_env(
        directory,
        args.database_url,
        generate_key_entry("bench"),
        LINKYARD_PUBLIC_URL=api_url,
        LINKYARD_SANDBOX_FACTORIALHR_URL=emulator_url,
        LINKYARD_LOG_LEVEL=args.log_level,
        # The guards count every call as in production but never refuse one here (one key, one account, 32
        # at once); what they do under a flood is bench/fair_share_bench.py's.
        LINKYARD_RATE_LIMIT_PER_KEY="1000000/second",
        LINKYARD_RATE_LIMIT_PER_PROJECT="1000000/second",
        LINKYARD_UPSTREAM_CALLS_PER_PROJECT="64",
        LINKYARD_UPSTREAM_CALLS_PER_ACCOUNT="64",
    )
    children: list[Child] = []
    try:
        emulator = start(
            "emulator",
            ["emulator", "factorial", "--port", str(emulator_port), "--employees", str(args.employees)],
            env,
            directory,
        )
        children.append(emulator)
        created = subprocess.run(
            [sys.executable, "-m", "linkyard.cli", "projects", "create", "Bench", "--json"],
            env=env,
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
        api_key = json.loads(created.stdout)["api_key"]
        api = start(
            "platform",
            ["up", "--port", str(api_port), "--workers", str(args.workers)],
            env,
            directory,
            profile=args.profile,
        )
        children.append(api)
        wait_until_answering(emulator, f"{emulator_url}/_emulator/settings")
        wait_until_answering(api, f"{api_url}/healthz")
        account_id, emulator_key = asyncio.run(link_account(api_url, api_key, emulator_url))
        linked = Linked(
            api_url=api_url,
            api_key=api_key,
            account_id=account_id,
            emulator_url=emulator_url,
            emulator_key=emulator_key,
            employee_ids=employee_ids(emulator_url, emulator_key, 100),
        )
        yield Setup(linked, emulator, api, env, directory)
    finally:
        for child in reversed(children):
            child.stop()
            if args.keep_logs:
                shutil.copy(child.log, args.keep_logs / child.log.name)


def machine_note() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=3_000, help="sequential calls per side")
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per side")
    parser.add_argument("--bulk-rounds", type=int, default=5)
    parser.add_argument(
        "--database-url", default=None, help="default: a SQLite file in a temporary directory"
    )
    parser.add_argument("--log-level", default="INFO", help="the platform's LINKYARD_LOG_LEVEL")
    parser.add_argument(
        "--keep-logs", type=Path, default=None, help="copy the servers' logs into this folder"
    )
    parser.add_argument("--profile", type=Path, default=None, help="profile the platform into this file")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the platform (default 1)")
    parser.add_argument(
        "--extra-workers",
        type=int,
        action="append",
        default=None,
        help="also measure wrk -c32 against a platform with this many workers (repeatable; default 2)",
    )
    parser.add_argument("--cpu-calls", type=int, default=2_000, help="calls per side for the CPU rows")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["sequential", "cpu", "wrk", "workers", "bulk", "logging"],
    )
    args = parser.parse_args()
    extra_workers = [2] if args.extra_workers is None else args.extra_workers
    if shutil.which("wrk") is None and "wrk" not in args.skip:
        raise SystemExit("wrk is not installed (apt-get install wrk), or pass --skip wrk")

    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, direct: str, gateway: str, added: str) -> None:
        rows.append((what, direct, gateway, added))

    started = datetime.datetime.now(datetime.UTC)
    with tempfile.TemporaryDirectory(prefix="linkyard-bench-") as temp, servers(args, Path(temp)) as setup:
        linked = setup.linked
        print(
            f"linked account {linked.account_id}; emulator {linked.emulator_url}, platform {linked.api_url}"
        )
        if "sequential" not in args.skip:
            seq = sequential(linked, args.calls, warmup=300)
            d50, g50 = statistics.median(seq.direct), statistics.median(seq.gateway)
            d99, g99 = percentile(seq.direct, 0.99), percentile(seq.gateway, 0.99)
            row(
                f"get_employee sequential, lean client, {args.calls} calls each: p50",
                f"{d50:.3f} ms",
                f"{g50:.3f} ms",
                f"+{g50 - d50:.3f} ms ({g50 / d50:.2f}×)",
            )
            row("  same calls: p99", f"{d99:.3f} ms", f"{g99:.3f} ms", f"+{g99 - d99:.3f} ms")
            rate_d, rate_g = 1000 / d50, 1000 / g50
            row("  same calls: 1 / p50", f"{rate_d:.0f}/s", f"{rate_g:.0f}/s", f"{rate_g / rate_d:.0%}")
        if "cpu" not in args.skip and args.profile is None:
            cpu = cpu_per_call(setup, args.cpu_calls)
            gateway_cpu = cpu.gateway_platform + cpu.gateway_emulator
            row(
                f"server CPU per get_employee call (from /proc, {args.cpu_calls} calls each)",
                f"{cpu.direct_emulator:.0f} µs",
                f"{gateway_cpu:.0f} µs",
                f"+{gateway_cpu - cpu.direct_emulator:.0f} µs",
            )
            row("  of which the platform's", "", f"{cpu.gateway_platform:.0f} µs", "")
            row(
                "  of which the emulator's",
                f"{cpu.direct_emulator:.0f} µs",
                f"{cpu.gateway_emulator:.0f} µs",
                "",
            )

        def wrk_rows(connections: int, label: str, api_url: str | None = None) -> None:
            direct, gateway = wrk_rounds(
                linked, Path(temp), connections, args.seconds, args.rounds, api_url=api_url
            )
            d50 = statistics.median(r.p50 for r in direct)
            g50 = statistics.median(r.p50 for r in gateway)
            d99 = statistics.median(r.p99 for r in direct)
            g99 = statistics.median(r.p99 for r in gateway)
            drps = statistics.median(r.rps for r in direct)
            grps = statistics.median(r.rps for r in gateway)
            row(f"{label}: p50", f"{d50:.3f} ms", f"{g50:.3f} ms", f"+{g50 - d50:.3f} ms")
            row("  same runs: p99", f"{d99:.3f} ms", f"{g99:.3f} ms", f"+{g99 - d99:.3f} ms")
            row("  same runs: requests/s", f"{drps:.0f}", f"{grps:.0f}", f"{grps / drps:.0%} of direct")

        if "wrk" not in args.skip:
            for connections in (1, 32):
                wrk_rows(
                    connections, f"get_employee, wrk -c{connections}, {args.rounds}×{args.seconds} s each"
                )
        if "wrk" not in args.skip and "workers" not in args.skip:
            for workers in extra_workers:
                with setup.another_platform(workers) as (url, _):
                    label = (
                        f"get_employee, wrk -c32, {args.rounds}×{args.seconds} s each, {_workers(workers)}"
                    )
                    wrk_rows(32, label, api_url=url)
        if "logging" not in args.skip:
            with setup.another_platform(
                args.workers, name="platform-logging-off", LINKYARD_REQUEST_LOGS_ENABLED="false"
            ) as (off_url, off_child):
                logged = logging_sequential(linked, off_url, args.calls, warmup=300)
                d50 = statistics.median(logged.direct)
                on50, off50 = statistics.median(logged.logging_on), statistics.median(logged.logging_off)
                on99, off99 = percentile(logged.logging_on, 0.99), percentile(logged.logging_off, 0.99)
                added_off, added_on = off50 - d50, on50 - d50
                row(
                    f"request logs off vs on, get_employee sequential, {args.calls} calls each: p50",
                    f"{off50:.3f} ms (added {added_off:.3f})",
                    f"{on50:.3f} ms (added {added_on:.3f})",
                    f"{on50 - off50:+.3f} ms ({(added_on - added_off) / added_off:+.1%} of the added latency)",
                )
                row("  same calls: p99", f"{off99:.3f} ms", f"{on99:.3f} ms", f"{on99 - off99:+.3f} ms")
                if "cpu" not in args.skip:
                    cpu_on, cpu_off = logging_cpu(
                        linked, setup.platform.popen.pid, off_url, off_child.popen.pid, args.cpu_calls
                    )
                    row(
                        f"request logs off vs on, platform CPU per call ({args.cpu_calls} calls each)",
                        f"{cpu_off:.0f} µs",
                        f"{cpu_on:.0f} µs",
                        f"{cpu_on - cpu_off:+.0f} µs ({cpu_on / cpu_off - 1:+.1%})",
                    )
                if "wrk" not in args.skip:
                    runs_on, runs_off = logging_wrk_rounds(
                        linked, Path(temp), off_url, 32, args.seconds, args.rounds
                    )
                    rps_on = statistics.median(r.rps for r in runs_on)
                    rps_off = statistics.median(r.rps for r in runs_off)
                    p50_on = statistics.median(r.p50 for r in runs_on)
                    p50_off = statistics.median(r.p50 for r in runs_off)
                    row(
                        f"request logs off vs on, wrk -c32, {args.rounds}×{args.seconds} s each: requests/s",
                        f"{rps_off:.0f}",
                        f"{rps_on:.0f}",
                        f"{rps_on / rps_off - 1:+.1%}",
                    )
                    row(
                        "  same runs: p50",
                        f"{p50_off:.3f} ms",
                        f"{p50_on:.3f} ms",
                        f"{p50_on - p50_off:+.3f} ms",
                    )
        if "bulk" not in args.skip:
            times = bulk(linked, args.bulk_rounds, args.employees)
            sdk, gateway, plain = (statistics.median(times[name]) for name in ("sdk", "gateway", "httpx"))
            what = f"all {args.employees} employees, page size 100, median of {args.bulk_rounds}"
            row(f"{what}: vs SDK paginate()", f"{sdk:.2f} s", f"{gateway:.2f} s", f"{gateway / sdk:.2f}×")
            row(
                "  same walk: vs a plain httpx walk",
                f"{plain:.2f} s",
                f"{gateway:.2f} s",
                f"{gateway / plain:.2f}×",
            )

    database = "PostgreSQL" if args.database_url else "SQLite"
    print()
    print(
        f"{started:%Y-%m-%d %H:%M} UTC; {machine_note()}; platform store: {database}, "
        f"{_workers(args.workers)} unless stated"
    )
    widths = [
        max(len(r[i]) for r in [("what", "direct", "through /actions/rpc", "added"), *rows]) for i in range(4)
    ]
    header = ("what", "direct", "through /actions/rpc", "added")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def _workers(count: int) -> str:
    return "1 uvicorn worker" if count == 1 else f"{count} uvicorn workers"


if __name__ == "__main__":
    main()
