"""The Factorial HR connector as data: OAuth, hosts, the 27 scopes, the actions written by hand and, generated on
first use from the API's facts, one action for every other endpoint (`linkyard.connectors.factorialhr_api`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from linkyard.connectors.factorialhr_api import area_of, area_titles, generated_actions, proxy_rules
from linkyard.connectors.factorialhr_unified import unified_mapping
from linkyard.connectors.model import Action, Connector

API_VERSION = "2026-10-01"
_BASE = f"/api/{API_VERSION}/resources"

# The 27 documented scopes, in Factorial's order; each grants read and write on its resources.
SCOPES: tuple[tuple[str, str], ...] = (
    ("banking", "banking: read bank accounts, card payments and transactions"),
    ("company_legal_entities", "legal entities: read and manage the company's legal entities"),
    ("company_holidays", "company holidays: read the public and company holidays of each location"),
    ("company_locations", "locations: read and manage the company's offices and work areas"),
    ("contracts", "contracts: read and change contract versions (job title, salary, working hours)"),
    ("custom_fields", "custom fields: read and write custom fields and their values"),
    ("documents", "documents: read, upload and download company and employee documents"),
    ("employees", "employees: read and update employee profiles, teams and memberships"),
    ("employee_updates", "employee updates: read new hires, terminations, absences and profile changes"),
    ("expenses", "expenses: read and manage expenses, mileage and per diems"),
    ("finance", "finance: read and manage accounts, cost centers, journal entries and tax rates"),
    ("integrations", "integrations: read and manage payroll integration codes"),
    ("job_catalog", "job catalog: read and manage job roles and levels"),
    ("marketplace", "marketplace: read and change the settings of installed marketplace apps"),
    ("payroll", "payroll: read and manage payroll data such as family situations and payroll identifiers"),
    ("payroll_supplements", "payroll supplements: read and manage bonuses and other payroll supplements"),
    ("performance", "performance: read and manage review processes, evaluations, scores and targets"),
    ("posts", "posts: read and write company posts, groups and comments"),
    ("project_management_expenses", "project expenses: read and manage expenses recorded on projects"),
    ("project_management_projects", "projects: read and manage projects, subprojects, tasks and workers"),
    ("project_management_time", "project time: read and manage time recorded on projects"),
    ("shift_management", "shift planning: read and manage planned shifts"),
    ("tasks", "tasks: read and manage tasks and their files"),
    ("time_off", "time off: read and manage leaves, leave types and balances; approve or reject requests"),
    ("time_tracking", "time tracking: read and manage clock-ins, shifts, worked time and work schedules"),
    ("trainings", "trainings: read and manage trainings, sessions and attendance"),
    ("recruitment", "recruitment: read and manage job postings, candidates and applications"),
)


# Factorial's ids are 64-bit integers (Rails bigint keys); from API 2026-07-01 they travel as strings of digits,
# since they may exceed 2^53. Anything else can name no object, so it is refused before a request is sent.
ID_DIGITS = 19
ID_BOUNDS: dict[str, Any] = {
    "pattern": {
        "regex": f"^[0-9]{{1,{ID_DIGITS}}}$",
        "meaning": f"an id: a string of 1 to {ID_DIGITS} digits",
    },
    "max_length": ID_DIGITS,
}
BIGINT = 2**63 - 1
"""Factorial's integer columns (amounts in cents, hours) are 64-bit."""
NOTE_LENGTH = 2000
"""Free text a person writes (a note to the approver, a reason): a few paragraphs."""
_COUNTRY = {"pattern": {"regex": "^[A-Za-z]{2}$", "meaning": "a two-letter country code"}, "max_length": 2}


# Factorial's cursor mode: `limit` (at most 100) and `after_id`, answered with `meta.has_next_page` and
# `meta.end_cursor`; offset-mode answers carry no cursor, and Factorial then accepts the last id as `after_id`.
PAGINATION: dict[str, Any] = {
    "kind": "cursor",
    "size_param": "limit",
    "cursor_param": "after_id",
    "cursor_path": "meta.end_cursor",
    "more_path": "meta.has_next_page",
    "record_cursor": "id",
    "max_page_size": 100,
}


# The changes Factorial pushes (its webhook subscriptions, one per account and kind of change, each to its own
# URL: the payload, the bare resource, does not say which change it is) and the unified event each becomes.
# Factorial announces no deletion of an employee (people are terminated, which is an update), so an account of
# Factorial never sends `hris.employee.deleted`; a cancelled leave is deleted, and read as `cancelled`.
_EVENT_SOURCES: tuple[tuple[str, str, str, str], ...] = (
    ("employees/employee/create_with_contract", "hris.employee.created", "hris/employees", "employees"),
    ("employees/employee/update", "hris.employee.updated", "hris/employees", "employees"),
    ("employees/employee/terminate", "hris.employee.updated", "hris/employees", "employees"),
    ("employees/employee/unterminate", "hris.employee.updated", "hris/employees", "employees"),
    ("timeoff/leave/create", "hris.time_off.created", "hris/time_off", "time_off"),
    ("timeoff/leave/update", "hris.time_off.updated", "hris/time_off", "time_off"),
    ("timeoff/leave/approve", "hris.time_off.updated", "hris/time_off", "time_off"),
    ("timeoff/leave/reject", "hris.time_off.updated", "hris/time_off", "time_off"),
    ("timeoff/leave/delete", "hris.time_off.updated", "hris/time_off", "time_off"),
    ("ats/candidate/create", "ats.candidate.created", "ats/candidates", "recruitment"),
    ("ats/application/create", "ats.application.created", "ats/applications", "recruitment"),
    ("ats/application/update", "ats.application.updated", "ats/applications", "recruitment"),
)
EVENTS: dict[str, Any] = {
    "subscriptions_path": f"{_BASE}/api_public/webhook_subscriptions",
    "challenge_header": "x-factorial-wh-challenge",
    "sources": [
        {"subscription": subscription, "event": event, "resource": resource, "scopes": [scope]}
        for subscription, event, resource, scope in _EVENT_SOURCES
    ],
}


def _param(name: str, location: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "location": location, "description": description, **extra}


def _id(name: str, location: str, description: str, **extra: Any) -> dict[str, Any]:
    """An id argument, or with `type="array"` a list of ids."""
    return _param(name, location, description, **ID_BOUNDS, **extra)


def _note(name: str, location: str, description: str) -> dict[str, Any]:
    return _param(name, location, description, max_length=NOTE_LENGTH)


def _path_id(what: str) -> dict[str, Any]:
    return _id("id", "path", f'The id of the {what} (a string of digits, e.g. "7").', required=True)


def _ids(what: str) -> dict[str, Any]:
    return _id("ids", "query", f"Only these {what} ids.", type="array")


def _employee_ids(what: str) -> dict[str, Any]:
    return _id("employee_ids", "query", f"Only {what} of these employees (employee ids).", type="array")


def _date(name: str, location: str, description: str, **extra: Any) -> dict[str, Any]:
    return _param(name, location, f"{description} (YYYY-MM-DD).", format="date", **extra)


def _company_id(what: str) -> dict[str, Any]:
    return _id(
        "company_id",
        "body",
        f"The company the {what} belongs to; defaults to the linked account's company.",
        from_context="company_id",
    )


def _model(path: str) -> str:
    """An action's model: the Factorial resource its path names (`employees/employees/{id}` → `employees`,
    `timeoff/leaves/approve` → `leaves`)."""
    return path.split("/")[1]


def _list(
    verb_noun: str, label: str, description: str, path: str, scope: str, *filters: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": f"factorialhr_{verb_noun}",
        "label": label,
        "description": description,
        "method": "GET",
        "path": f"{_BASE}/{path}",
        "model": _model(path),
        "required_scopes": [scope],
        "parameters": list(filters),
        "pagination": PAGINATION,
        "result": "list",
    }


def _call(
    verb_noun: str,
    label: str,
    description: str,
    method: str,
    path: str,
    scope: str,
    *parameters: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": f"factorialhr_{verb_noun}",
        "label": label,
        "description": description,
        "method": method,
        "path": f"{_BASE}/{path}",
        "model": _model(path),
        "required_scopes": [scope],
        "parameters": list(parameters),
        "result": "object",
    }


def _employee_fields() -> list[dict[str, Any]]:
    """Profile fields both the create and the update of an employee accept."""
    return [
        _date("birthday_on", "body", "Date of birth"),
        _param("gender", "body", "Gender as Factorial records it.", enum=["male", "female"]),
        _param("nationality", "body", "Nationality as a two-letter country code (e.g. ES).", **_COUNTRY),
        _param("country", "body", "Country of residence as a two-letter country code (e.g. FR).", **_COUNTRY),
        _param("city", "body", "City of residence."),
        _param("postal_code", "body", "Postal code."),
        _param("phone_number", "body", "Phone number."),
        _param(
            "company_identifier",
            "body",
            "The company's own identifier for the employee (e.g. payroll number).",
        ),
        _id("manager_id", "body", "Employee id of the person's manager."),
        _id("timeoff_manager_id", "body", "Employee id of the person who approves their time off."),
        _id("legal_entity_id", "body", "Id of the legal entity that employs the person."),
        _id("location_id", "body", "Id of the location (office) the person works at."),
    ]


def _contract_version_fields() -> list[dict[str, Any]]:
    """Contract fields both the create and the update of a contract version accept."""
    return [
        _date("ends_on", "body", "The last day of the contract, for a temporary one"),
        _param("job_title", "body", "Job title."),
        _param(
            "salary_amount",
            "body",
            "Gross salary in cents of the currency, per `salary_frequency` (e.g. 4500000 for 45,000.00).",
            type="integer",
            minimum=0,
            maximum=BIGINT,
        ),
        _param(
            "salary_frequency",
            "body",
            "The period the salary amount is for.",
            enum=["yearly", "monthly", "weekly", "daily", "hourly"],
        ),
        _param(
            "working_hours",
            "body",
            "Working hours per `working_hours_frequency`.",
            type="integer",
            minimum=0,
            maximum=BIGINT,
        ),
        _param("has_trial_period", "body", "true: the contract starts with a trial period.", type="boolean"),
        _date("trial_period_ends_on", "body", "The last day of the trial period"),
    ]


def _actions() -> list[dict[str, Any]]:
    leave_id = _path_id("time-off request")
    return [
        {
            "id": "factorialhr_get_credentials",
            "label": "Get credentials",
            "description": (
                "Who the linked account is: for a user token the employee (id, email, name, role), for a "
                "company token the company (id, name, legal name). Needs no scope."
            ),
            "method": "GET",
            "path": f"{_BASE}/api_public/credentials",
            "model": _model("api_public/credentials"),
            "result": "first",
        },
        # --- employees -------------------------------------------------------------------------------------
        _list(
            "list_employees",
            "List employees",
            "List the company's employees with their profile (name, emails, manager, location, legal entity, "
            "active or terminated), optionally filtered. Job titles and hire dates are on contract versions.",
            "employees/employees",
            "employees",
            _ids("employee"),
            _param(
                "emails",
                "query",
                "Only employees with one of these work or login emails.",
                type="array",
                max_length=254,
            ),
            _id("team_ids", "query", "Only members of these teams (team ids).", type="array"),
            _id("location_ids", "query", "Only employees at these locations (location ids).", type="array"),
            _id(
                "legal_entity_ids",
                "query",
                "Only employees of these legal entities (legal entity ids).",
                type="array",
            ),
            _param("only_active", "query", "true: leave out terminated employees.", type="boolean"),
            _param("only_managers", "query", "true: only employees who manage someone.", type="boolean"),
            _param("full_text_name", "query", "Only employees whose full name contains this text."),
            _date("updated_at_gteq", "query", "Only employees updated on or after this date"),
        ),
        _call(
            "get_employee",
            "Get employee",
            "Get one employee's profile by id.",
            "GET",
            "employees/employees/{id}",
            "employees",
            _path_id("employee"),
        ),
        _call(
            "create_employee",
            "Create employee",
            "Hire a new employee: creates the profile and a first contract version (Factorial's "
            "create_with_contract). Returns the new employee.",
            "POST",
            "employees/employees/create_with_contract",
            "employees",
            _param("first_name", "body", "First name.", required=True),
            _param("last_name", "body", "Last name.", required=True),
            _param("email", "body", "Work email; it becomes the login email.", required=True, format="email"),
            _company_id("employee"),
            *_employee_fields(),
            _id("team_id", "body", "Id of a team to add the employee to."),
            _date("contract_starts_on", "body", "First day of the contract; defaults to today"),
            _date("contract_effective_on", "body", "Date the first contract version takes effect"),
            _param("job_title", "body", "Job title on the first contract version."),
        ),
        _call(
            "update_employee",
            "Update employee",
            "Change fields of an employee's profile; only the fields sent change (sent as Factorial's PUT).",
            "PUT",
            "employees/employees/{id}",
            "employees",
            {**_path_id("employee"), "also_in_body": True},
            _param("first_name", "body", "First name."),
            _param("last_name", "body", "Last name."),
            _param("preferred_name", "body", "The name the person prefers to be called."),
            _param("email", "body", "Work email.", format="email"),
            _param("personal_email", "body", "Personal email.", format="email"),
            *_employee_fields(),
            _param("address_line_1", "body", "Address, first line."),
            _param("address_line_2", "body", "Address, second line."),
            _param("state", "body", "State, province or region."),
            _param("bank_number", "body", "Bank account number (e.g. IBAN)."),
            _param("swift_bic", "body", "SWIFT/BIC code of the bank."),
            _param("social_security_number", "body", "Social security number."),
        ),
        _call(
            "terminate_employee",
            "Terminate employee",
            "Terminate an employee's employment on a date; from that date they are inactive and can no longer "
            "sign in. The company's owner cannot be terminated.",
            "POST",
            "employees/employees/terminate",
            "employees",
            _id("id", "body", "The id of the employee to terminate.", required=True),
            _date("terminated_on", "body", "Last day of employment", required=True),
            _note("termination_reason", "body", "Why the employment ends, in words."),
            _param("termination_reason_type", "body", "Factorial's code for the kind of termination."),
        ),
        _call(
            "invite_employee",
            "Invite employee",
            "Invite an employee to sign in to Factorial: they receive an email to set up their access. "
            "Returns the employee.",
            "POST",
            "employees/employees/invite",
            "employees",
            _id("id", "body", "The id of the employee to invite.", required=True),
            _company_id("employee"),
        ),
        _list(
            "list_teams",
            "List teams",
            "List the company's teams with their members and leads (employee ids).",
            "teams/teams",
            "employees",
            _ids("team"),
        ),
        _call(
            "get_team",
            "Get team",
            "Get one team by id, with its members and leads (employee ids).",
            "GET",
            "teams/teams/{id}",
            "employees",
            _path_id("team"),
        ),
        # --- organisation ----------------------------------------------------------------------------------
        _list(
            "list_locations",
            "List locations",
            "List the company's locations (offices): name, address, country, time zone.",
            "locations/locations",
            "company_locations",
            _ids("location"),
            _param("main", "query", "true: only the main location; false: all the others.", type="boolean"),
        ),
        _list(
            "list_legal_entities",
            "List legal entities",
            "List the company's legal entities (the employers of record): name, country, tax id, currency.",
            "companies/legal_entities",
            "company_legal_entities",
            _ids("legal entity"),
        ),
        _list(
            "list_job_roles",
            "List job roles",
            "List the roles of the company's job catalog: name, description, the legal entities they are "
            "open in, archived or not.",
            "job_catalog/roles",
            "job_catalog",
            _ids("job role"),
            _param(
                "archived", "query", "true: only archived roles; false: only roles in use.", type="boolean"
            ),
        ),
        _list(
            "list_cost_centers",
            "List cost centers",
            "List the company's cost centers: name, code, legal entity, status and how many employees each has.",
            "finance/cost_centers",
            "finance",
            _ids("cost center"),
        ),
        # --- contracts -------------------------------------------------------------------------------------
        _list(
            "list_contract_versions",
            "List contract versions",
            "List contract versions: each employee's job title, start and end dates, salary and working "
            "hours over time.",
            "contracts/contract_versions",
            "contracts",
            _ids("contract version"),
            _employee_ids("contract versions"),
            _date("updated_at_gteq", "query", "Only versions updated on or after this date"),
            _date("updated_at_lteq", "query", "Only versions updated on or before this date"),
        ),
        _call(
            "get_contract_version",
            "Get contract version",
            "Get one contract version by id: job title, dates, salary and working hours.",
            "GET",
            "contracts/contract_versions/{id}",
            "contracts",
            _path_id("contract version"),
        ),
        _call(
            "create_contract_version",
            "Create contract version",
            "Record a change to an employee's contract from a date (a new job title, salary or working "
            "hours): a new contract version, starting as a copy of the employee's latest one. Returns it.",
            "POST",
            "contracts/contract_versions",
            "contracts",
            _id("employee_id", "body", "The id of the employee whose contract changes.", required=True),
            _date("effective_on", "body", "The day the new version takes effect", required=True),
            _date("starts_on", "body", "The first day of the contract; defaults to the latest version's"),
            *_contract_version_fields(),
        ),
        _call(
            "update_contract_version",
            "Update contract version",
            "Change fields of a contract version; only the fields sent change (sent as Factorial's PUT).",
            "PUT",
            "contracts/contract_versions/{id}",
            "contracts",
            _path_id("contract version"),
            _date("effective_on", "body", "The day the version takes effect"),
            _date("starts_on", "body", "The first day of the contract"),
            *_contract_version_fields(),
        ),
        # --- time off --------------------------------------------------------------------------------------
        _list(
            "list_leave_types",
            "List leave types",
            "List the kinds of time off the company offers (vacation, sick leave...): name, whether it is "
            "paid and needs approval.",
            "timeoff/leave_types",
            "time_off",
            _ids("leave type"),
            _param(
                "active", "query", "true: only leave types in use; false: only retired ones.", type="boolean"
            ),
            _param(
                "payable", "query", "true: only paid leave types; false: only unpaid ones.", type="boolean"
            ),
        ),
        _list(
            "list_time_off_requests",
            "List time-off requests",
            "List time-off requests (Factorial's leaves): who, which leave type, from and to which day, and "
            "whether approved (true), rejected (false) or pending (null).",
            "timeoff/leaves",
            "time_off",
            _ids("time-off request"),
            _employee_ids("requests"),
            _id(
                "leave_type_id", "query", "Only requests of these leave types (leave type ids).", type="array"
            ),
            _date("from", "query", "Only requests that end on or after this date"),
            _date("to", "query", "Only requests that start on or before this date"),
            _param(
                "approved",
                "query",
                "true: only approved requests; false: only rejected ones.",
                type="boolean",
            ),
        ),
        _call(
            "get_time_off_request",
            "Get time-off request",
            "Get one time-off request by id.",
            "GET",
            "timeoff/leaves/{id}",
            "time_off",
            leave_id,
        ),
        _call(
            "create_time_off_request",
            "Create time-off request",
            "Request time off for an employee; it starts pending unless the leave type needs no approval.",
            "POST",
            "timeoff/leaves",
            "time_off",
            _id("employee_id", "body", "The id of the employee taking time off.", required=True),
            _date("start_on", "body", "First day off", required=True),
            _date("finish_on", "body", "Last day off; defaults to the first day"),
            _id("leave_type_id", "body", "The leave type's id; defaults to the company's first leave type."),
            _param(
                "half_day",
                "body",
                "For a one-day request: take only the morning or the afternoon off.",
                enum=["beginning_of_day", "end_of_day"],
            ),
            _note("description", "body", "A note for the approver."),
        ),
        _call(
            "approve_time_off_request",
            "Approve time-off request",
            "Approve a pending time-off request (as the employee's time-off manager or an admin).",
            "POST",
            "timeoff/leaves/approve",
            "time_off",
            _id("id", "body", "The id of the time-off request to approve.", required=True),
        ),
        _call(
            "reject_time_off_request",
            "Reject time-off request",
            "Reject a time-off request, optionally saying why (as the employee's time-off manager or an admin).",
            "POST",
            "timeoff/leaves/reject",
            "time_off",
            _id("id", "body", "The id of the time-off request to reject.", required=True),
            _note("reason", "body", "Why the request is rejected; the employee sees it."),
        ),
        _call(
            "cancel_time_off_request",
            "Cancel time-off request",
            "Cancel a time-off request: this deletes it in Factorial (DELETE timeoff/leaves/{id}); it "
            "cannot be undone. Returns the deleted request.",
            "DELETE",
            "timeoff/leaves/{id}",
            "time_off",
            leave_id,
        ),
        _call(
            "update_time_off_request",
            "Update time-off request",
            "Change a time-off request's days, leave type, half day or note; only the fields sent change. "
            "Approving and rejecting have their own actions.",
            "PUT",
            "timeoff/leaves/{id}",
            "time_off",
            leave_id,
            _date("start_on", "body", "First day off"),
            _date("finish_on", "body", "Last day off"),
            _id("leave_type_id", "body", "The leave type's id."),
            _param(
                "half_day",
                "body",
                "For a one-day request: take only the morning or the afternoon off.",
                enum=["beginning_of_day", "end_of_day"],
            ),
            _note("description", "body", "A note for the approver."),
        ),
        _list(
            "list_time_off_balances",
            "List time-off balances",
            "List time-off balances (Factorial's allowance stats): for each employee and allowance, the days "
            "available, used and left.",
            "timeoff/allowance_stats",
            "time_off",
            _ids("balance"),
            _employee_ids("the balances"),
        ),
        # --- time tracking ---------------------------------------------------------------------------------
        _list(
            "list_shifts",
            "List shifts",
            "List worked shifts (clock-in and clock-out records) with their date, times and minutes worked.",
            "attendance/shifts",
            "time_tracking",
            _ids("shift"),
            _employee_ids("shifts"),
            _date("start_on", "query", "Only shifts on or after this date"),
            _date("end_on", "query", "Only shifts on or before this date"),
        ),
        _call(
            "get_shift",
            "Get shift",
            "Get one worked shift (a clock-in and clock-out record) by id.",
            "GET",
            "attendance/shifts/{id}",
            "time_tracking",
            _path_id("shift"),
        ),
        _call(
            "clock_in",
            "Clock in",
            "Start a shift for an employee now (or at `now`). Fails if they are already clocked in.",
            "POST",
            "attendance/shifts/clock_in",
            "time_tracking",
            _id(
                "employee_id",
                "body",
                "The employee clocking in; required with a company token, defaults to the signed-in employee.",
            ),
            _param(
                "now",
                "body",
                "When the shift starts (ISO 8601, e.g. 2026-03-02T09:00:00Z); defaults to the current time.",
                format="date-time",
                from_context="now",
            ),
            _note("observations", "body", "A note on the shift."),
            _param(
                "location_type",
                "body",
                "Where the employee works this shift.",
                enum=["office", "work_from_home", "business_trip"],
            ),
        ),
        _call(
            "clock_out",
            "Clock out",
            "End an employee's open shift now (or at `now`). Fails if they are not clocked in.",
            "POST",
            "attendance/shifts/clock_out",
            "time_tracking",
            _id(
                "employee_id",
                "body",
                "The employee clocking out; required with a company token, defaults to the signed-in employee.",
            ),
            _param(
                "now",
                "body",
                "When the shift ends (ISO 8601, e.g. 2026-03-02T17:30:00Z); defaults to the current time.",
                format="date-time",
                from_context="now",
            ),
            _note("observations", "body", "A note on the shift."),
        ),
        # --- documents -------------------------------------------------------------------------------------
        _list(
            "list_document_folders",
            "List document folders",
            "List the company's document folders (contracts, payslips...): name, where they appear, active.",
            "documents/folders",
            "documents",
            _ids("folder"),
            _param("active", "query", "true: only folders in use; false: only retired ones.", type="boolean"),
        ),
        _call(
            "get_document_folder",
            "Get document folder",
            "Get one document folder by id.",
            "GET",
            "documents/folders/{id}",
            "documents",
            _path_id("folder"),
        ),
        _list(
            "list_documents",
            "List documents",
            "List documents (files kept about the company and its employees): name, type, size, folder, "
            "employee, signature status. The files themselves come through download URLs.",
            "documents/documents",
            "documents",
            _ids("document"),
            _employee_ids("documents"),
            _id("folder_id", "query", "Only documents in this folder (its id)."),
            _param(
                "by_trash_bin",
                "query",
                "true: only deleted documents; false: only the others.",
                type="boolean",
            ),
            _param(
                "by_pending_assignment",
                "query",
                "true: only documents waiting to be assigned; false: only assigned ones.",
                type="boolean",
            ),
        ),
        _call(
            "get_document",
            "Get document",
            "Get one document's details by id (not its file: see create document download URLs).",
            "GET",
            "documents/documents/{id}",
            "documents",
            _path_id("document"),
        ),
        {
            **_call(
                "create_document_download_urls",
                "Create document download URLs",
                "Get a temporary URL to download each of up to 100 documents' files.",
                "POST",
                "documents/download_urls/bulk_create",
                "documents",
                _id("ids", "body", "The documents' ids.", type="array", required=True),
            ),
            # Factorial answers with a bare JSON array of `{id, url}`.
            "result": "list",
            "envelope": {"records": None},
        },
        {
            **_call(
                "upload_document",
                "Upload document",
                "Upload a file as a document of the company or of an employee, optionally into a folder: the "
                "file as its name and its bytes in base64. Returns the new document.",
                "POST",
                "documents/documents",
                "documents",
                _param(
                    "space",
                    "body",
                    "Where the document is kept; employee_my_documents needs employee_id.",
                    required=True,
                    enum=["company_internal", "company_public", "employee_my_documents", "pending_to_assign"],
                ),
                _company_id("document"),
                _id("employee_id", "body", "The employee the document is about."),
                _id("folder_id", "body", "The folder to put it in (its id)."),
                _param(
                    "file_filename",
                    "body",
                    "The document's file name (e.g. visa.pdf); by default the file's name.",
                ),
                _param("public", "body", "true: every employee can see it.", type="boolean"),
                _param(
                    "request_esignature", "body", "true: ask the signees for an e-signature.", type="boolean"
                ),
            ),
            "body": "multipart",
            "files": ["file"],
        },
        # --- custom fields ---------------------------------------------------------------------------------
        _list(
            "list_custom_fields",
            "List custom fields",
            "List the custom employee fields the company defines: label, type (text, date, single_choice...), "
            "slug, whether required.",
            "custom_fields/fields",
            "custom_fields",
            _ids("custom field"),
            _param("slug", "query", "Only the field with this slug (e.g. t_shirt_size)."),
        ),
        _call(
            "get_custom_field",
            "Get custom field",
            "Get one custom field's definition by id.",
            "GET",
            "custom_fields/fields/{id}",
            "custom_fields",
            _path_id("custom field"),
        ),
        _list(
            "list_custom_field_options",
            "List custom field options",
            "List the options of choice custom fields: label, value, whether still offered.",
            "custom_fields/options",
            "custom_fields",
            _ids("option"),
            _id("field_ids", "query", "Only options of these custom fields (field ids).", type="array"),
        ),
        _list(
            "list_custom_field_values",
            "List custom field values",
            "List the values employees have for the company's custom fields: the field (id, slug, label), "
            "the employee (valuable_id) and the value as text.",
            "custom_fields/values",
            "custom_fields",
            _ids("custom field value"),
            _employee_ids("custom field values"),
            _id("field_id", "query", "Only values of this custom field (its id)."),
        ),
        # --- tasks -----------------------------------------------------------------------------------------
        _list(
            "list_tasks",
            "List tasks",
            "List the tasks HR assigns (sign a contract, upload an ID): name, content, due day, status, "
            "assignees (access ids) and author.",
            "tasks/tasks",
            "tasks",
            _ids("task"),
            _id(
                "assignee_id",
                "query",
                "Only tasks assigned to this person (an access id, not an employee id).",
            ),
            _param(
                "task_status",
                "query",
                "Only tasks in this status.",
                enum=["todo", "in_progress", "done", "discarded"],
            ),
            _date("due_on", "query", "Only tasks due on this day"),
        ),
        _call(
            "get_task",
            "Get task",
            "Get one task by id: name, content, due day, status, assignees (access ids) and author.",
            "GET",
            "tasks/tasks/{id}",
            "tasks",
            _path_id("task"),
        ),
        _call(
            "update_task",
            "Update task",
            "Change a task's status (todo, in_progress, done, discarded), name, content or due day; only the "
            "fields sent change. Returns the task.",
            "PUT",
            "tasks/tasks/{id}",
            "tasks",
            {**_path_id("task"), "also_in_body": True},
            _param("status", "body", "The task's status.", enum=list(TASK_STATUSES)),
            _param("name", "body", "The task's name.", max_length=NOTE_LENGTH),
            _note("content", "body", "What the task asks."),
            _date("due_on", "body", "The day the task is due"),
        ),
        # --- recruitment -----------------------------------------------------------------------------------
        _list(
            "list_job_postings",
            "List job postings",
            "List job postings (open positions): title, status, team, location, workplace type, salary range.",
            "ats/job_postings",
            "recruitment",
            _ids("job posting"),
            _param(
                "status",
                "query",
                "Only postings in this status.",
                enum=["published", "draft", "unlisted", "archived", "cancelled"],
            ),
        ),
        _list(
            "list_candidates",
            "List candidates",
            "List recruitment candidates: name, email, phone, source and the job postings they applied to.",
            "ats/candidates",
            "recruitment",
            _ids("candidate"),
            _param(
                "emails", "query", "Only candidates with one of these emails.", type="array", max_length=254
            ),
            _id(
                "job_posting_ids",
                "query",
                "Only candidates who applied to these job postings (job posting ids).",
                type="array",
            ),
        ),
        _call(
            "create_candidate",
            "Create candidate",
            "Add a candidate to the recruitment pipeline (not yet applied to a posting). Returns the candidate.",
            "POST",
            "ats/candidates",
            "recruitment",
            _param("first_name", "body", "First name.", required=True),
            _param("last_name", "body", "Last name.", required=True),
            _company_id("candidate"),
            _param("email", "body", "Email.", format="email"),
            _param("phone_number", "body", "Phone number."),
            _param(
                "personal_url", "body", "A link to the candidate's profile or portfolio.", max_length=2048
            ),
            _param("gender", "body", "Gender.", enum=["female", "male", "other", "unanswered"]),
            _param("talent_pool", "body", "true: keep the candidate in the talent pool.", type="boolean"),
            _param("source", "body", "Where the candidate came from (e.g. referral)."),
            _param("medium", "body", "The channel the candidate came through (e.g. LinkedIn)."),
        ),
        _list(
            "list_applications",
            "List applications",
            "List job applications: which candidate applied to which job posting, the phase and the rating.",
            "ats/applications",
            "recruitment",
            _ids("application"),
            _id("ats_job_posting_id", "query", "Only applications to this job posting (its id)."),
            _id(
                "ats_candidate_ids",
                "query",
                "Only applications of these candidates (candidate ids).",
                type="array",
            ),
        ),
        *_recruitment_actions(),
    ]


TASK_STATUSES = ("todo", "in_progress", "done", "discarded")
POSTING_STATUSES = ("published", "draft", "unlisted", "archived", "cancelled")
REQUIREMENTS = ("do_not_ask", "optional", "mandatory")
POSTING_REQUIREMENTS = ("cv", "cover_letter", "phone", "photo", "personal_url")


def _posting_fields(*, required: bool) -> list[dict[str, Any]]:
    """A job posting's body, as Factorial's create (`required`) and update take it."""
    asked = [
        _param(
            f"{what}_requirement",
            "body",
            f"Whether candidates are asked for their {what.replace('_', ' ')}.",
            enum=list(REQUIREMENTS),
            required=required,
        )
        for what in POSTING_REQUIREMENTS
    ]
    return [
        _param("title", "body", "The posting's title.", max_length=255, required=required),
        _param("status", "body", "The posting's status.", enum=list(POSTING_STATUSES), required=required),
        *asked,
        _note("description", "body", "The posting's description."),
        _id("team_id", "body", "The team hiring (its id)."),
        _id("location_id", "body", "The office the job is at (its id)."),
        _param("schedule_type", "body", "Full or part time.", enum=["full_time", "part_time"]),
        _param("workplace_type", "body", "Where the work is done.", enum=["onsite", "remote", "hybrid"]),
    ]


def _recruitment_actions() -> list[dict[str, Any]]:
    """Recruitment beyond the first lists: one record of each, the pipeline (Factorial's hiring stages, each job
    posting's application phases, the rejection reasons) and the changes a recruiter makes."""
    return [
        _call(
            "get_job_posting",
            "Get job posting",
            "Get one job posting by id.",
            "GET",
            "ats/job_postings/{id}",
            "recruitment",
            _path_id("job posting"),
        ),
        _call(
            "create_job_posting",
            "Create job posting",
            "Create a job posting: title, status, what candidates are asked for (CV, cover letter, phone, photo, "
            "link), and its team, office, description and contract. Returns the posting.",
            "POST",
            "ats/job_postings",
            "recruitment",
            *_posting_fields(required=True),
        ),
        _call(
            "update_job_posting",
            "Update job posting",
            "Change a job posting's title, status, description, team, office, contract or what candidates are "
            "asked for; only the fields sent change. Returns the posting.",
            "PUT",
            "ats/job_postings/{id}",
            "recruitment",
            {**_path_id("job posting"), "also_in_body": True},
            *_posting_fields(required=False),
        ),
        _call(
            "get_candidate",
            "Get candidate",
            "Get one recruitment candidate by id.",
            "GET",
            "ats/candidates/{id}",
            "recruitment",
            _path_id("candidate"),
        ),
        _call(
            "update_candidate",
            "Update candidate",
            "Change a candidate's name, email, phone or profile link; only the fields sent change.",
            "PUT",
            "ats/candidates/{id}",
            "recruitment",
            {**_path_id("candidate"), "also_in_body": True},
            _param("first_name", "body", "First name."),
            _param("last_name", "body", "Last name."),
            _param("email", "body", "Email.", format="email"),
            _param("phone_number", "body", "Phone number."),
            _param(
                "personal_url", "body", "A link to the candidate's profile or portfolio.", max_length=2048
            ),
            _param("talent_pool", "body", "true: keep the candidate in the talent pool.", type="boolean"),
        ),
        _call(
            "get_application",
            "Get application",
            "Get one job application by id: its candidate, job posting, phase and rejection reason.",
            "GET",
            "ats/applications/{id}",
            "recruitment",
            _path_id("application"),
        ),
        _call(
            "create_application",
            "Create application",
            "Apply a candidate to a job posting; the application starts in the posting's first phase unless "
            "one of its phases is named. Returns the application.",
            "POST",
            "ats/applications",
            "recruitment",
            _id("ats_job_posting_id", "body", "The job posting applied to (its id).", required=True),
            _id("ats_candidate_id", "body", "The candidate applying (their id).", required=True),
            _id("ats_application_phase_id", "body", "A phase of that job posting to start in (its id)."),
            _param("phone", "body", "The candidate's phone for this application."),
            _note("cover_letter", "body", "The cover letter."),
            _param("medium", "body", "The channel the application came through (e.g. LinkedIn)."),
        ),
        _call(
            "update_application",
            "Update application",
            "Change an application: its phase, its rejection reason (rejecting it), whether the candidate "
            "qualifies, the phone; only the fields sent change.",
            "PUT",
            "ats/applications/{id}",
            "recruitment",
            {**_path_id("application"), "also_in_body": True},
            _id("ats_application_phase_id", "body", "A phase of the application's job posting (its id)."),
            _id("ats_rejection_reason_id", "body", "Reject the application for this reason (its id)."),
            _param("qualified", "body", "Whether the candidate qualifies for the posting.", type="boolean"),
            _param("phone", "body", "The candidate's phone for this application."),
        ),
        _call(
            "move_application",
            "Move application",
            "Move an application to another phase of its job posting. Returns the application.",
            "POST",
            "ats/applications/move_to_phase",
            "recruitment",
            _id("id", "body", "The id of the application to move.", required=True),
            _id(
                "ats_application_phase_id",
                "body",
                "The phase to move it to: one of its job posting's phases (its id).",
                required=True,
            ),
        ),
        _list(
            "list_application_phases",
            "List application phases",
            "List the phases of job postings' pipelines: name, position, type and how many applications are in "
            "each.",
            "ats/application_phases",
            "recruitment",
            _ids("application phase"),
            _id(
                "ats_job_posting_ids",
                "query",
                "Only the phases of these job postings (job posting ids).",
                type="array",
            ),
        ),
        _call(
            "get_application_phase",
            "Get application phase",
            "Get one phase of a job posting's pipeline by id.",
            "GET",
            "ats/application_phases/{id}",
            "recruitment",
            _path_id("application phase"),
        ),
        _list(
            "list_hiring_stages",
            "List hiring stages",
            "List the company's hiring stages (new, screening, interview, ...), in order; each job posting's "
            "phases belong to one.",
            "ats/hiring_stages",
            "recruitment",
            _ids("hiring stage"),
        ),
        _call(
            "get_hiring_stage",
            "Get hiring stage",
            "Get one hiring stage by id.",
            "GET",
            "ats/hiring_stages/{id}",
            "recruitment",
            _path_id("hiring stage"),
        ),
        _list(
            "list_feedbacks",
            "List feedbacks",
            "List evaluators' feedback on applications: rating (1-5 stars), comment, the application and "
            "candidate, the evaluation form and the score given to each of its questions.",
            "ats/feedbacks",
            "recruitment",
            _ids("feedback"),
            _id(
                "ats_application_ids",
                "query",
                "Only feedback on these applications (their ids).",
                type="array",
            ),
            _id("ats_candidate_id", "query", "Only feedback on this candidate (their id)."),
        ),
        _call(
            "get_feedback",
            "Get feedback",
            "Get one feedback on an application by id.",
            "GET",
            "ats/feedbacks/{id}",
            "recruitment",
            _path_id("feedback"),
        ),
        _list(
            "list_evaluation_forms",
            "List evaluation forms",
            "List the forms applicants are evaluated with: name, questions, the job posting (none for a "
            "template) and the template it was made from.",
            "ats/evaluation_forms",
            "recruitment",
            _ids("evaluation form"),
            _id(
                "ats_job_posting_ids",
                "query",
                "Only the forms of these job postings (job posting ids).",
                type="array",
            ),
            _param(
                "template", "query", "true: only templates; false: only job postings' forms.", type="boolean"
            ),
        ),
        _list(
            "list_rejection_reasons",
            "List rejection reasons",
            "List the reasons applications are rejected for, and who decided (the company or the candidate).",
            "ats/rejection_reasons",
            "recruitment",
            _ids("rejection reason"),
        ),
        _call(
            "get_rejection_reason",
            "Get rejection reason",
            "Get one rejection reason by id.",
            "GET",
            "ats/rejection_reasons/{id}",
            "recruitment",
            _path_id("rejection reason"),
        ),
    ]


def _generate(declared: Sequence[Action]) -> Sequence[Mapping[str, Any]]:
    """The actions of every endpoint of Factorial's API that no declared action calls (read from the facts file
    here, when the connector's `actions` are first asked for)."""
    from linkyard.factorial_facts import load_facts

    return generated_actions(declared, load_facts(), ID_BOUNDS)


def _with_areas(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each declared action in the area (namespace) its path names."""
    return [{"area": area_of(action["path"]), **action} for action in actions]


def factorialhr() -> Connector:
    """Build and validate the connector (call through `get_connector`, which caches it)."""
    return Connector.model_validate(
        {
            "key": "factorialhr",
            "name": "Factorial",
            "auth": {
                "mode": "oauth2",
                "authorize_path": "/oauth/authorize",
                "token_path": "/oauth/token",
                "revoke_path": "/oauth/revoke",
                "scope_separator": " ",
                "pkce": True,  # undocumented by Factorial; a provider that ignores it loses nothing
                "client_auth": "body",
                "applications_path": "/oauth/applications",
            },
            "environments": {
                "production": "https://api.factorialhr.com",
                "demo": "https://api.eu2.demo.factorial.dev",
                "sandbox": None,
            },
            "token_types": [
                {
                    "name": "user",
                    "description": (
                        "User token: acts as the employee who links, with that person's permissions; it "
                        "expires after about an hour and Linkyard refreshes it."
                    ),
                },
                {
                    "name": "company",
                    "description": (
                        "Company token: acts for the whole company and only a company admin can grant it; "
                        "it does not expire but can be revoked."
                    ),
                    "authorize_params": {"resource_owner_type": "company"},
                },
            ],
            "scopes": [{"name": name, "description": description} for name, description in SCOPES],
            "categories": ["hris", "ats"],
            "api_version": API_VERSION,
            # Lists come as `{"data": [...], "meta": {...}}`; Rails reads a list in a query as `ids[]=1&ids[]=2`.
            "envelope": {"records": "data"},
            "arrays": "brackets",
            "actions": _with_areas(_actions()),
            "generate_actions": _generate,
            "areas": area_titles(),
            # `api_public/credentials` names the token's owner: an employee for a user token, the company for a
            # company token (then only `company_id` and the company's name are set).
            "identity": {
                "action": "factorialhr_get_credentials",
                "company_id": ["company_id"],
                "employee_id": ["employee_id"],
                "email": ["login_email", "email"],
                "name": ["full_name", "name", "legal_name"],
            },
            "unified": unified_mapping(),
            "events": EVENTS,
            "proxy": {
                "base_path": "/api/",
                "rules": proxy_rules(),
            },
        }
    )
