"""MCP fixtures: the API fixtures (platform and emulator in-process, one clock, a SQLite store), the platform also
served on a loopback port for clients with their own HTTP stack, and a linked account to list tools for.

The server runs in the test's own event loop (uvicorn's `serve()` as a task, the app's lifespan already
running), so the store, the emulator and the platform stay in one loop; a synchronous client (`stackone-ai`)
is called through `asyncio.to_thread` so that the loop keeps serving while it waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from tests.api.conftest import (
    Harness,
    Tenant,
    app,
    backend,
    clock,
    database_url,
    emulator,
    factorial,
    harness,
    keyring,
    settings,
    store,
    upstream,
    upstream_server,
)
from tests.live_server import free_port

__all__ = [
    "app",
    "backend",
    "clock",
    "database_url",
    "emulator",
    "factorial",
    "harness",
    "keyring",
    "settings",
    "store",
    "upstream",
    "upstream_server",
]

ACCOUNT_HEADER = "x-account-id"


@pytest.fixture
async def live_url(app: FastAPI) -> AsyncIterator[str]:
    """The platform app on 127.0.0.1, served from the test's event loop; its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), lifespan="off", ws="none", log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Linked:
    """A project with a connector profile and one account linked through the real connect flow."""

    tenant: Tenant
    profile: dict[str, Any]
    account: dict[str, Any]

    @property
    def account_id(self) -> str:
        return str(self.account["id"])

    def headers(self) -> dict[str, str]:
        return {**self.tenant.auth, ACCOUNT_HEADER: self.account_id}


async def link_account(harness: Harness, *, name: str = "Acme HR", **profile_fields: Any) -> Linked:
    """Link the emulator company's admin with a company token on a profile made of `profile_fields`."""
    tenant = await harness.tenant(name)
    profile = await harness.profile(tenant, token_type="company", **profile_fields)
    _, account = await harness.link(tenant, await harness.admin_email())
    return Linked(tenant, profile, account)
