"""`linkyard emulator factorial`: its control API is unauthenticated, so it is served on loopback only, unless a
control token is given (then every /_emulator/ call needs it); `linkyard up --sandbox` beyond loopback gives its
emulator one. Real processes on real ports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import Cli, Process, child_env, port_pair
from tests.live_server import free_port

STARTUP_TIMEOUT = 60.0
TOKEN = "emulator-control-token-for-tests"
ANY_INTERFACE = "0.0.0.0"  # noqa: S104 - what is tested: every interface


def _emulator(args: list[str], cwd: Path, processes: list[Process], **env: str) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        ["emulator", "factorial", "--port", str(port), "--employees", "5", *args],
        cwd=cwd,
        env=child_env(**env),
    )
    processes.append(process)
    base = f"http://127.0.0.1:{port}"
    process.wait_for("REST API:", STARTUP_TIMEOUT)
    return process, base


def _serving(process: Process, base: str) -> None:
    """Until the emulator answers (its sign-in page: neither Factorial's API nor the control API)."""
    process.wait_until_serving(f"{base}/sign_in", STARTUP_TIMEOUT)


def test_help_says_what_the_control_token_is_for(cli: Cli) -> None:
    shown = cli.ok("emulator", "factorial", "--help").stdout
    assert "--control-token" in shown and "--no-control" in shown
    assert "loopback" in shown and "Bearer" in shown


@pytest.mark.parametrize("host", [ANY_INTERFACE, "::"])
def test_a_non_loopback_host_without_a_token_is_refused_with_a_clear_message(
    clean_env: Path, processes: list[Process], host: str
) -> None:
    process = Process(
        ["emulator", "factorial", "--host", host, "--port", str(free_port()), "--employees", "5"],
        cwd=clean_env,
        env=child_env(),
    )
    processes.append(process)
    code = process.popen.wait(STARTUP_TIMEOUT)  # it never serves: it exits at once
    process.stop()
    assert code == 2
    message = "".join(process.stderr)
    assert "refusing to serve the unauthenticated control API" in message and host in message
    assert "--control-token" in message and "--no-control" in message
    assert "REST API:" not in "".join(process.stdout)


def test_a_weak_token_is_refused(clean_env: Path, processes: list[Process]) -> None:
    process = Process(
        [
            "emulator",
            "factorial",
            "--host",
            ANY_INTERFACE,
            "--control-token",
            "short",
            "--port",
            str(free_port()),
        ],
        cwd=clean_env,
        env=child_env(),
    )
    processes.append(process)
    assert process.popen.wait(STARTUP_TIMEOUT) == 2
    process.stop()
    assert "at least 16 characters" in "".join(process.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("given", ["option", "environment"])
def test_with_a_token_the_control_api_needs_it(clean_env: Path, processes: list[Process], given: str) -> None:
    args = ["--host", ANY_INTERFACE]
    env: dict[str, str] = {}
    if given == "option":
        args += ["--control-token", TOKEN]
    else:
        env["LINKYARD_EMULATOR_CONTROL_TOKEN"] = TOKEN
    process, base = _emulator(args, clean_env, processes, **env)
    _serving(process, base)

    assert httpx.get(f"{base}/_emulator/stats").status_code == 401
    assert httpx.get(f"{base}/_emulator/stats", headers={"authorization": "Bearer nope"}).status_code == 401
    created = httpx.post(f"{base}/_emulator/api_keys", json={"company_id": 1})
    assert created.status_code == 401 and "api_key" not in created.text
    bearer = {"authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{base}/_emulator/stats", headers=bearer).status_code == 200
    assert httpx.post(f"{base}/_emulator/api_keys", json={"company_id": 1}, headers=bearer).status_code == 201
    assert TOKEN not in process.output  # the banner says a token is needed, never which


@pytest.mark.slow
def test_on_loopback_without_a_token_the_control_api_works_as_before(
    clean_env: Path, processes: list[Process]
) -> None:
    process, base = _emulator([], clean_env, processes)
    _serving(process, base)
    assert httpx.get(f"{base}/_emulator/stats").status_code == 200
    assert httpx.post(f"{base}/_emulator/api_keys", json={"company_id": 1}).status_code == 201


@pytest.mark.slow
def test_no_control_serves_anywhere_without_a_control_api(clean_env: Path, processes: list[Process]) -> None:
    process, base = _emulator(["--host", ANY_INTERFACE, "--no-control"], clean_env, processes)
    _serving(process, base)
    assert httpx.get(f"{base}/_emulator/stats").status_code == 404


@pytest.mark.slow
def test_up_sandbox_beyond_loopback_gives_its_emulator_a_token(
    clean_env: Path, processes: list[Process]
) -> None:
    port = port_pair()
    process = Process(
        ["up", "--sandbox", "--host", ANY_INTERFACE, "--port", str(port)],
        cwd=clean_env,
        env=child_env(),
    )
    processes.append(process)
    process.wait_for("Connect link:", STARTUP_TIMEOUT)
    process.wait_until_serving(f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)
    emulator = f"http://127.0.0.1:{port + 1}"

    assert httpx.get(f"{emulator}/_emulator/stats").status_code == 401
    saved = json.loads((clean_env / ".linkyard" / "sandbox.json").read_text())
    token = saved["emulator_control_token"]
    assert len(token) >= 32 and token not in process.output
    assert (
        httpx.get(f"{emulator}/_emulator/stats", headers={"authorization": f"Bearer {token}"}).status_code
        == 200
    )
    assert "bearer token required" in "".join(process.stdout)

    # `linkyard demo` finds the token where `up` saved it and walks the whole journey.
    demo = subprocess.run(
        [sys.executable, "-m", "linkyard.cli", "demo", "--json"],
        cwd=clean_env,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )
    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["account"]["status"] == "active"
