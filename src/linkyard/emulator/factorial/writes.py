"""Writes through the REST API: validated bodies (pydantic) and the state changes Factorial makes for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .caller import Caller
from .errors import ApiError, forbidden, invalid, not_found
from .state import Row, timestamp

EmailStr = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Gender = Literal["male", "female"]
HalfDay = Literal["beginning_of_day", "end_of_day"]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def parse_body(model: type[Body], payload: Any) -> Any:
    """Validate `payload`; a 422 names each bad field without echoing what was sent."""
    if not isinstance(payload, dict):
        raise ApiError(422, {"base": ["the request body must be a JSON object"]})
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors(include_input=False, include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "base"
            errors.setdefault(field, []).append(error["msg"])
        raise ApiError(422, errors) from None


def _touch(caller: Caller, row: Row) -> Row:
    row["updated_at"] = timestamp(caller.world.clock.now())
    return row


def _require_admin(caller: Caller, what: str) -> None:
    if not caller.admin:
        raise forbidden(f"Only company admins can {what}")


def _employee(caller: Caller, employee_id: int, field: str = "employee_id") -> Row:
    row = caller.world.employee(caller.company_id, employee_id)
    if row is None:
        raise invalid(field, "does not exist")
    return row


def _check_reference(caller: Caller, table: str, field: str, value: int | None) -> None:
    if value is not None and caller.world.table(table).get(caller.company_id, value) is None:
        raise invalid(field, "does not exist")


def _target(caller: Caller, table: str, row_id: int) -> Row:
    row = caller.world.table(table).get(caller.company_id, row_id)
    if row is None:
        raise not_found()
    return row


def _apply(row: Row, body: Body, *, dates: tuple[str, ...] = ()) -> None:
    for name in body.model_fields_set:
        value = getattr(body, name)
        row[name] = value.isoformat() if name in dates and value is not None else value


# --- employees ---------------------------------------------------------------------------------------------


class EmployeeUpdate(Body):
    first_name: str | None = Field(None, min_length=1)
    last_name: str | None = Field(None, min_length=1)
    preferred_name: str | None = None
    email: EmailStr | None = None
    personal_email: EmailStr | None = None
    phone_number: str | None = None
    birthday_on: date | None = None
    gender: Gender | None = None
    nationality: str | None = Field(None, min_length=2, max_length=2)
    address_line_1: str | None = None
    address_line_2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    bank_number: str | None = None
    swift_bic: str | None = None
    social_security_number: str | None = None
    company_identifier: str | None = None
    manager_id: int | None = None
    timeoff_manager_id: int | None = None
    location_id: int | None = None
    legal_entity_id: int | None = None


def update_employee(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(EmployeeUpdate, payload)
    if not caller.admin and not caller.is_self(row["id"]):
        raise forbidden("Only company admins can update other employees")
    for field in ("manager_id", "timeoff_manager_id"):
        value = getattr(body, field)
        if value is not None:
            _employee(caller, value, field)
            if value == row["id"]:
                raise invalid(field, "cannot be the employee themselves")
    _check_reference(caller, "locations/locations", "location_id", body.location_id)
    _check_reference(caller, "companies/legal_entities", "legal_entity_id", body.legal_entity_id)
    _apply(row, body, dates=("birthday_on",))
    if "first_name" in body.model_fields_set or "last_name" in body.model_fields_set:
        row["full_name"] = f"{row['first_name']} {row['last_name']}"
    return _touch(caller, row)


class EmployeeCreate(Body):
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    email: EmailStr
    birthday_on: date | None = None
    gender: Gender | None = None
    nationality: str | None = Field(None, min_length=2, max_length=2)
    country: str | None = Field(None, min_length=2, max_length=2)
    city: str | None = None
    postal_code: str | None = None
    phone_number: str | None = None
    manager_id: int | None = None
    timeoff_manager_id: int | None = None
    legal_entity_id: int | None = None
    location_id: int | None = None
    team_id: int | None = None
    company_identifier: str | None = None
    contract_starts_on: date | None = None
    contract_effective_on: date | None = None
    job_title: str | None = None


def create_employee_with_contract(caller: Caller, payload: Any) -> Row:
    body = parse_body(EmployeeCreate, payload)
    _require_admin(caller, "create employees")
    world, company_id = caller.world, caller.company_id
    email = str(body.email).lower()
    if world.users_by_email.get(email) is not None:
        raise invalid("email", "has already been taken")
    for field in ("manager_id", "timeoff_manager_id"):
        if getattr(body, field) is not None:
            _employee(caller, getattr(body, field), field)
    _check_reference(caller, "companies/legal_entities", "legal_entity_id", body.legal_entity_id)
    _check_reference(caller, "locations/locations", "location_id", body.location_id)
    _check_reference(caller, "teams/teams", "team_id", body.team_id)
    employees = world.table("employees/employees")
    template = employees.rows(company_id)[0] if employees.count(company_id) else {}
    location_id = body.location_id or template.get("location_id")
    legal_entity_id = body.legal_entity_id or template.get("legal_entity_id")
    now = timestamp(world.clock.now())
    starts_on = (body.contract_starts_on or world.clock.now().date()).isoformat()
    row: Row = {key: None for key in template if not key.startswith("_")}
    row.update(
        {
            "access_id": world.next_id(),
            "first_name": body.first_name,
            "last_name": body.last_name,
            "full_name": f"{body.first_name} {body.last_name}",
            "email": email,
            "login_email": email,
            "birthday_on": body.birthday_on.isoformat() if body.birthday_on else None,
            "gender": body.gender,
            "nationality": body.nationality,
            "country": body.country,
            "city": body.city,
            "postal_code": body.postal_code,
            "phone_number": body.phone_number,
            "manager_id": body.manager_id,
            "timeoff_manager_id": body.timeoff_manager_id or body.manager_id,
            "legal_entity_id": legal_entity_id,
            "location_id": location_id,
            "company_identifier": body.company_identifier,
            "seniority_calculation_date": starts_on,
            "is_terminating": False,
            "terminated_on": None,
            "termination_reason": None,
            "active": True,
            "attendable": True,
            "created_at": now,
            "updated_at": now,
            "_role": "basic",
            "_can_login": False,
        }
    )
    employees.insert(company_id, row)
    world.register_login(company_id, row)
    contract: Row = {
        "employee_id": row["id"],
        "effective_on": (
            body.contract_effective_on or body.contract_starts_on or world.clock.now().date()
        ).isoformat(),
        "starts_on": starts_on,
        "ends_on": None,
        "job_title": body.job_title,
        "has_payroll": True,
        "bank_holiday_treatment": "workable",
        "fr_forfait_jours": False,
        "country": body.country,
        "created_at": now,
        "updated_at": now,
    }
    world.table("contracts/contract_versions").insert(company_id, contract)
    if body.team_id is not None:
        team = world.table("teams/teams").get(company_id, body.team_id)
        if team is not None:
            team.setdefault("employee_ids", []).append(row["id"])
    return row


class Terminate(Body):
    id: int
    terminated_on: date
    termination_reason: str | None = None
    termination_reason_type: str | None = None


def terminate_employee(caller: Caller, payload: Any) -> Row:
    body = parse_body(Terminate, payload)
    _require_admin(caller, "terminate employees")
    row = _target(caller, "employees/employees", body.id)
    if (
        row.get("_role") == "admin"
        and row["id"] == caller.world.companies[caller.company_id].admin_employee_id
    ):
        raise invalid("id", "the company's owner cannot be terminated")
    effective = body.terminated_on <= caller.world.clock.now().date()
    row.update(
        {
            "terminated_on": body.terminated_on.isoformat(),
            "termination_reason": body.termination_reason,
            "termination_reason_type": body.termination_reason_type,
            "is_terminating": not effective,
            "active": not effective,
        }
    )
    return _touch(caller, row)


class TargetId(Body):
    id: int


def unterminate_employee(caller: Caller, payload: Any) -> Row:
    body = parse_body(TargetId, payload)
    _require_admin(caller, "unterminate employees")
    row = _target(caller, "employees/employees", body.id)
    row.update({"terminated_on": None, "termination_reason": None, "is_terminating": False, "active": True})
    return _touch(caller, row)


def invite_employee(caller: Caller, payload: Any) -> Row:
    body = parse_body(TargetId, payload)
    _require_admin(caller, "invite employees")
    row = _target(caller, "employees/employees", body.id)
    row["_can_login"] = True
    caller.world.register_login(caller.company_id, row)
    return _touch(caller, row)


# --- contracts ----------------------------------------------------------------------------------------------


class ContractVersionWrite(Body):
    effective_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    job_title: str | None = None
    salary_amount: int | None = Field(None, ge=0)
    salary_frequency: Literal["yearly", "monthly", "weekly", "daily", "hourly"] | None = None
    working_hours: int | None = Field(None, ge=0)
    working_hours_frequency: str | None = None
    working_week_days: str | None = None
    has_trial_period: bool | None = None
    trial_period_ends_on: date | None = None
    bank_holiday_treatment: Literal["workable", "non_workable"] | None = None


class ContractVersionCreate(ContractVersionWrite):
    employee_id: int
    effective_on: date
    starts_on: date


_CONTRACT_DATES = ("effective_on", "starts_on", "ends_on", "trial_period_ends_on")


def create_contract_version(caller: Caller, payload: Any) -> Row:
    body = parse_body(ContractVersionCreate, payload)
    _require_admin(caller, "create contract versions")
    _employee(caller, body.employee_id)
    world = caller.world
    versions = world.table("contracts/contract_versions").rows(caller.company_id)
    previous = [r for r in versions if r["employee_id"] == body.employee_id]
    # A new version starts as a copy of the employee's latest one, as Factorial's contract changes do.
    row: Row = {k: v for k, v in (previous[-1] if previous else {}).items() if k not in ("id", "company_id")}
    row.setdefault("has_payroll", True)
    row.setdefault("bank_holiday_treatment", "workable")
    row.setdefault("fr_forfait_jours", False)
    _apply(row, body, dates=_CONTRACT_DATES)
    now = timestamp(world.clock.now())
    row["created_at"] = row["updated_at"] = now
    return world.table("contracts/contract_versions").insert(caller.company_id, row)


def update_contract_version(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(ContractVersionWrite, payload)
    _require_admin(caller, "update contract versions")
    _apply(row, body, dates=_CONTRACT_DATES)
    return _touch(caller, row)


# --- time off -----------------------------------------------------------------------------------------------


class LeaveCreate(Body):
    employee_id: int
    start_on: date
    finish_on: date | None = None
    leave_type_id: int | None = None
    half_day: HalfDay | None = None
    description: str | None = Field(None, max_length=2000)


class LeaveUpdate(Body):
    start_on: date | None = None
    finish_on: date | None = None
    leave_type_id: int | None = None
    half_day: HalfDay | None = None
    description: str | None = Field(None, max_length=2000)
    approved: bool | None = None


def working_days(start: date, finish: date) -> float:
    days, day = 0, start
    while day <= finish:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return float(days)


def _leave_type(caller: Caller, leave_type_id: int | None) -> Row:
    types = caller.world.table("timeoff/leave_types")
    if leave_type_id is None:
        rows = types.rows(caller.company_id)
        if not rows:
            raise invalid("leave_type_id", "is required")
        return rows[0]
    found = types.get(caller.company_id, leave_type_id)
    if found is None:
        raise invalid("leave_type_id", "does not exist")
    return found


def _compute_leave(row: Row) -> None:
    start = date.fromisoformat(row["start_on"])
    finish = date.fromisoformat(row["finish_on"]) if row.get("finish_on") else start
    if finish < start:
        raise invalid("finish_on", "must be on or after start_on")
    row["days_taken"] = 0.5 if row.get("half_day") and finish == start else working_days(start, finish)


def create_leave(caller: Caller, payload: Any) -> Row:
    body = parse_body(LeaveCreate, payload)
    employee = _employee(caller, body.employee_id)
    if not caller.manages(body.employee_id):
        raise forbidden("You can only request time off for yourself or the people you manage")
    leave_type = _leave_type(caller, body.leave_type_id)
    now = timestamp(caller.world.clock.now())
    row: Row = {
        "employee_id": body.employee_id,
        "employee_full_name": employee["full_name"],
        "leave_type_id": leave_type["id"],
        "leave_type_name": leave_type["name"],
        "start_on": body.start_on.isoformat(),
        "finish_on": (body.finish_on or body.start_on).isoformat(),
        "half_day": body.half_day,
        "description": body.description,
        "reason": None,
        "approved": None if leave_type.get("approval_required", True) else True,
        "start_time": None,
        "hours_amount_in_cents": None,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }
    _compute_leave(row)
    return caller.world.table("timeoff/leaves").insert(caller.company_id, row)


def update_leave(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(LeaveUpdate, payload)
    if not caller.manages(row["employee_id"]):
        raise forbidden("You can only change your own time off or that of the people you manage")
    if "approved" in body.model_fields_set and not _can_approve(caller, row):
        raise forbidden("Only the employee's time-off manager or an admin can approve or reject")
    candidate = dict(row)
    _apply(candidate, body, dates=("start_on", "finish_on"))
    if body.leave_type_id is not None:
        candidate["leave_type_name"] = _leave_type(caller, body.leave_type_id)["name"]
    _compute_leave(candidate)
    row.update(candidate)
    return _touch(caller, row)


def delete_leave(caller: Caller, row: Row) -> Row:
    if not caller.manages(row["employee_id"]):
        raise forbidden("You can only delete your own time off or that of the people you manage")
    caller.world.table("timeoff/leaves").delete(caller.company_id, row["id"])
    row["deleted_at"] = timestamp(caller.world.clock.now())
    return _touch(caller, row)


def _can_approve(caller: Caller, leave: Row) -> bool:
    return caller.admin or (not caller.is_self(leave["employee_id"]) and caller.manages(leave["employee_id"]))


class Reject(Body):
    id: int
    reason: str | None = Field(None, max_length=2000)


def _decide_leave(caller: Caller, leave_id: int, approved: bool, reason: str | None = None) -> Row:
    row = _target(caller, "timeoff/leaves", leave_id)
    if not _can_approve(caller, row):
        raise forbidden("Only the employee's time-off manager or an admin can approve or reject")
    row["approved"] = approved
    if reason is not None:
        row["reason"] = reason
    return _touch(caller, row)


def approve_leave(caller: Caller, payload: Any) -> Row:
    return _decide_leave(caller, parse_body(TargetId, payload).id, True)


def reject_leave(caller: Caller, payload: Any) -> Row:
    body = parse_body(Reject, payload)
    return _decide_leave(caller, body.id, False, body.reason)


# --- attendance ---------------------------------------------------------------------------------------------


class Clock(Body):
    employee_id: int | None = None
    now: datetime | None = None
    observations: str | None = Field(None, max_length=2000)
    location_type: Literal["office", "work_from_home", "business_trip"] | None = None


def _clock_target(caller: Caller, body: Clock) -> tuple[int, datetime]:
    employee_id = body.employee_id if body.employee_id is not None else caller.employee_id
    if employee_id is None:
        raise invalid("employee_id", "is required")
    _employee(caller, employee_id)
    if not caller.admin and not caller.is_self(employee_id):
        raise forbidden("You can only clock in and out for yourself")
    return employee_id, body.now or caller.world.clock.now()


def _open_shift(caller: Caller, employee_id: int) -> Row | None:
    for row in reversed(caller.world.table("attendance/shifts").rows(caller.company_id)):
        if row["employee_id"] == employee_id and row.get("clock_in") and not row.get("clock_out"):
            return row
    return None


def clock_in(caller: Caller, payload: Any) -> Row:
    body = parse_body(Clock, payload)
    employee_id, moment = _clock_target(caller, body)
    if _open_shift(caller, employee_id) is not None:
        raise invalid("employee_id", "is already clocked in")
    now = timestamp(caller.world.clock.now())
    row: Row = {
        "employee_id": employee_id,
        "date": moment.date().isoformat(),
        "reference_date": moment.date().isoformat(),
        "clock_in": moment.strftime("%H:%M"),
        "clock_out": None,
        "clock_in_with_seconds": moment.strftime("%H:%M:%S"),
        "in_source": "api",
        "out_source": None,
        "observations": body.observations,
        "location_type": body.location_type,
        "half_day": None,
        "workable": True,
        "workplace_id": None,
        "minutes": 0,
        "created_at": now,
        "updated_at": now,
    }
    return caller.world.table("attendance/shifts").insert(caller.company_id, row)


def clock_out(caller: Caller, payload: Any) -> Row:
    body = parse_body(Clock, payload)
    employee_id, moment = _clock_target(caller, body)
    row = _open_shift(caller, employee_id)
    if row is None:
        raise invalid("employee_id", "is not clocked in")
    started = datetime.fromisoformat(f"{row['date']}T{row['clock_in_with_seconds'] or row['clock_in']}")
    minutes = int((moment.replace(tzinfo=None) - started).total_seconds() // 60)
    row.update({"clock_out": moment.strftime("%H:%M"), "out_source": "api", "minutes": max(minutes, 0)})
    return _touch(caller, row)


# --- recruitment --------------------------------------------------------------------------------------------


class CandidateCreate(Body):
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    email: EmailStr | None = None
    phone_number: str | None = None
    personal_url: str | None = None
    gender: Literal["female", "male", "other", "unanswered"] | None = None
    talent_pool: bool = False
    source: str | None = None
    medium: str | None = None


def create_candidate(caller: Caller, payload: Any) -> Row:
    body = parse_body(CandidateCreate, payload)
    _require_admin(caller, "create candidates")
    now = timestamp(caller.world.clock.now())
    row: Row = {
        "first_name": body.first_name,
        "last_name": body.last_name,
        "full_name": f"{body.first_name} {body.last_name}",
        "email": str(body.email) if body.email else None,
        "phone_number": body.phone_number,
        "personal_url": body.personal_url,
        "gender": body.gender,
        "talent_pool": body.talent_pool,
        "medium": body.medium,
        "source_id": None,
        "consent_given_at": None,
        "inactive_since": None,
        "ats_job_posting_ids": [],
        "score": None,
        "created_at": now,
        "updated_at": now,
    }
    return caller.world.table("ats/candidates").insert(caller.company_id, row)


# --- webhook subscriptions ----------------------------------------------------------------------------------

ApiVersion = Literal["2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"]


class SubscriptionCreate(Body):
    subscription_type: str = Field(min_length=3, pattern=r"^[a-z_]+/[a-z_]+/[a-z_]+$")
    target_url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2048)
    name: str | None = Field(None, max_length=255)
    challenge: str | None = Field(None, max_length=255)
    enabled: bool = True
    api_version: ApiVersion = "2026-10-01"


class SubscriptionUpdate(Body):
    subscription_type: str | None = Field(None, min_length=3, pattern=r"^[a-z_]+/[a-z_]+/[a-z_]+$")
    target_url: str | None = Field(None, pattern=r"^https?://[^\s]+$", max_length=2048)
    name: str | None = Field(None, max_length=255)
    challenge: str | None = Field(None, max_length=255)
    enabled: bool | None = None
    api_version: ApiVersion | None = None


def create_subscription(caller: Caller, payload: Any) -> Row:
    body = parse_body(SubscriptionCreate, payload)
    _require_admin(caller, "manage webhook subscriptions")
    row: Row = {
        "type": body.subscription_type,
        "target_url": body.target_url,
        "name": body.name,
        "challenge": body.challenge,
        "enabled": body.enabled,
        "api_version": body.api_version,
    }
    return caller.world.table("api_public/webhook_subscriptions").insert(caller.company_id, row)


def update_subscription(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(SubscriptionUpdate, payload)
    _require_admin(caller, "manage webhook subscriptions")
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is not None:
            row["type" if name == "subscription_type" else name] = value
    if body.enabled:
        row["_failures"] = 0
    return row


def delete_subscription(caller: Caller, row: Row) -> Row:
    _require_admin(caller, "manage webhook subscriptions")
    caller.world.table("api_public/webhook_subscriptions").delete(caller.company_id, row["id"])
    return row
