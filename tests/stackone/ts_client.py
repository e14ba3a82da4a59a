"""StackOne's TypeScript client (`@stackone/stackone-client-ts`, pinned in `node/package.json`) run from pytest.

A script in `node/` makes named calls with the real client and prints what each gave (`node/report.mjs`); the
test asserts on that report. The packages come from `npm ci` (`make test` runs it; `make node-deps` alone), so a
missing `node_modules` is a set-up error, never a skipped test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).parent / "node"
SCRIPT_TIMEOUT = 120.0  # a cold Node start plus the client's calls on a loaded 2-core machine


@dataclass(frozen=True, slots=True)
class Outcome:
    """One call's result: the client's (zod-checked) value, or the error it raised (`name`, `statusCode`, ...)."""

    ok: bool
    value: Any = None
    error: dict[str, Any] = field(default_factory=dict)

    def expect_ok(self) -> Any:
        assert self.ok, (
            f"the client raised {self.error.get('name')}: {self.error.get('pretty') or self.error}"
        )
        return self.value

    def expect_error(self, name: str, status: int | None = None) -> dict[str, Any]:
        assert not self.ok, f"expected {name}, the call succeeded with {self.value!r}"
        assert self.error.get("name") == name, self.error
        if status is not None:
            assert self.error.get("statusCode") == status, self.error
        return self.error


def run_script(script: str, *, url: str, api_key: str, **inputs: Any) -> dict[str, Outcome]:
    """Run `node/<script>` against the platform at `url` with `api_key`; `inputs` reach it as `input`."""
    node = shutil.which("node")
    assert node is not None, "Node.js 20 is needed on the PATH for the StackOne client tests"
    assert (NODE_DIR / "node_modules" / "@stackone" / "stackone-client-ts").is_dir(), (
        "the StackOne client is not installed: run `make node-deps` (npm ci in tests/stackone/node)"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "NO_PROXY": "*",
        "LINKYARD_URL": url,
        "LINKYARD_API_KEY": api_key,
        "LINKYARD_INPUT": json.dumps(inputs),
    }
    finished = subprocess.run(  # noqa: S603 -- our own script, run by the Node found on PATH
        [node, script],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert finished.returncode == 0, f"{script} exited {finished.returncode}: {finished.stderr[-4000:]}"
    report = json.loads(finished.stdout)
    return {name: Outcome(**outcome) for name, outcome in report.items()}
