"""Run an ASGI app under uvicorn on a loopback port (for real-HTTP tests): in a background thread (`serve`), or
inside the test's own event loop (`served`), which is how the platform reaches the emulator in the tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: Any, *, port: int | None = None) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 and yield its base URL; stop it on exit."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


SANDBOX_HOST = "factorial.test"
"""The host name of the sandbox in the tests' settings (`http://factorial.test`); pinned to a served emulator."""


@dataclass
class Served:
    """An ASGI app served by uvicorn inside the test's own event loop, on a loopback port."""

    url: str
    port: int
    server: uvicorn.Server
    app: Any
    listening: bool = True

    async def stop(self) -> None:
        """Stop listening (and close idle kept-alive connections): a client's connections are now refused."""
        if self.listening:
            self.listening = False
            await stop_serving(self)

    async def restart(self) -> None:
        """Listen again on the same port (the same app, with all its state)."""
        if not self.listening:
            self.server = (await start_serving(self.app, port=self.port)).server
            self.listening = True

    @property
    def pin(self) -> tuple[str, int]:
        """Where `ProviderClient(pins=...)` sends a provider's host name so that it reaches this server."""
        return ("127.0.0.1", self.port)

    def pins(self, host: str = SANDBOX_HOST) -> dict[str, tuple[str, int]]:
        """`host` pinned to this server, for `ProviderClient(pins=...)` and `create_app(provider_pins=...)`."""
        return {host: self.pin}


def _listening(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    # Listening before uvicorn starts: a client that connects at once waits in the backlog, never refused.
    sock.listen(128)
    return sock


async def start_serving(
    app: Any, *, port: int = 0, log_level: str = "warning", log_config: dict[str, Any] | None = LOGGING_CONFIG
) -> Served:
    """Serve `app` on 127.0.0.1 (`port` 0: a free one) in the running loop; stop it with `stop_serving`.

    `log_config=None` leaves uvicorn's loggers to propagate, so that a test's log capture sees what it logs.
    """
    sock = _listening(port)
    config = uvicorn.Config(
        app,
        log_level=log_level,
        log_config=log_config,
        lifespan="off",
        ws="none",
        timeout_graceful_shutdown=5,
    )
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[sock])
    bound = int(sock.getsockname()[1])
    return Served(url=f"http://127.0.0.1:{bound}", port=bound, server=server, app=app)


async def stop_serving(served: Served) -> None:
    """Stop accepting, close idle keep-alive connections, let requests in flight finish, close the port.

    Not `Server.shutdown`: it waits a fixed 0.1 s, which every test would pay; this waits on the tasks only.
    """
    server = served.server
    for listener in server.servers:
        listener.close()
    for connection in list(server.server_state.connections):
        connection.shutdown()
    tasks = list(server.server_state.tasks)
    if tasks:
        await asyncio.wait(tasks, timeout=5)
    for listener in server.servers:
        await listener.wait_closed()


@asynccontextmanager
async def served(
    app: Any, *, port: int = 0, log_level: str = "warning", log_config: dict[str, Any] | None = LOGGING_CONFIG
) -> AsyncIterator[Served]:
    """`app` served on loopback inside the running event loop for the length of the block."""
    running = await start_serving(app, port=port, log_level=log_level, log_config=log_config)
    try:
        yield running
    finally:
        await running.stop()
