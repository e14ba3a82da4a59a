"""StackOne's unified operations as data: each `/unified/hris/*` and `/unified/ats/*` operation of
`@stackone/stackone-client-ts@4.28.0` (its `src/funcs/{hris,ats}*.ts`), by name, method and path template.

The table is what the platform answers for: an operation a route serves is served; every other one answers
StackOne's "not supported by this provider" (501), never a bare 404 (`linkyard.api.routes.unified_unsupported`).
Names are the client's method names in snake case (`hrisListEmployees` -> `hris_list_employees`), the names
StackOne's AI tools carry too. Path templates keep the client's placeholder names (`{id}`, `{subResourceId}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from linkyard.errors import NotFound

OperationMethod = Literal["GET", "POST", "PATCH", "DELETE"]

_PLACEHOLDER = re.compile(r"\{[^{}]+\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One unified operation: `hris_list_employees`, `GET`, `/unified/hris/employees`."""

    name: str
    method: OperationMethod
    path: str

    @property
    def category(self) -> str:
        """`hris` or `ats`."""
        return self.name.split("_", 1)[0]

    @property
    def shape(self) -> str:
        """The path with every placeholder as `{}`: two templates naming their parameters differently
        (`{id}`, `{employee_id}`) are the same route."""
        return path_shape(self.path)


def path_shape(path: str) -> str:
    """`/unified/hris/employees/{}` for `/unified/hris/employees/{id}`."""
    return _PLACEHOLDER.sub("{}", path)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "hris_batch_upload_employee_document", "POST", "/unified/hris/employees/{id}/documents/upload/batch"
    ),
    Operation(
        "hris_cancel_employee_time_off_request",
        "DELETE",
        "/unified/hris/employees/{id}/time_off/{subResourceId}",
    ),
    Operation("hris_create_employee", "POST", "/unified/hris/employees"),
    Operation("hris_create_employee_employment", "POST", "/unified/hris/employees/{id}/employments"),
    Operation("hris_create_employee_skill", "POST", "/unified/hris/employees/{id}/skills"),
    Operation("hris_create_employee_time_off_request", "POST", "/unified/hris/employees/{id}/time_off"),
    Operation(
        "hris_create_employee_work_eligibility_request",
        "POST",
        "/unified/hris/employees/{id}/work_eligibility",
    ),
    Operation(
        "hris_download_employee_document",
        "GET",
        "/unified/hris/employees/{id}/documents/{subResourceId}/download",
    ),
    Operation("hris_get_benefit", "GET", "/unified/hris/benefits/{id}"),
    Operation("hris_get_company", "GET", "/unified/hris/companies/{id}"),
    Operation("hris_get_company_group", "GET", "/unified/hris/groups/companies/{id}"),
    Operation("hris_get_cost_center_group", "GET", "/unified/hris/groups/cost_centers/{id}"),
    Operation("hris_get_department_group", "GET", "/unified/hris/groups/departments/{id}"),
    Operation("hris_get_division_group", "GET", "/unified/hris/groups/divisions/{id}"),
    Operation("hris_get_employee", "GET", "/unified/hris/employees/{id}"),
    Operation(
        "hris_get_employee_custom_field_definition",
        "GET",
        "/unified/hris/custom_field_definitions/employees/{id}",
    ),
    Operation("hris_get_employee_document", "GET", "/unified/hris/employees/{id}/documents/{subResourceId}"),
    Operation(
        "hris_get_employee_document_category", "GET", "/unified/hris/documents/employee_categories/{id}"
    ),
    Operation(
        "hris_get_employee_employment", "GET", "/unified/hris/employees/{id}/employments/{subResourceId}"
    ),
    Operation("hris_get_employee_shift", "GET", "/unified/hris/employees/{id}/shifts/{subResourceId}"),
    Operation("hris_get_employee_skill", "GET", "/unified/hris/employees/{id}/skills/{subResourceId}"),
    Operation("hris_get_employee_task", "GET", "/unified/hris/employees/{id}/tasks/{subResourceId}"),
    Operation(
        "hris_get_employee_time_off_balance",
        "GET",
        "/unified/hris/employees/{id}/time_off_balances/{subResourceId}",
    ),
    Operation(
        "hris_get_employees_time_off_request", "GET", "/unified/hris/employees/{id}/time_off/{subResourceId}"
    ),
    Operation(
        "hris_get_employees_work_eligibility",
        "GET",
        "/unified/hris/employees/{id}/work_eligibility/{subResourceId}",
    ),
    Operation("hris_get_employment", "GET", "/unified/hris/employments/{id}"),
    Operation("hris_get_group", "GET", "/unified/hris/groups/{id}"),
    Operation("hris_get_job", "GET", "/unified/hris/jobs/{id}"),
    Operation("hris_get_location", "GET", "/unified/hris/locations/{id}"),
    Operation("hris_get_position", "GET", "/unified/hris/positions/{id}"),
    Operation("hris_get_shift", "GET", "/unified/hris/shifts/{id}"),
    Operation("hris_get_task", "GET", "/unified/hris/tasks/{id}"),
    Operation("hris_get_team_group", "GET", "/unified/hris/groups/teams/{id}"),
    Operation("hris_get_time_entries", "GET", "/unified/hris/time_entries/{id}"),
    Operation("hris_get_time_off_policy", "GET", "/unified/hris/time_off_policies/{id}"),
    Operation("hris_get_time_off_request", "GET", "/unified/hris/time_off/{id}"),
    Operation("hris_get_time_off_type", "GET", "/unified/hris/time_off_types/{id}"),
    Operation("hris_invite_employee", "POST", "/unified/hris/employees/{id}/invite"),
    Operation("hris_list_benefits", "GET", "/unified/hris/benefits"),
    Operation("hris_list_companies", "GET", "/unified/hris/companies"),
    Operation("hris_list_companies_groups", "GET", "/unified/hris/groups/companies"),
    Operation("hris_list_cost_center_groups", "GET", "/unified/hris/groups/cost_centers"),
    Operation("hris_list_department_groups", "GET", "/unified/hris/groups/departments"),
    Operation("hris_list_division_groups", "GET", "/unified/hris/groups/divisions"),
    Operation("hris_list_employee_categories", "GET", "/unified/hris/documents/employee_categories"),
    Operation(
        "hris_list_employee_custom_field_definitions",
        "GET",
        "/unified/hris/custom_field_definitions/employees",
    ),
    Operation("hris_list_employee_documents", "GET", "/unified/hris/employees/{id}/documents"),
    Operation("hris_list_employee_employments", "GET", "/unified/hris/employees/{id}/employments"),
    Operation("hris_list_employee_shifts", "GET", "/unified/hris/employees/{id}/shifts"),
    Operation("hris_list_employee_skills", "GET", "/unified/hris/employees/{id}/skills"),
    Operation("hris_list_employee_tasks", "GET", "/unified/hris/employees/{id}/tasks"),
    Operation(
        "hris_list_employee_time_off_balances", "GET", "/unified/hris/employees/{id}/time_off_balances"
    ),
    Operation(
        "hris_list_employee_time_off_policies", "GET", "/unified/hris/employees/{id}/time_off_policies"
    ),
    Operation("hris_list_employee_time_off_requests", "GET", "/unified/hris/employees/{id}/time_off"),
    Operation("hris_list_employee_work_eligibility", "GET", "/unified/hris/employees/{id}/work_eligibility"),
    Operation("hris_list_employees", "GET", "/unified/hris/employees"),
    Operation("hris_list_employments", "GET", "/unified/hris/employments"),
    Operation("hris_list_groups", "GET", "/unified/hris/groups"),
    Operation("hris_list_jobs", "GET", "/unified/hris/jobs"),
    Operation("hris_list_locations", "GET", "/unified/hris/locations"),
    Operation("hris_list_positions", "GET", "/unified/hris/positions"),
    Operation("hris_list_shifts", "GET", "/unified/hris/shifts"),
    Operation("hris_list_tasks", "GET", "/unified/hris/tasks"),
    Operation("hris_list_team_groups", "GET", "/unified/hris/groups/teams"),
    Operation("hris_list_time_entries", "GET", "/unified/hris/time_entries"),
    Operation("hris_list_time_off_policies", "GET", "/unified/hris/time_off_policies"),
    Operation("hris_list_time_off_requests", "GET", "/unified/hris/time_off"),
    Operation("hris_list_time_off_types", "GET", "/unified/hris/time_off_types"),
    Operation("hris_update_employee", "PATCH", "/unified/hris/employees/{id}"),
    Operation(
        "hris_update_employee_employment", "PATCH", "/unified/hris/employees/{id}/employments/{subResourceId}"
    ),
    Operation("hris_update_employee_task", "PATCH", "/unified/hris/employees/{id}/tasks/{subResourceId}"),
    Operation(
        "hris_update_employee_time_off_request",
        "PATCH",
        "/unified/hris/employees/{id}/time_off/{subResourceId}",
    ),
    Operation(
        "hris_update_employee_work_eligibility_request",
        "PATCH",
        "/unified/hris/employees/{id}/work_eligibility/{subResourceId}",
    ),
    Operation("hris_upload_employee_document", "POST", "/unified/hris/employees/{id}/documents/upload"),
    Operation("ats_create_application", "POST", "/unified/ats/applications"),
    Operation("ats_create_application_note", "POST", "/unified/ats/applications/{id}/notes"),
    Operation("ats_create_background_check_package", "POST", "/unified/ats/background_checks/packages"),
    Operation("ats_create_candidate", "POST", "/unified/ats/candidates"),
    Operation("ats_create_candidate_note", "POST", "/unified/ats/candidates/{id}/notes"),
    Operation("ats_create_job", "POST", "/unified/ats/jobs"),
    Operation("ats_create_offer", "POST", "/unified/ats/offers"),
    Operation(
        "ats_delete_background_check_package", "DELETE", "/unified/ats/background_checks/packages/{id}"
    ),
    Operation(
        "ats_download_application_document",
        "GET",
        "/unified/ats/applications/{id}/documents/{subResourceId}/download",
    ),
    Operation("ats_get_application", "GET", "/unified/ats/applications/{id}"),
    Operation(
        "ats_get_application_custom_field_definition",
        "GET",
        "/unified/ats/custom_field_definitions/applications/{id}",
    ),
    Operation(
        "ats_get_application_document", "GET", "/unified/ats/applications/{id}/documents/{subResourceId}"
    ),
    Operation(
        "ats_get_application_document_category", "GET", "/unified/ats/documents/application_categories/{id}"
    ),
    Operation("ats_get_application_note", "GET", "/unified/ats/applications/{id}/notes/{subResourceId}"),
    Operation("ats_get_application_offer", "GET", "/unified/ats/applications/{id}/offers/{subResourceId}"),
    Operation(
        "ats_get_application_scheduled_interview",
        "GET",
        "/unified/ats/applications/{id}/scheduled_interviews/{subResourceId}",
    ),
    Operation(
        "ats_get_application_scorecard", "GET", "/unified/ats/applications/{id}/scorecards/{subResourceId}"
    ),
    Operation("ats_get_application_stage", "GET", "/unified/ats/application_stages/{id}"),
    Operation("ats_get_assessments_package", "GET", "/unified/ats/assessments/packages/{id}"),
    Operation("ats_get_background_check_package", "GET", "/unified/ats/background_checks/packages/{id}"),
    Operation("ats_get_candidate", "GET", "/unified/ats/candidates/{id}"),
    Operation(
        "ats_get_candidate_custom_field_definition",
        "GET",
        "/unified/ats/custom_field_definitions/candidates/{id}",
    ),
    Operation("ats_get_candidate_note", "GET", "/unified/ats/candidates/{id}/notes/{subResourceId}"),
    Operation("ats_get_department", "GET", "/unified/ats/departments/{id}"),
    Operation("ats_get_interview", "GET", "/unified/ats/interviews/{id}"),
    Operation("ats_get_interview_stage", "GET", "/unified/ats/interview_stages/{id}"),
    Operation("ats_get_job", "GET", "/unified/ats/jobs/{id}"),
    Operation(
        "ats_get_job_application_stage", "GET", "/unified/ats/jobs/{id}/application_stages/{subResourceId}"
    ),
    Operation(
        "ats_get_job_custom_field_definition", "GET", "/unified/ats/custom_field_definitions/jobs/{id}"
    ),
    Operation("ats_get_job_posting", "GET", "/unified/ats/job_postings/{id}"),
    Operation("ats_get_list", "GET", "/unified/ats/lists/{id}"),
    Operation("ats_get_location", "GET", "/unified/ats/locations/{id}"),
    Operation("ats_get_offer", "GET", "/unified/ats/offers/{id}"),
    Operation("ats_get_rejected_reason", "GET", "/unified/ats/rejected_reasons/{id}"),
    Operation("ats_get_user", "GET", "/unified/ats/users/{id}"),
    Operation("ats_list_application_changes", "GET", "/unified/ats/applications/{id}/changes"),
    Operation(
        "ats_list_application_custom_field_definitions",
        "GET",
        "/unified/ats/custom_field_definitions/applications",
    ),
    Operation(
        "ats_list_application_document_categories", "GET", "/unified/ats/documents/application_categories"
    ),
    Operation("ats_list_application_documents", "GET", "/unified/ats/applications/{id}/documents"),
    Operation("ats_list_application_notes", "GET", "/unified/ats/applications/{id}/notes"),
    Operation("ats_list_application_scorecards", "GET", "/unified/ats/applications/{id}/scorecards"),
    Operation("ats_list_application_stages", "GET", "/unified/ats/application_stages"),
    Operation("ats_list_applications", "GET", "/unified/ats/applications"),
    Operation("ats_list_applications_offers", "GET", "/unified/ats/applications/{id}/offers"),
    Operation(
        "ats_list_applications_scheduled_interviews",
        "GET",
        "/unified/ats/applications/{id}/scheduled_interviews",
    ),
    Operation("ats_list_assessments_packages", "GET", "/unified/ats/assessments/packages"),
    Operation("ats_list_background_check_packages", "GET", "/unified/ats/background_checks/packages"),
    Operation(
        "ats_list_candidate_custom_field_definitions",
        "GET",
        "/unified/ats/custom_field_definitions/candidates",
    ),
    Operation("ats_list_candidate_notes", "GET", "/unified/ats/candidates/{id}/notes"),
    Operation("ats_list_candidates", "GET", "/unified/ats/candidates"),
    Operation("ats_list_departments", "GET", "/unified/ats/departments"),
    Operation("ats_list_interview_stages", "GET", "/unified/ats/interview_stages"),
    Operation("ats_list_interviews", "GET", "/unified/ats/interviews"),
    Operation("ats_list_job_application_stages", "GET", "/unified/ats/jobs/{id}/application_stages"),
    Operation("ats_list_job_custom_field_definitions", "GET", "/unified/ats/custom_field_definitions/jobs"),
    Operation("ats_list_job_postings", "GET", "/unified/ats/job_postings"),
    Operation("ats_list_jobs", "GET", "/unified/ats/jobs"),
    Operation("ats_list_lists", "GET", "/unified/ats/lists"),
    Operation("ats_list_locations", "GET", "/unified/ats/locations"),
    Operation("ats_list_offers", "GET", "/unified/ats/offers"),
    Operation("ats_list_rejected_reasons", "GET", "/unified/ats/rejected_reasons"),
    Operation("ats_list_users", "GET", "/unified/ats/users"),
    Operation("ats_move_application", "POST", "/unified/ats/applications/{id}/move"),
    Operation("ats_order_assessments_request", "POST", "/unified/ats/assessments/orders"),
    Operation("ats_order_background_check_request", "POST", "/unified/ats/background_checks/orders"),
    Operation("ats_reject_application", "POST", "/unified/ats/applications/{id}/reject"),
    Operation("ats_update_application", "PATCH", "/unified/ats/applications/{id}"),
    Operation("ats_update_application_note", "PATCH", "/unified/ats/applications/{id}/notes/{subResourceId}"),
    Operation("ats_update_assessments_result", "PATCH", "/unified/ats/assessments/orders/{id}/result"),
    Operation("ats_update_background_check_package", "PATCH", "/unified/ats/background_checks/packages/{id}"),
    Operation(
        "ats_update_background_check_result", "PATCH", "/unified/ats/background_checks/orders/{id}/result"
    ),
    Operation("ats_update_candidate", "PATCH", "/unified/ats/candidates/{id}"),
    Operation("ats_update_job", "PATCH", "/unified/ats/jobs/{id}"),
    Operation("ats_upload_application_document", "POST", "/unified/ats/applications/{id}/documents/upload"),
)
"""The client's 148 unified operations: HRIS first, then ATS, each in the client's file order."""


@cache
def _by_shape() -> dict[tuple[str, str], Operation]:
    return {(operation.method, operation.shape): operation for operation in OPERATIONS}


def operation_at(method: str, path: str) -> Operation | None:
    """The operation whose method and path template (any placeholder names) are these; None otherwise."""
    return _by_shape().get((method.upper(), path_shape(path)))


@cache
def _by_name() -> dict[str, Operation]:
    return {operation.name: operation for operation in OPERATIONS}


def operation_named(name: str) -> Operation:
    """The operation called `name` (`hris_list_employees`); `NotFound` otherwise."""
    found = _by_name().get(name)
    if found is None:
        raise NotFound("No such unified operation", code="unified_operation_not_found")
    return found
