"""Unified mappings are data checked when their connector loads: a bad JMESPath expression, a field StackOne's
model does not have, an enum table or action that does not fit, each refused then with a message naming it; and
the declared write paths turn a unified body into the body Factorial's own actions accept."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from linkyard.connectors import CallContext, Connector, build_request, get_connector
from linkyard.errors import ValidationFailed


def _declaration() -> dict[str, Any]:
    """Factorial's declaration as data, to spoil one thing in."""
    return copy.deepcopy(get_connector("factorialhr").model_dump(mode="json"))


def _employees(declaration: dict[str, Any]) -> dict[str, Any]:
    resources = declaration["unified"]["resources"]
    found: dict[str, Any] = next(r for r in resources if r["resource"] == "hris/employees")
    return found


def test_factorials_declaration_loads_with_its_mapping() -> None:
    connector = Connector.model_validate(_declaration())
    assert connector.unified is not None
    assert connector.unified.find("hris/employees") is not None


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda m: m["fields"].update({"first_name": {"source": "first_name[", "write": "first_name"}}),
            "hris/employees.first_name: the expression 'first_name[' is not JMESPath",
        ),
        (
            lambda m: m["fields"].update({"shoe_size": {"source": "shoe_size"}}),
            "hris/employees.shoe_size: not a field of the unified model",
        ),
        (
            lambda m: m["fields"].update({"gender": {"source": "gender", "enum": {"male": "man"}}}),
            "hris/employees.gender: man are not values of the unified enum",
        ),
        (
            lambda m: m["fields"].update({"gender": {"source": "gender"}}),
            "hris/employees.gender: an enum field needs an `enum` table",
        ),
        (
            lambda m: m["fields"].update({"name": {"source": "full_name", "enum": {"a": "b"}}}),
            "hris/employees.name: only an enum field takes an `enum` table",
        ),
        (
            lambda m: m.update({"list_action": "factorialhr_list_employes"}),
            "factorialhr unified hris/employees: no action factorialhr_list_employes",
        ),
        (
            lambda m: m["fields"].update({"name": {"source": "full_name", "write": "full_name"}}),
            "factorialhr unified hris/employees.name: no write action takes full_name",
        ),
        (
            lambda m: m["filters"].update({"email": {"field": "work_email", "param": "email_in"}}),
            "factorialhr unified hris/employees: factorialhr_list_employees has no parameter email_in",
        ),
        (
            lambda m: m["filters"].update({"job": {"field": "job_title"}}),
            "hris/employees: filter job compares job_title, which is not mapped",
        ),
        (
            lambda m: m["fields"].update({"name": {"source": "upper(full_name)"}}),
            "hris/employees.name: the expression calls unknown functions: upper",
        ),
        (
            lambda m: m["fields"].update({"name": {}}),
            "hris/employees.name: a field is read (`source`), written (`write`) or both",
        ),
        (
            lambda m: m.update({"operations": {"invite": {"action": "factorialhr_clock_in"}}}),
            "factorialhr unified hris/employees invite: factorialhr_clock_in takes no id",
        ),
        (
            lambda m: m.update({"updated_after": {"param": "updated_since"}}),
            "factorialhr unified hris/employees: factorialhr_list_employees has no parameter updated_since",
        ),
        (
            lambda m: m["expands"].update({"manager": {"key": "manager_id"}}),
            "hris/employees: manager is not an expansion of the unified model",
        ),
        (
            lambda m: m["expands"].update({"skills": {"key": "skill_ids"}}),
            "hris/employees: skills is not an expansion of the unified model",
        ),
        (
            lambda m: m["expands"].update({"company": {"key": "legal_entity_id", "back": "employee_ids"}}),
            "an expansion is found by `key`, `back` or `fields`, one of the three",
        ),
        (
            lambda m: m["expands"].update({"company": {"key": "legal_entity_id["}}),
            "the expression 'legal_entity_id[' is not JMESPath",
        ),
        (
            lambda m: m["expands"].update({"employments": {"back": "employee_id", "param": "staff_ids"}}),
            "factorialhr unified hris/employees employments: factorialhr_list_contract_versions has no staff_ids",
        ),
        (
            lambda m: m["expands"].update({"company": {"key": "legal_entity_id", "resource": "hris/jobs"}}),
            "hris/employees: company's records have fields its model has not",
        ),
        (
            lambda m: m["expands"]["home_location"]["fields"].update({"postcode": {"source": "postal_code"}}),
            "hris/employees.home_location.postcode: not a field of hris/locations",
        ),
        (
            lambda m: m["derived"].update({"department": {"expand": "teams", "source": "teams[0].name"}}),
            "hris/employees.department: derived from teams, which is not mapped",
        ),
        (
            lambda m: m["derived"].update({"name": {"expand": "company", "source": "company.name"}}),
            "hris/employees.name: read from the record, it is not also derived",
        ),
        (
            lambda m: m["custom_fields"].update({"param": "people_ids"}),
            "factorialhr_list_custom_field_values has no people_ids",
        ),
        (
            lambda m: m.update({"lookups": {"team": {"action": "factorialhr_list_teams", "key": "team_id"}}}),
            "hris/employees: lookup 'team' is not named `_<word>`",
        ),
        (
            lambda m: m.update(
                {
                    "lookups": {
                        "_team": {"action": "factorialhr_list_teams", "key": "team_id", "param": "x_ids"}
                    }
                }
            ),
            "factorialhr unified hris/employees: factorialhr_list_teams has no parameter x_ids",
        ),
        (
            lambda m: m.update(
                {"lookups": {"_team": {"action": "factorialhr_list_teams", "key": "team_id["}}}
            ),
            "the expression 'team_id[' is not JMESPath",
        ),
    ],
)
def test_a_bad_mapping_is_refused_when_the_connector_loads_naming_the_culprit(
    spoil: Any, message: str
) -> None:
    declaration = _declaration()
    spoil(_employees(declaration))
    with pytest.raises(ValidationError) as refused:
        Connector.model_validate(declaration)
    assert message in str(refused.value)


def test_a_resource_mapped_twice_or_unknown_is_refused() -> None:
    declaration = _declaration()
    declaration["unified"]["resources"].append(copy.deepcopy(_employees(declaration)))
    with pytest.raises(ValidationError, match="unified resources mapped twice: hris/employees"):
        Connector.model_validate(declaration)
    declaration = _declaration()
    _employees(declaration)["resource"] = "hris/payslips"
    with pytest.raises(ValidationError, match="hris/payslips: not a unified resource"):
        Connector.model_validate(declaration)


def test_the_write_paths_make_the_body_factorials_create_employee_takes() -> None:
    connector = get_connector("factorialhr")
    assert connector.unified is not None
    employees = connector.unified.find("hris/employees")
    assert employees is not None
    body = employees.write(
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "work_email": "ada@example.com",
            "gender": {"value": "female"},
            "date_of_birth": "1815-12-10T00:00:00Z",
            "employee_number": "EMP-9",
        }
    )
    assert body == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "gender": "female",
        "birthday_on": "1815-12-10",
        "company_identifier": "EMP-9",
    }
    request = build_request(
        connector.action("factorialhr_create_employee"), body, context=CallContext(company_id="1")
    )
    assert request.json is not None and request.json["birthday_on"] == "1815-12-10"
    # Read back, the same record gives the unified values it was written from.
    read = employees.read({**body, "id": "9"})
    assert read["gender"] == {"value": "female", "source_value": "female"}
    assert read["date_of_birth"] == "1815-12-10T00:00:00+00:00"


def test_a_field_that_is_not_writable_or_a_value_without_equivalent_is_a_422_naming_it() -> None:
    connector = get_connector("factorialhr")
    assert connector.unified is not None
    employees = connector.unified.find("hris/employees")
    assert employees is not None
    with pytest.raises(ValidationFailed) as read_only:
        employees.write({"employment_status": {"value": "active"}})
    assert read_only.value.errors == [
        {"field": "employment_status", "message": "cannot be written to this provider"}
    ]
    with pytest.raises(ValidationFailed) as unknown:
        employees.write({"gender": "diverse"})
    assert unknown.value.errors == [{"field": "gender", "message": "has no equivalent in the provider"}]


def _ats(declaration: dict[str, Any], resource: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in declaration["unified"]["resources"] if r["resource"] == resource)
    return found


@pytest.mark.parametrize(
    ("resource", "spoil", "message"),
    [
        (
            "ats/applications",
            lambda m: m["operations"]["move"].update({"action": "factorialhr_move_applicaton"}),
            "factorialhr unified ats/applications move: no action factorialhr_move_applicaton",
        ),
        (
            "ats/applications",
            lambda m: m["operations"]["reject"]["fields"].update({"rejected_reason_id": "reason_id"}),
            "factorialhr unified ats/applications reject: factorialhr_update_application takes no reason_id",
        ),
        (
            "ats/job_application_stages",
            lambda m: m["parent"].update({"param": "job_posting_ids"}),
            "factorialhr_list_application_phases has no parameter job_posting_ids",
        ),
        (
            "ats/job_application_stages",
            lambda m: m["parent"].update({"source": "ats_job_posting_id["}),
            "ats/job_application_stages: the parent expression is not JMESPath",
        ),
        (
            "hris/tasks",
            lambda m: m["parent"]["lookup"].update({"action": "factorialhr_list_employees"}),
            "factorialhr unified hris/tasks: factorialhr_list_employees does not answer a object",
        ),
        (
            "hris/tasks",
            lambda m: m["parent"]["lookup"].update({"action": "factorialhr_create_candidate"}),
            "hris/tasks: factorialhr_create_candidate takes no `id` to look up",
        ),
        (
            "hris/tasks",
            lambda m: m["parent"]["lookup"].update({"key": "access_id["}),
            "the look-up key 'access_id[' is not JMESPath",
        ),
        (
            "hris/tasks",
            lambda m: m["parent"].pop("source"),
            "a parent looked up names its key in each record by a `source`",
        ),
        (
            "hris/tasks",
            lambda m: m["parent"].update({"field": "name"}),
            "hris/tasks: the parent's field name is filled, not mapped",
        ),
        (
            "ats/jobs",
            lambda m: m["create_arguments"].update({"shoe_size": "44"}),
            "ats/jobs: the create action takes not every create argument",
        ),
        (
            "ats/jobs",
            lambda m: m["fields"]["title"].update({"write_as": "one"}),
            "ats/jobs.title: only a list field is written as its one value",
        ),
    ],
)
def test_an_ats_operation_or_parent_that_does_not_fit_its_actions_is_refused(
    resource: str, spoil: Any, message: str
) -> None:
    declaration = _declaration()
    spoil(_ats(declaration, resource))
    with pytest.raises(ValidationError) as refused:
        Connector.model_validate(declaration)
    assert message in str(refused.value)
