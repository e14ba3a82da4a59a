"""HR data events: on link Linkyard subscribes to Factorial's webhooks for the account (the emulator's
subscriptions), checks the challenge of every delivery the emulator makes, reads the record with the unified
mapping and sends the event to a real receiver, signed (verified by the `standardwebhooks` library); on unlink
it unsubscribes. Forged deliveries are refused and leave nothing behind."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from standardwebhooks.webhooks import Webhook as StandardWebhook
from starlette.applications import Starlette
from starlette.types import ASGIApp

from linkyard.config import Settings
from linkyard.connectors import get_connector
from linkyard.domain import ManualClock
from linkyard.domain.events import DATA_EVENT_TYPES, EventSubscription
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.emulator.factorial.state import Clock as EmulatorClock
from tests.api.conftest import ALL_SCOPES, FACTORIAL, ON_BOTH_BACKENDS, Harness, Tenant, dashboard_sign_in
from tests.harness.platform import platform_settings
from tests.webhooks.conftest import WEBHOOK_SETTINGS
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import ACCOUNT_EVENTS

pytestmark = ON_BOTH_BACKENDS

API = f"/api/{get_connector('factorialhr').api_version}/resources"
SUBSCRIPTIONS = "/api_public/webhook_subscriptions"
CREDENTIALS = "factorialhr_get_credentials"
CHALLENGE = "x-factorial-wh-challenge"
WAIT_SECONDS = 20.0


class LatePlatform(httpx.AsyncBaseTransport):
    """The emulator's webhook deliveries, sent to the platform app over ASGI (the app is built after the
    emulator, so it is set once both exist)."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.app is not None, "the platform is not wired to the emulator"
        return await httpx.ASGITransport(app=self.app).handle_async_request(request)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return platform_settings(database_url, **WEBHOOK_SETTINGS, event_subscription_interval_seconds=0.02)


@pytest.fixture
def to_platform() -> LatePlatform:
    return LatePlatform()


@pytest.fixture
async def emulator(
    clock: ManualClock, emulator_shape: tuple[int, int], to_platform: LatePlatform
) -> AsyncIterator[Starlette]:
    seed, employees = emulator_shape
    app = create_emulator(
        seed=seed,
        employees=employees,
        clock=EmulatorClock(lambda: clock().timestamp()),
        webhook_transport=to_platform,
    )
    yield app
    await app.state.webhooks.aclose()


@pytest.fixture(autouse=True)
def wired(app: FastAPI, to_platform: LatePlatform) -> None:
    to_platform.app = app


@pytest.fixture
async def company_api(harness: Harness, emulator: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The company's own client of Factorial (an API key of its admin's): how HR data changes in the tests."""
    company = await harness.company()
    key = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    assert key.status_code == 201, key.text
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator),
        base_url=FACTORIAL + API,
        headers={"x-api-key": key.json()["api_key"]},
    ) as client:
        yield client


@dataclass
class Linked:
    tenant: Tenant
    account: dict[str, Any]
    secret: str


async def link_with_hr_webhook(
    harness: Harness, receiver: Receiver, scopes: list[str], *, login: str | None = None
) -> Linked:
    """A project with a webhook wanting account and HR events, and an account linked to the seeded company."""
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, scopes=scopes, token_type="company" if login is None else None)
    body = {"url": receiver.url, "event_types": [*ACCOUNT_EVENTS, *DATA_EVENT_TYPES]}
    hook = await harness.api.post("/webhooks", json=body, headers=tenant.auth)
    assert hook.status_code == 201, hook.text
    _, account = await harness.link(tenant, login or await harness.admin_email())
    return Linked(tenant, account, hook.json()["secret"])


async def subscribed(
    harness: Harness, app: FastAPI, tenant: Tenant, account_id: str
) -> list[EventSubscription]:
    """Until none of the account's subscriptions is still being made: runs of the subscriber, not a clock."""
    subscriber = app.state.subscriber
    for _ in range(200):
        found = await harness.store.event_subscriptions.of_account(tenant.project_id, account_id)
        if found and all(one.status != "pending" for one in found):
            return found
        await subscriber.wait_for_runs(subscriber.runs + 2)
    raise AssertionError(f"subscriptions still pending: {found}")


async def unified(harness: Harness, linked: Linked, path: str) -> dict[str, Any]:
    response = await harness.api.get(
        f"/unified/{path}", headers={**linked.tenant.auth, "x-account-id": linked.account["id"]}
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def remote_subscriptions(
    company_api: httpx.AsyncClient, kind: str | None = None
) -> list[dict[str, Any]]:
    params = {"limit": 100} | ({} if kind is None else {"type": kind})
    response = await company_api.get(SUBSCRIPTIONS, params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def events_of(harness: Harness, tenant: Tenant) -> list[dict[str, Any]]:
    response = await harness.api.get("/events", headers=tenant.auth)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_link_relink_and_hr_changes_arrive_signed_carrying_the_unified_records(
    harness: Harness, receiver: Receiver, app: FastAPI, company_api: httpx.AsyncClient
) -> None:
    linked = await link_with_hr_webhook(harness, receiver, ["employees", "time_off"])
    verify = StandardWebhook(linked.secret).verify
    (created,) = await receiver.wait_for_type("account.created")
    assert verify(created.body, created.headers)["data"]["id"] == linked.account["id"]

    made = await subscribed(harness, app, linked.tenant, linked.account["id"])
    by_status = {one.subscription: one.status for one in made}
    assert by_status["employees/employee/create_with_contract"] == "active"
    assert by_status["timeoff/leave/approve"] == "active"
    assert by_status["ats/candidate/create"] == "missing_scope"  # recruitment was not asked for
    remote = await remote_subscriptions(company_api)
    assert len(remote) == sum(status == "active" for status in by_status.values())
    assert all(item["target_url"].startswith("http://linkyard.test/inbound/factorialhr/") for item in remote)
    assert len({item["target_url"] for item in remote}) == len(remote)  # one URL per kind of change

    hired = await company_api.post(
        "/employees/employees/create_with_contract",
        json={
            "first_name": "Ada",
            "last_name": "Byron",
            "email": "ada.byron@example.com",
            "job_title": "CTO",
        },
    )
    assert hired.status_code == 200, hired.text
    employee_id = str(hired.json()["id"])
    (arrived,) = await receiver.wait_for_type("hris.employee.created")
    payload = verify(arrived.body, arrived.headers)
    assert payload["data"]["account_id"] == linked.account["id"]
    assert payload["data"]["resource"] == "hris/employees"
    record = payload["data"]["record"]
    assert record["id"] == employee_id and record["first_name"] == "Ada"
    assert record == await unified(harness, linked, f"hris/employees/{employee_id}")

    leave = await company_api.post(
        "/timeoff/leaves",
        json={
            "employee_id": employee_id,
            "start_on": date(2026, 12, 21).isoformat(),
            "finish_on": "2026-12-23",
        },
    )
    assert leave.status_code == 201, leave.text
    leave_id = str(leave.json()["id"])
    (requested,) = await receiver.wait_for_type("hris.time_off.created")
    requested_record = verify(requested.body, requested.headers)["data"]["record"]
    assert requested_record["status"]["value"] == "pending"
    approved = await company_api.post("/timeoff/leaves/approve", json={"id": leave_id})
    assert approved.status_code == 200, approved.text
    (decided,) = await receiver.wait_for_type("hris.time_off.updated")
    decided_record = verify(decided.body, decided.headers)["data"]["record"]
    assert decided_record["id"] == leave_id and decided_record["status"]["value"] == "approved"
    assert decided_record == await unified(harness, linked, f"hris/time_off/{leave_id}")

    company = await harness.company()
    assert (
        await harness.factorial.post("/_emulator/revoke", json={"company_id": company["id"]})
    ).status_code == 200
    assert (await harness.rpc(linked.tenant, linked.account["id"], CREDENTIALS)).status_code == 412
    (error,) = await receiver.wait_for_type("account.error")
    assert verify(error.body, error.headers)["data"]["status_reasons"][0]["code"] == "token_revoked"

    await harness.link(linked.tenant, await harness.admin_email(), account_id=linked.account["id"])
    (recovered,) = await receiver.wait_for_type("account.recovered")
    assert verify(recovered.body, recovered.headers)["data"]["status"] == "active"
    await subscribed(harness, app, linked.tenant, linked.account["id"])
    # Made again (the same subscriptions at Factorial, found by name, with a new URL and challenge): no doubles.
    assert [item["id"] for item in await remote_subscriptions(company_api)] == [item["id"] for item in remote]
    renamed = await company_api.put(f"/employees/employees/{employee_id}", json={"first_name": "Augusta"})
    assert renamed.status_code == 200, renamed.text
    (changed,) = await receiver.wait_for_type("hris.employee.updated")
    changed_record = verify(changed.body, changed.headers)["data"]["record"]
    assert changed_record["first_name"] == "Augusta"
    assert changed_record == await unified(harness, linked, f"hris/employees/{employee_id}")

    browser = harness.browser()
    await dashboard_sign_in(browser, linked.tenant.key)
    page = await browser.get(f"/projects/{linked.tenant.project_id}/accounts/{linked.account['id']}")
    assert "HR data events" in page.text
    assert "not subscribed: missing scope" in page.text
    assert "the account did not grant the scope recruitment" in page.text


async def test_forged_deliveries_are_refused_and_unlink_unsubscribes(
    harness: Harness, receiver: Receiver, app: FastAPI, company_api: httpx.AsyncClient
) -> None:
    first = await link_with_hr_webhook(harness, receiver, ["employees"])
    second = await link_with_hr_webhook(harness, receiver, ["employees"])  # another project, the same company
    mine = {one.id for one in await subscribed(harness, app, first.tenant, first.account["id"])}
    theirs = {one.id for one in await subscribed(harness, app, second.tenant, second.account["id"])}
    kind = "employees/employee/update"
    by_row = {
        item["name"].removeprefix("linkyard "): item for item in await remote_subscriptions(company_api, kind)
    }
    (own,) = [item for row, item in by_row.items() if row in mine]
    (other,) = [item for row, item in by_row.items() if row in theirs]
    path = urlsplit(own["target_url"]).path
    employee = (await company_api.get("/employees/employees", params={"limit": 1})).json()["data"][0]
    before = [len(await events_of(harness, first.tenant)), len(await events_of(harness, second.tenant))]

    token = path.rsplit("/", 1)[1]
    forged = [
        (path, {CHALLENGE: "not-the-challenge"}),
        (path, {}),
        (path, {CHALLENGE: other["challenge"]}),  # another account's challenge with this account's URL
        (urlsplit(other["target_url"]).path, {CHALLENGE: own["challenge"]}),
        (f"/inbound/factorialhr/inb_{secrets.token_urlsafe(32)}", {CHALLENGE: own["challenge"]}),
        (f"/inbound/nosuchprovider/{token}", {CHALLENGE: own["challenge"]}),
    ]
    for forged_path, headers in forged:
        refused = await harness.api.post(forged_path, json=employee, headers=headers)
        assert refused.status_code == 401, (forged_path, refused.text)
        assert own["challenge"] not in refused.text and token not in refused.text
    malformed = await harness.api.post(path, content=b"[1, 2]", headers={CHALLENGE: own["challenge"]})
    assert malformed.status_code == 422, malformed.text
    after = [len(await events_of(harness, first.tenant)), len(await events_of(harness, second.tenant))]
    assert after == before

    accepted = await harness.api.post(path, json=employee, headers={CHALLENGE: own["challenge"]})
    assert accepted.status_code == 202, accepted.text
    (recorded,) = [e for e in await events_of(harness, first.tenant) if e["type"] == "hris.employee.updated"]
    assert recorded["data"]["record"]["id"] == str(employee["id"])
    assert len(await events_of(harness, first.tenant)) == before[0] + 1
    assert len(await events_of(harness, second.tenant)) == before[1]

    unlinked = await harness.api.delete(f"/accounts/{first.account['id']}", headers=first.tenant.auth)
    assert unlinked.status_code in (200, 204), unlinked.text
    left = {item["name"].removeprefix("linkyard ") for item in await remote_subscriptions(company_api)}
    assert left and left <= theirs  # the first account's are gone at Factorial, the second's stay
    gone = await harness.api.post(path, json=employee, headers={CHALLENGE: own["challenge"]})
    assert gone.status_code == 401


async def test_a_user_who_may_not_subscribe_still_links_and_the_page_says_why(
    harness: Harness, receiver: Receiver, app: FastAPI, company_api: httpx.AsyncClient
) -> None:
    linked = await link_with_hr_webhook(
        harness, receiver, ["employees"], login=await harness.basic_user_email()
    )
    assert linked.account["status"] == "active"
    made = await subscribed(harness, app, linked.tenant, linked.account["id"])
    assert {one.status for one in made if one.subscription.startswith("employees/")} == {"refused"}
    assert await remote_subscriptions(company_api) == []
    browser = harness.browser()
    await dashboard_sign_in(browser, linked.tenant.key)
    page = await browser.get(f"/projects/{linked.tenant.project_id}/accounts/{linked.account['id']}")
    assert "the person who linked may not manage its webhook subscriptions" in page.text


async def test_accounts_linked_before_a_webhook_wants_hr_events_are_subscribed_when_one_does(
    harness: Harness, receiver: Receiver, app: FastAPI, company_api: httpx.AsyncClient
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, await harness.application(scopes=ALL_SCOPES), token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email())
    assert await harness.store.event_subscriptions.of_account(tenant.project_id, account["id"]) == []
    body = {"url": receiver.url, "event_types": ["hris.employee.updated"]}
    assert (await harness.api.post("/webhooks", json=body, headers=tenant.auth)).status_code == 201
    made = await subscribed(harness, app, tenant, account["id"])
    assert {one.status for one in made if one.subscription.startswith("employees/")} == {"active"}
    assert len(await remote_subscriptions(company_api)) == sum(one.status == "active" for one in made)


async def test_rejected_and_cancelled_leaves_and_recruitment_changes_arrive_as_unified_records(
    harness: Harness, receiver: Receiver, app: FastAPI, company_api: httpx.AsyncClient
) -> None:
    linked = await link_with_hr_webhook(harness, receiver, ["employees", "time_off", "recruitment"])
    made = await subscribed(harness, app, linked.tenant, linked.account["id"])
    assert {one.status for one in made} == {"active"}
    verify = StandardWebhook(linked.secret).verify
    employee = (await company_api.get("/employees/employees", params={"limit": 1})).json()["data"][0]

    async def leave(start_on: str) -> str:
        made = await company_api.post(
            "/timeoff/leaves",
            json={"employee_id": employee["id"], "start_on": start_on, "finish_on": start_on},
        )
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    refused, cancelled = await leave("2027-01-11"), await leave("2027-01-12")
    assert (await company_api.post("/timeoff/leaves/reject", json={"id": refused})).status_code == 200
    assert (await company_api.delete(f"/timeoff/leaves/{cancelled}")).status_code == 200
    updates = await receiver.wait_for_type("hris.time_off.updated", 2)
    statuses = {
        record["id"]: record["status"]["value"]
        for record in (verify(update.body, update.headers)["data"]["record"] for update in updates)
    }
    assert statuses == {refused: "rejected", cancelled: "cancelled"}

    candidate = await company_api.post(
        "/ats/candidates", json={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
    )
    assert candidate.status_code == 201, candidate.text
    candidate_id = str(candidate.json()["id"])
    (added,) = await receiver.wait_for_type("ats.candidate.created")
    added_record = verify(added.body, added.headers)["data"]["record"]
    assert added_record == await unified(harness, linked, f"ats/candidates/{candidate_id}")

    posting = (await company_api.get("/ats/job_postings", params={"limit": 1})).json()["data"][0]
    applied = await company_api.post(
        "/ats/applications", json={"ats_job_posting_id": posting["id"], "ats_candidate_id": candidate_id}
    )
    assert applied.status_code == 201, applied.text
    application_id = str(applied.json()["id"])
    (application,) = await receiver.wait_for_type("ats.application.created")
    assert verify(application.body, application.headers)["data"]["record"]["candidate_id"] == candidate_id
    qualified = await company_api.put(f"/ats/applications/{application_id}", json={"qualified": True})
    assert qualified.status_code == 200, qualified.text
    (changed,) = await receiver.wait_for_type("ats.application.updated")
    changed_record = verify(changed.body, changed.headers)["data"]["record"]
    assert changed_record == await unified(harness, linked, f"ats/applications/{application_id}")
