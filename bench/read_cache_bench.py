"""Read-cache benchmark: what hearing other processes' changes costs on a cache hit, per backend's change feed.

Run by hand (`python bench/read_cache_bench.py`); the figures go into docs/benchmarks.md. Not a test.

A call to `/actions/rpc` makes three cache hits (its key, its account, its profile). Each hit first asks the
store's change feed for what other processes changed: nothing to do for a process alone (the base feed) or on
PostgreSQL (its LISTEN task delivers changes as they arrive: the hit runs the base feed's empty `check`), a read
of the 8 bytes mapped from the change file on SQLite. For comparison, the same with a `stat` of that file per
hit (the design this replaced). This times `ReadCache.get_or_load` on a hit with each, in rounds that alternate
them so that drift hits all alike, and reports the median nanoseconds per hit and per call (three hits).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from linkyard.domain import ManualClock
from linkyard.store.change_file import SqliteChangeFeed
from linkyard.store.changes import ChangeFeed
from linkyard.store.read_cache import ReadCache


class StatFeed(ChangeFeed):
    """The alternative measured for comparison: `stat` the file on every check."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = str(path)
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int, int]:
        found = os.stat(self._file)
        return (found.st_ino, found.st_size, found.st_mtime_ns)

    def check(self) -> None:
        stamp = self._stamp()
        if stamp != self._seen:
            self._seen = stamp
            self.deliver(None)


async def nanoseconds_per_hit(feed: ChangeFeed, hits: int) -> float:
    cache: ReadCache[str, str] = ReadCache(ManualClock(), changes=feed)

    async def load() -> str:
        return "value"

    await cache.get_or_load("key", load)
    started = time.perf_counter_ns()
    for _ in range(hits):
        await cache.get_or_load("key", load)
    return (time.perf_counter_ns() - started) / hits


async def main(hits: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "linkyard.db-changes"
        feeds: dict[str, Callable[[], ChangeFeed]] = {
            "none (one process), PostgreSQL": ChangeFeed,
            "SQLite (mapped change file)": lambda: SqliteChangeFeed(path),
            "SQLite, a stat per hit instead": lambda: StatFeed(path),
        }
        results: dict[str, list[float]] = {name: [] for name in feeds}
        for _ in range(rounds):
            for name, make in feeds.items():
                results[name].append(await nanoseconds_per_hit(make(), hits))
    baseline = statistics.median(results["none (one process), PostgreSQL"])
    print(f"{hits} hits x {rounds} rounds; median per hit, per call (3 hits), and over no feed")
    for name, figures in results.items():
        median = statistics.median(figures)
        print(f"  {name:32} {median:7.0f} ns  {3 * median / 1000:6.2f} µs/call  {median - baseline:+7.0f} ns")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.hits, arguments.rounds))
