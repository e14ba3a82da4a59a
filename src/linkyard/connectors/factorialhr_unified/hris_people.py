"""StackOne's people and organisation models over Factorial: employments are its contract versions (each one
employment of an employee, the job title, pay and dates from the day it takes effect), jobs the roles of its job
catalog, cost center groups its cost centers and company groups its legal entities."""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read
from linkyard.connectors.factorialhr_unified.fields import same as _same

JOB_STATUSES = {"false": "open", "true": "archived"}
"""A job catalog role is in use or archived (Factorial's `archived`)."""
PAY_PERIODS = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}
"""Factorial's `salary_frequency`: the period its salary amount is for (StackOne's `pay_period`)."""


def resources() -> list[dict[str, Any]]:
    """The people and organisation resources' mappings."""
    return [
        {
            "resource": "hris/employments",
            "list_action": "factorialhr_list_contract_versions",
            "get_action": "factorialhr_get_contract_version",
            "updated_after": {"param": "updated_at_gteq", "precision": "date"},
            # An employee's employments (`/employees/{id}/employments`): the versions of that employee.
            "filters": {"employee_id": {"field": "employee_id", "param": "employee_ids"}},
            "create_action": "factorialhr_create_contract_version",
            "update_action": "factorialhr_update_contract_version",
            "fields": {
                **_ids(),
                "employee_id": _same("employee_id"),
                "remote_employee_id": _read("employee_id"),
                "job_title": _same("job_title"),
                # Factorial's salary is in cents of its currency, per `salary_frequency`.
                "pay_rate": _read("fixed(divide(salary_amount, `100`), `2`)"),
                "pay_currency": _read("salary_currency"),
                "pay_period": _same("salary_frequency", enum=PAY_PERIODS),
                # Factorial's share of full time is a percentage in hundredths (10000: full time).
                "fte": _read("divide(working_time_percentage_in_cents, `10000`)"),
                "effective_date": _same("effective_on", write_as="date"),
                "start_date": _same("starts_on", write_as="date"),
                "end_date": _same("ends_on", write_as="date"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
        {
            "resource": "hris/jobs",
            "list_action": "factorialhr_list_job_roles",
            "get_by": "ids",
            "fields": {
                **_ids(),
                "title": _read("name"),
                "description": _read("description"),
                "status": _read("archived", enum=JOB_STATUSES),
            },
        },
        {
            "resource": "hris/groups/cost_centers",
            "list_action": "factorialhr_list_cost_centers",
            "get_by": "ids",
            "fields": {
                **_ids(),
                "name": _read("name"),
                "company_id": _read("legal_entity_id"),
                "remote_company_id": _read("legal_entity_id"),
                # Every cost center is one: the literal is the source value StackOne's enum object carries.
                "type": _read('`"cost_center"`', enum={"cost_center": "cost_center"}),
            },
        },
        {
            "resource": "hris/groups/companies",
            "list_action": "factorialhr_list_legal_entities",
            "get_by": "ids",
            "fields": {
                **_ids(),
                "name": _read("legal_name"),
                "display_name": _read("legal_name"),
                "full_name": _read("legal_name"),
            },
        },
    ]
