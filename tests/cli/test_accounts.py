"""`linkyard accounts list|show|unlink` on an account linked through the API (real redirects, real emulator)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx
import pytest

from linkyard.api import create_app
from linkyard.cli.demo import DemoResult, Sandbox, walk
from linkyard.config import load_settings
from linkyard.emulator.factorial import create_app as create_emulator
from tests.cli.conftest import Cli
from tests.live_server import serve

PUBLIC_URL = "http://linkyard.test"


async def link_through_the_api(api_key: str, emulator_url: str) -> DemoResult:
    """The integrator's journey against the API in this process (the emulator is a real server)."""
    settings = load_settings()
    api = create_app(settings)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(api.router.lifespan_context(api))
        client = await stack.enter_async_context(
            httpx.AsyncClient(mounts={PUBLIC_URL: httpx.ASGITransport(app=api)}, trust_env=False)
        )
        sandbox = Sandbox(
            client=client,
            api_url=PUBLIC_URL,
            api_key=api_key,
            emulator_url=emulator_url,
            redirect_uri=settings.redirect_uri("factorialhr"),
            mode="in-process",
        )
        return await walk(sandbox)


def test_accounts_list_show_unlink_after_linking_through_the_api(
    cli: Cli, project: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(create_emulator(seed=7, employees=10)) as emulator_url:
        monkeypatch.setenv("LINKYARD_SANDBOX_FACTORIALHR_URL", emulator_url)
        monkeypatch.setenv("LINKYARD_PUBLIC_URL", PUBLIC_URL)
        linked = asyncio.run(link_through_the_api(project["api_key"], emulator_url))
        account_id = linked.account["id"]

        listed = cli.json("accounts", "list")
        shown = cli.json("accounts", "show", account_id)
        table = cli.ok("accounts", "list").stdout

        assert [a["id"] for a in listed] == [account_id]
        assert shown["status"] == "active" and shown["provider_account"]["company_id"]
        assert shown["integration_id"] == linked.profile["id"]
        assert account_id in table and "active" in table
        assert cli.json("accounts", "list", "--status", "error") == []
        busy = cli("profiles", "delete", linked.profile["id"])
        assert busy.exit_code == 1 and "linked account" in busy.stderr
        revocations = httpx.get(f"{emulator_url}/_emulator/stats").json()["revocations"]

        unlinked = cli.ok("accounts", "unlink", account_id)

        assert "unlinked" in unlinked.stdout
        assert httpx.get(f"{emulator_url}/_emulator/stats").json()["revocations"] == revocations + 1
        assert cli.json("accounts", "list") == []
        gone = cli("accounts", "show", account_id)
        assert gone.exit_code == 1 and gone.stderr.strip() == "error: account not found"
        cli.ok("profiles", "delete", linked.profile["id"])
