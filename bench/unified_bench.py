"""Unified API benchmark: every employee through `GET /unified/hris/employees` versus Factorial's own SDK.

Run by hand (`make bench-unified`); the figures go into docs/benchmarks.md. Not a test.

The servers are those of `bench/actions_bench.py`, each in its own process on loopback: the emulator seeded with
`--employees` (10,000 by default: `linkyard emulator factorial --employees N`), the platform (`linkyard up`, one
uvicorn worker, a SQLite file in a temporary directory or `--database-url`), an account linked through the real
flow. Then, in one run and interleaved round by round so that drift hits both alike:

- the unified walk: `GET /unified/hris/employees?page_size=100`, following `next` to the end (100 is the
  largest page Factorial serves, so the largest that saves calls), every record mapped to StackOne's model;
- the direct walk: the official `factorial-api-client`'s `paginate(limit=100)` straight to the emulator.

Both walks must see every employee exactly once. The ratio of the medians is the unified API's cost, mapping
included; the target is 1.5x. `--profile FILE` runs the platform under pyinstrument (or cProfile for a `.pstats`
file) to see where the time goes.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.actions_bench import Linked, Setup, cpu_seconds, machine_note, servers, walk_sdk

PAGE_SIZE = 100
TARGET = 1.5


def walk_unified(http: httpx.Client, linked: Linked) -> list[str]:
    """Every employee's id through the unified list, in the order served."""
    headers = {"x-account-id": linked.account_id}
    params: dict[str, Any] = {"page_size": PAGE_SIZE}
    seen: list[str] = []
    while True:
        answer = http.get("/unified/hris/employees", params=params, headers=headers)
        answer.raise_for_status()
        page = answer.json()
        seen.extend(record["id"] for record in page["data"])
        if not page.get("next"):
            return seen
        params = {"page_size": PAGE_SIZE, "next": page["next"]}


def timed_walks(
    setup: Setup, rounds: int, expected: int
) -> tuple[dict[str, list[float]], dict[str, list[dict[str, float]]]]:
    """Each walk's wall time, and the CPU time it took of each process in it (this one's as `client`, the
    emulator's and, for the unified walk, the platform's): on a shared machine the CPU time moves less than the
    wall time."""
    from factorial_api_client import FactorialClient

    linked = setup.linked
    pids = {"emulator": setup.emulator.popen.pid, "platform": setup.platform.popen.pid}

    sdk = FactorialClient(api_key=linked.emulator_key, base_url=linked.emulator_url)
    unified = httpx.Client(
        base_url=linked.api_url, auth=httpx.BasicAuth(linked.api_key, ""), timeout=120, trust_env=False
    )
    ids = walk_unified(unified, linked)
    if len(ids) != expected or len(set(ids)) != expected:
        raise SystemExit(
            f"the unified walk saw {len(ids)} employees ({len(set(ids))} distinct), not {expected}"
        )
    if walk_sdk(sdk) != expected:
        raise SystemExit(f"the SDK's walk did not see {expected} employees")
    walks: dict[str, Callable[[], int]] = {
        "sdk": lambda: walk_sdk(sdk),
        "unified": lambda: len(walk_unified(unified, linked)),
    }
    times: dict[str, list[float]] = {name: [] for name in walks}
    cpu: dict[str, list[dict[str, float]]] = {name: [] for name in walks}
    for _ in range(rounds):
        for name, run in walks.items():
            # The servers' CPU is read before this process's, and after it afterwards: /proc's scan stays out.
            before = {process: cpu_seconds(pid) for process, pid in pids.items()}
            before["client"] = time.process_time()
            started = time.perf_counter()
            count = run()
            times[name].append(time.perf_counter() - started)
            after = {"client": time.process_time()}
            after.update({process: cpu_seconds(pid) for process, pid in pids.items()})
            cpu[name].append({process: after[process] - before[process] for process in before})
            if count != expected:
                raise SystemExit(f"the {name} walk saw {count} employees, not {expected}")
    unified.close()
    sdk._client.get_httpx_client().close()
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5, help="walks per side, interleaved")
    parser.add_argument(
        "--database-url", default=None, help="default: a SQLite file in a temporary directory"
    )
    parser.add_argument("--log-level", default="INFO", help="the platform's LINKYARD_LOG_LEVEL")
    parser.add_argument(
        "--keep-logs", type=Path, default=None, help="copy the servers' logs into this folder"
    )
    parser.add_argument("--profile", type=Path, default=None, help="profile the platform into this file")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the platform (default 1)")
    args = parser.parse_args()

    started = datetime.datetime.now(datetime.UTC)
    with tempfile.TemporaryDirectory(prefix="linkyard-bench-") as temp, servers(args, Path(temp)) as setup:
        linked = setup.linked
        print(
            f"linked account {linked.account_id}; emulator {linked.emulator_url}, platform {linked.api_url}"
        )
        times, cpu = timed_walks(setup, args.rounds, args.employees)
    sdk, unified = statistics.median(times["sdk"]), statistics.median(times["unified"])
    ratio = unified / sdk
    database = "PostgreSQL" if args.database_url else "SQLite"
    print()
    print(
        f"{started:%Y-%m-%d %H:%M} UTC; {machine_note()}; platform store: {database}, {args.workers} worker(s)"
    )
    print(f"load average at the end: {Path('/proc/loadavg').read_text().split()[0]}")

    def cpu_median(walk: str, process: str | None = None) -> float:
        runs = cpu[walk]
        return statistics.median(sum(r.values()) if process is None else r[process] for r in runs)

    print(
        f"| all {args.employees} employees, page size {PAGE_SIZE} | wall, median of {args.rounds} | min | max "
        "| CPU, all processes (median) | client | platform | emulator |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, label in (("sdk", "SDK `paginate()` direct"), ("unified", "`/unified/hris/employees`")):
        runs = times[name]
        shares = " | ".join(f"{cpu_median(name, p):.2f} s" for p in ("client", "platform", "emulator"))
        print(
            f"| {label} | {statistics.median(runs):.2f} s | {min(runs):.2f} s | {max(runs):.2f} s "
            f"| {cpu_median(name):.2f} s | {shares} |"
        )
    verdict = "met" if ratio <= TARGET else "missed"
    cpu_ratio = cpu_median("unified") / cpu_median("sdk")
    best = min(times["unified"]) / min(times["sdk"])
    print(
        f"| ratio | **{ratio:.2f}x** (target {TARGET}x: {verdict}) | {best:.2f}x (best of each) | "
        f"| {cpu_ratio:.2f}x | | | |"
    )


if __name__ == "__main__":
    main()
