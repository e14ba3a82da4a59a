"""A `linkyard up --sandbox` process for StackOne's TypeScript client, and accounts linked through it.

The process serves one package (its start costs seconds); each test links the accounts it needs through the
real connect flow (`link_account`), so tests that change or unlink an account do not disturb another.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import httpx
import pytest

from linkyard.cli.connect_flow import follow_connect_link
from tests.harness.sandbox import Sandbox, running_sandbox


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The sandbox is a real process on loopback: such tests are `slow` (`make test-fast` leaves them out).
    for item in items:
        if "stackone_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="package")
def stackone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """`linkyard up --sandbox` on a loopback port, in a directory of its own.

    A script calls the API back to back, faster than the default 50 calls a second per key on a quick machine:
    these tests are about shapes, so the key's and the project's rates are raised (rate limits have their own
    tests in `tests/api/`).
    """
    with running_sandbox(
        tmp_path_factory.mktemp("stackone"),
        admin_token=f"stackone-tests-{secrets.token_urlsafe(24)}",
        LINKYARD_RATE_LIMIT_PER_KEY="10000/second",
        LINKYARD_RATE_LIMIT_PER_PROJECT="10000/second",
    ) as running:
        yield running


def link_account(sandbox: Sandbox, *, owner_id: str | None = None, owner_name: str = "Acme Ltd") -> str:
    """Link the emulator's company as a new end user (the hosted page, Factorial's consent, the callback)."""
    owner = owner_id or f"owner-{secrets.token_hex(4)}"
    link = sandbox.new_connect_link(owner_id=owner, owner_name=owner_name)

    async def walk() -> str | None:
        async with httpx.AsyncClient(timeout=30.0, trust_env=False) as client:
            flow = await follow_connect_link(client, link, login_email=sandbox.admin_email)
        return flow.account_id

    account_id = asyncio.run(walk())
    if account_id is not None:
        return account_id
    with httpx.Client(base_url=sandbox.api_url, auth=(sandbox.api_key, ""), trust_env=False) as api:
        linked = api.get("/accounts", params={"origin_owner_id": owner}).json()
    assert len(linked) == 1, linked
    return str(linked[0]["id"])


@pytest.fixture
def linked_account(stackone_server: Sandbox) -> str:
    """A freshly linked account of the sandbox's project (its default profile: every action enabled)."""
    return link_account(stackone_server)
