"""The Actions playground: choose an account and one of its enabled actions, run it from a form generated from the
input schema, page with "Next page", and read errors (403, 412, 422, 502) as an alert with the API's envelope."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx
from starlette.applications import Starlette

from linkyard.connectors import get_connector
from tests.api.conftest import ALL_SCOPES, FACTORIAL
from tests.web.conftest import Dashboard, Harness, Tenant, field_value, form_fields, page_text, sign_in

LIST_EMPLOYEES = "factorialhr_list_employees"
GET_EMPLOYEE = "factorialhr_get_employee"
CREATE_EMPLOYEE = "factorialhr_create_employee"
API = f"/api/{get_connector('factorialhr').api_version}/resources"
_JSON = re.compile(r'<pre class="json" id="result-json"[^>]*>(.*?)</pre>', re.S)


def shown_json(page: str) -> Any:
    """The JSON the page shows as the result (escaped in the HTML, as it must be)."""
    found = _JSON.search(page)
    assert found is not None, page_text(page)
    return json.loads(html.unescape(found.group(1)))


def next_page_form(page: str) -> list[tuple[str, str]]:
    """The hidden fields of the "Next page" form (without the CSRF token, which `submit` adds)."""
    form = page.rsplit("<form", 1)[1].split("</form>", 1)[0]
    assert ">Next page</button>" in form
    return [(f["name"], f["value"]) for f in form_fields("<form" + form) if f["name"] != "csrf"]


async def emulator_employees(harness: Harness, emulator: Starlette) -> list[dict[str, Any]]:
    """The seeded company's employees in the emulator's own order, read through its REST API."""
    company = await harness.company()
    key = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator),
        base_url=FACTORIAL + API,
        headers={"x-api-key": key.json()["api_key"]},
    ) as provider:
        answer = await provider.get("/employees/employees", params={"limit": 100})
    return list(answer.json()["data"])


async def linked_admin(harness: Harness, **profile: Any) -> tuple[Tenant, str, Dashboard]:
    """A project whose company-token account belongs to the seeded company's admin, and its dashboard."""
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    await harness.profile(tenant, application, **{"scopes": ALL_SCOPES, "token_type": "company", **profile})
    _, account = await harness.link(tenant, await harness.admin_email(), origin_owner_name="Globex")
    return tenant, account["id"], await sign_in(harness, tenant.key)


async def test_choosing_an_account_and_an_action_shows_a_form_from_its_input_schema(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)

    page = await dashboard.get(
        f"/projects/{tenant.project_id}/playground", account=account_id, action=LIST_EMPLOYEES
    )

    assert page.status_code == 200
    text = page_text(page.text)
    assert "Actions playground" in text
    assert '<label for="pg-account">Account</label>' in page.text
    assert '<label for="pg-action">Action</label>' in page.text
    assert f'<option value="{account_id}" selected>Globex · ' in page.text
    assert f'<option value="{LIST_EMPLOYEES}" selected>' in page.text
    assert ">Choose</button>" in page.text and ">Run action</button>" in page.text
    assert "Query parameters" in text
    fields = {f["name"]: f for f in form_fields(page.text) if f["name"].startswith("arg_")}
    assert fields["arg_page_size"]["type"] == "number"
    assert fields["arg_only_active"]["tag"] == "select"  # true, false or not sent: "false" filters too
    assert fields["arg_full_text_name"]["type"] == "text"
    assert "arg_next" not in fields  # the cursor travels with "Next page"
    assert '<label for="arg-page_size"><code>page_size</code></label>' in page.text
    assert 'aria-describedby="arg-page_size-hint"' in page.text
    assert "How many items to return, from 1 to 100" in text

    get_one = await dashboard.get(
        f"/projects/{tenant.project_id}/playground", account=account_id, action=GET_EMPLOYEE
    )
    assert "Path parameters" in page_text(get_one.text) and "(required)" in page_text(get_one.text)
    assert 'aria-required="true"' in get_one.text


async def test_list_employees_pages_through_the_emulators_employees_five_at_a_time(
    harness: Harness, emulator: Starlette
) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    expected = [employee["full_name"] for employee in await emulator_employees(harness, emulator)]
    run = {"account": account_id, "action": LIST_EMPLOYEES, "arg_page_size": "5", "arg_full_text_name": ""}

    first = await dashboard.submit(f"/projects/{tenant.project_id}/playground", run)

    assert first.status_code == 200
    body = shown_json(first.text)
    assert [employee["full_name"] for employee in body["data"]] == expected[:5]
    assert body["next"]
    text = page_text(first.text)
    assert "200 OK" in text and "5 items · page 1 · more pages follow" in text
    for name in expected[:5]:
        assert name in text
    assert field_value(first.text, "arg_page_size") == "5"  # the inputs stay for the next run

    second = await dashboard.submit(f"/projects/{tenant.project_id}/playground", next_page_form(first.text))

    assert second.status_code == 200
    assert [employee["full_name"] for employee in shown_json(second.text)["data"]] == expected[5:10]
    assert "5 items · page 2" in page_text(second.text)
    assert field_value(second.text, "arg_page_size") == "5"


async def test_get_employee_by_id_shows_that_employee(harness: Harness, emulator: Starlette) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    employee = (await emulator_employees(harness, emulator))[3]

    page = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground",
        {"account": account_id, "action": GET_EMPLOYEE, "arg_id": str(employee["id"])},
    )

    assert page.status_code == 200
    shown = shown_json(page.text)
    assert shown == {"data": shown["data"]}
    assert (shown["data"]["id"], shown["data"]["full_name"]) == (str(employee["id"]), employee["full_name"])
    assert "200 OK one object" in page_text(page.text)
    assert ">Next page</button>" not in page.text
    assert field_value(page.text, "arg_id") == str(employee["id"])


async def test_a_disabled_action_is_not_offered_and_a_forged_run_of_it_is_a_readable_403(
    harness: Harness,
) -> None:
    tenant, account_id, dashboard = await linked_admin(harness, actions=[LIST_EMPLOYEES, GET_EMPLOYEE])
    before = (await harness.stats())["api_requests"]

    page = await dashboard.get(f"/projects/{tenant.project_id}/playground", account=account_id)
    chosen = await dashboard.get(
        f"/projects/{tenant.project_id}/playground", account=account_id, action=CREATE_EMPLOYEE
    )
    forged = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground",
        {"account": account_id, "action": CREATE_EMPLOYEE, "arg_first_name": "Mallory"},
    )

    assert f'value="{LIST_EMPLOYEES}"' in page.text and f'value="{CREATE_EMPLOYEE}"' not in page.text
    assert "not enabled on this account's connector profile" in page_text(chosen.text)
    assert ">Run action</button>" not in chosen.text
    assert forged.status_code == 403
    text = page_text(forged.text)
    assert "403 Forbidden" in text
    assert f"{CREATE_EMPLOYEE} is not enabled on the account's connector profile" in text
    envelope = shown_json(forged.text)
    assert (envelope["statusCode"], envelope["code"]) == (403, "forbidden")
    assert "Mallory" not in forged.text
    assert (await harness.stats())["api_requests"] == before


async def test_a_suspended_account_is_flagged_and_its_runs_answer_412(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    await dashboard.submit(f"/projects/{tenant.project_id}/accounts/{account_id}/suspend")

    page = await dashboard.get(
        f"/projects/{tenant.project_id}/playground", account=account_id, action=LIST_EMPLOYEES
    )
    run = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground", {"account": account_id, "action": LIST_EMPLOYEES}
    )

    assert "This account is suspended: actions on it answer 412 until it is resumed" in page_text(page.text)
    assert run.status_code == 412
    text = page_text(run.text)
    assert "412 Precondition Failed" in text and "The account is not active (suspended)" in text
    assert shown_json(run.text)["statusCode"] == 412
    none_active = await dashboard.get(f"/projects/{tenant.project_id}/playground")
    assert "No active linked account" in page_text(none_active.text)


async def test_bad_arguments_are_a_422_naming_the_field_next_to_its_control(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    run = {"account": account_id, "action": LIST_EMPLOYEES, "arg_full_text_name": "Ana"}

    too_many = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground", {**run, "arg_page_size": "500"}
    )
    not_a_date = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground", {**run, "arg_updated_at_gteq": "yesterday"}
    )

    assert too_many.status_code == 422
    text = page_text(too_many.text)
    assert "422 Unprocessable" in text and "page_size must be between 1 and 100" in text
    assert 'aria-describedby="arg-page_size-hint arg-page_size-error"' in too_many.text
    assert field_value(too_many.text, "arg_page_size") == "500"
    assert field_value(too_many.text, "arg_full_text_name") == "Ana"
    assert shown_json(too_many.text)["errors"] == [
        {"field": "page_size", "message": "must be between 1 and 100"}
    ]
    assert not_a_date.status_code == 422
    assert "updated_at_gteq must be a date (YYYY-MM-DD)" in page_text(not_a_date.text)
    assert 'id="arg-updated_at_gteq-error"' in not_a_date.text
    assert "yesterday" not in shown_json(not_a_date.text)["message"]


async def test_a_provider_error_is_a_502_with_what_factorial_answered_and_no_secret(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    fault = {"method": "GET", "path": f"{API}/employees/employees", "status": 500, "times": 10}
    assert (await harness.factorial.post("/_emulator/faults", json=fault)).status_code == 201

    page = await dashboard.submit(
        f"/projects/{tenant.project_id}/playground", {"account": account_id, "action": LIST_EMPLOYEES}
    )

    assert page.status_code == 502
    text = page_text(page.text)
    assert "502 Bad Gateway" in text and "Factorial answered 500" in text
    envelope = shown_json(page.text)
    assert envelope["statusCode"] == 502 and envelope["provider_errors"][0]["status"] == 500
    token = await harness.store.credentials.get(tenant.project_id, account_id)
    assert token is not None and token.access_token not in page.text


async def test_the_playground_opens_only_the_projects_own_accounts(harness: Harness) -> None:
    _, a_account, _ = await linked_admin(harness)
    b = await harness.tenant("Project B")
    dashboard = await sign_in(harness, b.key)

    for answer in (
        await dashboard.get(f"/projects/{b.project_id}/playground", account=a_account),
        await dashboard.submit(
            f"/projects/{b.project_id}/playground", {"account": a_account, "action": LIST_EMPLOYEES}
        ),
    ):
        assert answer.status_code == 404
        assert "Globex" not in answer.text
    own = await dashboard.get(f"/projects/{b.project_id}/playground")
    assert own.status_code == 200 and a_account not in own.text
