"""The REST resources the emulator serves, as data: path, scope, filters, who sees what, and the writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import writes
from .caller import Caller
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
)
from .state import Row

Create = Callable[[Caller, Any], Row]
Update = Callable[[Caller, Row, Any], Row]
Delete = Callable[[Caller, Row], Row]

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
    actions: Mapping[str, Create] = field(default_factory=dict)

    def rows(self, caller: Caller) -> list[Row]:
        if self.listing is not None:
            return self.listing(caller)
        return caller.world.table(self.path).rows(caller.company_id)


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


def _hiring_candidates(caller: Caller, raw: list[str]) -> Predicate:
    postings = parse_ids("job_posting_ids", raw)
    return lambda row: bool(postings.intersection(row.get("ats_job_posting_ids") or ()))


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
        ),
        Resource(
            "ats/applications",
            "recruitment",
            "ats/application",
            filters=(
                ids_on("ats_job_posting_id", "ats_job_posting_id"),
                ids_on("ats_candidate_ids", "ats_candidate_id"),
            ),
            visible=_hiring_manager,
        ),
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
