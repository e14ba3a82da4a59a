"""The Linked Accounts pages: the list with token facts and status reasons, filters, one account's facts, re-link in
place, suspend / resume, the label, and unlink after a confirmation; each project sees only its own accounts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.api.conftest import ALL_SCOPES
from tests.store.conftest import corrupt
from tests.web.conftest import Harness, Tenant, field_value, form_fields, page_text, sign_in

CREDENTIALS = "factorialhr_get_credentials"
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


def rows(html: str) -> list[str]:
    """The text of each row of the page's table body, as a person reads it."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [page_text(row) for row in _ROW.findall(body)]


def connect_link_on(html: str) -> str:
    """The link in the page's "Connect link" copy box."""
    [value] = [found["value"] for found in form_fields(html) if found.get("id") == "connect-link"]
    return value


def when(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%d %H:%M UTC"))


async def company_account(harness: Harness, tenant: Tenant, **session: Any) -> dict[str, Any]:
    """The seeded company's admin linked with a company token (never expires; Factorial revokes it)."""
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, scopes=ALL_SCOPES, token_type="company")
    _, account = await harness.link(tenant, await harness.admin_email(), **session)
    return account


async def test_the_list_shows_a_linked_account_active_with_its_token_facts(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, label="Production app")
    _, account = await harness.link(
        tenant, await harness.basic_user_email(), origin_owner_id="org-42", origin_owner_name="Globex"
    )
    dashboard = await sign_in(harness, tenant.key)
    harness.advance(timedelta(minutes=10))

    page = await dashboard.get(f"/projects/{tenant.project_id}/accounts")

    assert page.status_code == 200
    assert "Linked Accounts" in page_text(page.text)
    [row] = rows(page.text)
    facts = (await harness.store.credentials.facts(tenant.project_id, [account["id"]]))[account["id"]]
    assert facts.expires_at is not None and facts.issued_at is not None
    who = account["provider_account"]
    for shown in ("Globex", "org-42", who["name"], who["email"], "Production app", "Active", "User"):
        assert shown in row, (shown, row)
    assert f"Expires {when(facts.expires_at)} Last refresh {when(facts.issued_at)}" in row
    assert "expired" not in row
    assert f'href="/projects/{tenant.project_id}/accounts/{account["id"]}"' in page.text


async def test_a_company_token_never_expires_and_a_past_expiry_says_it_renews_on_use(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await company_account(harness, tenant)
    dashboard = await sign_in(harness, tenant.key)

    [row] = rows((await dashboard.get(f"/projects/{tenant.project_id}/accounts")).text)

    assert "Company Expires never" in row

    other = await harness.tenant("Other")
    await harness.profile(other)
    await harness.link(other, await harness.basic_user_email())
    harness.advance(timedelta(hours=2))
    [row] = rows(
        (await (await sign_in(harness, other.key)).get(f"/projects/{other.project_id}/accounts")).text
    )
    assert "(expired; renewed on next use)" in row


async def test_an_account_whose_token_factorial_revoked_shows_error_with_the_reason(harness: Harness) -> None:
    tenant = await harness.tenant()
    account = await company_account(harness, tenant)
    company = await harness.company()
    assert (await harness.factorial.post("/_emulator/revoke", json={"company_id": company["id"]})).is_success
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 412
    dashboard = await sign_in(harness, tenant.key)
    base = f"/projects/{tenant.project_id}/accounts"

    [row] = rows((await dashboard.get(base)).text)

    reason = (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()[
        "status_reasons"
    ][0]
    assert "Error" in row and "Active" not in row
    assert reason["description"] in row
    assert rows((await dashboard.get(base, status="error")).text) == [row]
    assert rows((await dashboard.get(base, status="active")).text) == []
    detail = await dashboard.get(f"{base}/{account['id']}")
    assert "needs a re-link" in page_text(detail.text) and reason["description"] in page_text(detail.text)
    assert ">Suspend</button>" not in detail.text and ">Resume</button>" not in detail.text
    stale = await dashboard.submit(f"{base}/{account['id']}/resume")  # only a suspended account resumes
    assert stale.status_code == 409
    assert "only a suspended account can be resumed" in page_text(stale.text)


async def test_credentials_that_cannot_be_decrypted_show_as_the_reason_and_the_account_can_be_unlinked(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    await corrupt(harness.store, tenant.project_id, account["id"], "tampered")
    dashboard = await sign_in(harness, tenant.key)
    here = f"/projects/{tenant.project_id}/accounts/{account['id']}"

    run = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground", {"account": account["id"], "action": CREDENTIALS}
    )
    detail = await dashboard.get(here)

    assert run.status_code == 412
    assert "412 Precondition Failed" in page_text(run.text) and "credentials_unreadable" in run.text
    assert detail.status_code == 200
    text = page_text(detail.text)
    assert "needs a re-link" in text and "stored credentials cannot be decrypted" in text
    unlinked = await dashboard.submit(f"{here}/unlink")
    assert unlinked.status_code == 303
    assert (await dashboard.get(here)).status_code == 404
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 404


async def test_re_link_makes_a_connect_link_that_updates_the_same_account(harness: Harness) -> None:
    tenant = await harness.tenant()
    account = await company_account(harness, tenant)
    company = await harness.company()
    await harness.factorial.post("/_emulator/revoke", json={"company_id": company["id"]})
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 412
    dashboard = await sign_in(harness, tenant.key)

    page = await dashboard.submit(f"/projects/{tenant.project_id}/accounts/{account['id']}/relink")

    assert page.status_code == 200
    assert f"Re-link {account['origin_owner_name']}" in page_text(page.text)
    link = connect_link_on(page.text)
    assert link.startswith("http://linkyard.test/connect?token=")
    assert re.search(rf'<a class="button primary" href="{re.escape(link)}">Open connect link</a>', page.text)
    flow = await harness.open_link({"auth_link_url": link})
    await harness.consent(flow, await harness.admin_email())
    assert (await harness.callback(flow)).status_code in (200, 303)
    listed = (await harness.api.get("/accounts", headers=tenant.auth)).json()
    assert [(found["id"], found["status"]) for found in listed] == [(account["id"], "active")]
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200
    [row] = rows((await dashboard.get(f"/projects/{tenant.project_id}/accounts")).text)
    assert "Active" in row


async def test_suspend_then_resume_stops_and_restarts_actions(harness: Harness) -> None:
    tenant = await harness.tenant()
    account = await company_account(harness, tenant)
    dashboard = await sign_in(harness, tenant.key)
    here = f"/projects/{tenant.project_id}/accounts/{account['id']}"

    suspended = await dashboard.submit(f"{here}/suspend")

    assert suspended.status_code == 303
    assert suspended.headers["location"] == f"{here}?notice=account_suspended"
    page = await dashboard.get(suspended.headers["location"])
    detail = page_text(page.text)
    assert "Account suspended" in detail and "Suspended" in detail and "Paused by the integrator" in detail
    assert ">Resume</button>" in page.text and ">Suspend</button>" not in page.text
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 412
    [row] = rows((await dashboard.get(f"/projects/{tenant.project_id}/accounts")).text)
    assert "Suspended" in row and "Paused by the integrator" in row

    resumed = await dashboard.submit(f"{here}/resume")

    assert resumed.headers["location"] == f"{here}?notice=account_resumed"
    assert "Active" in page_text((await dashboard.get(here)).text)
    assert (await harness.rpc(tenant, account["id"], CREDENTIALS)).status_code == 200


async def test_unlink_asks_first_then_revokes_at_factorial_and_removes_the_account(harness: Harness) -> None:
    tenant = await harness.tenant()
    account = await company_account(harness, tenant)
    dashboard = await sign_in(harness, tenant.key)
    here = f"/projects/{tenant.project_id}/accounts/{account['id']}"

    confirm = await dashboard.get(f"{here}/unlink")

    text = page_text(confirm.text)
    assert confirm.status_code == 200
    assert f"Unlink the account of {account['origin_owner_name']}?" in text
    assert "revokes the account's tokens at Factorial, wipes them here" in text
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 200

    unlinked = await dashboard.submit(f"{here}/unlink")

    assert unlinked.status_code == 303
    assert unlinked.headers["location"] == f"/projects/{tenant.project_id}/accounts?notice=account_unlinked"
    listing = page_text((await dashboard.get(unlinked.headers["location"])).text)
    assert "Account unlinked" in listing and "No linked accounts yet" in listing
    assert (await harness.stats())["revocations"] == 1
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 404
    assert (await dashboard.get(here)).status_code == 404


async def test_the_label_is_saved_and_a_too_long_one_is_refused_with_the_value_kept(harness: Harness) -> None:
    tenant = await harness.tenant()
    account = await company_account(harness, tenant)
    dashboard = await sign_in(harness, tenant.key)
    here = f"/projects/{tenant.project_id}/accounts/{account['id']}"

    saved = await dashboard.submit(f"{here}/label", {"label": "Globex HQ"})

    assert saved.headers["location"] == f"{here}?notice=account_updated"
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()[
        "label"
    ] == "Globex HQ"
    refused = await dashboard.submit(f"{here}/label", {"label": "x" * 201})
    assert refused.status_code == 422
    assert field_value(refused.text, "label") == "x" * 201
    assert "must be at most 200 characters" in page_text(refused.text)
    assert 'aria-describedby="f-label-hint f-label-error"' in refused.text
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).json()[
        "label"
    ] == "Globex HQ"


async def test_the_detail_shows_scopes_metadata_and_a_link_to_try_actions(harness: Harness) -> None:
    tenant = await harness.tenant()
    account = await company_account(harness, tenant, metadata={"plan": "gold", "note": "<b>hi</b>"})
    dashboard = await sign_in(harness, tenant.key)

    page = await dashboard.get(f"/projects/{tenant.project_id}/accounts/{account['id']}")

    text = page_text(page.text)
    assert "employees time_off contracts" in text
    assert '"plan": "gold"' in text
    assert "<b>hi</b>" not in page.text and "&lt;b&gt;hi&lt;/b&gt;" in page.text
    assert (
        f'href="/projects/{tenant.project_id}/playground?account={account["id"]}">Try actions</a>'
        in page.text
    )
    for button in ("Re-link", "Suspend", "Unlink"):
        assert f">{button}</button>" in page.text


async def test_the_owner_filter_keeps_the_values_and_an_empty_project_explains_how_to_link(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    empty = page_text(
        (await (await sign_in(harness, tenant.key)).get(f"/projects/{tenant.project_id}/accounts")).text
    )
    assert "No linked accounts yet" in empty and "Connect links" in empty
    email = await harness.basic_user_email()
    await harness.link(tenant, email, origin_owner_id="org-1", origin_owner_name="Initech")
    await harness.link(tenant, email, origin_owner_id="org-2", origin_owner_name="Umbrella")
    dashboard = await sign_in(harness, tenant.key)
    base = f"/projects/{tenant.project_id}/accounts"

    filtered = await dashboard.get(base, origin_owner_id="org-2", next="nonsense")

    assert [row.split(" ")[0] for row in rows(filtered.text)] == ["Umbrella"]
    assert field_value(filtered.text, "origin_owner_id") == "org-2"
    assert len(rows((await dashboard.get(base)).text)) == 2
    nothing = page_text((await dashboard.get(base, origin_owner_id="org-9")).text)
    assert "No linked accounts match" in nothing


async def test_an_api_key_session_sees_only_its_own_projects_accounts(harness: Harness) -> None:
    a = await harness.tenant("Project A")
    b = await harness.tenant("Project B")
    account = await company_account(harness, a)
    dashboard = await sign_in(harness, b.key)

    for path in (
        f"/projects/{a.project_id}/accounts",
        f"/projects/{a.project_id}/accounts/{account['id']}",
        f"/projects/{b.project_id}/accounts/{account['id']}",
        f"/projects/{b.project_id}/accounts/{account['id']}/unlink",
    ):
        answer = await dashboard.get(path)
        assert answer.status_code == 404, path
        assert "Project A" not in answer.text
    for action in ("suspend", "relink", "unlink", "label"):
        answer = await dashboard.submit(f"/projects/{b.project_id}/accounts/{account['id']}/{action}")
        assert answer.status_code == 404, action
    own = await dashboard.get(f"/projects/{b.project_id}/accounts")
    assert own.status_code == 200 and account["id"] not in own.text
    after = (await harness.api.get(f"/accounts/{account['id']}", headers=a.auth)).json()
    assert after["status"] == "active"
