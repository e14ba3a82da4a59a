"""Time-off writes: request, change and delete leaves, and approve or reject them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..errors import forbidden, invalid
from ..state import Row, timestamp
from .bodies import Body, TargetId, apply_fields, parse_body, require_employee, require_row, touch

HalfDay = Literal["beginning_of_day", "end_of_day"]


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
    employee = require_employee(caller, body.employee_id)
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
    apply_fields(candidate, body, dates=("start_on", "finish_on"))
    if body.leave_type_id is not None:
        candidate["leave_type_name"] = _leave_type(caller, body.leave_type_id)["name"]
    _compute_leave(candidate)
    row.update(candidate)
    return touch(caller, row)


def delete_leave(caller: Caller, row: Row) -> Row:
    if not caller.manages(row["employee_id"]):
        raise forbidden("You can only delete your own time off or that of the people you manage")
    caller.world.table("timeoff/leaves").soft_delete(caller.company_id, row["id"])
    row["deleted_at"] = timestamp(caller.world.clock.now())
    return touch(caller, row)


def _can_approve(caller: Caller, leave: Row) -> bool:
    return caller.admin or (not caller.is_self(leave["employee_id"]) and caller.manages(leave["employee_id"]))


class Reject(Body):
    id: int
    reason: str | None = Field(None, max_length=2000)


def _decide_leave(caller: Caller, leave_id: int, approved: bool, reason: str | None = None) -> Row:
    row = require_row(caller, "timeoff/leaves", leave_id)
    if not _can_approve(caller, row):
        raise forbidden("Only the employee's time-off manager or an admin can approve or reject")
    row["approved"] = approved
    if reason is not None:
        row["reason"] = reason
    return touch(caller, row)


def approve_leave(caller: Caller, payload: Any) -> Row:
    return _decide_leave(caller, parse_body(TargetId, payload).id, True)


def reject_leave(caller: Caller, payload: Any) -> Row:
    body = parse_body(Reject, payload)
    return _decide_leave(caller, body.id, False, body.reason)
