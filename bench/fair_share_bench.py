"""Fair sharing benchmark: project B's calls while project A floods slow calls (security property 19).

Run by hand (`make bench-fair-share`); the figures go into docs/benchmarks.md. Not a test (the test is
tests/api/test_fair_share.py).

As an operator runs it, each in its own process on loopback: the emulator and the platform (`linkyard up`, one
uvicorn worker, a SQLite file in a temporary directory, the default shares; request rate limits off, since they
are another guard). Two projects each link an account through the real flow. Then:

1. B alone: `--calls` sequential `factorialhr_get_credentials` from a lean keep-alive client; p50 and p99;
2. the emulator delays `employees` by `--delay-ms` (its control API's fault), A sends `--flood` concurrent
   `factorialhr_list_employees` calls, and after a short head start B makes the same sequential calls again,
   for at most `--window` seconds; p50 and p99, and how A's calls were answered.

Run it against another tree (`PYTHONPATH=/other/src python bench/fair_share_bench.py`) for a before/after pair.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import free_port

from bench.actions_bench import (
    API_VERSION,
    Child,
    LeanConnection,
    basic,
    link_account,
    linkyard_env,
    machine_note,
    percentile,
    start,
    wait_until_answering,
)

SLOW_PATH = f"/api/{API_VERSION}/resources/employees/employees*"


def create_project(name: str, env: dict[str, str], directory: Path) -> str:
    created = subprocess.run(
        [sys.executable, "-m", "linkyard.cli", "projects", "create", name, "--json"],
        env=env,
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(created.stdout)["api_key"])


def calls_of_b(api_url: str, key: str, account_id: str, count: int, window: float) -> list[float]:
    """Sequential get_credentials calls, at most `count` and for at most `window` seconds; each call's time."""
    connection = LeanConnection(api_url)
    body = json.dumps({"action": "factorialhr_get_credentials"}).encode()
    raw = connection.post("/actions/rpc", {"authorization": basic(key), "x-account-id": account_id}, body)
    took: list[float] = []
    stop = time.perf_counter() + window
    try:
        while len(took) < count and time.perf_counter() < stop:
            started = time.perf_counter()
            status, answer = connection.send(raw)
            took.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"B's call answered {status}: {answer[:300]!r}")
    finally:
        connection.close()
    return took


async def flood_of_a(api_url: str, key: str, account_id: str, count: int) -> dict[int, int]:
    """`count` concurrent list_employees calls of A, each on its own connection (aiohttp, no pool limit, so the
    whole flood is in flight at once); how many were answered with each status."""
    headers = {"authorization": basic(key), "x-account-id": account_id, "content-type": "application/json"}
    body = json.dumps({"action": "factorialhr_list_employees"}).encode()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one() -> int:
            async with session.post(f"{api_url}/actions/rpc", data=body, headers=headers) as answer:
                await answer.read()
                return answer.status

        statuses = await asyncio.gather(*(one() for _ in range(count)))
    counts: dict[int, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flood", type=int, default=300, help="A's concurrent slow calls (default 300)")
    parser.add_argument("--delay-ms", type=int, default=4000, help="how long the emulator holds each of them")
    parser.add_argument("--calls", type=int, default=300, help="B's sequential calls per phase")
    parser.add_argument("--window", type=float, default=3.0, help="seconds B keeps calling during the flood")
    parser.add_argument("--head-start", type=float, default=0.3, help="seconds A floods before B calls")
    args = parser.parse_args()

    from linkyard.store import generate_key_entry

    started = datetime.datetime.now(datetime.UTC)
    with tempfile.TemporaryDirectory(prefix="linkyard-bench-") as temp:
        directory = Path(temp)
        emulator_port, api_port = free_port(), free_port()
        emulator_url, api_url = f"http://127.0.0.1:{emulator_port}", f"http://127.0.0.1:{api_port}"
        env = linkyard_env(
            directory,
            None,
            generate_key_entry("bench"),
            LINKYARD_PUBLIC_URL=api_url,
            LINKYARD_SANDBOX_FACTORIALHR_URL=emulator_url,
            LINKYARD_RATE_LIMIT_PER_KEY="",
            LINKYARD_RATE_LIMIT_PER_PROJECT="",
        )
        children: list[Child] = []
        try:
            emulator = start(
                "emulator", ["emulator", "factorial", "--port", str(emulator_port)], env, directory
            )
            children.append(emulator)
            key_a, key_b = create_project("A", env, directory), create_project("B", env, directory)
            platform = start("platform", ["up", "--port", str(api_port)], env, directory)
            children.append(platform)
            wait_until_answering(emulator, f"{emulator_url}/_emulator/settings")
            wait_until_answering(platform, f"{api_url}/healthz")
            account_a, _ = asyncio.run(link_account(api_url, key_a, emulator_url))
            account_b, _ = asyncio.run(link_account(api_url, key_b, emulator_url))

            calls_of_b(api_url, key_b, account_b, 100, 30.0)  # warm up
            quiet = calls_of_b(api_url, key_b, account_b, args.calls, 60.0)

            fault = {"method": "GET", "path": SLOW_PATH, "delay_ms": args.delay_ms, "times": args.flood}
            httpx.post(f"{emulator_url}/_emulator/faults", json=fault, timeout=10).raise_for_status()

            async def flooded_phase() -> tuple[list[float], dict[int, int], float]:
                began = time.perf_counter()
                flood = asyncio.create_task(flood_of_a(api_url, key_a, account_a, args.flood))
                await asyncio.sleep(args.head_start)
                took = await asyncio.to_thread(calls_of_b, api_url, key_b, account_b, args.calls, args.window)
                answered = await flood
                return took, answered, time.perf_counter() - began

            flooded, answered, flood_seconds = asyncio.run(flooded_phase())
        finally:
            for child in reversed(children):
                child.stop()

    print(f"\n{started:%Y-%m-%d %H:%M} UTC; {machine_note()}; platform store: SQLite, 1 uvicorn worker")
    print(f"A: {args.flood} concurrent list_employees, each held {args.delay_ms} ms by the emulator")
    print("| B's get_credentials, sequential | calls | p50 | p99 |")
    print("|---|---|---|---|")
    print(f"| quiet | {len(quiet)} | {ms(percentile(quiet, 0.5))} | {ms(percentile(quiet, 0.99))} |")
    print(
        f"| while A floods | {len(flooded)} | {ms(percentile(flooded, 0.5))} | {ms(percentile(flooded, 0.99))} |"
    )
    ratio = percentile(flooded, 0.99) / percentile(quiet, 0.99)
    print(f"\nB's p99, flooded / quiet: {ratio:.2f}x")
    statuses = ", ".join(f"{count}x {status}" for status, count in sorted(answered.items()))
    print(f"A's calls answered: {statuses}; the flood took {flood_seconds:.1f} s")


if __name__ == "__main__":
    main()
