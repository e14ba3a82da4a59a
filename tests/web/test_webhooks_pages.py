"""The Webhooks pages: create (the secret shown once, then never), the refusals a form shows, a test event in the
delivery log, rotation, off and on, replay, delete."""

from __future__ import annotations

import re

from tests.web.conftest import Harness, page_text, sign_in


async def test_create_shows_the_secret_once_and_the_page_drives_the_webhook(harness: Harness) -> None:
    tenant = await harness.tenant()
    dashboard = await sign_in(harness)
    base = f"/projects/{tenant.project_id}/webhooks"

    refused = await dashboard.submit(
        base, {"url": "http://hooks.example.com/in", "event_types": ["account.created"]}
    )
    assert refused.status_code == 422
    assert "the URL must use https" in page_text(refused.text)
    no_types = await dashboard.submit(base, {"url": "https://hooks.example.com/in"})
    assert no_types.status_code == 422 and "at least one event type" in page_text(no_types.text)

    created = await dashboard.submit(
        base, {"url": "https://hooks.example.com/in", "event_types": ["account.created", "account.error"]}
    )
    assert created.status_code == 200
    secret = re.search(r'value="(whsec_[^"]+)"', created.text)
    assert secret is not None
    (webhook,) = (await harness.api.get("/webhooks", headers=tenant.auth)).json()["data"]
    here = f"{base}/{webhook['id']}"
    page = await dashboard.get(here)
    assert secret.group(1) not in page.text
    assert "account.created, account.error" in page_text(page.text)

    tested = await dashboard.submit(f"{here}/test")
    assert tested.status_code == 303
    page = await dashboard.get(here)
    assert "Test event queued" in page_text(page.text) or "webhook.test" in page.text
    assert "webhook.test" in page.text and "Pending" in page_text(page.text)

    rotated = await dashboard.submit(f"{here}/rotate-secret")
    new_secret = re.search(r'value="(whsec_[^"]+)"', rotated.text)
    assert new_secret is not None and new_secret.group(1) != secret.group(1)
    assert "signature made with the old secret too" in page_text(rotated.text)

    await dashboard.submit(f"{here}/disable")
    assert "This webhook is off" in page_text((await dashboard.get(here)).text)
    await dashboard.submit(f"{here}/enable")
    assert (await harness.api.get(f"/webhooks/{webhook['id']}", headers=tenant.auth)).json()[
        "enabled"
    ] is True

    empty = await dashboard.submit(f"{here}/replay", {"since": "", "until": ""})
    assert empty.status_code == 422
    replayed = await dashboard.submit(f"{here}/replay", {"since": "2000-01-01T00:00"})
    assert replayed.status_code == 303 and "notice=webhook_replay_empty" in replayed.headers["location"]

    deleted = await dashboard.submit(f"{here}/delete")
    assert deleted.status_code == 303
    assert (await harness.api.get("/webhooks", headers=tenant.auth)).json()["data"] == []
    assert (await dashboard.get(here)).status_code == 404


async def test_the_form_offers_and_takes_the_hr_data_event_types(harness: Harness) -> None:
    tenant = await harness.tenant()
    dashboard = await sign_in(harness)
    base = f"/projects/{tenant.project_id}/webhooks"
    form = await dashboard.get(base)
    for event_type in ("hris.employee.created", "hris.time_off.updated", "ats.candidate.created"):
        assert f'value="{event_type}"' in form.text
    created = await dashboard.submit(
        base,
        {
            "url": "https://hooks.example.com/hr",
            "event_types": ["hris.time_off.updated", "ats.candidate.created"],
        },
    )
    assert created.status_code == 200
    (webhook,) = (await harness.api.get("/webhooks", headers=tenant.auth)).json()["data"]
    assert webhook["event_types"] == ["hris.time_off.updated", "ats.candidate.created"]
