"""The Request logs page: a person finds their customer's failed call (filter by account and outcome), opens it,
reads why it failed and which provider call answered what, and turns body logging on and off."""

from __future__ import annotations

import re

from tests.web.conftest import Harness, page_text, sign_in
from tests.web.test_playground_pages import linked_admin

LIST = "factorialhr_list_employees"
_LOG_LINK = re.compile(r'href="(/projects/[^/"]+/logs/(req_[a-z0-9]+))"')


async def test_a_failed_call_is_found_opened_and_explained(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    assert (await harness.rpc(tenant, account_id, LIST)).status_code == 200
    fault = {"method": "GET", "path": "/api/*/resources/employees/employees*", "status": 503, "times": 10}
    assert (await harness.factorial.post("/_emulator/faults", json=fault)).status_code in (200, 201)
    failed = await harness.rpc(tenant, account_id, LIST)
    assert failed.status_code == 502
    base = f"/projects/{tenant.project_id}/logs"

    listed = await dashboard.get(base)
    assert listed.status_code == 200
    text = page_text(listed.text)
    assert "Request logs" in text and LIST in text and "502" in text and "200" in text

    only_failed = await dashboard.get(base, account_ids=account_id, success="false")
    links = _LOG_LINK.findall(only_failed.text)
    assert len(links) == 1, page_text(only_failed.text)
    assert "200" not in page_text(only_failed.text).split("Why it failed", 1)[1].split("Bodies")[0]

    detail = await dashboard.get(links[0][0])
    assert detail.status_code == 200
    shown = page_text(detail.text)
    assert "Why it failed" in shown and failed.json()["message"] in shown
    assert "answered 503" in shown and "GET http://factorial.test/" in shown
    assert account_id in shown
    assert tenant.key not in detail.text


async def test_bad_filters_say_so_and_other_projects_logs_are_404(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    assert (await harness.rpc(tenant, account_id, LIST)).status_code == 200
    base = f"/projects/{tenant.project_id}/logs"
    bad = await dashboard.get(base, status_codes="abc")
    assert bad.status_code == 200
    assert "status_codes" in page_text(bad.text)
    link = _LOG_LINK.findall((await dashboard.get(base)).text)[0][0]

    other = await harness.tenant("Other Co")
    outsider = await sign_in(harness, other.key)
    assert (await outsider.get(link)).status_code == 404
    own_path = link.replace(tenant.project_id, other.project_id)
    assert (await outsider.get(own_path)).status_code == 404


async def test_body_logging_is_off_until_turned_on_from_the_page(harness: Harness) -> None:
    tenant, account_id, dashboard = await linked_admin(harness)
    base = f"/projects/{tenant.project_id}/logs"
    assert "Bodies not kept" in page_text((await dashboard.get(base)).text)
    turned_on = await dashboard.submit(f"{base}/bodies", {"bodies": "on"})
    assert turned_on.status_code == 303
    assert "Bodies kept" in page_text((await dashboard.get(base)).text)
    assert (await harness.rpc(tenant, account_id, LIST, query={"page_size": "1"})).status_code == 200
    listed = await harness.api.get("/requests/logs", headers=tenant.auth)
    log_id = listed.json()["data"][0]["request_id"]
    full = (await harness.api.get(f"/requests/logs/{log_id}", headers=tenant.auth)).json()["data"]
    assert full["request"]["body"] == {"action": LIST, "query": {"page_size": "1"}}
    assert full["response"]["body"]["data"]
    assert (await dashboard.submit(f"{base}/bodies", {"bodies": "off"})).status_code == 303
    assert "Bodies not kept" in page_text((await dashboard.get(base)).text)
