"""The REST resources the emulator serves, as data: path, scope, filters, who sees what, and the writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams

from . import writes
from .caller import Caller
from .durations import duration_by_day
from .query import (
    Filter,
    Predicate,
    accepted,
    date_at_least,
    date_at_most,
    equals_bool,
    equals_text,
    flag,
    ids_on,
    parse_bool,
    parse_ids,
    switched_on,
)
from .state import Row

Create = Callable[[Caller, Any], Row]
Update = Callable[[Caller, Row, Any], Row]
Delete = Callable[[Caller, Row], Row]
Action = Callable[[Caller, Any], Row | list[Row]]
Expansion = Callable[[Caller, QueryParams], Callable[[Row], Row]]
"""Built once per list request from its parameters; returns the fields it adds to (or replaces on) a row."""

# Fields a non-admin user token sees as null on other employees (Factorial's "restricted payload").
RESTRICTED_EMPLOYEE_FIELDS = (
    "personal_email",
    "birthday_on",
    "nationality",
    "address_line_1",
    "address_line_2",
    "postal_code",
    "city",
    "state",
    "country",
    "phone_number",
    "bank_number",
    "swift_bic",
    "social_security_number",
    "identifier",
    "identifier_type",
    "contact_name",
    "contact_number",
    "age_number",
    "gender",
    "disability_percentage_cents",
    "birthplace",
    "country_of_birth",
)


@dataclass(frozen=True)
class Resource:
    path: str  # "timeoff/leaves", under /api/{version}/resources/
    scope: str | None  # None: any credential
    event: str  # webhook event prefix: "timeoff/leave" → "timeoff/leave/create"
    filters: tuple[Filter, ...] = ()
    gettable: bool = True
    visible: Callable[[Caller, Row], bool] | None = None
    present: Callable[[Caller, Row], Row] | None = None
    listing: Callable[[Caller], list[Row]] | None = None  # computed lists instead of a table
    create: Create | None = None
    update: Update | None = None
    delete: Delete | None = None
    actions: Mapping[str, Action] = field(default_factory=dict)
    multipart: bool = False  # creates come as `multipart/form-data` (a file upload), not JSON
    multipart_update: bool = False  # updates too
    listable: bool = True
    prepare: Callable[[Caller], None] | None = (
        None  # run before any request (the generic engine seeds lazily)
    )
    deleted_flag: str | None = None  # a list flag (`include_deleted_leaves`) that adds the soft-deleted rows
    expansions: Mapping[str, Expansion] = field(default_factory=dict)  # list flag → the fields it adds

    def expanding(self, caller: Caller, params: QueryParams) -> list[Callable[[Row], Row]]:
        """The expansions the list request switched on (`include_duration_by_day=true`)."""
        return [
            expand(caller, params) for name, expand in self.expansions.items() if switched_on(params, name)
        ]

    def rows(self, caller: Caller, params: QueryParams | None = None) -> list[Row]:
        if self.listing is not None:
            return self.listing(caller)
        table = caller.world.table(self.path)
        if self.deleted_flag is not None and params is not None and switched_on(params, self.deleted_flag):
            return table.rows_with_deleted(caller.company_id)
        return table.rows(caller.company_id)


def _own_or_managed(caller: Caller, row: Row) -> bool:
    return caller.manages(row.get("employee_id"))


def _own(caller: Caller, row: Row) -> bool:
    return caller.admin or caller.is_self(row.get("employee_id"))


def _hiring_manager(caller: Caller, row: Row) -> bool:
    return caller.admin or caller.employee_id in row.get("_hiring_manager_ids", ())


def _restricted_employee(caller: Caller, row: Row) -> Row:
    if caller.admin or caller.is_self(row["id"]):
        return row
    return {**row, **dict.fromkeys(RESTRICTED_EMPLOYEE_FIELDS)}


def _credentials(caller: Caller) -> list[Row]:
    """One credential describing the caller: the employee for a user token, the company otherwise."""
    company = caller.world.companies[caller.company_id]
    if caller.employee is not None:
        person = caller.employee
        return [
            {
                "id": f"access_{caller.principal.kind}_{person['access_id']}",
                "company_id": company.id,
                "employee_id": person["id"],
                "email": person.get("email"),
                "login_email": person.get("login_email"),
                "first_name": person.get("first_name"),
                "last_name": person.get("last_name"),
                "full_name": person.get("full_name"),
                "role": person.get("_role", "basic"),
            }
        ]
    return [
        {
            "id": f"company_{company.id}",
            "company_id": company.id,
            "employee_id": None,
            "name": company.name,
            "legal_name": company.legal_name,
            "tin": company.tin,
            "locale": company.locale,
            "logo": None,
            "subscription_plan": company.subscription_plan,
            "onboarded_on": company.onboarded_on,
            "tos": True,
            "gdpr_tos": True,
            "to_be_deleted": None,
        }
    ]


def _employees_in_teams(caller: Caller, raw: list[str]) -> Predicate:
    teams = parse_ids("team_ids", raw)
    members: set[int] = set()
    for team in caller.world.table("teams/teams").rows(caller.company_id):
        if team["id"] in teams:
            members.update(team.get("employee_ids") or ())
    return lambda row: row["id"] in members


def _managers(caller: Caller, raw: list[str]) -> Predicate | None:
    if not parse_bool("only_managers", raw[-1]):
        return None
    managers = {
        row.get("manager_id") for row in caller.world.table("employees/employees").rows(caller.company_id)
    }
    return lambda row: row["id"] in managers


def _emails(caller: Caller, raw: list[str]) -> Predicate:
    wanted = {item.strip().lower() for item in raw}
    return lambda row: (
        (row.get("email") or "").lower() in wanted or (row.get("login_email") or "").lower() in wanted
    )


def _name_contains(caller: Caller, raw: list[str]) -> Predicate:
    needle = raw[-1].strip().lower()
    return lambda row: needle in (row.get("full_name") or "").lower()


def _name_starts_with(caller: Caller, raw: list[str]) -> Predicate:
    prefix = raw[-1].strip().lower()
    return lambda row: (row.get("full_name") or "").lower().startswith(prefix)


def _leave_from(caller: Caller, raw: list[str]) -> Predicate:
    bound = date_at_least("from", "finish_on").build(caller, raw)
    return lambda row: row.get("finish_on") is None or bool(bound and bound(row))


def _in_texts(field: str) -> Callable[[Caller, list[str]], Predicate]:
    def build(_: Caller, raw: list[str]) -> Predicate:
        wanted = set(raw)
        return lambda row: row.get(field) in wanted

    return build


def _in_trash_bin(caller: Caller, raw: list[str]) -> Predicate:
    trashed = parse_bool("by_trash_bin", raw[-1])
    return lambda row: (row.get("deleted_at") is not None) is trashed


def _hiring_candidates(caller: Caller, raw: list[str]) -> Predicate:
    postings = parse_ids("job_posting_ids", raw)
    return lambda row: bool(postings.intersection(row.get("ats_job_posting_ids") or ()))


def _assigned_to(caller: Caller, raw: list[str]) -> Predicate:
    """Tasks assigned to these access ids (a task's assignees are access ids, not employee ids)."""
    wanted = parse_ids("assignee_id", raw)
    return lambda row: bool(wanted.intersection(row.get("assignee_ids") or ()))


def _assigned_or_admin(caller: Caller, row: Row) -> bool:
    """An admin sees every task; a person, the tasks they wrote or are assigned to."""
    if caller.admin or caller.is_self(row.get("author_employee_id")):
        return True
    access_id = caller.employee.get("access_id") if caller.employee is not None else None
    return access_id is not None and access_id in (row.get("assignee_ids") or ())


def _phase_counts(caller: Caller, row: Row) -> Row:
    """A phase with its counts of applications, as they are now (rejected ones are not active)."""
    applications = caller.world.table("ats/applications").rows(caller.company_id)
    inside = [a for a in applications if a.get("ats_application_phase_id") == row["id"]]
    active = sum(1 for a in inside if a.get("ats_rejection_reason_id") is None)
    return {**row, "applications_count": len(inside), "active_applications_count": active}


def _stage_of_phase(caller: Caller, raw: list[str]) -> Predicate:
    phases = caller.world.table("ats/application_phases")
    stages = {
        phase.get("ats_hiring_stage_id")
        for phase_id in parse_ids("ats_application_phase_id", raw)
        if (phase := phases.get(caller.company_id, phase_id)) is not None
    }
    return lambda row: row["id"] in stages


def _reasons_of_applications(caller: Caller, raw: list[str]) -> Predicate:
    applications = caller.world.table("ats/applications")
    reasons = {
        application.get("ats_rejection_reason_id")
        for application_id in parse_ids("ats_application_ids", raw)
        if (application := applications.get(caller.company_id, application_id)) is not None
    }
    return lambda row: row["id"] in reasons


def _templates(caller: Caller, raw: list[str]) -> Predicate:
    """`template=true`: the company's templates (forms of no posting); `false`: the postings' forms."""
    wanted = parse_bool("template", raw[-1])
    return lambda row: (row.get("ats_job_posting_id") is None) is wanted


def build_resources() -> dict[str, Resource]:
    """Every resource of the spec's table, keyed by path."""
    employee_id_filter = ids_on("employee_ids", "employee_id")
    resources = [
        Resource(
            "api_public/credentials", None, "api_public/credential", gettable=False, listing=_credentials
        ),
        Resource(
            "employees/employees",
            "employees",
            "employees/employee",
            filters=(
                ids_on("access_ids", "access_id"),
                ids_on("location_ids", "location_id"),
                ids_on("legal_entity_ids", "legal_entity_id"),
                Filter("team_ids", _employees_in_teams),
                Filter("emails", _emails),
                Filter("full_text_name", _name_contains),
                Filter("name_starts_with", _name_starts_with),
                Filter("only_managers", _managers),
                flag("only_active", lambda row: bool(row.get("active"))),
                date_at_least("updated_at_gteq", "updated_at"),
                equals_text("company_identifier", "company_identifier"),
            ),
            present=_restricted_employee,
            update=writes.update_employee,
            actions={
                "create_with_contract": writes.create_employee_with_contract,
                "terminate": writes.terminate_employee,
                "unterminate": writes.unterminate_employee,
                "invite": writes.invite_employee,
            },
        ),
        Resource("teams/teams", "employees", "teams/team"),
        Resource(
            "teams/memberships",
            "employees",
            "teams/membership",
            filters=(ids_on("team_ids", "team_id"), employee_id_filter, equals_bool("lead", "lead")),
        ),
        Resource(
            "locations/locations",
            "company_locations",
            "locations/location",
            filters=(equals_bool("main", "main"),),
        ),
        Resource("companies/legal_entities", "company_legal_entities", "companies/legal_entity"),
        Resource(
            "holidays/company_holidays",
            "company_holidays",
            "holidays/company_holiday",
            filters=(ids_on("location_ids", "location_id"),),
            gettable=False,
        ),
        Resource(
            "contracts/contract_versions",
            "contracts",
            "contracts/contract_version",
            filters=(
                employee_id_filter,
                date_at_least("updated_at_gteq", "updated_at"),
                date_at_most("updated_at_lteq", "updated_at"),
            ),
            visible=_own,
            create=writes.create_contract_version,
            update=writes.update_contract_version,
        ),
        Resource(
            "timeoff/leave_types",
            "time_off",
            "timeoff/leave_type",
            filters=(equals_bool("active", "active"), equals_bool("payable", "payable")),
        ),
        Resource(
            "timeoff/leaves",
            "time_off",
            "timeoff/leave",
            filters=(
                employee_id_filter,
                ids_on("leave_type_id", "leave_type_id"),
                Filter("from", _leave_from),
                date_at_most("to", "start_on"),
                equals_bool("approved", "approved"),
                accepted("include_leave_type", parse_bool),
                accepted("include_pending", parse_bool),
            ),
            visible=_own_or_managed,
            create=writes.create_leave,
            update=writes.update_leave,
            delete=writes.delete_leave,
            actions={"approve": writes.approve_leave, "reject": writes.reject_leave},
            deleted_flag="include_deleted_leaves",
            expansions={"include_duration_by_day": duration_by_day},
        ),
        Resource(
            "timeoff/allowances",
            "time_off",
            "timeoff/allowance",
            filters=(Filter("employee_ids", lambda c, r: _valid_ids(r)),),
        ),
        Resource(
            "timeoff/allowance_stats",
            "time_off",
            "timeoff/allowance_stat",
            filters=(employee_id_filter,),
            visible=_own_or_managed,
        ),
        Resource(
            "attendance/shifts",
            "time_tracking",
            "attendance/shift",
            filters=(employee_id_filter, date_at_least("start_on", "date"), date_at_most("end_on", "date")),
            visible=_own_or_managed,
            actions={"clock_in": writes.clock_in, "clock_out": writes.clock_out},
        ),
        Resource(
            "ats/job_postings", "recruitment", "ats/job_posting", filters=(equals_text("status", "status"),)
        ),
        Resource(
            "ats/candidates",
            "recruitment",
            "ats/candidate",
            filters=(Filter("emails", _emails), Filter("job_posting_ids", _hiring_candidates)),
            visible=_hiring_manager,
            create=writes.create_candidate,
            update=writes.update_candidate,
        ),
        Resource(
            "ats/applications",
            "recruitment",
            "ats/application",
            filters=(
                ids_on("ats_job_posting_id", "ats_job_posting_id"),
                ids_on("ats_candidate_ids", "ats_candidate_id"),
                ids_on("ats_application_phase_id", "ats_application_phase_id"),
                ids_on("ats_rejection_reason_ids", "ats_rejection_reason_id"),
                equals_bool("qualified", "qualified"),
            ),
            visible=_hiring_manager,
            create=writes.create_application,
            update=writes.update_application,
            actions={"move_to_phase": writes.move_application},
        ),
        Resource(
            "ats/application_phases",
            "recruitment",
            "ats/application_phase",
            filters=(ids_on("ats_job_posting_ids", "ats_job_posting_id"),),
            present=_phase_counts,
        ),
        Resource(
            "ats/feedbacks",
            "recruitment",
            "ats/feedback",
            filters=(
                ids_on("ats_application_ids", "ats_application_id"),
                ids_on("ats_candidate_id", "ats_candidate_id"),
            ),
            visible=_hiring_manager,
        ),
        Resource(
            "ats/evaluation_forms",
            "recruitment",
            "ats/evaluation_form",
            filters=(ids_on("ats_job_posting_ids", "ats_job_posting_id"), Filter("template", _templates)),
        ),
        Resource(
            "ats/hiring_stages",
            "recruitment",
            "ats/hiring_stage",
            filters=(Filter("ats_application_phase_id", _stage_of_phase),),
        ),
        Resource(
            "ats/rejection_reasons",
            "recruitment",
            "ats/rejection_reason",
            filters=(Filter("ats_application_ids", _reasons_of_applications),),
        ),
        Resource(
            "job_catalog/roles",
            "job_catalog",
            "job_catalog/role",
            filters=(equals_bool("archived", "archived"),),
        ),
        Resource("finance/cost_centers", "finance", "finance/cost_center"),
        Resource(
            "documents/folders",
            "documents",
            "documents/folder",
            filters=(equals_bool("active", "active"), equals_text("name", "name"), accepted("employee_id")),
        ),
        Resource(
            "documents/documents",
            "documents",
            "documents/document",
            filters=(
                employee_id_filter,
                ids_on("folder_id", "folder_id"),
                ids_on("leave_id", "leave_id"),
                Filter("by_trash_bin", _in_trash_bin),
                equals_bool("by_pending_assignment", "is_pending_assignment"),
                flag("by_without_folder", lambda row: row.get("folder_id") is None),
                accepted("by_bookkeeper_documents", parse_bool),
            ),
            visible=_own,
            create=writes.create_document,
            multipart=True,
        ),
        Resource(
            "custom_fields/fields",
            "custom_fields",
            "custom_fields/field",
            filters=(
                equals_text("field_type", "field_type"),
                equals_text("label", "label_text"),
                equals_text("slug", "slug"),
                accepted("company_id"),
            ),
        ),
        Resource(
            "custom_fields/options",
            "custom_fields",
            "custom_fields/option",
            filters=(ids_on("field_ids", "field_id"),),
        ),
        Resource(
            "custom_fields/values",
            "custom_fields",
            "custom_fields/value",
            filters=(
                ids_on("employee_ids", "valuable_id"),
                Filter("identifiers", _in_texts("custom_field_identifier")),
                ids_on("field_id", "field_id"),
                equals_text("slug", "custom_field_identifier"),
                equals_text("value", "value"),
                accepted("instance_id"),
                date_at_least("updated_at_gteq", "updated_at"),
            ),
            visible=lambda caller, row: caller.admin or caller.is_self(row.get("valuable_id")),
        ),
        Resource(
            "tasks/tasks",
            "tasks",
            "tasks/task",
            filters=(
                Filter("assignee_id", _assigned_to),
                equals_text("task_status", "status"),
                equals_text("due_on", "due_on"),
                accepted("company_id"),
            ),
            visible=_assigned_or_admin,
        ),
        # Served by `RestApi.download_urls` (its URLs need the request's host); listed for its scope.
        Resource("documents/download_urls", "documents", "documents/download_url", gettable=False),
        Resource(
            "api_public/webhook_subscriptions",
            None,
            "api_public/webhook_subscription",
            filters=(equals_text("type", "type"), equals_bool("enabled", "enabled")),
            create=writes.create_subscription,
            update=writes.update_subscription,
            delete=writes.delete_subscription,
        ),
    ]
    return {resource.path: resource for resource in resources}


def _valid_ids(raw: list[str]) -> None:
    """Allowances belong to the company's policy, which every employee shares: the filter only validates."""
    parse_ids("employee_ids", raw)
    return None
