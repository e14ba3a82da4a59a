"""The Factorial catalogue is valid data: real scopes, well-named actions, flat schemas, bad definitions refused."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from linkyard.connectors import Action, Connector, get_connector, list_connectors
from linkyard.errors import NotFound, ValidationFailed
from tests.tinyhr.declaration import tinyhr

SPEC_SCOPES = [
    "banking",
    "company_legal_entities",
    "company_holidays",
    "company_locations",
    "contracts",
    "custom_fields",
    "documents",
    "employees",
    "employee_updates",
    "expenses",
    "finance",
    "integrations",
    "job_catalog",
    "marketplace",
    "payroll",
    "payroll_supplements",
    "performance",
    "posts",
    "project_management_expenses",
    "project_management_projects",
    "project_management_time",
    "shift_management",
    "tasks",
    "time_off",
    "time_tracking",
    "trainings",
    "recruitment",
]

# The spec's first catalogue, with the scope each action needs.
SPEC_ACTIONS = {
    "factorialhr_get_credentials": (),
    **dict.fromkeys(
        [
            "factorialhr_list_employees",
            "factorialhr_get_employee",
            "factorialhr_create_employee",
            "factorialhr_update_employee",
            "factorialhr_terminate_employee",
            "factorialhr_list_teams",
            "factorialhr_get_team",
        ],
        ("employees",),
    ),
    "factorialhr_list_locations": ("company_locations",),
    "factorialhr_list_legal_entities": ("company_legal_entities",),
    "factorialhr_list_contract_versions": ("contracts",),
    "factorialhr_get_contract_version": ("contracts",),
    "factorialhr_create_contract_version": ("contracts",),
    "factorialhr_update_contract_version": ("contracts",),
    "factorialhr_invite_employee": ("employees",),
    "factorialhr_list_job_roles": ("job_catalog",),
    "factorialhr_list_cost_centers": ("finance",),
    **dict.fromkeys(
        [
            "factorialhr_list_leave_types",
            "factorialhr_list_time_off_requests",
            "factorialhr_get_time_off_request",
            "factorialhr_create_time_off_request",
            "factorialhr_approve_time_off_request",
            "factorialhr_reject_time_off_request",
            "factorialhr_cancel_time_off_request",
            "factorialhr_update_time_off_request",
            "factorialhr_list_time_off_balances",
        ],
        ("time_off",),
    ),
    **dict.fromkeys(
        ["factorialhr_list_shifts", "factorialhr_get_shift", "factorialhr_clock_in", "factorialhr_clock_out"],
        ("time_tracking",),
    ),
    **dict.fromkeys(
        [
            "factorialhr_list_document_folders",
            "factorialhr_get_document_folder",
            "factorialhr_list_documents",
            "factorialhr_get_document",
            "factorialhr_create_document_download_urls",
            "factorialhr_upload_document",
        ],
        ("documents",),
    ),
    **dict.fromkeys(
        [
            "factorialhr_list_custom_fields",
            "factorialhr_get_custom_field",
            "factorialhr_list_custom_field_options",
            "factorialhr_list_custom_field_values",
        ],
        ("custom_fields",),
    ),
    **dict.fromkeys(
        ["factorialhr_list_tasks", "factorialhr_get_task", "factorialhr_update_task"], ("tasks",)
    ),
    **dict.fromkeys(
        [
            "factorialhr_list_job_postings",
            "factorialhr_list_candidates",
            "factorialhr_create_candidate",
            "factorialhr_list_applications",
            "factorialhr_get_job_posting",
            "factorialhr_create_job_posting",
            "factorialhr_update_job_posting",
            "factorialhr_get_candidate",
            "factorialhr_update_candidate",
            "factorialhr_get_application",
            "factorialhr_create_application",
            "factorialhr_update_application",
            "factorialhr_move_application",
            "factorialhr_list_application_phases",
            "factorialhr_get_application_phase",
            "factorialhr_list_hiring_stages",
            "factorialhr_get_hiring_stage",
            "factorialhr_list_rejection_reasons",
            "factorialhr_get_rejection_reason",
            "factorialhr_list_feedbacks",
            "factorialhr_get_feedback",
            "factorialhr_list_evaluation_forms",
        ],
        ("recruitment",),
    ),
}

SCHEMA_KEYS = {
    "type",
    "description",
    "enum",
    "items",
    "format",
    "pattern",
    "maxLength",
    "maxItems",
    "minimum",
    "maximum",
    "maxProperties",
}
ITEM_KEYS = {"type", "enum", "pattern", "maxLength", "maxProperties"}


def test_the_catalogue_lists_factorial(factorialhr: Connector) -> None:
    assert [c.key for c in list_connectors()] == ["factorialhr"]
    assert get_connector("factorialhr") is factorialhr  # built once, then cached
    assert factorialhr.name == "Factorial"
    assert factorialhr.auth_types == ("oauth2",)
    assert factorialhr.categories == ("hris", "ats")
    assert factorialhr.api_version == "2026-10-01"
    assert [t.name for t in factorialhr.token_types] == ["user", "company"]
    company = factorialhr.token_types[1]
    assert dict(company.authorize_params) == {"resource_owner_type": "company"}


def test_an_unknown_connector_is_not_found() -> None:
    with pytest.raises(NotFound):
        get_connector("bamboohr")


def test_oauth_endpoints_and_environments_follow_the_spec(factorialhr: Connector) -> None:
    auth = factorialhr.auth
    assert (auth.authorize_path, auth.token_path, auth.revoke_path) == (
        "/oauth/authorize",
        "/oauth/token",
        "/oauth/revoke",
    )
    assert auth.scope_separator == " " and auth.client_auth == "body" and auth.pkce
    assert factorialhr.base_url("production") == "https://api.factorialhr.com"
    assert factorialhr.base_url("demo") == "https://api.eu2.demo.factorial.dev"
    assert factorialhr.base_url("sandbox", sandbox_url="http://127.0.0.1:8001/") == "http://127.0.0.1:8001"


@pytest.mark.parametrize("environment", ["sandbox", "staging"])
def test_an_environment_without_a_url_is_refused(factorialhr: Connector, environment: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        factorialhr.base_url(environment)
    assert caught.value.errors[0]["field"] == "environment"


def test_scopes_are_the_27_documented_ones_in_order_with_plain_descriptions(factorialhr: Connector) -> None:
    assert [s.name for s in factorialhr.scopes] == SPEC_SCOPES
    employees = next(s for s in factorialhr.scopes if s.name == "employees")
    assert employees.description == "employees: read and update employee profiles, teams and memberships"
    assert all(len(s.description) > 30 for s in factorialhr.scopes)


def test_every_spec_action_exists_with_its_required_scopes(factorialhr: Connector) -> None:
    assert {a.id: a.required_scopes for a in factorialhr.declared_actions} == SPEC_ACTIONS
    assert factorialhr.actions[: len(SPEC_ACTIONS)] == factorialhr.declared_actions


def test_action_ids_are_unique_and_named_after_the_connector(factorialhr: Connector) -> None:
    ids = [a.id for a in factorialhr.actions]
    assert len(ids) == len(set(ids))
    # StackOne's SDK takes the text before the first underscore as the connector.
    assert all(i.split("_", 1)[0] == "factorialhr" and i.count("_") >= 2 for i in ids)
    assert all(set(a.required_scopes) <= factorialhr.scope_names for a in factorialhr.actions)


def test_input_schemas_are_flat(factorialhr: Connector) -> None:
    for action in factorialhr.actions:
        schema = action.input_schema()
        assert schema["type"] == "object"
        assert set(schema["required"]) <= set(schema["properties"])
        files = {slot.name for slot in action.files}
        for name, prop in schema["properties"].items():
            if name in files:
                # The one exception: a file is an object of named members (StackOne's upload shape), which its
                # description spells out for clients that keep only one level.
                one = prop["items"] if prop["type"] == "array" else prop
                assert set(one["properties"]) == {"name", "content", "file_format", "content_type"}
                assert one["required"] == ["name", "content"] and "content" in prop["description"]
                continue
            assert set(prop) <= SCHEMA_KEYS, (action.id, name)
            assert prop["type"] in ("string", "integer", "number", "boolean", "array", "object")
            assert prop["description"]
            # A provider's nested record (an address, line items) is an object of no declared members: the
            # schema stays one level deep, as StackOne's `to_openai()` keeps it.
            if prop["type"] == "object":
                assert action.default_enabled is False and "properties" not in prop, (action.id, name)
            if prop["type"] == "array":
                assert set(prop["items"]) <= ITEM_KEYS and prop["items"]["type"] in ("string", "object")
                assert "properties" not in prop["items"]


def test_every_argument_is_bounded_in_its_schema(factorialhr: Connector) -> None:
    # What MCP clients and `GET /actions` show is what `build_request` enforces: no string, list or number
    # without a bound, and ids with Factorial's form.
    for action in factorialhr.actions:
        jsonschema.Draft202012Validator.check_schema(action.input_schema())
        for name, prop in action.input_schema()["properties"].items():
            text = prop["items"] if prop["type"] == "array" else prop
            if prop["type"] == "array":
                assert 1 <= prop["maxItems"] <= 100, (action.id, name)
            if text["type"] == "object":
                assert 1 <= text["maxProperties"] <= 100, (action.id, name)
            if text["type"] == "string":
                assert "enum" in text or 1 <= text["maxLength"] <= 2048, (action.id, name)
            if prop["type"] in ("integer", "number"):
                assert prop["minimum"] <= prop["maximum"], (action.id, name)
            if _factorial_id(name, text["type"]):
                assert text["pattern"] == "^[0-9]{1,19}$" and text["maxLength"] == 19, (action.id, name)


def test_lists_page_and_everything_else_does_not(factorialhr: Connector) -> None:
    for action in factorialhr.actions:
        names = set(action.input_schema()["properties"])
        paged = {"page_size", "next"} <= names
        # A list Factorial answers whole (a bare array, such as the download URLs asked for) has no pages.
        assert paged == (action.result == "list" and action.pagination.kind != "none"), action.id
        assert action.idempotent == (action.method != "POST")


def test_descriptions_say_what_a_person_needs(factorialhr: Connector) -> None:
    cancel = factorialhr.action("factorialhr_cancel_time_off_request")
    assert cancel.method == "DELETE" and "DELETE timeoff/leaves/{id}" in cancel.description
    assert all(a.description.endswith(".") and a.label for a in factorialhr.actions)
    assert factorialhr.action("factorialhr_get_credentials").result == "first"


def test_ids_are_strings(factorialhr: Connector) -> None:
    # Ids are strings from API 2026-07-01 on; arrays (`employee_ids`, Factorial's `leave_type_id[]`) hold strings.
    for action in factorialhr.actions:
        for parameter in action.all_parameters:
            if _factorial_id(parameter.name, "string") and parameter.type != "boolean":
                assert parameter.type in ("string", "array"), (action.id, parameter.name)


def _factorial_id(name: str, kind: str) -> bool:
    """A parameter that names Factorial objects by id: `id`, `employee_id`, `team_ids`, but not a flag
    (`with_employee_ids`, a boolean) nor another system's id (`external_id`)."""
    named = name == "id" or name.endswith(("_id", "_ids"))
    return named and kind == "string" and "external" not in name


def test_an_unknown_action_is_not_found(factorialhr: Connector) -> None:
    with pytest.raises(NotFound):
        factorialhr.action("factorialhr_fire_everyone")
    assert factorialhr.find_action("factorialhr_fire_everyone") is None


def _action(**changes: Any) -> dict[str, Any]:
    action: dict[str, Any] = {
        "id": "factorialhr_get_thing",
        "label": "Get thing",
        "description": "Get a thing.",
        "method": "GET",
        "path": "/api/2026-10-01/resources/things/things/{id}",
        "required_scopes": ["employees"],
        "parameters": [{"name": "id", "location": "path", "description": "Id.", "required": True}],
    }
    return {**action, **changes}


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"id": "get_thing"}, "id"),
        (
            {
                "parameters": [
                    {"name": "id", "location": "path", "description": "Id.", "required": True},
                    {"name": "id", "location": "query", "description": "Again."},
                ]
            },
            "collide",
        ),
        ({"parameters": []}, "placeholders"),
        ({"parameters": [{"name": "id", "location": "path", "description": "Id."}]}, "required"),
        (
            {
                "pagination": {"kind": "page"},
            },
            "only a GET list pages",
        ),
        (
            {
                "parameters": [
                    {"name": "id", "location": "path", "description": "Id.", "required": True},
                    {
                        "name": "flag",
                        "location": "query",
                        "description": "A flag.",
                        "type": "boolean",
                        "enum": ["x"],
                    },
                ]
            },
            "enum",
        ),
        (
            {
                "parameters": [
                    {"name": "id", "location": "path", "description": "Id.", "required": True},
                    {"name": "note", "location": "body", "description": "A note."},
                ]
            },
            "sends no body",
        ),
        (
            {
                "path": "/api/2026-10-01/resources/things/things",
                "method": "POST",
                "parameters": [{"name": "count", "location": "body", "description": "N.", "type": "integer"}],
            },
            "declare a minimum and a maximum",
        ),
        (
            {
                "path": "/api/2026-10-01/resources/things/things",
                "method": "POST",
                "parameters": [
                    {
                        "name": "on",
                        "location": "body",
                        "description": "On.",
                        "type": "boolean",
                        "max_length": 4,
                    }
                ],
            },
            "max_length and pattern are for strings",
        ),
        (
            {
                "path": "/api/2026-10-01/resources/things/things",
                "method": "POST",
                "parameters": [
                    {
                        "name": "title",
                        "location": "body",
                        "description": "Title.",
                        "members": {"properties": {"text": {"type": "string"}}},
                    }
                ],
            },
            "members are for objects and arrays of objects",
        ),
        (
            {
                "parameters": [
                    {
                        "name": "id",
                        "location": "path",
                        "description": "Id.",
                        "required": True,
                        "pattern": {"regex": "([0-9", "meaning": "an id"},
                    }
                ]
            },
            "unterminated character set",
        ),
    ],
)
def test_a_bad_action_definition_is_refused(changes: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        Action.model_validate(_action(**changes))


def test_a_page_size_of_its_own_collides_with_the_paginator() -> None:
    with pytest.raises(ValidationError, match="collide: page_size"):
        Action.model_validate(
            _action(
                path="/api/2026-10-01/resources/things/things",
                parameters=[
                    {
                        "name": "page_size",
                        "location": "query",
                        "description": "Mine.",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 10,
                    }
                ],
                pagination={"kind": "page"},
                result="list",
            )
        )


@pytest.mark.parametrize(
    ("action", "complaint"),
    [
        (_action(required_scopes=["payroll_admin"]), "unknown required scopes"),
        (_action(id="bamboohr_get_thing"), "start with factorialhr_"),
    ],
)
def test_a_bad_connector_definition_is_refused(
    factorialhr: Connector, action: dict[str, Any], complaint: str
) -> None:
    data = factorialhr.model_dump()
    data["actions"] = [*data["actions"], action]
    with pytest.raises(ValidationError, match=complaint):
        Connector.model_validate(data)


def test_the_connector_round_trips_through_its_dump(factorialhr: Connector) -> None:
    assert Connector.model_validate(factorialhr.model_dump()) == factorialhr


def test_an_identity_action_outside_the_catalogue_is_refused(factorialhr: Connector) -> None:
    data = factorialhr.model_dump()
    data["identity"]["action"] = "factorialhr_get_me"
    with pytest.raises(ValidationError, match="identity action factorialhr_get_me is not in the catalogue"):
        Connector.model_validate(data)


def test_the_identity_reads_who_linked_from_a_credential(factorialhr: Connector) -> None:
    identity = factorialhr.identity
    employee = {
        "company_id": 7,
        "employee_id": 42,
        "login_email": "ana@acme.example",
        "full_name": "Ana Ruiz",
    }
    company = {"company_id": "7", "employee_id": None, "email": "", "legal_name": "Acme Iberia SL"}

    assert identity.facts(employee) == {
        "company_id": "7",
        "employee_id": "42",
        "email": "ana@acme.example",
        "name": "Ana Ruiz",
    }
    assert identity.facts(company) == {
        "company_id": "7",
        "employee_id": None,
        "email": None,
        "name": "Acme Iberia SL",
    }
    assert identity.facts({})["company_id"] is None


def test_an_action_is_grouped_under_its_declared_model_or_the_noun_of_its_id() -> None:
    models = {action.id: action.model_key for action in tinyhr().actions}
    assert models["tinyhr_list_people"] == "people"  # the id's noun
    assert models["tinyhr_get_person"] == "people"  # declared: one model with the list
    assert models["tinyhr_get_me"] == "me"
    factorialhr = get_connector("factorialhr")
    assert (
        factorialhr.action("factorialhr_approve_time_off_request").model_key == "leaves"
    )  # Factorial's resource
    with pytest.raises(ValidationError):
        Action.model_validate(
            {
                "id": "x_get_y",
                "label": "Y",
                "description": "Y.",
                "method": "GET",
                "path": "/y",
                "model": "Not A Name",
            }
        )


def test_a_connector_declares_at_least_one_category() -> None:
    data = get_connector("factorialhr").model_dump()
    data["categories"] = []
    with pytest.raises(ValidationError, match="categories"):
        Connector.model_validate(data)


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ({"prefix": "/api/*/resources/payroll", "scopes": ["payroll_admin"]}, "unknown scopes"),
        ({"prefix": "/oauth/token", "scopes": []}, "outside /api/"),
        ({"prefix": "/api/../oauth", "scopes": []}, "prefix"),
    ],
)
def test_a_bad_proxy_rule_is_refused(factorialhr: Connector, rule: dict[str, Any], complaint: str) -> None:
    data = factorialhr.model_dump()
    data["proxy"]["rules"] = [*data["proxy"]["rules"], rule]
    with pytest.raises(ValidationError, match=complaint):
        Connector.model_validate(data)


@pytest.mark.parametrize(
    ("path", "scopes"),
    [
        ("/api/2026-10-01/resources/employees/employees", ("employees",)),
        ("/api/v2/resources/teams/teams/7", ("employees",)),
        ("/api/2026-10-01/resources/timeoff/leaves", ("time_off",)),
        ("/api/2026-10-01/resources/api_public/credentials", ()),
        ("/api/2026-10-01/resources/employees_extra/x", None),
        ("/api/2026-10-01/resources", None),
        ("/api/2026-10-01/other/employees/employees", None),
    ],
)
def test_proxy_rules_give_each_path_the_scopes_of_its_namespace(
    factorialhr: Connector, path: str, scopes: tuple[str, ...] | None
) -> None:
    assert factorialhr.proxy is not None
    rule = factorialhr.proxy.rule_for(tuple(path.strip("/").split("/")))
    assert (rule.scopes if rule is not None else None) == scopes
