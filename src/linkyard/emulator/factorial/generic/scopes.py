"""The OAuth scope each namespace (or resource) of Factorial's API needs, as Factorial's scope table lists them.

Namespaces the table does not name (those added after it was published: approvals, compensations,
it_management, processes, procurement...) need a valid token and no particular scope: no OAuth application
could be granted a scope the table does not list, and the connector asks for none there either.
"""

from __future__ import annotations

BY_NAMESPACE: dict[str, str | None] = {
    "api_public": None,
    "ats": "recruitment",
    "attendance": "time_tracking",
    "banking": "banking",
    "bookkeepers_management": "employee_updates",
    "companies": "company_legal_entities",
    "contracts": "contracts",
    "custom_fields": "custom_fields",
    "custom_resources": "custom_fields",
    "documents": "documents",
    "employee_updates": "employee_updates",
    "employees": "employees",
    "expenses": "expenses",
    "finance": "finance",
    "holidays": "company_holidays",
    "job_catalog": "job_catalog",
    "locations": "company_locations",
    "marketplace": "marketplace",
    "payroll": "payroll",
    "payroll_employees": "payroll",
    "payroll_integrations_base": "integrations",
    "performance": "performance",
    "posts": "posts",
    "shift_management": "shift_management",
    "tasks": "tasks",
    "teams": "employees",
    "time_planning": "time_tracking",
    "time_settings": "time_tracking",
    "timeoff": "time_off",
    "trainings": "trainings",
    "work_schedule": "time_tracking",
}

BY_RESOURCE: dict[str, str] = {
    "payroll/supplements": "payroll_supplements",
    "project_management/expense_records": "project_management_expenses",
    "project_management/exportable_expenses": "project_management_expenses",
    "project_management/exportable_projects": "project_management_expenses",
    "project_management/flexible_time_records": "project_management_time",
    "project_management/flexible_time_record_comments": "project_management_time",
    "project_management/time_records": "project_management_time",
}


def scope_of(namespace: str, resource: str) -> str | None:
    """The scope a credential needs for `namespace/resource`."""
    path = f"{namespace}/{resource}"
    if path in BY_RESOURCE:
        return BY_RESOURCE[path]
    if namespace == "project_management":
        return "project_management_projects"
    return BY_NAMESPACE.get(namespace)
