"""Events reach a real receiver on loopback, signed (verified by the `standardwebhooks` library), retried as
documented, and a webhook that keeps failing is turned off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from linkyard.services.housekeeping import sweep_storage
from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant, dashboard_sign_in
from tests.webhooks.receiver import Receiver, Reply

pytestmark = ON_BOTH_BACKENDS

CREDENTIALS = "factorialhr_get_credentials"
ACCOUNT_EVENTS = [
    "account.created",
    "account.updated",
    "account.deleted",
    "account.error",
    "account.recovered",
]


async def settled(app: FastAPI) -> None:
    """Until a whole run of the deliverer has started and ended from now (every attempt made is recorded)."""
    deliverer = app.state.deliverer
    await deliverer.wait_for_runs(deliverer.runs + 2)


async def create_webhook(harness: Harness, tenant: Tenant, url: str, **fields: Any) -> dict[str, Any]:
    body = {"url": url, "event_types": ACCOUNT_EVENTS, **fields}
    response = await harness.api.post("/webhooks", json=body, headers=tenant.auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def deliveries(harness: Harness, tenant: Tenant, webhook_id: str) -> list[dict[str, Any]]:
    response = await harness.api.get(f"/webhooks/{webhook_id}/deliveries", headers=tenant.auth)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def delivery_log(harness: Harness, tenant: Tenant, webhook_id: str) -> dict[str, Any]:
    (only,) = await deliveries(harness, tenant, webhook_id)
    response = await harness.api.get(f"/webhooks/{webhook_id}/deliveries/{only['id']}", headers=tenant.auth)
    return dict(response.json())


async def test_link_error_and_relink_arrive_signed_as_created_error_recovered(
    harness: Harness, receiver: Receiver
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, token_type="company")
    hook = await create_webhook(harness, tenant, receiver.url)
    assert hook["secret"].startswith("whsec_")
    assert "secret" not in (await harness.api.get(f"/webhooks/{hook['id']}", headers=tenant.auth)).json()

    _, account = await harness.link(tenant, await harness.admin_email())
    (created,) = await receiver.wait_for(1)
    payload = StandardWebhook(hook["secret"]).verify(created.body, created.headers)
    assert payload["type"] == "account.created"
    assert payload["data"]["id"] == account["id"] and payload["data"]["status"] == "active"
    assert created.headers["webhook-id"] == payload["id"]
    with pytest.raises(WebhookVerificationError):
        StandardWebhook("whsec_" + "A" * 43 + "=").verify(created.body, created.headers)

    company = await harness.company()
    assert (
        await harness.factorial.post("/_emulator/revoke", json={"company_id": company["id"]})
    ).status_code == 200
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 412
    await receiver.wait_for(2)
    (error,) = receiver.of_type("account.error")
    data = StandardWebhook(hook["secret"]).verify(error.body, error.headers)["data"]
    assert data["status"] == "error" and data["status_reasons"][0]["code"] == "token_revoked"

    await harness.link(tenant, await harness.admin_email(), account_id=account["id"])
    await receiver.wait_for(3)
    (recovered,) = receiver.of_type("account.recovered")
    assert (
        StandardWebhook(hook["secret"]).verify(recovered.body, recovered.headers)["data"]["status"]
        == "active"
    )
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 3


async def test_a_500_is_retried_after_the_backoff_and_the_log_shows_both_attempts(
    harness: Harness, receiver: Receiver, app: FastAPI
) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    receiver.script = [Reply(status=500, body=b"boom")]
    assert (await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)).status_code == 202
    await receiver.wait_for(1)
    await settled(app)
    log = await delivery_log(harness, tenant, hook["id"])
    assert log["status"] == "pending" and [a["status_code"] for a in log["attempts"]] == [500]
    assert log["attempts"][0]["response_excerpt"] == "boom"

    harness.advance(timedelta(seconds=2))  # past the first backoff (1 s base, at most 1 s with jitter)
    (first, second) = await receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    await settled(app)
    log = await delivery_log(harness, tenant, hook["id"])
    assert log["status"] == "delivered" and [a["status_code"] for a in log["attempts"]] == [500, 200]


async def test_a_429_waits_for_its_retry_after(harness: Harness, receiver: Receiver, app: FastAPI) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    receiver.script = [Reply(status=429, headers={"retry-after": "120"})]
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    await receiver.wait_for(1)
    await settled(app)
    harness.advance(timedelta(seconds=100))  # far past the backoff, short of what the receiver asked for
    await settled(app)
    assert len(receiver.received) == 1
    harness.advance(timedelta(seconds=21))
    await receiver.wait_for(2)
    await settled(app)
    assert (await delivery_log(harness, tenant, hook["id"]))["status"] == "delivered"


async def test_a_receiver_that_does_not_answer_in_time_is_tried_again(
    harness: Harness, receiver: Receiver, app: FastAPI
) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    receiver.script = [Reply(hang=True)]
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    await receiver.wait_for(1)
    await settled(app)
    log = await delivery_log(harness, tenant, hook["id"])
    assert log["status"] == "pending"
    assert log["attempts"][0]["status_code"] is None
    assert log["attempts"][0]["error"] == "the receiver did not answer in time"
    harness.advance(timedelta(seconds=2))
    await receiver.wait_for(2)
    await settled(app)
    assert (await delivery_log(harness, tenant, hook["id"]))["status"] == "delivered"


async def test_a_4xx_other_than_408_and_429_and_a_redirect_are_not_retried_nor_followed(
    harness: Harness, receiver: Receiver, app: FastAPI
) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    receiver.script = [Reply(status=302, headers={"location": receiver.url + "?again"})]
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    await receiver.wait_for(1)
    await settled(app)
    harness.advance(timedelta(hours=1))
    await settled(app)
    assert len(receiver.received) == 1
    log = await delivery_log(harness, tenant, hook["id"])
    assert log["status"] == "failed" and log["attempts"][0]["status_code"] == 302


async def test_a_webhook_failing_for_the_whole_window_is_turned_off_and_replay_sends_again(
    harness: Harness, receiver: Receiver, app: FastAPI
) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    receiver.script = [Reply(status=503) for _ in range(100)]
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    seen = 0
    while True:
        seen = len(await receiver.wait_for(seen + 1))
        await settled(app)
        current = (await harness.api.get(f"/webhooks/{hook['id']}", headers=tenant.auth)).json()
        if not current["enabled"]:
            break
        harness.advance(timedelta(hours=1, minutes=1))  # past the largest backoff
    assert current["disabled_reason"] == "failing"
    assert 20 <= seen <= 30  # about an attempt an hour for 24 hours, after the first doublings
    log = await delivery_log(harness, tenant, hook["id"])
    assert log["status"] == "failed"
    browser = harness.browser()
    await dashboard_sign_in(browser, tenant.key)
    listed = await browser.get(f"/projects/{tenant.project_id}/webhooks")
    assert "was turned off: its deliveries failed for the whole retry window" in listed.text
    page = await browser.get(f"/projects/{tenant.project_id}/webhooks/{hook['id']}")
    assert "Turned off by Linkyard: its deliveries failed for 24.0 hours" in page.text

    receiver.script = []
    turned_on = await harness.api.patch(
        f"/webhooks/{hook['id']}", json={"enabled": True}, headers=tenant.auth
    )
    assert turned_on.json()["enabled"] and turned_on.json()["disabled_reason"] is None
    replayed = await harness.api.post(
        f"/webhooks/{hook['id']}/replay", json={"event_id": log["event_id"]}, headers=tenant.auth
    )
    assert replayed.status_code == 202 and replayed.json() == {"queued": 1}
    await receiver.wait_for(seen + 1)
    await settled(app)
    assert (await delivery_log(harness, tenant, hook["id"]))["status"] == "delivered"


async def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(
    harness: Harness, receiver: Receiver
) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    rotated = await harness.api.post(
        f"/webhooks/{hook['id']}/rotate_secret", json={"overlap_seconds": 60}, headers=tenant.auth
    )
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != hook["secret"]
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    (during,) = await receiver.wait_for(1)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    StandardWebhook(hook["secret"]).verify(during.body, during.headers)
    StandardWebhook(new_secret).verify(during.body, during.headers)

    harness.advance(timedelta(seconds=61))
    await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)
    await receiver.wait_for(2)
    after = receiver.received[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    StandardWebhook(new_secret).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(hook["secret"]).verify(after.body, after.headers)


async def test_housekeeping_deletes_events_past_their_retention_with_their_deliveries(
    harness: Harness, receiver: Receiver, app: FastAPI
) -> None:
    tenant = await harness.tenant()
    hook = await create_webhook(harness, tenant, receiver.url)
    old = (await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)).json()["event_id"]
    await receiver.wait_for(1)
    harness.advance(timedelta(days=29))
    recent = (await harness.api.post(f"/webhooks/{hook['id']}/test", headers=tenant.auth)).json()["event_id"]
    harness.advance(timedelta(days=2))
    swept = await sweep_storage(harness.store, retention=timedelta(days=30))
    assert swept.events == 1
    assert [e["id"] for e in (await harness.api.get("/events", headers=tenant.auth)).json()["data"]] == [
        recent
    ]
    assert [d["event_id"] for d in await deliveries(harness, tenant, hook["id"])] == [recent]
    assert (await harness.api.get(f"/events/{old}", headers=tenant.auth)).status_code == 404
