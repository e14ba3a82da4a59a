"""StackOne's unified operations that no route serves answer its "not supported by this provider" (501 with the
error envelope, naming the operation and the account's provider), never a bare 404; served routes keep
precedence, and the refusal is enforced as a served route is (the key first, then the account)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from linkyard.api.routes.unified_unsupported import UnsupportedRoute, served_operations
from linkyard.connectors.unified.operations import OPERATIONS, operation_at
from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant

pytestmark = ON_BOTH_BACKENDS

SCOPES = [*ALL_SCOPES, "company_legal_entities"]

# Operations Factorial has nothing for (skills, background checks, assessments, ATS lists, divisions), one per
# method, with the arguments a client would send.
UNSUPPORTED: list[tuple[str, str, str, dict[str, Any]]] = [
    ("hris_list_employee_skills", "GET", "/unified/hris/employees/7/skills", {"params": {"page_size": "5"}}),
    ("hris_list_division_groups", "GET", "/unified/hris/groups/divisions", {}),
    ("hris_get_division_group", "GET", "/unified/hris/groups/divisions/3", {"params": {"raw": "true"}}),
    ("ats_create_background_check_package", "POST", "/unified/ats/background_checks/packages", {"json": {}}),
    ("ats_delete_background_check_package", "DELETE", "/unified/ats/background_checks/packages/9", {}),
    (
        "ats_update_assessments_result",
        "PATCH",
        "/unified/ats/assessments/orders/4/result",
        {"json": {"x": 1}},
    ),
    ("ats_list_lists", "GET", "/unified/ats/lists", {"params": {"expand": "x", "proxy[a]": "b"}}),
]


async def _linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=SCOPES)
    await harness.profile(tenant, application, token_type="company", scopes=SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


@pytest.mark.parametrize(("name", "method", "path", "call"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
async def test_an_unsupported_operation_answers_501_naming_it_and_the_provider(
    harness: Harness, name: str, method: str, path: str, call: dict[str, Any]
) -> None:
    tenant, account_id = await _linked(harness)
    before = (await harness.stats())["api_requests"]
    response = await harness.api.request(
        method, path, headers={**tenant.auth, "x-account-id": account_id}, **call
    )
    assert response.status_code == 501, response.text
    body = response.json()
    assert body["statusCode"] == 501
    assert body["code"] == "operation_not_supported"
    assert name in body["message"] and "Factorial" in body["message"]
    assert body["message"].startswith("Not supported by this provider")
    assert set(body) == {"statusCode", "message", "timestamp", "code"}
    # Nothing was asked of Factorial.
    assert (await harness.stats())["api_requests"] == before


async def test_the_refusal_comes_after_the_key_and_the_account(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    path = "/unified/ats/lists"
    anonymous = await harness.api.get(path, headers={"x-account-id": account_id})
    assert anonymous.status_code == 401
    unnamed = await harness.api.get(path, headers=tenant.auth)
    assert unnamed.status_code == 400
    assert "x-account-id" in unnamed.json()["message"]
    too_long = await harness.api.get(path, headers={**tenant.auth, "x-account-id": "a" * 65})
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json()["errors"]] == ["x-account-id"]
    other = await harness.tenant("Other")
    foreign = await harness.api.get(path, headers={**other.auth, "x-account-id": account_id})
    assert foreign.status_code == 404
    unknown = await harness.api.get(path, headers={**tenant.auth, "x-account-id": "acc_nope"})
    assert unknown.status_code == 404


async def test_served_operations_keep_their_routes_and_every_other_one_has_a_refusal(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    served = served_operations(harness.app.router)
    assert {"hris_list_employees", "hris_get_employee", "hris_list_team_groups"} <= served
    routes = [route for route in harness.app.routes if isinstance(route, APIRoute)]
    refused = {route.name for route in routes if isinstance(route, UnsupportedRoute)}
    assert refused == {op.name for op in OPERATIONS} - served
    # A served list is still served, and its methods StackOne does not have are still 405.
    listed = await harness.api.get(
        "/unified/hris/employees",
        params={"page_size": "1"},
        headers={**tenant.auth, "x-account-id": account_id},
    )
    assert listed.status_code == 200, listed.text
    put = await harness.api.put(
        "/unified/hris/employees", headers={**tenant.auth, "x-account-id": account_id}
    )
    assert put.status_code == 405
    # A path outside StackOne's table is a 404 as before.
    assert operation_at("GET", "/unified/hris/nothing") is None
    nothing = await harness.api.get(
        "/unified/hris/nothing", headers={**tenant.auth, "x-account-id": account_id}
    )
    assert nothing.status_code == 404


async def test_a_group_collection_word_is_not_read_as_a_group_id(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    headers = {**tenant.auth, "x-account-id": account_id}
    for word, operation in (
        ("divisions", "hris_list_division_groups"),
        ("companies", "hris_list_companies_groups"),
    ):
        if operation in served_operations(harness.app.router):
            continue  # served by its own route since
        response = await harness.api.get(f"/unified/hris/groups/{word}", headers=headers)
        assert response.status_code == 501, response.text
        assert operation in response.json()["message"]
