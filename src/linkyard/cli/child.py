"""Child processes of `linkyard up`: the sandbox's Factorial emulator, started and stopped with the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import TracebackType

import httpx

from linkyard.cli.output import CommandFailed

_STOP_TIMEOUT = 5.0


class EmulatorProcess:
    """`linkyard emulator factorial` in a child process; a context manager that always stops it."""

    def __init__(self, *, host: str, port: int, url: str) -> None:
        self.host = host
        self.port = port
        self.url = url
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
        # Its banner would repeat what `up` prints; its errors (stderr) stay visible.
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 - our own command

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
                    if client.get(f"{self.url}/_emulator/settings").status_code == 200:
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
