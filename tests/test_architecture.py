"""The architecture is a test: the import contracts of pyproject.toml hold, catch a wrong import, and place every
top-level module (docs/architecture.md draws them)."""

from __future__ import annotations

import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import linkyard

REPO = Path(__file__).resolve().parents[1]
SOURCE_ROOT = Path(linkyard.__file__).resolve().parents[1]
"""Where the `linkyard` under test lives (a worktree's src/, or an installed copy): the contracts read that."""

_LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def _lint_imports(project: Path, source_root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the `linkyard` under `source_root`, with the contracts of `project`'s pyproject.toml.

    Its own process: the package graph is found by import, and this process has `linkyard` imported already.
    """
    env = {**os.environ, "PYTHONPATH": str(source_root), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", _LINT, "--no-cache", "--no-logo", str(project / "pyproject.toml")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _contracts() -> dict[str, dict[str, Any]]:
    with (REPO / "pyproject.toml").open("rb") as file:
        config = tomllib.load(file)["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _top_level_modules() -> set[str]:
    return {f"linkyard.{module.name}" for module in pkgutil.iter_modules(linkyard.__path__)}


def test_the_code_keeps_every_architecture_contract() -> None:
    result = _lint_imports(REPO, SOURCE_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken\.", result.stdout), result.stdout


def test_a_wrong_import_breaks_its_contract(tmp_path: Path) -> None:
    """A copy of the package with one wrong import per rule: each is named, with the line that made it."""
    shutil.copytree(
        SOURCE_ROOT / "linkyard", tmp_path / "src" / "linkyard", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    wrong = {
        "web/connect.py": "from linkyard.store import Store",
        "emulator/factorial/app.py": "from linkyard.errors import LinkyardError",
        "domain/project.py": "from linkyard.services import Platform",
        "services/accounts.py": "import sqlalchemy",
        "oauth/flow.py": "import starlette.responses",
    }
    for module, line in wrong.items():
        path = tmp_path / "src" / "linkyard" / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")

    result = _lint_imports(tmp_path, tmp_path / "src")

    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout
    assert re.search(r"Contracts: \d+ kept, 5 broken\.", report), report
    for expected in (
        "linkyard.web is not allowed to import linkyard.store",
        "linkyard.web.connect -> linkyard.store",
        "linkyard.emulator.factorial.app -> linkyard.errors",
        "linkyard.domain.project -> linkyard.services",
        "linkyard.services.accounts -> sqlalchemy",
        "linkyard.oauth.flow -> starlette",
    ):
        assert expected in report, report


def test_every_top_level_module_has_its_place_in_the_layers() -> None:
    """A new package or module under linkyard/ must be placed in a layer (else no rule would see it), and the
    emulator stays apart from every one of them."""
    contracts = _contracts()
    layers = contracts["layers"]
    placed = {
        f"{layers['containers'][0]}.{name.strip()}"
        for layer in layers["layers"]
        for name in re.split(r"[|:]", layer)
    }
    platform = _top_level_modules() - {"linkyard.emulator"}
    assert placed == platform
    # The facts of Factorial's API (data extracted from its official client, and their reader) are the one thing
    # the emulator and the connector share: both serve or call the same endpoints, as the provider publishes them.
    assert set(contracts["emulator-alone"]["forbidden_modules"]) == platform - {"linkyard.factorial_facts"}
