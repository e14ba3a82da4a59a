"""The catalogue end to end: every action runs through `POST /actions/rpc` against the emulator, and the listings
(`GET /actions`, `GET /connectors/factorialhr`) show each action with its schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette

from linkyard.connectors import get_connector
from tests.actions.conftest import Linked, link_admin
from tests.api.conftest import Harness

CATALOGUE = [action.id for action in get_connector("factorialhr").declared_actions]
"""The actions written by hand (those generated from Factorial's API run in `test_every_action.py`)."""
ACTIONS = [action.id for action in get_connector("factorialhr").actions]
TOOLS = [tool.id for tool in get_connector("factorialhr").tools]
"""Every action, then the unified operations offered as tools (`hris_list_employees`, ...)."""
STANDARD = [tool.id for tool in get_connector("factorialhr").tools if tool.default_enabled]
"""What a profile that names no actions enables (when its scopes allow): the hand-written actions and the
unified operations."""

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
    ("factorialhr_get_shift", _first_id("factorialhr_list_shifts")),
    ("factorialhr_list_document_folders", lambda seen: {}),
    ("factorialhr_get_document_folder", _first_id("factorialhr_list_document_folders")),
    ("factorialhr_list_documents", lambda seen: {"query": {"by_trash_bin": "false"}}),
    ("factorialhr_get_document", _first_id("factorialhr_list_documents")),
    (
        "factorialhr_create_document_download_urls",
        lambda seen: {"body": {"ids": [seen["factorialhr_list_documents"][0]["id"]]}},
    ),
    ("factorialhr_list_custom_fields", lambda seen: {}),
    ("factorialhr_get_custom_field", _first_id("factorialhr_list_custom_fields")),
    ("factorialhr_list_custom_field_options", lambda seen: {}),
    ("factorialhr_list_custom_field_values", lambda seen: {}),
    ("factorialhr_list_tasks", lambda seen: {}),
    ("factorialhr_get_task", _first_id("factorialhr_list_tasks")),
    ("factorialhr_list_job_postings", lambda seen: {}),
    ("factorialhr_list_candidates", lambda seen: {}),
    ("factorialhr_list_applications", lambda seen: {}),
    ("factorialhr_list_job_roles", lambda seen: {"query": {"archived": "false"}}),
    ("factorialhr_list_cost_centers", lambda seen: {}),
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
        "factorialhr_invite_employee",
        lambda seen: {"body": {"id": seen["factorialhr_create_employee"]["id"]}},
    ),
    (
        "factorialhr_create_contract_version",
        lambda seen: {
            "body": {
                "employee_id": seen["factorialhr_create_employee"]["id"],
                "effective_on": "2026-07-01",
                "starts_on": "2026-01-05",
                "job_title": "Senior Analyst",
                "salary_amount": 5200000,
                "salary_frequency": "yearly",
            }
        },
    ),
    (
        "factorialhr_update_contract_version",
        lambda seen: {
            "path": {"id": seen["factorialhr_create_contract_version"]["id"]},
            "body": {"working_hours": 35, "has_trial_period": False},
        },
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
        "factorialhr_update_time_off_request",
        lambda seen: {
            "path": {"id": seen["factorialhr_create_time_off_request"]["id"]},
            "body": {"finish_on": "2026-02-04", "description": "Three days after all"},
        },
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
    ("factorialhr_get_job_posting", _first_id("factorialhr_list_job_postings")),
    (
        "factorialhr_create_job_posting",
        lambda seen: {
            "body": {
                "title": "Payroll specialist",
                "status": "draft",
                **dict.fromkeys(
                    [
                        f"{what}_requirement"
                        for what in ("cv", "cover_letter", "phone", "photo", "personal_url")
                    ],
                    "optional",
                ),
            }
        },
    ),
    (
        "factorialhr_update_job_posting",
        lambda seen: {
            "path": {"id": seen["factorialhr_create_job_posting"]["id"]},
            "body": {"status": "published"},
        },
    ),
    (
        "factorialhr_update_task",
        lambda seen: {"path": {"id": seen["factorialhr_list_tasks"][0]["id"]}, "body": {"status": "done"}},
    ),
    ("factorialhr_get_candidate", _first_id("factorialhr_list_candidates")),
    ("factorialhr_get_application", _first_id("factorialhr_list_applications")),
    ("factorialhr_list_hiring_stages", lambda seen: {}),
    ("factorialhr_get_hiring_stage", _first_id("factorialhr_list_hiring_stages")),
    ("factorialhr_list_rejection_reasons", lambda seen: {}),
    ("factorialhr_get_rejection_reason", _first_id("factorialhr_list_rejection_reasons")),
    ("factorialhr_list_feedbacks", lambda seen: {}),
    ("factorialhr_get_feedback", _first_id("factorialhr_list_feedbacks")),
    ("factorialhr_list_evaluation_forms", lambda seen: {"query": {"template": "false"}}),
    (
        "factorialhr_update_candidate",
        lambda seen: {
            "path": {"id": seen["factorialhr_create_candidate"]["id"]},
            "body": {"phone_number": "+34 600 000 000"},
        },
    ),
    (
        "factorialhr_list_application_phases",
        lambda seen: {
            "query": {"ats_job_posting_ids": [seen["factorialhr_get_application"]["ats_job_posting_id"]]}
        },
    ),
    ("factorialhr_get_application_phase", _first_id("factorialhr_list_application_phases")),
    (
        "factorialhr_create_application",
        lambda seen: {
            "body": {
                "ats_job_posting_id": seen["factorialhr_get_application"]["ats_job_posting_id"],
                "ats_candidate_id": seen["factorialhr_create_candidate"]["id"],
            }
        },
    ),
    (
        "factorialhr_move_application",
        lambda seen: {
            "body": {
                "id": seen["factorialhr_create_application"]["id"],
                "ats_application_phase_id": seen["factorialhr_list_application_phases"][-1]["id"],
            }
        },
    ),
    (
        "factorialhr_update_application",
        lambda seen: {
            "path": {"id": seen["factorialhr_create_application"]["id"]},
            "body": {"ats_rejection_reason_id": seen["factorialhr_list_rejection_reasons"][0]["id"]},
        },
    ),
    (
        "factorialhr_terminate_employee",
        lambda seen: {
            "body": {"id": seen["factorialhr_create_employee"]["id"], "terminated_on": "2026-01-31"}
        },
    ),
    (
        "factorialhr_upload_document",
        lambda seen: {
            "body": {"space": "company_internal", "file": {"name": "a.txt", "content": "aGVsbG8="}}
        },
    ),
]


async def test_every_catalogue_action_succeeds_against_the_emulator(harness: Harness, linked: Linked) -> None:
    assert sorted(action for action, _ in STEPS) == sorted(CATALOGUE), "an action has no step"
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
    assert [action["id"] for action in connector["actions"]] == TOOLS
    listed = {action["id"]: action for action in connector["actions"]}
    employees = listed["factorialhr_list_employees"]
    assert set(employees) == {"id", "label", "description", "required_scopes", "input_schema"}
    assert employees["required_scopes"] == ["employees"]
    assert employees["input_schema"]["properties"]["page_size"]["type"] == "integer"
    assert listed["factorialhr_get_employee"]["input_schema"]["required"] == ["id"]

    # The unified operations follow, as tools with StackOne's query conventions for arguments.
    unified = listed["hris_list_employees"]
    assert unified["required_scopes"] == ["employees"]
    assert {"page_size", "next", "fields", "filter_updated_after", "filter_email"} <= set(
        unified["input_schema"]["properties"]
    )
    assert listed["hris_get_employee"]["input_schema"]["required"] == ["id"]

    # Those generated from Factorial's API are listed too, after the hand-written ones.
    generated = listed["factorialhr_list_budget_strategies"]
    assert generated["required_scopes"] == ["project_management_projects"]
    assert {"page_size", "next", "ids"} <= set(generated["input_schema"]["properties"])

    # The connector's own page lists its actions only: the unified operations are the mapping's.
    detail = await harness.api.get("/connectors/factorialhr", headers=tenant.auth)
    assert detail.status_code == 200
    assert detail.json()["actions"] == connector["actions"][: len(ACTIONS)]


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
        # The admin's profile names no actions: the standard ones (not the generated ones, enabled by name).
        assert [a["id"] for a in response.json()["data"][0]["actions"]] == STANDARD
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


async def test_listing_actions_takes_what_stackones_client_sends(harness: Harness) -> None:
    """`actions.listActionsMeta` always sends `group_by=connector`; it may add `include`, `filter[action_key]`,
    `page_size` and `next` (each served, none dropped)."""
    tenant = await harness.tenant()
    response = await harness.api.get(
        "/actions",
        params={
            "group_by": "connector",
            "include": "operation_details",
            "filter[action_key]": "factorialhr_list_employees,factorialhr_clock_in",
            "page_size": "1",
        },
        headers=tenant.auth,
    )
    assert response.status_code == 200, response.text
    [connector] = response.json()["data"]
    listed = {action["id"]: action for action in connector["actions"]}
    assert list(listed) == ["factorialhr_list_employees", "factorialhr_clock_in"]
    assert listed["factorialhr_list_employees"]["operation_details"] == {
        "method": "GET",
        "path": get_connector("factorialhr").action("factorialhr_list_employees").path,
        "result": "list",
        "pagination": "cursor",
    }
    assert response.json()["next"] is None  # one connector: one page
    beyond = await harness.api.get("/actions", params={"next": "1", "page_size": "1"}, headers=tenant.auth)
    assert beyond.json() == {"data": [], "next": None}
    second_page = await harness.api.get(
        "/actions", params={"page": "2", "page_size": "1"}, headers=tenant.auth
    )
    assert second_page.json() == {"data": [], "next": None}
    other = await harness.api.get("/actions", params={"group_by": "category"}, headers=tenant.auth)
    assert other.status_code == 422
    nothing = await harness.api.get(
        "/actions", params={"filter[action_key]": "workday_x"}, headers=tenant.auth
    )
    assert nothing.json() == {"data": [], "next": None}
