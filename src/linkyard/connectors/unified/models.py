"""StackOne's unified models as field lists: for each resource, its fields and the kind of value each holds.

The names and enum values are those of `@stackone/stackone-client-ts@4.28.0`'s zod schemas (`employee.ts`,
`company.ts`, `hrislocation.ts`, `hrisgroup.ts`, `hristeam.ts`; for time off `timeoff.ts`, `reference.ts`,
`timeoffpolicies.ts`, `timeoffbalances.ts`; tasks `task.ts`). The fields are scalars, lists of strings and enum
objects; the nested objects StackOne embeds on `expand` (an employee's `company`, `employments`,
`work_location`...) are `expands`, each the record of another unified model, and `includes` the extra parts
`include` asks for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from linkyard.errors import NotFound

Kind = Literal["string", "strings", "datetime", "number", "boolean", "enum", "choice", "objects"]
"""`strings`: a list of strings; `datetime`: ISO 8601 with an offset (a provider's date becomes midnight UTC);
`enum`: StackOne's enum object `{value, source_value}`; `choice`: an enum StackOne gives as its bare value, not
as an enum object (a scorecard's `overall_recommendation`); `objects`: a list of objects the expression builds
(a scorecard's sections), read only."""

UNMAPPED = "unmapped_value"


@dataclass(frozen=True, slots=True)
class UnifiedField:
    """One field of a unified model. An enum's `values` are StackOne's (with `unmapped_value`); an enum whose
    values are a code list (countries) gives a `pattern` instead."""

    kind: Kind
    values: frozenset[str] = frozenset()
    pattern: str | None = None

    def allows(self, value: str) -> bool:
        """Whether `value` is one of the enum's values (or matches its pattern)."""
        if self.pattern is not None:
            return re.fullmatch(self.pattern, value) is not None
        return value in self.values


@dataclass(frozen=True, slots=True)
class Nested:
    """What StackOne embeds in a record under one `expand` name: a record (`many`: a list of records) of the
    unified model `resource`; `resource` None where StackOne documents the name but this model set has no shape
    for what it holds (an employee's `skills`): accepted, never filled."""

    resource: str | None
    many: bool = False


@dataclass(frozen=True, slots=True)
class UnifiedModel:
    """A unified resource: its category, its path under `/unified/{category}/` and its fields, in order; the
    objects `expand` embeds in it, by name, and the parts `include` adds (`custom_fields`), as StackOne's client
    documents them for the resource's operations."""

    category: str
    resource: str
    fields: Mapping[str, UnifiedField] = field(default_factory=dict)
    expands: Mapping[str, Nested] = field(default_factory=dict)
    includes: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        """`hris/employees`: how mappings and errors name the resource."""
        return f"{self.category}/{self.resource}"


def _enum(*values: str) -> UnifiedField:
    return UnifiedField("enum", frozenset((*values, UNMAPPED)))


def _choice(*values: str) -> UnifiedField:
    return UnifiedField("choice", frozenset((*values, UNMAPPED)))


_S = UnifiedField("string")
_SS = UnifiedField("strings")
_DT = UnifiedField("datetime")
_NUM = UnifiedField("number")
_COUNTRY = UnifiedField("enum", pattern=f"[A-Z]{{2}}|{UNMAPPED}")
_BOOL = UnifiedField("boolean")

_TIME_OFF_TYPES = (
    "sick",
    "vacation",
    "long_term_disability",
    "short_term_disability",
    "absent",
    "comp_time",
    "training",
    "annual_leave",
    "leave_of_absence",
    "break",
    "child_care_leave",
    "maternity_leave",
    "jury_duty",
    "sabbatical",
    "accident",
    "paid",
    "unpaid",
    "holiday",
    "personal",
    "in_lieu",
    "bereavement",
    "other",
)
"""The kinds of time off of StackOne's policies and requests (`TimeOffSchemasValue`)."""
_DURATION_UNITS = ("minutes", "hours", "days", "weeks", "months", "years", "unknown")

FILE_FORMATS = (
    *("pdf", "doc", "docx", "odt", "rtf", "txt", "csv", "xls", "xlsx", "ods", "ppt", "pptx", "odp"),
    *("png", "jpg", "jpeg", "gif", "bmp", "tiff", "webp", "heic", "svg", "zip", "json", "xml", "html"),
)
"""The file formats (extensions) of StackOne's document enum that a mapping may name: the common ones of its list
of several hundred."""

CUSTOM_FIELDS = "custom_fields"
"""The `include` of a record's custom field values (StackOne's `custom_fields` list)."""

_GROUP_FIELDS: dict[str, UnifiedField] = {
    "id": _S,
    "remote_id": _S,
    "name": _S,
    "parent_ids": _SS,
    "remote_parent_ids": _SS,
    "owner_ids": _SS,
    "remote_owner_ids": _SS,
    "company_id": _S,
    "remote_company_id": _S,
}


def _stage_fields() -> dict[str, UnifiedField]:
    return {"id": _S, "remote_id": _S, "name": _S, "order": _NUM, "created_at": _DT, "updated_at": _DT}


def _ats_models() -> tuple[UnifiedModel, ...]:
    """StackOne's ATS models (`atsjob.ts`, `jobposting.ts`, `candidate.ts`, `application.ts`,
    `applicationstage.ts`, `interviewstage.ts`, `rejectedreason.ts`, `scorecard.ts` with `scorecardsection.ts`
    and `field.ts`, `department.ts`, `atslocation.ts`, and `lmsuser.ts`, which the client reads ATS users as)."""
    return (
        UnifiedModel(
            "ats",
            "jobs",
            {
                "id": _S,
                "remote_id": _S,
                "code": _S,
                "title": _S,
                "description": _S,
                "status": _S,
                "job_status": _enum(
                    "published",
                    "draft",
                    "pending",
                    "internal",
                    "archived",
                    "closed",
                    "open",
                    "deleted",
                    "on_hold",
                ),
                "department_ids": _SS,
                "remote_department_ids": _SS,
                "location_ids": _SS,
                "remote_location_ids": _SS,
                "created_at": _DT,
                "updated_at": _DT,
            },
            expands={
                # StackOne documents `job_postings`, which its job model (`atsjob.ts`) has no field for.
                "job_postings": Nested(None, many=True),
                "interview_stages": Nested("ats/interview_stages", many=True),
            },
            includes=frozenset({CUSTOM_FIELDS}),
        ),
        UnifiedModel(
            "ats",
            "job_postings",
            {
                "id": _S,
                "remote_id": _S,
                "title": _S,
                "job_id": _S,
                "remote_job_posting_id": _S,
                "status": _enum("live", "draft", "pending", "internal", "rejected", "closed", "archived"),
                "employment_type": _enum("full_time", "shifts", "part_time"),
                "employment_contract_type": _enum(
                    "contractor",
                    "intern",
                    "permanent",
                    "apprentice",
                    "freelance",
                    "terminated",
                    "temporary",
                    "seasonal",
                    "volunteer",
                    "probation",
                    "internal",
                    "external",
                    "expatriate",
                    "employer_of_record",
                    "casual",
                    "Programme",
                ),
                "external_url": _S,
                "external_apply_url": _S,
                "start_date": _DT,
                "created_at": _DT,
                "updated_at": _DT,
            },
            includes=frozenset({"questionnaires"}),
        ),
        UnifiedModel(
            "ats",
            "candidates",
            {
                "id": _S,
                "remote_id": _S,
                "name": _S,
                "first_name": _S,
                "last_name": _S,
                "email": _S,
                "phone": _S,
                "company": _S,
                "title": _S,
                "country": _S,
                "hired_at": _DT,
                "application_ids": _SS,
                "remote_application_ids": _SS,
                "created_at": _DT,
                "updated_at": _DT,
            },
            includes=frozenset({CUSTOM_FIELDS}),
        ),
        UnifiedModel(
            "ats",
            "applications",
            {
                "id": _S,
                "remote_id": _S,
                "candidate_id": _S,
                "remote_candidate_id": _S,
                "job_id": _S,
                "remote_job_id": _S,
                "interview_stage_id": _S,
                "remote_interview_stage_id": _S,
                "rejected_reason_ids": _SS,
                "remote_rejected_reason_ids": _SS,
                "rejected_at": _DT,
                "location_id": _S,
                "remote_location_id": _S,
                "location_ids": _SS,
                "remote_location_ids": _SS,
                "application_status": _enum(
                    "active",
                    "assessment",
                    "background_check",
                    "converted",
                    "declined_by_candidate",
                    "hired",
                    "interview",
                    "lead",
                    "offer",
                    "reference_check",
                    "rejected",
                    "review",
                    "screen",
                    "new",
                    "onboarding",
                    "created",
                    "accepted",
                    "short_list",
                    "approved",
                ),
                "created_at": _DT,
                "updated_at": _DT,
            },
            expands={"documents": Nested(None, many=True)},
            includes=frozenset({"attachments", CUSTOM_FIELDS}),
        ),
        UnifiedModel("ats", "application_stages", _stage_fields()),
        UnifiedModel("ats", "interview_stages", _stage_fields()),
        UnifiedModel("ats", "job_application_stages", _stage_fields()),
        UnifiedModel(
            "ats",
            "rejected_reasons",
            {
                "id": _S,
                "remote_id": _S,
                "label": _S,
                "type": _S,
                "rejected_reason_type": _enum(
                    "rejected_by_candidate", "rejected_by_organization", "other", "unknown"
                ),
            },
        ),
        UnifiedModel(
            "ats",
            "application_scorecards",
            {
                "id": _S,
                "remote_id": _S,
                "label": _S,
                "sections": UnifiedField("objects"),
                "candidate_id": _S,
                "remote_candidate_id": _S,
                "application_id": _S,
                "remote_application_id": _S,
                "interview_id": _S,
                "remote_interview_id": _S,
                "author_id": _S,
                "remote_author_id": _S,
                "overall_recommendation": _choice("strong_yes", "yes", "no", "strong_no", "no_decision"),
                "created_at": _DT,
                "updated_at": _DT,
            },
        ),
        UnifiedModel("ats", "departments", {"id": _S, "remote_id": _S, "name": _S}),
        UnifiedModel("ats", "locations", {"id": _S, "remote_id": _S, "name": _S}),
        UnifiedModel(
            "ats",
            "users",
            {
                "id": _S,
                "remote_id": _S,
                "external_reference": _S,
                "name": _S,
                "email": _S,
                "phone_number": _S,
                "active": UnifiedField("boolean"),
                "created_at": _DT,
                "updated_at": _DT,
            },
        ),
    )


MODELS: tuple[UnifiedModel, ...] = (
    UnifiedModel(
        "hris",
        "companies",
        {
            "id": _S,
            "remote_id": _S,
            "name": _S,
            "display_name": _S,
            "full_name": _S,
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    UnifiedModel(
        "hris",
        "employees",
        {
            "id": _S,
            "remote_id": _S,
            "first_name": _S,
            "last_name": _S,
            "name": _S,
            "display_name": _S,
            "avatar_url": _S,
            "work_email": _S,
            "personal_email": _S,
            "work_phone_number": _S,
            "personal_phone_number": _S,
            "gender": _enum("male", "female", "non_binary", "other", "not_disclosed", "diverse"),
            "marital_status": _enum(
                "single",
                "married",
                "common_law",
                "divorced",
                "widowed",
                "domestic_partnership",
                "separated",
                "other",
                "not_disclosed",
            ),
            "date_of_birth": _DT,
            "birthday": _DT,
            "employee_number": _S,
            "job_title": _S,
            "job_id": _S,
            "department": _S,
            "department_id": _S,
            "manager_id": _S,
            "remote_manager_id": _S,
            "company_id": _S,
            "company_name": _S,
            "employment_status": _enum("active", "pending", "terminated", "leave", "inactive", "unknown"),
            "hire_date": _DT,
            "start_date": _DT,
            "termination_date": _DT,
            "work_anniversary": _DT,
            "tenure": _NUM,
            "created_at": _DT,
            "updated_at": _DT,
        },
        expands={
            "company": Nested("hris/companies"),
            "employments": Nested("hris/employments", many=True),
            "work_location": Nested("hris/locations"),
            "home_location": Nested("hris/locations"),
            "groups": Nested("hris/groups", many=True),
            "skills": Nested(None, many=True),
        },
        includes=frozenset({"avatar_url", "avatar", CUSTOM_FIELDS, "job_description", "benefits"}),
    ),
    UnifiedModel(
        "hris",
        "locations",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "remote_employee_id": _S,
            "name": _S,
            "phone_number": _S,
            "street_1": _S,
            "street_2": _S,
            "city": _S,
            "state": _S,
            "zip_code": _S,
            "country": _COUNTRY,
            "location_type": _enum("home", "work"),
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    UnifiedModel(
        "hris",
        "groups",
        {
            **_GROUP_FIELDS,
            "type": _enum("workspace", "team", "department", "group", "organization", "cost_center"),
        },
    ),
    UnifiedModel("hris", "groups/teams", {**_GROUP_FIELDS, "type": _enum("team")}),
    UnifiedModel(
        "hris",
        "time_off",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "remote_employee_id": _S,
            "approver_id": _S,
            "remote_approver_id": _S,
            "status": _enum("approved", "cancelled", "rejected", "pending", "deleted", "draft"),
            "type": _enum(*_TIME_OFF_TYPES),
            "start_date": _S,
            "end_date": _S,
            "start_half_day": _BOOL,
            "end_half_day": _BOOL,
            "duration": _S,
            "time_off_policy_id": _S,
            "remote_time_off_policy_id": _S,
            "comment": _S,
            "created_at": _DT,
            "updated_at": _DT,
        },
        expands={"policy": Nested("hris/time_off_policies")},
    ),
    UnifiedModel(
        "hris",
        "time_off_types",
        {"id": _S, "remote_id": _S, "name": _S, "active": _BOOL},
    ),
    UnifiedModel(
        "hris",
        "time_off_policies",
        {
            "id": _S,
            "remote_id": _S,
            "name": _S,
            "description": _S,
            "type": _enum(*_TIME_OFF_TYPES),
            "duration_unit": _enum(*_DURATION_UNITS),
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    UnifiedModel(
        "hris",
        "time_off_balances",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "remote_employee_id": _S,
            "policy_id": _S,
            "remote_policy_id": _S,
            "current_balance": _NUM,
            "initial_balance": _NUM,
            "balance_unit": _enum(*_DURATION_UNITS),
            "balance_start_date": _DT,
            "balance_expiry_date": _DT,
            "updated_at": _DT,
        },
        expands={"policy": Nested("hris/time_off_policies")},
    ),
    UnifiedModel(
        "hris",
        "employments",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "remote_employee_id": _S,
            "job_title": _S,
            "pay_rate": _S,
            "pay_currency": _S,
            "pay_period": _enum(
                "hour",
                "day",
                "week",
                "every_two_weeks",
                "month",
                "twice_a_month",
                "every_two_months",
                "quarter",
                "every_six_months",
                "year",
                "one_off",
                "none",
            ),
            "payroll_code": _S,
            "fte": _NUM,
            "effective_date": _DT,
            "start_date": _DT,
            "end_date": _DT,
            "created_at": _DT,
            "updated_at": _DT,
        },
        # StackOne documents `groups`; its employment model (`employment.ts`) has no field of that name.
        expands={"groups": Nested(None, many=True)},
    ),
    UnifiedModel(
        "hris",
        "groups/companies",
        {
            "id": _S,
            "remote_id": _S,
            "name": _S,
            "display_name": _S,
            "full_name": _S,
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    UnifiedModel(
        "hris",
        "groups/cost_centers",
        {
            **_GROUP_FIELDS,
            "distribution_percentage": _NUM,
            "type": _enum("workspace", "team", "department", "group", "organization", "cost_center"),
        },
    ),
    UnifiedModel(
        "hris",
        "jobs",
        {
            "id": _S,
            "remote_id": _S,
            "code": _S,
            "title": _S,
            "description": _S,
            "status": _enum("draft", "pending", "archived", "closed", "open", "deleted"),
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    *_ats_models(),
    # --- shifts and time entries (`hrisshift.ts`, `timeentries.ts`) ---------------------------------------------
    UnifiedModel(
        "hris",
        "shifts",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "company_id": _S,
            "location_id": _S,
            # StackOne's shift times are ISO 8601 date-times without a time zone: strings, not `datetime`.
            "start_time": _S,
            "end_time": _S,
            "break_duration": _S,
            "status": _enum("draft", "published", "confirmed", "cancelled"),
            "approval_status": _enum("pending", "approved", "rejected"),
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    UnifiedModel(
        "hris",
        "time_entries",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "remote_employee_id": _S,
            "start_time": _DT,
            "end_time": _DT,
            "hours_worked": _NUM,
            "break_duration": _NUM,
            "status": _enum("approved"),
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    # --- documents (`hrisdocumentapimodel.ts`, `reference.ts`) ---------------------------------------------------
    UnifiedModel(
        "hris",
        "documents",
        {
            "id": _S,
            "remote_id": _S,
            "name": _S,
            "category_id": _S,
            "file_format": _enum(*FILE_FORMATS),
            "remote_url": _S,
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    UnifiedModel(
        "hris",
        "documents/employee_categories",
        {"id": _S, "remote_id": _S, "name": _S, "active": _BOOL},
    ),
    # --- tasks (`task.ts`) ----------------------------------------------------------------------------------------
    UnifiedModel(
        "hris",
        "tasks",
        {
            "id": _S,
            "remote_id": _S,
            "employee_id": _S,
            "name": _S,
            "description": _S,
            "type": _enum("action", "review", "acknowledgment", "edit", "approve"),
            "status": _enum("open", "in_progress", "blocked", "completed", "cancelled"),
            "due_date": _DT,
            "completion_date": _DT,
            "assigned_by_employee_id": _S,
            "assigned_by_employee_name": _S,
            "link_to_task": _S,
            "extracted_links": _SS,
            "next_task_id": _S,
            "parent_process_name": _S,
            "created_at": _DT,
            "updated_at": _DT,
        },
    ),
    # --- custom field definitions (`customfielddefinition.ts`) -------------------------------------------------
    UnifiedModel(
        "hris",
        "custom_field_definitions/employees",
        {
            "id": _S,
            "remote_id": _S,
            "name": _S,
            "description": _S,
            "type": _enum(
                "date",
                "float",
                "integer",
                "list",
                "checkbox",
                "text",
                "boolean",
                "single_select",
                "multi_select",
                "url",
                "other",
            ),
        },
    ),
)
"""The unified resources a mapping may fill, each once."""

_BY_KEY = MappingProxyType({model.key: model for model in MODELS})


def model_of(key: str) -> UnifiedModel:
    """The unified model named `key` (`hris/employees`); `NotFound` otherwise."""
    found = _BY_KEY.get(key)
    if found is None:
        raise NotFound("No such unified resource", code="unified_resource_not_found")
    return found
