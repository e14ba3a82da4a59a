"""MCP fixtures: the harness's platform and emulator in-process (one clock, a SQLite store), the platform also
served on a loopback port (`live_url`, from `tests.harness.platform`) for clients with their own HTTP stack, and a
linked account to list tools for.

A synchronous client (`stackone-ai`) is called through `asyncio.to_thread` so that the test's loop, which serves
the platform, keeps serving while it waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.harness.platform import Harness, Tenant

__all__ = ["Harness", "Tenant"]

ACCOUNT_HEADER = "x-account-id"


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
