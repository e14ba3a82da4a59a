"""The catalogue end to end: every action runs through `POST /actions/rpc` against the emulator, and the listings
(`GET /actions`, `GET /connectors/factorialhr`) show each action with its schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette

from linkyard.connectors import get_connector
from tests.actions.conftest import Linked, link_admin
from tests.api.conftest import Harness

CATALOGUE = [action.id for action in get_connector("factorialhr").actions]

Step = tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]
"""An action and how to build its call (`path`, `query`, `body`) from what earlier steps returned."""


def _first_id(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda seen: {"path": {"id": seen[key][0]["id"]}}


# In an order where each call finds what it needs: lists first, then reads of their items, then writes.
STEPS: list[Step] = [
    ("factorialhr_get_credentials", lambda seen: {}),
    ("factorialhr_list_employees", lambda seen: {"query": {"page_size": "10", "only_active": "true"}}),
    ("factorialhr_get_employee", _first_id("factorialhr_list_employees")),
    ("factorialhr_list_teams", lambda seen: {}),
    ("factorialhr_get_team", _first_id("factorialhr_list_teams")),
    ("factorialhr_list_locations", lambda seen: {"query": {"main": "true"}}),
    ("factorialhr_list_legal_entities", lambda seen: {}),
    ("factorialhr_list_contract_versions", lambda seen: {"query": {"page_size": "5"}}),
    ("factorialhr_get_contract_version", _first_id("factorialhr_list_contract_versions")),
    ("factorialhr_list_leave_types", lambda seen: {}),
    ("factorialhr_list_time_off_requests", lambda seen: {}),
    ("factorialhr_list_time_off_balances", lambda seen: {}),
    ("factorialhr_list_shifts", lambda seen: {}),
    ("factorialhr_list_job_postings", lambda seen: {}),
    ("factorialhr_list_candidates", lambda seen: {}),
    ("factorialhr_list_applications", lambda seen: {}),
    (
        "factorialhr_create_employee",
        lambda seen: {
            "body": {
                "first_name": "Nora",
                "last_name": "Newhire",
                "email": "nora.newhire@example.com",
                "job_title": "Analyst",
            }
        },
    ),
    (
        "factorialhr_update_employee",
        lambda seen: {"path": {"id": seen["factorialhr_create_employee"]["id"]}, "body": {"city": "Bilbao"}},
    ),
    (
        "factorialhr_create_time_off_request",
        lambda seen: {
            "body": {
                "employee_id": seen["factorialhr_create_employee"]["id"],
                "start_on": "2026-02-02",
                "finish_on": "2026-02-03",
            }
        },
    ),
    (
        "factorialhr_get_time_off_request",
        lambda seen: {"path": {"id": seen["factorialhr_create_time_off_request"]["id"]}},
    ),
    (
        "factorialhr_approve_time_off_request",
        lambda seen: {"body": {"id": seen["factorialhr_create_time_off_request"]["id"]}},
    ),
    (
        "factorialhr_reject_time_off_request",
        lambda seen: {"body": {"id": seen["factorialhr_create_time_off_request"]["id"], "reason": "Busy"}},
    ),
    (
        "factorialhr_cancel_time_off_request",
        lambda seen: {"path": {"id": seen["factorialhr_create_time_off_request"]["id"]}},
    ),
    (
        "factorialhr_clock_in",
        lambda seen: {"body": {"employee_id": seen["factorialhr_create_employee"]["id"]}},
    ),
    (
        "factorialhr_clock_out",
        lambda seen: {"body": {"employee_id": seen["factorialhr_create_employee"]["id"]}},
    ),
    (
        "factorialhr_create_candidate",
        lambda seen: {
            "body": {"first_name": "Carla", "last_name": "Candidate", "email": "carla@example.com"}
        },
    ),
    (
        "factorialhr_terminate_employee",
        lambda seen: {
            "body": {"id": seen["factorialhr_create_employee"]["id"], "terminated_on": "2026-01-31"}
        },
    ),
]


async def test_every_catalogue_action_succeeds_against_the_emulator(harness: Harness, linked: Linked) -> None:
    assert sorted(action for action, _ in STEPS) == sorted(CATALOGUE), "a catalogue action has no step"
    seen: dict[str, Any] = {}
    for action, build in STEPS:
        response = await harness.rpc(linked.tenant, linked.account_id, action, **build(seen))
        assert response.status_code == 200, (action, response.text)
        body = response.json()
        if get_connector("factorialhr").action(action).result == "list":
            assert set(body) == {"data", "next"}, action
            assert isinstance(body["data"], list) and body["data"], action
        else:
            assert set(body) == {"data"}, action
            assert isinstance(body["data"], dict), action
        seen[action] = body["data"]


async def test_listing_actions_shows_every_action_with_its_input_schema(harness: Harness) -> None:
    tenant = await harness.tenant()
    response = await harness.api.get("/actions", headers=tenant.auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next"] is None
    [connector] = body["data"]
    assert (connector["key"], connector["name"]) == ("factorialhr", "Factorial")
    assert [action["id"] for action in connector["actions"]] == CATALOGUE
    listed = {action["id"]: action for action in connector["actions"]}
    employees = listed["factorialhr_list_employees"]
    assert set(employees) == {"id", "label", "description", "required_scopes", "input_schema"}
    assert employees["required_scopes"] == ["employees"]
    assert employees["input_schema"]["properties"]["page_size"]["type"] == "integer"
    assert listed["factorialhr_get_employee"]["input_schema"]["required"] == ["id"]

    detail = await harness.api.get("/connectors/factorialhr", headers=tenant.auth)
    assert detail.status_code == 200
    assert detail.json()["actions"] == connector["actions"]


async def test_listing_actions_for_accounts_shows_only_what_their_profiles_enable(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant, actions=["factorialhr_get_credentials", "factorialhr_list_employees"])
    _, narrow = await harness.link(tenant, await harness.basic_user_email())
    response = await harness.api.get(
        "/actions", params={"filter[account_ids]": narrow["id"]}, headers=tenant.auth
    )
    assert response.status_code == 200, response.text
    [connector] = response.json()["data"]
    assert [a["id"] for a in connector["actions"]] == [
        "factorialhr_get_credentials",
        "factorialhr_list_employees",
    ]
    by_connector = await harness.api.get(
        "/actions",
        params={"filter[account_ids]": narrow["id"], "filter[connectors]": "factorialhr"},
        headers=tenant.auth,
    )
    assert by_connector.json() == response.json()
    elsewhere = await harness.api.get(
        "/actions", params={"filter[connectors]": "workday"}, headers=tenant.auth
    )
    assert elsewhere.json() == {"data": [], "next": None}


async def test_listing_actions_for_several_accounts_shows_what_any_of_them_enables(
    harness: Harness, emulator: Starlette
) -> None:
    wide = await link_admin(harness, emulator)
    try:
        profile = await harness.profile(wide.tenant, actions=["factorialhr_get_credentials"])
        _, narrow = await harness.link(
            wide.tenant,
            await harness.basic_user_email(),
            integration_id=profile["id"],
            origin_owner_id="other",
        )
        assert narrow["integration_id"] == profile["id"]
        both = f"{narrow['id']},{wide.account_id}"
        response = await harness.api.get(
            "/actions", params={"filter[account_ids]": both}, headers=wide.tenant.auth
        )
        assert [a["id"] for a in response.json()["data"][0]["actions"]] == CATALOGUE
    finally:
        await wide.provider.aclose()


async def test_listing_actions_for_an_unknown_or_foreign_account_is_404(harness: Harness) -> None:
    owner = await harness.tenant("Owner")
    other = await harness.tenant("Other")
    await harness.profile(owner)
    _, account = await harness.link(owner, await harness.basic_user_email())
    for tenant, account_id in ((owner, "acc_unknown"), (other, account["id"])):
        response = await harness.api.get(
            "/actions", params={"filter[account_ids]": account_id}, headers=tenant.auth
        )
        assert response.status_code == 404, response.text
        assert response.json()["statusCode"] == 404
