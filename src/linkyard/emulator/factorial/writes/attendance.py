"""Attendance writes: clock in and clock out, for yourself or, as an admin, for anybody."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..errors import forbidden, invalid
from ..state import Row, timestamp
from .bodies import Body, parse_body, require_employee, touch


class Clocking(Body):
    employee_id: int | None = None
    now: datetime | None = None
    observations: str | None = Field(None, max_length=2000)
    location_type: Literal["office", "work_from_home", "business_trip"] | None = None


def _clock_target(caller: Caller, body: Clocking) -> tuple[int, datetime]:
    employee_id = body.employee_id if body.employee_id is not None else caller.employee_id
    if employee_id is None:
        raise invalid("employee_id", "is required")
    require_employee(caller, employee_id)
    if not caller.admin and not caller.is_self(employee_id):
        raise forbidden("You can only clock in and out for yourself")
    return employee_id, body.now or caller.world.clock.now()


def _open_shift(caller: Caller, employee_id: int) -> Row | None:
    for row in reversed(caller.world.table("attendance/shifts").rows(caller.company_id)):
        if row["employee_id"] == employee_id and row.get("clock_in") and not row.get("clock_out"):
            return row
    return None


def clock_in(caller: Caller, payload: Any) -> Row:
    body = parse_body(Clocking, payload)
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
    body = parse_body(Clocking, payload)
    employee_id, moment = _clock_target(caller, body)
    row = _open_shift(caller, employee_id)
    if row is None:
        raise invalid("employee_id", "is not clocked in")
    started = datetime.fromisoformat(f"{row['date']}T{row['clock_in_with_seconds'] or row['clock_in']}")
    minutes = int((moment.replace(tzinfo=None) - started).total_seconds() // 60)
    row.update({"clock_out": moment.strftime("%H:%M"), "out_source": "api", "minutes": max(minutes, 0)})
    return touch(caller, row)
