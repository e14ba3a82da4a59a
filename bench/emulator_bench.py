"""Emulator benchmark: start-up of `linkyard emulator factorial` with 250 employees (process start to its first
answer, the full surface), seeding time for 10,000 employees and list-page throughput in-process and over uvicorn.

Run by hand (`make bench-emulator`); results are written down in docs/benchmarks.md. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import free_port

from linkyard.emulator.factorial import World, create_app
from linkyard.emulator.factorial.seed import seed_world

PAGE = "/api/2026-10-01/resources/employees/employees?limit=100"


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a running process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def emulator_process(employees: int) -> Iterator[tuple[str, int]]:
    """The emulator as a user runs it (`linkyard emulator factorial`), in its own process."""
    port = free_port()
    command = [sys.executable, "-m", "linkyard.cli", "emulator", "factorial", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--employees", str(employees), "--seed", "1"], stdout=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base_url}/_emulator/settings", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        yield base_url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_startup(employees: int, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds from starting the process to its first answer, and the CPU seconds it used meanwhile (what a
    busy machine does not inflate), `repeats` times."""
    walls, cpus = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        with emulator_process(employees) as (_, pid):
            walls.append(time.perf_counter() - started)
            cpus.append(cpu_seconds(pid))
    return walls, cpus


def bench_seed(employees: int, repeats: int) -> list[float]:
    times = []
    for seed in range(repeats):
        started = time.perf_counter()
        seed_world(World(), seed=seed, employees=employees)
        times.append(time.perf_counter() - started)
    return times


async def api_key_for(http: httpx.AsyncClient) -> str:
    company = (await http.get("/_emulator/companies")).json()[0]
    return str((await http.post("/_emulator/api_keys", json={"company_id": company["id"]})).json()["api_key"])


async def requests_per_second(http: httpx.AsyncClient, key: str, total: int, concurrency: int) -> float:
    headers = {"x-api-key": key}
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            response = await http.get(PAGE, headers=headers)
            assert response.status_code == 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def bench_in_process(employees: int, total: int) -> float:
    app = create_app(seed=1, employees=employees)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://factorial.test"
    ) as http:
        key = await api_key_for(http)
        await requests_per_second(http, key, 50, 1)  # warm up
        return await requests_per_second(http, key, total, 1)


async def bench_loopback(base_url: str, total: int, concurrency: int) -> tuple[float, str]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        key = await api_key_for(http)
        await requests_per_second(http, key, 50, concurrency)
        return await requests_per_second(http, key, total, concurrency), key


def wrk(base_url: str, key: str, seconds: int) -> str:
    if shutil.which("wrk") is None:
        return "wrk not installed (apt-get install wrk)"
    out = subprocess.run(
        ["wrk", "-t1", "-c1", f"-d{seconds}s", "-H", f"x-api-key: {key}", "--latency", base_url + PAGE],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    keep = [
        line.strip() for line in out.splitlines() if "Requests/sec" in line or line.strip().startswith("50%")
    ]
    return "; ".join(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--startup-only", action="store_true", help="only the start-up with 250 employees")
    args = parser.parse_args()

    walls, cpus = bench_startup(250, 5)
    print(
        f"start-up to first answer, 250 employees: median {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (wall runs: {', '.join(f'{t:.2f}' for t in walls)})"
    )
    if args.startup_only:
        return

    seeds = bench_seed(args.employees, 3)
    runs = ", ".join(f"{t:.2f}" for t in seeds)
    print(f"seed {args.employees} employees: median {statistics.median(seeds):.2f} s (runs: {runs})")
    rps = asyncio.run(bench_in_process(args.employees, args.requests))
    print(
        f"list page (100 employees) in-process, ASGITransport, sequential: {rps:.0f} req/s ({1000 / rps:.2f} ms)"
    )
    with emulator_process(args.employees) as (base_url, _):
        for concurrency in (1, 32):
            rps, key = asyncio.run(bench_loopback(base_url, args.requests, concurrency))
            print(f"list page, uvicorn in its own process, httpx, {concurrency} concurrent: {rps:.0f} req/s")
        print(f"list page over uvicorn on loopback, wrk 1 connection: {wrk(base_url, key, 5)}")


if __name__ == "__main__":
    main()
