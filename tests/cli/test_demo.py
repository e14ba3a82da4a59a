"""`linkyard demo` with nothing running: self-contained, in one process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import child_env


@pytest.mark.slow
def test_demo_alone_links_an_account_through_the_redirects_and_shows_it_active(clean_env: Path) -> None:
    demo = subprocess.run(
        [sys.executable, "-m", "linkyard.cli", "demo"],
        cwd=clean_env,
        env={**child_env(), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert demo.returncode == 0, demo.stderr
    assert "self-contained" in demo.stderr
    assert "account linked" in demo.stdout
    assert "acc_" in demo.stdout and "active" in demo.stdout
    assert "factorialhr_get_credentials" in demo.stdout and '"company_id"' in demo.stdout
    assert not (clean_env / ".linkyard").exists(), "a self-contained demo leaves nothing behind"
