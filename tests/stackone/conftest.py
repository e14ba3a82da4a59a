"""StackOne compatibility fixtures: the MCP fixtures (the platform in-process and on a loopback port, the
emulator behind it, a linked account), for clients that StackOne publishes."""

from __future__ import annotations

from tests.mcp.conftest import (
    app,
    backend,
    clock,
    database_url,
    emulator,
    factorial,
    harness,
    keyring,
    live_url,
    settings,
    store,
    upstream,
    upstream_server,
)

__all__ = [
    "app",
    "backend",
    "clock",
    "database_url",
    "emulator",
    "factorial",
    "harness",
    "keyring",
    "live_url",
    "settings",
    "store",
    "upstream",
    "upstream_server",
]
