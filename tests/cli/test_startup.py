"""The CLI starts fast: its modules, every help screen and a store command load only what they use.

Measured without a clock: a fresh `python` process (nothing imported yet, unlike this test process) runs the
command and reports the modules it ended up with. The timings themselves are in bench/cli_bench.py and
docs/benchmarks.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cli.conftest import Cli

# What `--help` must not pay for: web framework and server, database, HTTP client, settings, crypto, MCP,
# search, fake data, and Linkyard's own layers below the CLI (each of which pulls in some of these). Not
# pydantic: Typer itself builds a command's parameters with it.
HEAVY = frozenset(
    {
        "aiosqlite",
        "alembic",
        "bm25s",
        "cryptography",
        "faker",
        "fastapi",
        "httptools",
        "httpx",
        "jinja2",
        "mcp",
        "orjson",
        "psycopg",
        "pydantic_settings",
        "sqlalchemy",
        "starlette",
        "uvicorn",
        "linkyard.api",
        "linkyard.config",
        "linkyard.connectors",
        "linkyard.emulator",
        "linkyard.oauth",
        "linkyard.services",
        "linkyard.store",
        "linkyard.web",
    }
)
# What a store command needs is the store (SQLAlchemy, settings, crypto); never the servers, nor Alembic when
# the schema is already current.
NOT_FOR_A_STORE_COMMAND = frozenset(
    {
        "alembic",
        "bm25s",
        "faker",
        "fastapi",
        "jinja2",
        "mcp",
        "starlette",
        "uvicorn",
        "linkyard.api",
        "linkyard.emulator",
        "linkyard.web",
    }
)

# Runs in the child: import the CLI, run each command line in turn through `main()` (as the `linkyard` script
# does), and after each write down which modules are loaded.
_CHILD = """
import json, sys

target, lines = sys.argv[1], json.loads(sys.argv[2])
report = {}
import linkyard.cli
report["import linkyard.cli"] = sorted(sys.modules)
if lines is None:  # every help screen there is: the root's, each group's and each command's
    import typer.main

    def walk(command, path):
        yield [*path, "--help"]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    lines = list(walk(typer.main.get_command(linkyard.cli.app), []))
for line in lines:
    sys.argv = ["linkyard", *line]
    try:
        linkyard.cli.main()
    except SystemExit as exit:
        if exit.code:
            raise
    report[" ".join(["linkyard", *line])] = sorted(sys.modules)
with open(target, "w") as out:
    json.dump(report, out)
"""


def loaded_by(tmp_path: Path, lines: list[list[str]] | None) -> tuple[dict[str, list[str]], str]:
    """{step: the modules loaded after it} for the CLI's import and then each command line; and stdout."""
    report = tmp_path / "modules.json"
    child = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-c", _CHILD, str(report), json.dumps(lines)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    modules: dict[str, list[str]] = json.loads(report.read_text())
    return modules, child.stdout


def among(modules: list[str], packages: frozenset[str]) -> list[str]:
    """The loaded modules that are, or sit inside, one of `packages`."""
    return [name for name in modules if any(name == p or name.startswith(p + ".") for p in packages)]


def test_importing_the_cli_loads_no_heavy_package(tmp_path: Path) -> None:
    modules, _ = loaded_by(tmp_path, [])
    assert among(modules["import linkyard.cli"], HEAVY) == []


def test_every_help_screen_loads_no_heavy_package(clean_env: Path, tmp_path: Path) -> None:
    modules, stdout = loaded_by(tmp_path, None)
    screens = [step for step in modules if step.endswith("--help")]
    # The root, every group and every command: a command added later is walked too.
    assert {"linkyard --help", "linkyard api-keys --help", "linkyard api-keys revoke --help"} <= set(screens)
    assert "linkyard demo --help" in screens
    assert "Usage" in stdout
    assert {step: among(modules[step], HEAVY) for step in screens} == {step: [] for step in screens}


def test_a_store_command_on_a_current_schema_loads_the_store_and_nothing_it_does_not_use(
    cli: Cli, project: dict[str, str], tmp_path: Path
) -> None:
    created: dict[str, Any] = cli.json("api-keys", "create", "--name", "ci")
    step = "linkyard api-keys list --json"
    modules, stdout = loaded_by(tmp_path, [step.split()[1:]])
    assert created["id"] in [key["id"] for key in json.loads(stdout)]
    assert "sqlalchemy" in modules[step]  # it did open the store
    assert among(modules[step], NOT_FOR_A_STORE_COMMAND) == []
