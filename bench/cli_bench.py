"""CLI benchmark: how long `linkyard` takes to print its help and to run a store command, against the floors.

Run by hand (`make bench-cli`); the figures go into docs/benchmarks.md. Not a test.

Each row is a fresh process, timed from spawn to exit, as a shell runs it:

- `python -c pass`: the interpreter's own start, the floor for `linkyard --help`;
- `linkyard --help`;
- `linkyard api-keys list` and `linkyard api-keys revoke` on a SQLite store (a project with two keys; revoking
  again keeps the first revocation, so every run does the same write);
- their database work alone: a process that loads the settings, opens the store (migration check and key-ring
  check included) and runs the same repository calls, nothing else. It also reports its in-process part
  (open + query + close, once its imports are done).

Every (tree, command) pair runs once per round, in a shuffled order, so that drift on a shared machine hits all
alike; the table gives medians. `--tree SRC` (repeatable) compares source trees side by side in one sitting, e.g.
`--tree /path/to/main/src --tree src`: each tree gets its own data folder and database. The children get
bytecode caches in a private folder (PYTHONPYCACHEPREFIX), as an installed package has them, and warm-up runs
before timing, so that compiling the sources is not what is measured.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A process that does a store command's database work and nothing else; prints its in-process seconds.
_DATABASE_WORK = """
import asyncio, sys, time
from linkyard.config import load_settings
from linkyard.store import open_store

async def work(action, project, key):
    started = time.perf_counter()
    store = await open_store(load_settings())
    try:
        await store.projects.get(project)
        if action == "list":
            await store.api_keys.list(project)
        else:
            await store.api_keys.revoke(project, key)
    finally:
        await store.close()
    return time.perf_counter() - started

print(asyncio.run(work(*sys.argv[1:])))
"""


@dataclass
class Tree:
    """One source tree under test, with its own data folder, database and key."""

    src: Path
    home: Path
    env: dict[str, str]
    project: str = ""
    key: str = ""

    def run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=self.home, env=self.env, capture_output=True, text=True, check=True
        )


def make_tree(src: Path, scratch: Path, index: int) -> Tree:
    home = scratch / f"tree{index}"
    home.mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("LINKYARD_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env |= {
        "PYTHONPATH": str(src),
        "PYTHONPYCACHEPREFIX": str(scratch / "pycache"),
        "LINKYARD_DATABASE_URL": f"sqlite:///{home / 'linkyard.db'}",
    }
    tree = Tree(src=src, home=home, env=env)
    env["LINKYARD_ENCRYPTION_KEYS"] = tree.run(
        ["-c", "from linkyard.store import generate_key_entry; print(generate_key_entry('k1'))"]
    ).stdout.strip()
    tree.project = json.loads(
        tree.run(["-m", "linkyard.cli", "projects", "create", "Bench", "--json"]).stdout
    )["project_id"]
    env["LINKYARD_PROJECT"] = tree.project
    for name in ("first", "second"):
        created = json.loads(
            tree.run(["-m", "linkyard.cli", "api-keys", "create", "--name", name, "--json"]).stdout
        )
    tree.key = created["id"]
    return tree


LABELS = {
    "pass": "python -c pass",
    "help": "linkyard --help",
    "list": "linkyard api-keys list",
    "list-db": "  its database work alone",
    "revoke": "linkyard api-keys revoke",
    "revoke-db": "  its database work alone",
}


def commands(tree: Tree) -> dict[str, list[str]]:
    cli = ["-m", "linkyard.cli"]
    return {
        "pass": ["-c", "pass"],
        "help": [*cli, "--help"],
        "list": [*cli, "api-keys", "list"],
        "list-db": ["-c", _DATABASE_WORK, "list", tree.project, tree.key],
        "revoke": [*cli, "api-keys", "revoke", tree.key],
        "revoke-db": ["-c", _DATABASE_WORK, "revoke", tree.project, tree.key],
    }


Results = dict[tuple[int, str], tuple[list[float], list[float]]]


def measure(trees: list[Tree], runs: int, warmups: int) -> Results:
    """Wall seconds per (tree, command), and the in-process seconds the database-work rows report."""
    pairs = [(index, name) for index, tree in enumerate(trees) for name in commands(tree)]
    results: Results = {pair: ([], []) for pair in pairs}
    for round_ in range(warmups + runs):
        random.shuffle(pairs)
        for index, name in pairs:
            tree = trees[index]
            started = time.perf_counter()
            done = tree.run(commands(tree)[name])
            elapsed = time.perf_counter() - started
            if round_ < warmups:
                continue
            walls, inner = results[index, name]
            walls.append(elapsed)
            if name.endswith("-db"):
                inner.append(float(done.stdout))
    return results


def report(trees: list[Tree], results: Results, runs: int) -> None:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"{now}; {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}; median of {runs}"
    )
    header = ["command", *(str(tree.src) for tree in trees)]
    rows: list[list[str]] = []
    for name, label in LABELS.items():
        cells = [label]
        for index in range(len(trees)):
            median = statistics.median(results[index, name][0])
            cell = f"{1000 * median:.0f} ms"
            if name == "help":
                floor = statistics.median(results[index, "pass"][0])
                cell += f" ({median / floor:.1f}× python -c pass)"
            elif name in ("list", "revoke"):
                work = statistics.median(results[index, f"{name}-db"][0])
                cell += f" ({median / work:.2f}× its database work)"
            elif name.endswith("-db"):
                cell += f" (in-process part: {1000 * statistics.median(results[index, name][1]):.0f} ms)"
            cells.append(cell)
        rows.append(cells)
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for row in [header, ["-" * width for width in widths], *rows]:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tree", action="append", type=Path, help="a source tree (default: this checkout's src)"
    )
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command and tree (default 15)")
    parser.add_argument("--warmups", type=int, default=2)
    args = parser.parse_args()
    sources = [path.resolve() for path in (args.tree or [ROOT / "src"])]
    with tempfile.TemporaryDirectory(prefix="linkyard-cli-bench-") as scratch:
        trees = [make_tree(src, Path(scratch), index) for index, src in enumerate(sources)]
        report(trees, measure(trees, args.runs, args.warmups), args.runs)


if __name__ == "__main__":
    main()
