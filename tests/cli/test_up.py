"""`linkyard up`: refuses to start without a key; `--sandbox` serves a ready demo within seconds."""

from __future__ import annotations

import json
import re
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from linkyard.store import generate_key_entry
from tests.cli.conftest import Cli, Process, child_env, port_pair

STARTUP_TIMEOUT = 60.0


def test_up_without_a_key_refuses_to_start_and_says_how_to_fix_it(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LINKYARD_ENCRYPTION_KEYS")

    result = cli("up", "--port", "1")

    assert result.exit_code == 2
    assert "LINKYARD_ENCRYPTION_KEYS" in result.stderr and "--sandbox" in result.stderr
    assert not (Path.cwd() / ".linkyard" / "dev.key").exists()


def start_sandbox(cwd: Path, port: int, processes: list[Process]) -> tuple[Process, dict[str, str]]:
    """`linkyard up --sandbox` in `cwd`, once it serves; and what it printed."""
    process = Process(["up", "--sandbox", "--port", str(port)], cwd=cwd, env=child_env())
    processes.append(process)
    process.wait_for("Connect link:", STARTUP_TIMEOUT)
    process.wait_until_serving(f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)
    printed = "".join(process.stdout)
    found = {
        "api_key": re.search(r"API key:\s+(lk_\S+)", printed),
        "connect_link": re.search(r"Connect link:\s+(\S+)", printed),
        "emulator": re.search(r"Emulator:\s+(\S+)", printed),
        "dashboard": re.search(r"Dashboard:\s+(\S+)", printed),
        "admin_token": re.search(r"Admin token:\s+(\S+)", printed),
    }
    assert all(found.values()), printed
    return process, {name: match.group(1) for name, match in found.items() if match}


def signs_in(api: str, token: str) -> bool:
    """Whether the dashboard's sign-in form takes `token` (it answers with a session cookie and a redirect)."""
    with httpx.Client(base_url=api) as browser:
        form_token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/sign-in").text)
        assert form_token is not None
        answer = browser.post("/sign-in", data={"csrf": form_token.group(1), "token": token, "next": "/"})
    return answer.status_code == 303 and "linkyard_dashboard=" in answer.headers.get("set-cookie", "")


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_up_sandbox_serves_a_demo_project_with_a_key_and_a_connect_link_that_opens(
    clean_env: Path, processes: list[Process]
) -> None:
    port = port_pair()
    api = f"http://127.0.0.1:{port}"

    process, printed = start_sandbox(clean_env, port, processes)

    assert httpx.get(f"{api}/healthz").status_code == 200
    assert printed["dashboard"] == f"{api}/"
    assert signs_in(api, printed["admin_token"])
    page = httpx.get(printed["connect_link"])
    assert page.status_code == 200 and "/connect/oauth2/" in page.text
    assert httpx.get(f"{api}/accounts", auth=(printed["api_key"], "")).json() == []
    # The sandbox lets webhooks reach a receiver on this machine over plain http (production: https only).
    local_hook = {"url": "http://127.0.0.1:9/hook", "event_types": ["account.created"]}
    assert httpx.post(f"{api}/webhooks", json=local_hook, auth=(printed["api_key"], "")).status_code == 201
    assert printed["emulator"] == f"http://127.0.0.1:{port + 1}"
    assert httpx.get(f"{printed['emulator']}/_emulator/settings").status_code == 200
    dev_key = clean_env / ".linkyard" / "dev.key"
    assert stat.S_IMODE(dev_key.stat().st_mode) == 0o600
    assert "DEVELOPMENT ONLY" in "".join(process.stderr)
    saved = json.loads((clean_env / ".linkyard" / "sandbox.json").read_text())
    assert saved["api_key"] == printed["api_key"]

    demo = subprocess.run(
        [sys.executable, "-m", "linkyard.cli", "demo", "--json"],
        cwd=clean_env,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )
    assert demo.returncode == 0, demo.stderr
    journey = json.loads(demo.stdout)
    assert journey["mode"] == "running sandbox" and journey["account"]["status"] == "active"
    assert journey["credential"]["company_id"] == journey["account"]["provider_account"]["company_id"]

    assert process.interrupt() == 0
    assert not port_is_open(port + 1), "Ctrl-C must stop the emulator too"

    # A restart reuses the development key and the Demo project, and rotates the API key: the new one sees the
    # account linked before, the earlier one is refused, and the project has one live sandbox key.
    _, again = start_sandbox(clean_env, port, processes)
    assert (
        json.loads((clean_env / ".linkyard" / "sandbox.json").read_text())["project_id"]
        == saved["project_id"]
    )
    assert again["api_key"] != printed["api_key"]
    assert again["admin_token"] != printed["admin_token"]
    assert signs_in(api, again["admin_token"]) and not signs_in(api, printed["admin_token"])
    accounts = httpx.get(f"{api}/accounts", auth=(again["api_key"], ""))
    assert [a["id"] for a in accounts.json()] == [journey["account"]["id"]]
    assert httpx.get(f"{api}/accounts", auth=(printed["api_key"], "")).status_code == 401
    keys = subprocess.run(
        [sys.executable, "-m", "linkyard.cli", "api-keys", "list", "--json"],
        cwd=clean_env,
        env=child_env(
            LINKYARD_ENCRYPTION_KEYS=dev_key.read_text().strip(), LINKYARD_PROJECT=saved["project_id"]
        ),
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )
    assert keys.returncode == 0, keys.stderr
    live = [key for key in json.loads(keys.stdout) if key["name"] == "sandbox" and key["revoked_at"] is None]
    assert len(live) == 1 and again["api_key"].startswith(live[0]["prefix"])


@pytest.mark.slow
def test_up_sandbox_keeps_every_file_under_dot_linkyard_private_under_a_permissive_umask(
    clean_env: Path, processes: list[Process]
) -> None:
    folder = clean_env / ".linkyard"
    folder.mkdir(mode=0o755)  # as an earlier version left it, with a key file anyone could read
    folder.chmod(0o755)
    (folder / "dev.key").write_text(generate_key_entry("dev") + "\n")
    (folder / "dev.key").chmod(0o644)
    port = port_pair()
    process = Process(["up", "--sandbox", "--port", str(port)], cwd=clean_env, env=child_env(), umask=0o002)
    processes.append(process)
    process.wait_for("Connect link:", STARTUP_TIMEOUT)
    process.wait_until_serving(f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)

    # While it serves, so the database's write-ahead log and shared-memory files exist.
    modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in folder.iterdir()}
    assert oct(stat.S_IMODE(folder.stat().st_mode)) == "0o700"
    database_files = {"linkyard.db", "linkyard.db-wal", "linkyard.db-shm", "linkyard.db-changes"}
    assert set(modes) == {"dev.key", "sandbox.json", *database_files}
    assert modes == {name: "0o600" for name in modes}
    assert "private to their owner" in "".join(process.stderr)


@pytest.mark.slow
def test_an_admin_token_from_the_environment_signs_in_and_is_never_printed(
    clean_env: Path, processes: list[Process]
) -> None:
    port = port_pair()
    token = "operator-chosen-admin-token-0123456789"
    process = Process(
        ["up", "--sandbox", "--port", str(port)], cwd=clean_env, env=child_env(LINKYARD_ADMIN_TOKEN=token)
    )
    processes.append(process)
    process.wait_for("Connect link:", STARTUP_TIMEOUT)
    process.wait_until_serving(f"http://127.0.0.1:{port}/healthz", STARTUP_TIMEOUT)

    assert signs_in(f"http://127.0.0.1:{port}", token)
    printed = "".join(process.stdout) + "".join(process.stderr)
    assert token not in printed
    assert "Admin token:  the one in LINKYARD_ADMIN_TOKEN" in printed


@pytest.mark.slow
def test_sigterm_stops_the_sandbox_emulator_too(clean_env: Path, processes: list[Process]) -> None:
    port = port_pair()
    process, _ = start_sandbox(clean_env, port, processes)
    assert port_is_open(port + 1)

    process.popen.send_signal(signal.SIGTERM)

    assert process.popen.wait(30) == 128 + signal.SIGTERM
    assert not port_is_open(port), "the API must stop"
    assert not port_is_open(port + 1), "SIGTERM must stop the emulator too"
