"""Contract version writes: a new version starts as a copy of the employee's latest one."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..query import MAX_ID
from ..state import Row, timestamp
from .bodies import Body, apply_fields, parse_body, require_admin, require_employee, touch


class ContractVersionWrite(Body):
    effective_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    job_title: str | None = None
    # Stored and sent back, so bounded like Factorial's integer columns (JSON encoders stop at 64 bits).
    salary_amount: int | None = Field(None, ge=0, le=MAX_ID)
    salary_frequency: Literal["yearly", "monthly", "weekly", "daily", "hourly"] | None = None
    working_hours: int | None = Field(None, ge=0, le=MAX_ID)
    working_hours_frequency: str | None = None
    working_week_days: str | None = None
    has_trial_period: bool | None = None
    trial_period_ends_on: date | None = None
    bank_holiday_treatment: Literal["workable", "non_workable"] | None = None


class ContractVersionCreate(ContractVersionWrite):
    """Factorial requires the employee and the day the version takes effect; the contract's first day (like
    every other field) is the latest version's unless given."""

    employee_id: int
    effective_on: date


_CONTRACT_DATES = ("effective_on", "starts_on", "ends_on", "trial_period_ends_on")


def create_contract_version(caller: Caller, payload: Any) -> Row:
    body = parse_body(ContractVersionCreate, payload)
    require_admin(caller, "create contract versions")
    require_employee(caller, body.employee_id)
    world = caller.world
    versions = world.table("contracts/contract_versions").rows(caller.company_id)
    previous = [r for r in versions if r["employee_id"] == body.employee_id]
    # A new version starts as a copy of the employee's latest one, as Factorial's contract changes do.
    row: Row = {k: v for k, v in (previous[-1] if previous else {}).items() if k not in ("id", "company_id")}
    row.setdefault("has_payroll", True)
    row.setdefault("bank_holiday_treatment", "workable")
    row.setdefault("fr_forfait_jours", False)
    apply_fields(row, body, dates=_CONTRACT_DATES)
    now = timestamp(world.clock.now())
    row["created_at"] = row["updated_at"] = now
    return world.table("contracts/contract_versions").insert(caller.company_id, row)


def update_contract_version(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(ContractVersionWrite, payload)
    require_admin(caller, "update contract versions")
    apply_fields(row, body, dates=_CONTRACT_DATES)
    return touch(caller, row)
