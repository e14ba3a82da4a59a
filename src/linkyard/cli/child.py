"""Child processes of `linkyard up`: the sandbox's Factorial emulator, started and stopped with the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import TracebackType

import httpx

from linkyard.cli.emulator import CONTROL_TOKEN_VARIABLE
from linkyard.cli.output import CommandFailed
from linkyard.cli.sandbox import control_headers

_STOP_TIMEOUT = 5.0


class EmulatorProcess:
    """`linkyard emulator factorial` in a child process; a context manager that always stops it."""

    def __init__(self, *, host: str, port: int, url: str, control_token: str | None = None) -> None:
        self.host = host
        self.port = port
        self.url = url
        self.control_token = control_token
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "linkyard.cli",
            "emulator",
            "factorial",
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        # The token travels in the environment, not on the command line (`ps` shows that to every user); the
        # child gets exactly this one, never a stale one from the parent's environment.
        environment = {k: v for k, v in os.environ.items() if k != CONTROL_TOKEN_VARIABLE}
        if self.control_token is not None:
            environment[CONTROL_TOKEN_VARIABLE] = self.control_token
        # Its banner would repeat what `up` prints; its errors (stderr) stay visible.
        self._process = subprocess.Popen(  # noqa: S603 - our own command
            command, stdout=subprocess.DEVNULL, env=environment
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the control API answers; fail when the child exits first (say, the port is taken)."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self._process is not None and self._process.poll() is not None:
                    raise CommandFailed(
                        f"the Factorial emulator exited with status {self._process.returncode} "
                        f"(is port {self.port} free? choose another with --port)"
                    )
                try:
                    answer = client.get(
                        f"{self.url}/_emulator/settings", headers=control_headers(self.control_token)
                    )
                    if answer.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise CommandFailed(f"the Factorial emulator did not answer on {self.url}")
                time.sleep(0.05)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
        try:
            process.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(_STOP_TIMEOUT)

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
