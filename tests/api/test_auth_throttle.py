"""Failed authentication is throttled per source address and per key prefix (security property 27); a valid key
is never refused, counted or slowed by it. Each request comes from the address the test gives its ASGI client."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from linkyard.config import Settings
from tests.api.conftest import PUBLIC_URL, Harness, basic
from tests.harness.platform import platform_settings

PER_ADDRESS = 5
PER_PREFIX = 8

From = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return platform_settings(
        database_url,
        auth_failure_limit_per_address=f"{PER_ADDRESS}/hour",  # hours: a window edge mid-test is unlikely
        auth_failure_limit_per_prefix=f"{PER_PREFIX}/hour",
        rate_limit_per_key=None,
        rate_limit_per_project=None,
    )


@pytest.fixture
async def client_from(app: FastAPI) -> AsyncIterator[From]:
    """API clients whose requests come from a given address."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000 + len(opened)))
        client = httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL)
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


def bad_key(prefix: str | None = None) -> str:
    """A key shaped like a real one (`lk_` and 43 characters) that no project has."""
    key = "lk_" + secrets.token_urlsafe(32)
    return key if prefix is None else prefix + key[len(prefix) :]


def _assert_throttled(response: httpx.Response, key: str) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["statusCode"] == 429 and body["code"] == "auth_throttled" and body["timestamp"]
    assert 1 <= int(response.headers["retry-after"]) <= 3600
    assert key not in response.text and key[:10] not in response.text


async def test_a_burst_of_bad_keys_from_one_address_is_answered_429_but_a_valid_key_still_works(
    harness: Harness, client_from: From
) -> None:
    tenant = await harness.tenant()
    attacker = client_from("203.0.113.7")
    for _ in range(PER_ADDRESS):
        assert (await attacker.get("/accounts", headers=basic(bad_key()))).status_code == 401
    key = bad_key()
    _assert_throttled(await attacker.get("/accounts", headers=basic(key)), key)
    _assert_throttled(await attacker.post("/actions/rpc", json={}, headers=basic(key)), key)

    # The project's own key from the same address is served, again and again.
    for _ in range(3):
        assert (await attacker.get("/accounts", headers=tenant.auth)).status_code == 200
    # Another address is not affected.
    assert (await client_from("198.51.100.1").get("/accounts", headers=basic(bad_key()))).status_code == 401


async def test_a_bad_key_burst_on_one_prefix_from_many_addresses_is_answered_429(
    harness: Harness, client_from: From
) -> None:
    tenant = await harness.tenant()
    prefix = tenant.key[:7]  # `lk_` and 4 characters: how keys are listed
    for index in range(PER_PREFIX):
        answer = await client_from(f"192.0.2.{index + 1}").get("/accounts", headers=basic(bad_key(prefix)))
        assert answer.status_code == 401
    key = bad_key(prefix)
    _assert_throttled(await client_from("192.0.2.100").get("/accounts", headers=basic(key)), key)

    # Other prefixes are not affected, and the key with that prefix keeps working from anywhere.
    another = prefix[:-1] + ("A" if prefix[-1] != "A" else "B")
    elsewhere = client_from("192.0.2.101")
    assert (await elsewhere.get("/accounts", headers=basic(bad_key(another)))).status_code == 401
    assert (await client_from("192.0.2.1").get("/accounts", headers=tenant.auth)).status_code == 200
    assert (await client_from("192.0.2.102").get("/accounts", headers=tenant.auth)).status_code == 200


async def test_successes_and_requests_without_a_key_are_never_counted(
    harness: Harness, client_from: From
) -> None:
    tenant = await harness.tenant()
    caller = client_from("203.0.113.9")
    for _ in range(4 * PER_ADDRESS):
        assert (await caller.get("/accounts", headers=tenant.auth)).status_code == 200
        assert (await caller.get("/accounts")).status_code == 401  # no key: nothing was tried
    for _ in range(PER_ADDRESS):
        assert (await caller.get("/accounts", headers=basic(bad_key()))).status_code == 401
    _assert_throttled(await caller.get("/accounts", headers=basic("lk_x" * 11)), "lk_x" * 11)


async def test_an_ipv6_source_is_counted_by_its_slash_64(harness: Harness, client_from: From) -> None:
    for index in range(PER_ADDRESS):
        host = f"2001:db8:1:2::{index + 1:x}"  # one host's /64, a new address each time
        assert (await client_from(host).get("/accounts", headers=basic(bad_key()))).status_code == 401
    key = bad_key()
    _assert_throttled(await client_from("2001:db8:1:2:ffff::1").get("/accounts", headers=basic(key)), key)
    assert (
        await client_from("2001:db8:1:3::1").get("/accounts", headers=basic(bad_key()))
    ).status_code == 401
