"""Employee writes: update, create with a first contract, terminate, unterminate, invite to sign in."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..errors import forbidden, invalid
from ..state import Row, timestamp
from .bodies import (
    Body,
    EmailStr,
    TargetId,
    apply_fields,
    check_reference,
    parse_body,
    require_admin,
    require_employee,
    require_row,
    touch,
)

Gender = Literal["male", "female"]


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
            require_employee(caller, value, field)
            if value == row["id"]:
                raise invalid(field, "cannot be the employee themselves")
    check_reference(caller, "locations/locations", "location_id", body.location_id)
    check_reference(caller, "companies/legal_entities", "legal_entity_id", body.legal_entity_id)
    apply_fields(row, body, dates=("birthday_on",))
    if "first_name" in body.model_fields_set or "last_name" in body.model_fields_set:
        row["full_name"] = f"{row['first_name']} {row['last_name']}"
    return touch(caller, row)


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
    require_admin(caller, "create employees")
    world, company_id = caller.world, caller.company_id
    email = str(body.email).lower()
    if world.users_by_email.get(email) is not None:
        raise invalid("email", "has already been taken")
    for field in ("manager_id", "timeoff_manager_id"):
        if getattr(body, field) is not None:
            require_employee(caller, getattr(body, field), field)
    check_reference(caller, "companies/legal_entities", "legal_entity_id", body.legal_entity_id)
    check_reference(caller, "locations/locations", "location_id", body.location_id)
    check_reference(caller, "teams/teams", "team_id", body.team_id)
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
    require_admin(caller, "terminate employees")
    row = require_row(caller, "employees/employees", body.id)
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
    return touch(caller, row)


def unterminate_employee(caller: Caller, payload: Any) -> Row:
    body = parse_body(TargetId, payload)
    require_admin(caller, "unterminate employees")
    row = require_row(caller, "employees/employees", body.id)
    row.update({"terminated_on": None, "termination_reason": None, "is_terminating": False, "active": True})
    return touch(caller, row)


def invite_employee(caller: Caller, payload: Any) -> Row:
    body = parse_body(TargetId, payload)
    require_admin(caller, "invite employees")
    row = require_row(caller, "employees/employees", body.id)
    row["_can_login"] = True
    caller.world.register_login(caller.company_id, row)
    return touch(caller, row)
