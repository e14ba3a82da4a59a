"""Catalogue benchmark: what offering every Factorial endpoint as an action costs, and how fast search answers.

Run by hand (`make bench-catalogue`); the figures go into docs/benchmarks.md. Not a test.

Everything runs in one process, as the test suite runs the platform (SQLite in a temporary file, the Factorial
emulator in-process behind a loopback server, an account linked through the real connect flow):

1. building the catalogue: the Factorial connector's declaration (what the first lookup pays), the whole action
   list (the actions generated from the API's facts, built on first use) and the search index over every tool;
2. `create_app`: the first app of the process (FastAPI's routes are built then) and the next ones (which share
   them);
3. `GET /actions` (every connector's tools, with their input schemas) and MCP `tools/list` for an account whose
   profile enables every action, walked page by page;
4. search: each natural-language task of `tests/actions/search_tasks.py` through `search_actions` (the
   service, the whole catalogue) and through `POST /actions/search` (the route), p50/p99 per query.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.actions_bench import machine_note


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {_ms(statistics.median(ordered))}, p99 {_ms(p99)}, n={len(ordered)}"


async def _timed(call: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def build_figures() -> dict[str, float]:
    """The catalogue's build costs, cold, in this process (run before anything else looks a connector up)."""
    from linkyard.connectors import get_connector
    from linkyard.services.search import search_actions

    started = time.perf_counter()
    connector = get_connector("factorialhr")
    declared = time.perf_counter() - started
    started = time.perf_counter()
    tools = connector.tools
    every = time.perf_counter() - started
    started = time.perf_counter()
    search_actions("list employees")
    index = time.perf_counter() - started
    return {"declaration": declared, "tools": every, "index": index, "count": float(len(tools))}


async def run(rounds: int) -> None:
    from tests.harness.platform import FACTORIAL, PUBLIC_URL, Harness, platform_settings
    from tests.live_server import served

    from linkyard.api import create_app
    from linkyard.domain import ManualClock
    from linkyard.emulator.factorial import create_app as create_emulator
    from linkyard.emulator.factorial.state import Clock as EmulatorClock
    from linkyard.services.search import search_actions
    from linkyard.store import KeyRing, generate_key_entry, open_store

    print(machine_note())
    built = build_figures()
    print(
        f"catalogue: {int(built['count'])} tools; declaration {_ms(built['declaration'])}, every tool "
        f"{_ms(built['tools'])}, search index {_ms(built['index'])}"
    )
    tasks = _tasks()
    samples = []
    for _ in range(rounds):
        for query, _expected in tasks:
            started = time.perf_counter()
            search_actions(query, top_k=10)
            samples.append(time.perf_counter() - started)
    print(f"search_actions over the whole catalogue ({len(tasks)} tasks x {rounds}): {_summary(samples)}")

    clock = ManualClock(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC))
    with tempfile.TemporaryDirectory() as folder:
        key = generate_key_entry("k1")
        settings = platform_settings(
            f"sqlite:///{folder}/bench.db",
            encryption_keys=key,
            rate_limit_per_key=None,
            rate_limit_per_project=None,
        )
        store = await open_store(settings, KeyRing.parse(key), clock)
        emulator = create_emulator(seed=3, employees=25, clock=EmulatorClock(lambda: clock().timestamp()))
        async with served(emulator) as upstream:
            starts = []
            for _ in range(5):
                started = time.perf_counter()
                app = create_app(settings, store=store, clock=clock, provider_pins=upstream.pins())
                starts.append(time.perf_counter() - started)
            print(f"create_app: first {_ms(starts[0])}, then {_summary(starts[1:])}")
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as api,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=emulator), base_url=FACTORIAL
                ) as factorial,
            ):
                harness = Harness(app=app, api=api, factorial=factorial, store=store, clock=clock)
                await _api_figures(harness, rounds, tasks)
                await harness.aclose()
            await emulator.state.webhooks.aclose()
        await store.close()


async def _api_figures(harness: Any, rounds: int, tasks: list[tuple[str, str]]) -> None:
    from linkyard.connectors import get_connector

    tenant = await harness.tenant()
    connector = get_connector("factorialhr")
    scopes = sorted(connector.scope_names)
    application = await harness.application(scopes=scopes)
    await harness.profile(
        tenant,
        application,
        token_type="company",
        scopes=scopes,
        actions=[tool.id for tool in connector.tools],
    )
    _, account = await harness.link(tenant, await harness.admin_email())
    headers = {**tenant.auth, "x-account-id": str(account["id"])}

    async def list_actions() -> None:
        answer = await harness.api.get("/actions", headers=tenant.auth)
        answer.raise_for_status()

    samples = await _timed(list_actions, rounds)
    size = len((await harness.api.get("/actions", headers=tenant.auth)).content)
    print(f"GET /actions (every tool, {size // 1024} KiB): {_summary(samples)}")

    async def tools_list() -> int:
        cursor = None
        listed = 0
        for number in range(1, 100):
            params: dict[str, Any] = {"cursor": cursor} if cursor else {}
            body = {"jsonrpc": "2.0", "id": number, "method": "tools/list", "params": params}
            answer = await harness.api.post(
                "/mcp", json=body, headers={**headers, "accept": "application/json, text/event-stream"}
            )
            answer.raise_for_status()
            result = answer.json()["result"]
            listed += len(result["tools"])
            cursor = result.get("nextCursor")
            if not cursor:
                return listed
        raise RuntimeError("tools/list did not end")

    listed = await tools_list()
    samples = await _timed(tools_list, rounds)
    print(f"MCP tools/list, every page ({listed} tools): {_summary(samples)}")

    queries = [query for query, _ in tasks]
    samples = []
    for _ in range(max(1, rounds // 4)):
        for query in queries:
            started = time.perf_counter()
            answer = await harness.api.post("/actions/search", json={"query": query}, headers=tenant.auth)
            answer.raise_for_status()
            samples.append(time.perf_counter() - started)
    print(f"POST /actions/search over ASGI: {_summary(samples)}")


def _tasks() -> list[tuple[str, str]]:
    try:
        from tests.actions.search_tasks import TASKS
    except ImportError:  # before the task set existed (the baseline run)
        return [("approve vacation request", ""), ("list staff", ""), ("hire a new person", "")]
    return [(task.query, task.expected) for task in TASKS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.rounds))


if __name__ == "__main__":
    main()
