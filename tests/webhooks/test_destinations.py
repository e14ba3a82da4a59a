"""Safe destinations: https only unless the operator allows http, and no private, loopback or link-local address,
checked when a delivery connects (after DNS resolution), unless a setting allows them."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from linkyard.config import Settings
from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.harness.platform import platform_settings
from tests.webhooks.conftest import WEBHOOK_SETTINGS
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import ACCOUNT_EVENTS, delivery_log, settled

pytestmark = ON_BOTH_BACKENDS


@pytest.fixture
def settings(database_url: str) -> Settings:
    return platform_settings(
        database_url,
        **(WEBHOOK_SETTINGS | {"webhook_allow_private_addresses": False, "webhook_allow_http": False}),
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",
        "ftp://hooks.example.com/in",
        "https://user:pass@hooks.example.com/in",
        "https:///in",
        "hooks.example.com/in",
        "https://hooks.example.com/in#frag",
    ],
)
async def test_a_url_that_is_not_plain_https_is_refused_with_422(harness: Harness, url: str) -> None:
    tenant = await harness.tenant()
    response = await harness.api.post(
        "/webhooks", json={"url": url, "event_types": ACCOUNT_EVENTS}, headers=tenant.auth
    )
    assert response.status_code == 422, response.text
    assert (await harness.api.get("/webhooks", headers=tenant.auth)).json()["data"] == []


async def test_an_unknown_event_type_is_refused_with_422(harness: Harness) -> None:
    tenant = await harness.tenant()
    response = await harness.api.post(
        "/webhooks",
        json={"url": "https://hooks.example.com/in", "event_types": ["nope"]},
        headers=tenant.auth,
    )
    assert response.status_code == 422


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "169.254.169.254"])
async def test_a_destination_on_a_non_public_address_is_refused_when_it_is_sent_to(
    harness: Harness, app: FastAPI, receiver: Receiver, host: str
) -> None:
    tenant = await harness.tenant()
    port = receiver.url.split(":")[2].split("/")[0]
    created = await harness.api.post(
        "/webhooks",
        json={"url": f"https://{host}:{port}/hook", "event_types": ACCOUNT_EVENTS},
        headers=tenant.auth,
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    await settled(app)
    await settled(app)
    log = await delivery_log(harness, tenant, hook["id"])
    assert log["attempt_count"] == 1 and log["status"] == "failed", log["attempts"]
    assert "public" in log["attempts"][0]["error"]
    assert receiver.received == []
