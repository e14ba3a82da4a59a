"""Factorial's whole API as actions: one per endpoint of the facts file, named, scoped and described by our rules."""

from __future__ import annotations

import re

from linkyard.connectors import Connector
from linkyard.connectors.factorialhr import factorialhr as declare_factorialhr
from linkyard.connectors.factorialhr_api import AREAS, noun_of, singular
from linkyard.factorial_facts import load_facts

SHARED = {"break_configurations", "shifts", "values", "categories"}
"""Resources two namespaces share (`attendance/shifts`, `shift_management/shifts`)."""
CRUD_VERBS = {"list": "GET", "get": "GET", "create": "POST", "update": "PUT", "delete": "DELETE"}


def test_every_endpoint_of_the_facts_is_exactly_one_action(factorialhr: Connector) -> None:
    facts = load_facts()
    endpoints = sorted((endpoint.method, endpoint.path) for endpoint in facts.endpoints)
    assert len(endpoints) == len(set(endpoints)) == 615
    assert sorted((action.method, action.path) for action in factorialhr.actions) == endpoints


def test_the_declared_actions_keep_their_names_and_the_generated_ones_follow_them(
    factorialhr: Connector,
) -> None:
    declared = factorialhr.declared_actions
    assert factorialhr.actions[: len(declared)] == declared
    assert all(action.default_enabled for action in declared)
    generated = factorialhr.actions[len(declared) :]
    assert len(generated) == 615 - len(declared)
    assert not any(action.default_enabled for action in generated)


def test_generated_names_are_a_verb_and_the_paths_resource(factorialhr: Connector) -> None:
    facts = {(endpoint.method, endpoint.path): endpoint for endpoint in load_facts().endpoints}
    generated = [action for action in factorialhr.actions if not action.default_enabled]
    for action in generated:
        endpoint = facts[(action.method, action.path)]
        assert re.fullmatch(r"factorialhr_[a-z]+(_[a-z0-9]+)+", action.id) and len(action.id) <= 64
        name = action.id.removeprefix("factorialhr_")
        if endpoint.kind == "action":
            assert endpoint.action is not None and name.startswith(endpoint.action), action.id
            continue
        verb = name.split("_", 1)[0]
        assert verb == endpoint.kind and CRUD_VERBS[verb] == action.method, action.id
        plural = noun_of(endpoint.namespace, endpoint.resource, shared=endpoint.resource in SHARED)
        assert name.endswith(plural if verb == "list" else singular(plural)), action.id
    names = {action.id for action in factorialhr.actions}
    # Resources two namespaces share are told apart by their namespace.
    assert {
        "factorialhr_list_shift_management_shifts",
        "factorialhr_list_attendance_break_configurations",
    } <= names
    assert {
        "factorialhr_list_time_settings_break_configurations",
        "factorialhr_list_finance_categories",
    } <= names
    assert {"factorialhr_approve_overtime_request", "factorialhr_bulk_create_tasks"} <= names
    # A name that says too little alone takes what it is about.
    assert {"factorialhr_list_procurement_types", "factorialhr_create_custom_field"} <= names
    assert {"factorialhr_list_post_groups", "factorialhr_get_job_role"} <= names


def test_each_generated_action_needs_its_namespaces_scope(factorialhr: Connector) -> None:
    areas = {area.key: area for area in AREAS}
    for action in factorialhr.actions:
        assert action.area is not None and action.area in factorialhr.areas, action.id
        area = areas[action.area]
        resource = action.path.split("/")[5]
        expected = (area.by_resource or {}).get(resource, area.scopes)
        if not action.default_enabled:
            assert action.required_scopes == expected, action.id
    scopes = {a.id: a.required_scopes for a in factorialhr.actions}
    assert scopes["factorialhr_list_payroll_supplements"] == ("payroll_supplements",)
    assert scopes["factorialhr_list_family_situations"] == ("payroll",)
    assert scopes["factorialhr_list_time_records"] == ("project_management_time",)
    assert scopes["factorialhr_list_expense_records"] == ("project_management_expenses",)
    assert scopes["factorialhr_list_team_memberships"] == ("employees",)
    assert scopes["factorialhr_list_purchase_orders"] == ()  # procurement: no scope in Factorial's table


def test_inputs_come_from_the_facts(factorialhr: Connector) -> None:
    leaves = factorialhr.action("factorialhr_bulk_delete_leaves")
    assert leaves.method == "POST" and leaves.area == "timeoff"
    overtime = factorialhr.action("factorialhr_list_overtime_requests")
    assert overtime.pagination.kind == "cursor"
    assert {"page_size", "next", "employee_ids", "include_approval_flow"} <= set(overtime.parameters_by_name)
    assert overtime.parameters_by_name["include_approval_flow"].required  # as the official client has it
    # A PUT whose body repeats the id takes it once, from the path.
    update = factorialhr.action("factorialhr_update_webhook_subscription")
    assert update.parameters_by_name["id"].location == "path"
    create = factorialhr.action("factorialhr_create_webhook_subscription")
    schema = create.input_schema()
    assert {"subscription_type", "target_url"} <= set(schema["required"])
    # Enums travel as the facts have them; nested records are objects of no declared members in the schema.
    contact = factorialhr.action("factorialhr_create_finance_contact")
    assert contact.input_schema()["properties"]["address"]["type"] == "object"
    assert "properties" not in contact.input_schema()["properties"]["address"]
    assert any(
        "enum" in prop for a in factorialhr.actions for prop in a.input_schema()["properties"].values()
    )


def test_a_nested_record_says_its_members_and_declares_them(factorialhr: Connector) -> None:
    # The description says them in words (what a model reads); `members` holds them as a JSON schema.
    lines = factorialhr.action("factorialhr_create_journal_entry").parameters_by_name["lines"]
    assert lines.type == "array" and lines.items == "object"
    assert "Each holds: debit_amount_cents (an integer, required)" in lines.description
    assert "account_id (an id, required)" in lines.description
    assert lines.members is not None
    assert set(lines.members["required"]) == {"debit_amount_cents", "credit_amount_cents", "account_id"}
    assert lines.members["properties"]["account_id"]["pattern"] == "^[0-9]{1,19}$"
    shifts = factorialhr.action("factorialhr_bulk_create_shift_management_shifts").parameters_by_name[
        "shifts"
    ]
    assert "state (one of backup | draft | published, required)" in shifts.description
    assert "start_at (a date and time, required)" in shifts.description
    address = factorialhr.action("factorialhr_create_finance_contact").parameters_by_name["address"]
    assert address.description.startswith("The finance contact's address. It holds: line1 (text, required)")


def test_text_of_a_fixed_form_says_it_and_range_bounds_are_dates(factorialhr: Connector) -> None:
    topic = factorialhr.action("factorialhr_create_webhook_subscription").parameters_by_name[
        "subscription_type"
    ]
    assert topic.pattern is not None and re.match(topic.pattern.regex, "employees/employee/update")
    assert not re.match(topic.pattern.regex, "employees")
    assert topic.description.endswith("e.g. employees/employee/update.")
    since = factorialhr.action("factorialhr_list_sync_runs").parameters_by_name["created_at_gteq"]
    assert since.format == "date"


def test_descriptions_are_templated_and_name_the_area(factorialhr: Connector) -> None:
    generated = [action for action in factorialhr.actions if not action.default_enabled]
    for action in generated:
        assert action.description.endswith("."), action.id
        assert f"({action.path.split('/resources/')[1].split('/')[0]}/" in action.description, action.id
        assert action.label[0].isupper(), action.id
    assert factorialhr.action("factorialhr_list_budget_strategies").description.startswith(
        "List the budget strategies in Factorial's projects (project_management/budget_strategies)"
    )


def test_building_the_connector_leaves_the_generated_actions_for_their_first_use() -> None:
    connector = declare_factorialhr()
    assert "actions" not in connector.__dict__  # the cached property: nothing generated yet
    assert connector.find_action("factorialhr_list_employees") is not None
    assert len(connector.actions) == 615
