"""Request rate limits per API key and per project (security property 19): `RateLimit-*` headers on every
authenticated answer, 429 with `Retry-After` in the envelope once a rate is spent, other keys and projects
untouched."""

from __future__ import annotations

import os

import httpx
import pytest
from limits import parse
from limits.strategies import SlidingWindowCounterRateLimiter

from linkyard.config import Settings
from linkyard.services import create_api_key
from linkyard.services.rate_limits import SweptMemoryStorage
from tests.api.conftest import Harness, basic
from tests.harness.platform import platform_settings

PER_KEY = 3
PER_PROJECT = 5
REDIS_URL = os.environ.get("LINKYARD_TEST_REDIS_URL")
"""A Redis to count in as several hosts would (e.g. redis://127.0.0.1:6379/0), with `linkyard[redis]`."""


@pytest.fixture(
    params=[
        "memory://",
        pytest.param(
            REDIS_URL or "redis://",
            id="redis",
            marks=pytest.mark.skipif(
                not REDIS_URL, reason="Redis run skipped: LINKYARD_TEST_REDIS_URL is not set"
            ),
        ),
    ]
)
def storage_url(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(database_url: str, storage_url: str) -> Settings:
    return platform_settings(
        database_url,
        rate_limit_storage_url=storage_url,
        rate_limit_per_key=f"{PER_KEY}/hour",  # hours: a window edge mid-test is unlikely
        rate_limit_per_project=f"{PER_PROJECT}/hour",
    )


def _quota(response: httpx.Response) -> tuple[int, int, int]:
    headers = response.headers
    return (
        int(headers["ratelimit-limit"]),
        int(headers["ratelimit-remaining"]),
        int(headers["ratelimit-reset"]),
    )


def _assert_limited(response: httpx.Response, owner: str) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["statusCode"] == 429 and body["code"] == "rate_limited" and body["timestamp"]
    assert owner in body["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 3600
    assert _quota(response)[1] == 0


async def test_a_key_past_its_rate_gets_429_with_headers_and_other_keys_and_projects_do_not(
    harness: Harness,
) -> None:
    acme, other = await harness.tenant("Acme"), await harness.tenant("Other")
    remaining = []
    for _ in range(PER_KEY):
        response = await harness.api.get("/accounts", headers=acme.auth)
        assert response.status_code == 200
        limit, left, reset = _quota(response)
        assert limit == PER_KEY and 0 <= reset <= 3600
        remaining.append(left)
    assert remaining == [2, 1, 0]

    _assert_limited(await harness.api.get("/accounts", headers=acme.auth), "API key")
    # The lean route counts alike (and says so before looking at the call).
    rpc = await harness.api.post(
        "/actions/rpc",
        json={"action": "factorialhr_get_credentials"},
        headers={**acme.auth, "x-account-id": "acc_missing"},
    )
    _assert_limited(rpc, "API key")

    # Another key of the same project has its own rate; another project is untouched.
    second = await create_api_key(harness.store, acme.project_id, "ci")
    assert (await harness.api.get("/accounts", headers=basic(second.raw))).status_code == 200
    elsewhere = await harness.api.get("/accounts", headers=other.auth)
    assert elsewhere.status_code == 200
    assert _quota(elsewhere)[:2] == (PER_KEY, PER_KEY - 1)


async def test_a_project_past_its_rate_gets_429_on_every_key_and_other_projects_do_not(
    harness: Harness,
) -> None:
    acme, other = await harness.tenant("Acme"), await harness.tenant("Other")
    keys = [acme.auth] + [
        basic((await create_api_key(harness.store, acme.project_id, f"k{i}")).raw) for i in (1, 2)
    ]
    answers = [await harness.api.get("/accounts", headers=keys[index % 3]) for index in range(PER_PROJECT)]
    assert [answer.status_code for answer in answers] == [200] * PER_PROJECT
    # The header shows the quota closest to running out: the project's once it is.
    assert _quota(answers[-1])[:2] == (PER_PROJECT, 0)

    for headers in keys:
        _assert_limited(await harness.api.get("/accounts", headers=headers), "project")
    assert (await harness.api.get("/accounts", headers=other.auth)).status_code == 200


async def test_failed_authentication_spends_no_quota_and_gets_no_rate_headers(harness: Harness) -> None:
    tenant = await harness.tenant()
    refused = await harness.api.get("/accounts", headers=basic("lk_" + "x" * 43))
    assert refused.status_code == 401
    assert "ratelimit-limit" not in refused.headers
    assert "ratelimit-limit" not in (await harness.api.get("/healthz")).headers
    first = await harness.api.get("/accounts", headers=tenant.auth)
    assert _quota(first)[:2] == (PER_KEY, PER_KEY - 1)


def test_the_memory_store_counts_as_the_library_does_and_sweeps_without_a_thread() -> None:
    """`SweptMemoryStorage`: counts, a past window's counter dropped by the next count once a sweep is due, and
    no sweeper thread started per count (the library's own store starts one every 10 ms of traffic)."""
    storage = SweptMemoryStorage(sweep_every=0)
    first_timer = storage.timer
    limiter = SlidingWindowCounterRateLimiter(storage)
    rate = parse("2/hour")
    assert [limiter.hit(rate, "key", "k") for _ in range(3)] == [True, True, False]
    assert limiter.get_window_stats(rate, "key", "k").remaining == 0
    assert storage.incr("past", 0) == 1  # expires at once, as a past window's counter does
    assert storage.decr("held", 1) == 0
    storage.incr("now", 3600)
    assert "past" not in storage.expirations and "past" not in storage.storage
    assert storage.get("now") == 1
    assert storage.timer is first_timer
