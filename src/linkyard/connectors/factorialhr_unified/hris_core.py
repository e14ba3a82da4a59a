"""StackOne's core HRIS models over Factorial: companies, employees, locations and groups (teams).

StackOne's companies are Factorial's legal entities (the employers of record an employee belongs to), and its
groups are Factorial's teams.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read
from linkyard.connectors.factorialhr_unified.fields import same as _same

GENDERS = {"male": "male", "female": "female"}
EMPLOYMENT_STATUSES = {"true": "active", "false": "terminated"}
"""Factorial's `active` flag: false once the termination date has passed."""


def _team(kind: str) -> dict[str, Any]:
    return {
        **_ids(),
        "name": _read("name"),
        "parent_ids": _read("[parent_team_id][?@ != null]"),
        "remote_parent_ids": _read("[parent_team_id][?@ != null]"),
        "owner_ids": _read("lead_ids"),
        "remote_owner_ids": _read("lead_ids"),
        # Every Factorial team is a team: the literal is the source value StackOne's enum object carries.
        "type": _read('`"team"`', enum={"team": kind}),
    }


def _home_address() -> dict[str, Any]:
    """An employee's home: the address on Factorial's employee record (it has no id of its own)."""
    return {
        "employee_id": _read("id"),
        "remote_employee_id": _read("id"),
        "street_1": _read("address_line_1"),
        "street_2": _read("address_line_2"),
        "city": _read("city"),
        "state": _read("state"),
        "zip_code": _read("postal_code"),
        "country": _read("country", enum="code"),
        "location_type": _read('`"home"`', enum={"home": "home"}),
    }


def resources() -> list[dict[str, Any]]:
    """The core HRIS resources' mappings."""
    return [
        {
            "resource": "hris/companies",
            "list_action": "factorialhr_list_legal_entities",
            "get_by": "ids",
            "fields": {
                **_ids(),
                "name": _read("legal_name"),
                "display_name": _read("legal_name"),
                "full_name": _read("legal_name"),
            },
        },
        {
            "resource": "hris/employees",
            "list_action": "factorialhr_list_employees",
            "get_action": "factorialhr_get_employee",
            "updated_after": {"param": "updated_at_gteq", "precision": "date"},
            # Factorial narrows by work or login email; the unified work email then decides. It has no
            # parameter for the company identifier, so that filter is the platform's alone.
            "filters": {
                "email": {"field": "work_email", "param": "emails"},
                "employee_number": {"field": "employee_number"},
            },
            "create_action": "factorialhr_create_employee",
            "update_action": "factorialhr_update_employee",
            "operations": {"invite": {"action": "factorialhr_invite_employee"}},
            "fields": {
                **_ids(),
                "first_name": _same("first_name"),
                "last_name": _same("last_name"),
                "name": _read("full_name"),
                "display_name": _read("preferred_name || full_name"),
                "work_email": _same("email"),
                "personal_email": _same("personal_email"),
                "personal_phone_number": _same("phone_number"),
                "gender": _same("gender", enum=GENDERS),
                "date_of_birth": _same("birthday_on", write_as="date"),
                "employee_number": _same("company_identifier"),
                "manager_id": _same("manager_id"),
                "remote_manager_id": _read("manager_id"),
                "company_id": _same("legal_entity_id"),
                # Factorial hires with a first contract version: its job title and first day are written
                # when the employee is created, and kept on the contract (the employee's employments).
                "job_title": {"write": "job_title"},
                # Factorial counts seniority from the day the employee started (the first contract's first
                # day when hired through it): StackOne's hire and start dates.
                "hire_date": _read("seniority_calculation_date"),
                "start_date": _read(
                    "seniority_calculation_date", write="contract_starts_on", write_as="date"
                ),
                "employment_status": _read("active", enum=EMPLOYMENT_STATUSES),
                "termination_date": _read("terminated_on"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
            "expands": {
                "company": {"key": "legal_entity_id"},
                "employments": {"back": "employee_id", "param": "employee_ids"},
                "work_location": {"key": "location_id"},
                "home_location": {"fields": _home_address()},
                # A team lists its members: the teams are read whole (a company has few) and matched.
                "groups": {"back": "employee_ids"},
            },
            "derived": {
                # The job title is the contract's: the latest contract version by the day it takes effect.
                "job_title": {
                    "expand": "employments",
                    "source": "max_by(employments[?effective_date], &effective_date).job_title",
                },
                "company_name": {"expand": "company", "source": "company.name"},
            },
            "custom_fields": {
                "action": "factorialhr_list_custom_field_values",
                "param": "employee_ids",
                "owner": "valuable_id",
                "key": "custom_field_identifier",
                "name": "label",
                "value": "value",
                "field_id": "field_id",
                "value_id": "id",
            },
        },
        {
            "resource": "hris/locations",
            "list_action": "factorialhr_list_locations",
            "get_by": "ids",
            "fields": {
                **_ids(),
                "name": _read("name"),
                "phone_number": _read("phone_number"),
                "street_1": _read("address_line_1"),
                "street_2": _read("address_line_2"),
                "city": _read("city"),
                "state": _read("state"),
                "zip_code": _read("postal_code"),
                "country": _read("country", enum="code"),
                # Factorial's locations are workplaces.
                "location_type": _read('`"work"`', enum={"work": "work"}),
            },
        },
        {
            "resource": "hris/groups",
            "list_action": "factorialhr_list_teams",
            "get_action": "factorialhr_get_team",
            "fields": _team("team"),
        },
        {
            "resource": "hris/groups/teams",
            "list_action": "factorialhr_list_teams",
            "get_action": "factorialhr_get_team",
            "fields": _team("team"),
        },
    ]
