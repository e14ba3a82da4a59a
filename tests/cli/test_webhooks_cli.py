"""`linkyard webhooks ...`: the API's validation and shapes, the secret printed at creation and rotation only,
the delivery log and replay."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli


def test_webhooks_create_refuses_plain_http_and_unknown_event_types_naming_the_culprit(
    cli: Cli, project: dict[str, str]
) -> None:
    http = cli("webhooks", "create", "--url", "http://hooks.example.com/in", "--event", "account.created")
    assert http.exit_code == 2 and "url" in http.stderr
    unknown = cli(
        "webhooks", "create", "--url", "https://hooks.example.com/in", "--event", "account.exploded"
    )
    assert unknown.exit_code == 2 and "event_types" in unknown.stderr
    assert cli.json("webhooks", "list") == []


def test_webhooks_create_show_rotate_test_replay_deliveries_delete(
    cli: Cli, project: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    created = cli.json(
        "webhooks", "create", "--url", "https://hooks.example.com/in", "--event", "account.created"
    )
    secret = created["secret"]
    assert secret.startswith("whsec_")
    shown = cli("webhooks", "show", created["id"])
    assert shown.exit_code == 0 and secret not in shown.output
    assert [w["id"] for w in cli.json("webhooks", "list")] == [created["id"]]

    rotated = cli.json("webhooks", "rotate-secret", created["id"], "--overlap-seconds", "600")
    assert rotated["secret"] != secret and rotated["previous_secret_expires_at"]

    off = cli.json("webhooks", "update", created["id"], "--disable")
    assert off["enabled"] is False
    on = cli.json("webhooks", "update", created["id"], "--enable")
    assert on["enabled"] is True and on["disabled_reason"] is None

    event_id = cli.json("webhooks", "test", created["id"])["event_id"]
    (delivery,) = cli.json("webhooks", "deliveries", created["id"])
    assert delivery["event_id"] == event_id and delivery["status"] == "pending"
    detail = cli.json("webhooks", "delivery", created["id"], delivery["id"])
    assert detail["attempts"] == []
    assert [e["id"] for e in cli.json("webhooks", "events")] == [event_id]
    assert cli.json("webhooks", "replay", created["id"], "--event", event_id) == {"queued": 1}
    no_range = cli("webhooks", "replay", created["id"])
    assert no_range.exit_code == 2

    deleted = cli("webhooks", "delete", created["id"])
    assert deleted.exit_code == 0
    assert cli.json("webhooks", "list") == []
    missing = cli("webhooks", "show", created["id"])
    assert missing.exit_code != 0 and "not found" in missing.stderr


def test_webhooks_create_takes_the_hr_data_event_types(cli: Cli, project: dict[str, str]) -> None:
    created = cli.json(
        "webhooks",
        "create",
        "--url",
        "https://hooks.example.com/hr",
        "--event",
        "hris.employee.created",
        "--event",
        "hris.time_off.updated",
        "--event",
        "ats.application.updated",
    )
    assert created["event_types"] == [
        "hris.employee.created",
        "hris.time_off.updated",
        "ats.application.updated",
    ]
