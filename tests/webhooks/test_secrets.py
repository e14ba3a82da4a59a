"""A webhook's signing secret is shown in the answer that makes it and nowhere else: not in the request logs
(bodies kept), not in the database in clear, not in any later answer."""

from __future__ import annotations

from linkyard.services.log_queries import set_body_logging
from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.harness.database import dump_database
from tests.webhooks.test_delivery import ACCOUNT_EVENTS

pytestmark = ON_BOTH_BACKENDS


async def test_a_signing_secret_is_in_no_log_no_row_and_no_later_answer(harness: Harness) -> None:
    tenant = await harness.tenant()
    await set_body_logging(harness.app.state.platform, tenant.project_id, True)
    created = await harness.api.post(
        "/webhooks",
        json={"url": "https://hooks.example.com/in", "event_types": ACCOUNT_EVENTS},
        headers=tenant.auth,
    )
    webhook_id = created.json()["id"]
    rotated = await harness.api.post(f"/webhooks/{webhook_id}/rotate_secret", json={}, headers=tenant.auth)
    secrets = [created.json()["secret"], rotated.json()["secret"]]
    later = [
        (await harness.api.get(path, headers=tenant.auth)).text
        for path in ("/webhooks", f"/webhooks/{webhook_id}", "/events", f"/webhooks/{webhook_id}/deliveries")
    ]
    await harness.app.state.platform.request_logs.flush()
    platform_logs = (await harness.api.get("/requests/platform-logs", headers=tenant.auth)).text
    assert "/webhooks" in platform_logs  # the calls were logged, with bodies
    stored = await dump_database(harness.store)
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert secret not in platform_logs and secret not in stored
        assert all(secret not in answer for answer in later)
        assert secret.removeprefix("whsec_") not in stored
