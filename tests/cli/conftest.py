"""CLI fixtures: `linkyard` run in-process through Typer's `CliRunner`, against a SQLite file in a temp directory,
and real `linkyard` processes (for `up`) with every process closed after the test."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from linkyard.cli import app
from linkyard.store import generate_key_entry
from tests.live_server import free_port

# What a developer's shell may carry that would change what the commands under test do.
_LINKYARD_ENV = (
    "LINKYARD_DATABASE_URL",
    "LINKYARD_PUBLIC_URL",
    "LINKYARD_ENCRYPTION_KEYS",
    "LINKYARD_SANDBOX_FACTORIALHR_URL",
    "LINKYARD_LOG_LEVEL",
    "LINKYARD_PROJECT",
    "LINKYARD_API_KEY",
    "LINKYARD_EMULATOR_CONTROL_TOKEN",
)


@dataclass
class Cli:
    """`linkyard ...` in this process, with the environment of the test."""

    database_url: str
    key_entry: str
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}"
        return result

    def json(self, *args: str, input: str | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", input=input).stdout)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A working directory of the test's own, and no LINKYARD_* variable from outside."""
    for name in _LINKYARD_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    database_url = f"sqlite:///{clean_env / 'linkyard.db'}"
    key_entry = generate_key_entry("k1")
    monkeypatch.setenv("LINKYARD_DATABASE_URL", database_url)
    monkeypatch.setenv("LINKYARD_ENCRYPTION_KEYS", key_entry)
    return Cli(database_url, key_entry)


@pytest.fixture
def project(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A project made with `linkyard projects create --json`, and LINKYARD_PROJECT pointing at it."""
    created: dict[str, str] = cli.json("projects", "create", "Acme")
    monkeypatch.setenv("LINKYARD_PROJECT", created["project_id"])
    return created


def port_pair() -> int:
    """A free port whose next port is free too (`linkyard up --sandbox` puts the emulator there)."""
    import socket

    for _ in range(50):
        port = free_port()
        if port >= 65535:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


class Process:
    """A `linkyard` child process whose output is collected as it comes (so pipes never fill)."""

    def __init__(
        self,
        args: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        umask: int = -1,
        prefix: tuple[str, ...] = (),
    ) -> None:
        """`umask` is the child's (-1: ours); `prefix` runs it under another command (`ip netns exec NAME`)."""
        self.args = args
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.popen = subprocess.Popen(  # noqa: S603 - our own command
            [*prefix, sys.executable, "-m", "linkyard.cli", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Its own process group: stopping it reaches its emulator and workers even if it dies first.
            start_new_session=True,
            umask=umask,
        )
        self._readers = [
            threading.Thread(target=self._collect, args=(self.popen.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._collect, args=(self.popen.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _collect(stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    @property
    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in "".join(self.stdout):
            if self.popen.poll() is not None:
                raise AssertionError(f"linkyard {' '.join(self.args)} exited early:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {timeout} s:\n{self.output}")
            time.sleep(0.05)

    def wait_for_stderr(self, text: str, *, count: int, timeout: float) -> None:
        """Until `text` has appeared `count` times on stderr (say, once per worker)."""
        deadline = time.monotonic() + timeout
        while "".join(self.stderr).count(text) < count:
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear {count} times:\n{self.output}")
            time.sleep(0.05)

    def wait_until_serving(self, url: str, timeout: float) -> None:
        """Until `url` answers 200 (the banner comes just before uvicorn binds its port)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer:\n{self.output}")
            time.sleep(0.05)

    def interrupt(self, timeout: float = 20.0) -> int:
        """Ctrl-C, as a person stops it; its exit status once it has stopped."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
        return self.popen.wait(timeout)

    def stop(self, timeout: float = 20.0) -> int:
        """Ctrl-C, then the whole process group, whatever is left of it; the output streams closed."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.interrupt(timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        code = self.popen.wait(timeout)
        for reader in self._readers:
            reader.join(timeout)
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()
        return code


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Every process a test starts, stopped after it (even when the test fails)."""
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in reversed(started):
            process.stop()


def child_env(**values: str) -> dict[str, str]:
    """The environment of a child `linkyard`: ours without LINKYARD_* variables, plus `values`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LINKYARD_")}
    env.update(values)
    env["PYTHONUNBUFFERED"] = "1"
    return env
