"""Scale benchmark: what Linkyard's calls, lists and refresher cost at 10, 1,000, 10,000 and 100,000 accounts.

Run by hand (`make bench-scale`); the figures and the plot go into docs/benchmarks.md. Not a test.

For each backend (SQLite, and PostgreSQL when `--postgres-url` or LINKYARD_TEST_DATABASE_URL is set: a schema of
its own, dropped afterwards; `--backends` runs one alone), the emulator and the platform run as an operator runs
them (`linkyard up`, one worker; `bench/actions_bench.py`'s set-up), an account is linked through the real flow,
and the same platform is grown while it serves to each size, with accounts written as the store writes them
(credentials sealed per account; `tests/harness/bulk.py`), all sealing the linked account's token so that every
call works. At each size, interleaved so that drift hits all alike:

- `factorialhr_get_employee` on a random account and on one fixed account, alternating call by call: p50/p99,
  and the random account's premium over the fixed one at p50 (in ms, the target's unit, and as a ratio);
- the first and the last page of `GET /accounts` (100 per page) and of the dashboard's Linked Accounts list;
- `GET /accounts/{id}` of a random account;
- one idle-refresher sweep with nothing due (its read, from the bench's own store on the same database): time,
  and the rows it read (SQLite's virtual machine steps, PostgreSQL's `EXPLAIN ANALYZE` rows);
- the platform process's resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness.bulk import link_accounts
from tests.harness.round_trips import rows_read, watched

from bench.actions_bench import LeanConnection, Setup, basic, percentile, rpc_body, servers
from linkyard.services.account_cursors import next_cursor
from linkyard.store import KeyRing, Store, open_store

STAGES = (10, 1_000, 10_000, 100_000)
HORIZON = timedelta(days=5)
DASHBOARD_PAGE_SIZE = 25


@dataclass
class Figures:
    """One backend at one size."""

    backend: str
    accounts: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    sweep_rows: int = 0
    rss_mb: float = 0.0

    def add(self, name: str, milliseconds: float) -> None:
        self.samples.setdefault(name, []).append(milliseconds)

    def p50(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def p99(self, name: str) -> float:
        return percentile(self.samples[name], 0.99)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return (time.perf_counter() - started) * 1000, result


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    schema = f"lk_bench_scale_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    try:
        yield urlunsplit(parts._replace(query=urlencode(query)))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def dashboard_client(api_url: str, api_key: str) -> httpx.Client:
    """A browser signed in to the dashboard with the project's API key."""
    browser = httpx.Client(base_url=api_url, timeout=60, trust_env=False)
    page = browser.get("/sign-in")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text
    signed = browser.post(
        "/sign-in", data={"csrf": html.unescape(found.group(1)), "token": api_key, "next": "/"}
    )
    assert signed.status_code == 303, signed.text
    return browser


async def last_pages(store: Store, project_id: str, ids: list[str]) -> tuple[str, str]:
    """The last page of `GET /accounts` (100 per page) and of the dashboard's list (25 per page), each by its
    `next` cursor (the one the page before would link to), as URLs."""
    return (
        await _last_page(store, project_id, ids, "/accounts", 100),
        await _last_page(store, project_id, ids, f"/projects/{project_id}/accounts", DASHBOARD_PAGE_SIZE),
    )


async def _last_page(store: Store, project_id: str, ids: list[str], path: str, size: int) -> str:
    starts = (len(ids) - 1) // size * size
    query = {"page_size": str(size)} if path == "/accounts" else {}
    if starts:
        before = await store.accounts.get(project_id, ids[starts - 1])
        query["next"] = next_cursor(before)
    return f"{path}?{urlencode(query)}" if query else path


async def sweep(store: Store, figures: Figures, rounds: int) -> None:
    for _ in range(rounds):
        started = time.perf_counter()
        assert await store.credentials.idle(store.clock() - HORIZON) == []
        figures.add("sweep", (time.perf_counter() - started) * 1000)
    async with watched(store) as sent:
        await store.credentials.idle(store.clock() - HORIZON)
    selects = [(s, p) for s, p in sent.statements if s.lstrip().upper().startswith("SELECT")]
    figures.sweep_rows = sent.vm_steps if store.backend == "sqlite" else await rows_read(store, *selects[0])


def measure(
    setup: Setup,
    project_id: str,
    ids: list[str],
    figures: Figures,
    last_urls: tuple[str, str],
    options: argparse.Namespace,
    rng: random.Random,
) -> None:
    calls, pages = options.calls, options.pages
    linked = setup.linked
    headers = {"authorization": basic(linked.api_key)}
    lean = LeanConnection(linked.api_url)
    employee = linked.employee_ids[0]
    fixed = lean.post("/actions/rpc", {**headers, "x-account-id": linked.account_id}, rpc_body(employee))
    try:
        for n in range(calls):
            chosen = rng.choice(ids)
            requests = [
                (
                    "random",
                    lean.post("/actions/rpc", {**headers, "x-account-id": chosen}, rpc_body(employee)),
                ),
                ("fixed", fixed),
            ]
            if n % (calls // pages) == 0:
                requests.append(("get_account", lean.get(f"/accounts/{rng.choice(ids)}", headers)))
            for name, raw in requests if n % 2 else reversed(requests):
                started = time.perf_counter()
                status, body = lean.send(raw)
                figures.add(name, (time.perf_counter() - started) * 1000)
                assert status == 200, body[:300]
    finally:
        lean.close()
    with httpx.Client(base_url=linked.api_url, timeout=60, trust_env=False) as http:
        last, dashboard_last = last_urls
        browser = dashboard_client(linked.api_url, linked.api_key)
        dashboard_first = f"/projects/{project_id}/accounts"
        for _ in range(pages):
            for name, fetch in (
                ("api_first", lambda: http.get("/accounts?page_size=100", headers=headers)),
                ("api_last", lambda: http.get(last, headers=headers)),
                ("dashboard_first", lambda: browser.get(dashboard_first)),
                ("dashboard_last", lambda: browser.get(dashboard_last)),
            ):
                elapsed, answer = timed(fetch)
                assert answer.status_code == 200, answer.text[:300]
                figures.add(name, elapsed)
        browser.close()
    figures.rss_mb = rss_mb(setup.platform.popen.pid)


async def run_backend(backend: str, database_url: str | None, args: argparse.Namespace) -> list[Figures]:
    results: list[Figures] = []
    options = argparse.Namespace(
        database_url=database_url, log_level="warning", employees=100, workers=1, profile=None, keep_logs=None
    )
    rng = random.Random(16)
    with tempfile.TemporaryDirectory(prefix="lk-scale-") as folder:
        # `servers` links the account with asyncio.run of its own: it starts (and stops) in a thread.
        running = servers(options, Path(folder))
        setup = await asyncio.to_thread(running.__enter__)
        store = await open_store(
            setup.env["LINKYARD_DATABASE_URL"], KeyRing.parse(setup.env["LINKYARD_ENCRYPTION_KEYS"])
        )
        try:
            project = next(p for p in await store.projects.list_all() if p.name == "Bench")
            account = await store.accounts.get(project.id, setup.linked.account_id)
            token = await store.credentials.get(project.id, account.id)
            assert token is not None
            ids = [account.id]
            for stage in args.stages:
                started = time.perf_counter()
                ids += await link_accounts(
                    store,
                    project.id,
                    account.profile_id,
                    stage - len(ids),
                    token=token,
                    now=store.clock(),
                    prefix=f"stage-{stage}",
                )
                grown = time.perf_counter() - started
                figures = Figures(backend, stage)
                last_urls = await last_pages(store, project.id, ids)
                await asyncio.to_thread(measure, setup, project.id, ids, figures, last_urls, args, rng)
                await sweep(store, figures, args.pages)
                results.append(figures)
                report([figures])
                print(f"  (grown in {grown:.1f} s)", flush=True)
        finally:
            await store.close()
            await asyncio.to_thread(running.__exit__, None, None, None)
    return results


COLUMNS = (
    ("random", "action random"),
    ("fixed", "action fixed"),
    ("get_account", "get account"),
    ("api_first", "API first page"),
    ("api_last", "API last page"),
    ("dashboard_first", "dashboard first"),
    ("dashboard_last", "dashboard last"),
    ("sweep", "sweep"),
)


def cold_premium(figures: Figures) -> str:
    """What a call on a random account costs over one on the fixed account, at p50: in ms (the target: at most
    +0.5 at 100,000 accounts) and as a ratio (steadier from one machine to another: the premium grows and
    shrinks with what a call costs there)."""
    random_p50, fixed_p50 = figures.p50("random"), figures.p50("fixed")
    return f"{random_p50 - fixed_p50:+.2f} ms ({random_p50 / fixed_p50:.2f}x)"


def report(results: list[Figures]) -> None:
    for figures in results:
        cells = [f"{label} {figures.p50(name):.2f}/{figures.p99(name):.2f}" for name, label in COLUMNS]
        print(
            f"{figures.backend:10} {figures.accounts:>7,} accounts | ms p50/p99: "
            + " | ".join(cells)
            + f" | random over fixed {cold_premium(figures)}"
            + f" | sweep rows read {figures.sweep_rows:,} | RSS {figures.rss_mb:.0f} MB",
            flush=True,
        )


def markdown(results: list[Figures]) -> str:
    header = (
        "| backend | accounts | "
        + " | ".join(label for _, label in COLUMNS)
        + " | random over fixed (p50) | sweep reads | RSS |"
    )
    lines = [header, "|" + " --- |" * (len(COLUMNS) + 5)]
    for f in results:
        cells = [f"{f.p50(name):.2f} / {f.p99(name):.2f}" for name, _ in COLUMNS]
        lines.append(
            f"| {f.backend} | {f.accounts:,} | "
            + " | ".join(cells)
            + f" | {cold_premium(f)} | {f.sweep_rows:,} | {f.rss_mb:.0f} MB |"
        )
    return "\n".join(lines)


def plot(results: list[Figures], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    backends = sorted({f.backend for f in results})
    fig, axes = plt.subplots(1, len(backends), figsize=(6 * len(backends), 4.5), squeeze=False)
    for axis, backend in zip(axes[0], backends, strict=True):
        mine = [f for f in results if f.backend == backend]
        sizes = [f.accounts for f in mine]
        for name, label in COLUMNS[:-1]:
            axis.plot(sizes, [f.p50(name) for f in mine], marker="o", label=label)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("linked accounts")
        axis.set_ylabel("p50 (ms)")
        axis.set_title(f"Linkyard at scale: {backend}")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=os.environ.get("LINKYARD_TEST_DATABASE_URL"))
    parser.add_argument("--stages", type=int, nargs="+", default=list(STAGES))
    parser.add_argument(
        "--calls", type=int, default=400, help="calls on each of the random and fixed account"
    )
    parser.add_argument("--pages", type=int, default=20, help="fetches of each list page and sweeps")
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=("sqlite", "postgresql"),
        default=None,
        help="default: SQLite, and PostgreSQL when it has a URL",
    )
    parser.add_argument("--plot", type=Path, default=Path("docs/scale_bench.png"))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    backends = args.backends or ["sqlite", *(["postgresql"] if args.postgres_url else [])]
    if "postgresql" in backends and not args.postgres_url:
        parser.error("--backends postgresql needs --postgres-url or LINKYARD_TEST_DATABASE_URL")
    results = await run_backend("sqlite", None, args) if "sqlite" in backends else []
    if "postgresql" in backends:
        with postgres_schema(args.postgres_url) as url:
            results += await run_backend("postgresql", url, args)
    print(markdown(results))
    plot(results, args.plot)
    if args.json:
        args.json.write_text(json.dumps([f.__dict__ for f in results], indent=1))
    print(f"plot: {args.plot}")


if __name__ == "__main__":
    asyncio.run(main())
