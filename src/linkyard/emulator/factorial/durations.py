"""A leave's duration day by day (`include_duration_by_day`): the workable and used units of each calendar day.

A day is workable when the employee's contract version in effect that day lists its weekday in
`working_week_days` (Monday to Friday when the employee has no contract) and, unless the contract's
`bank_holiday_treatment` is `workable`, it is not a whole-day holiday of the employee's location (the seed counts
`days_taken` the same way). Its hours are the contract's `working_hours`
spread over those weekdays (`working_hours_frequency` `week`; `day` is per day). A one-day `half_day` leave uses
half of its day. An open-ended leave is walked to today, or to `forced_finish_on`, which also cuts a longer leave
short and never extends one.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from starlette.datastructures import QueryParams

from .caller import Caller
from .query import parse_date, values
from .state import Row

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_WEEK = "monday,tuesday,wednesday,thursday,friday"
DEFAULT_WEEKLY_HOURS = 40
MAX_DAYS = 731
"""The longest walk (two years, a choice): an endless or far-reaching leave is broken down over its first two years."""


@dataclass(frozen=True)
class _Schedule:
    effective_on: str
    weekdays: frozenset[int]  # date.weekday() numbers
    hours_per_day: float
    holidays_off: bool


def _schedule(contract: Row | None) -> _Schedule:
    text = (contract or {}).get("working_week_days") or DEFAULT_WEEK
    weekdays = frozenset(WEEKDAYS.index(day.strip()) for day in text.split(",") if day.strip() in WEEKDAYS)
    hours = (contract or {}).get("working_hours")
    hours = DEFAULT_WEEKLY_HOURS if hours is None else hours
    per_day = (
        hours if (contract or {}).get("working_hours_frequency") == "day" else hours / max(1, len(weekdays))
    )
    effective_on = (contract or {}).get("effective_on") or (contract or {}).get("starts_on") or ""
    holidays_off = (contract or {}).get("bank_holiday_treatment") != "workable"
    return _Schedule(effective_on, weekdays, round(float(per_day), 2), holidays_off)


def duration_by_day(caller: Caller, params: QueryParams) -> Callable[[Row], Row]:
    """The expansion for one list request: `duration_by_day_attributes`, and `days_taken` as their sum."""
    forced = values(params, "forced_finish_on")
    forced_finish = date.fromisoformat(parse_date("forced_finish_on", forced[-1])) if forced else None
    today = caller.world.clock.now().date()
    world, company_id = caller.world, caller.company_id
    schedules: dict[int, list[_Schedule]] = {}
    holidays: dict[int, frozenset[str]] = {}

    def schedules_of(employee_id: int) -> list[_Schedule]:
        if not schedules:
            for contract in world.table("contracts/contract_versions").rows(company_id):
                schedules.setdefault(contract["employee_id"], []).append(_schedule(contract))
            for found in schedules.values():
                found.sort(key=lambda schedule: schedule.effective_on)
        return schedules.get(employee_id) or [_schedule(None)]

    def holidays_of(location_id: int | None) -> frozenset[str]:
        if not holidays:
            whole_days: dict[int, set[str]] = {}
            for holiday in world.table("holidays/company_holidays").rows(company_id):
                if holiday.get("half_day") is None:
                    whole_days.setdefault(holiday["location_id"], set()).add(holiday["date"])
            holidays.update({location: frozenset(days) for location, days in whole_days.items()})
            holidays.setdefault(0, frozenset())  # computed once, even for a company without holidays
        return holidays.get(location_id or 0, frozenset())

    def expand(leave: Row) -> Row:
        start = date.fromisoformat(leave["start_on"])
        finish = date.fromisoformat(leave["finish_on"]) if leave.get("finish_on") else forced_finish or today
        if forced_finish is not None and forced_finish < finish:
            finish = forced_finish
        finish = min(finish, start + timedelta(days=MAX_DAYS - 1))
        employee = world.employee(company_id, leave["employee_id"]) or {}
        own = schedules_of(leave["employee_id"])
        starts = [schedule.effective_on for schedule in own]
        closed = holidays_of(employee.get("location_id"))
        share = 0.5 if leave.get("half_day") and finish == start else 1.0
        workable_days: dict[str, float] = {}
        workable_hours: dict[str, float] = {}
        used_days: dict[str, float] = {}
        used_hours: dict[str, float] = {}
        day = start
        while day <= finish:
            key = day.isoformat()
            schedule = own[max(0, bisect.bisect_right(starts, key) - 1)]
            works = day.weekday() in schedule.weekdays and not (schedule.holidays_off and key in closed)
            workable_days[key] = 1.0 if works else 0.0
            workable_hours[key] = schedule.hours_per_day if works else 0.0
            used_days[key] = share if works else 0.0
            used_hours[key] = round(schedule.hours_per_day * share, 2) if works else 0.0
            day += timedelta(days=1)
        attributes: dict[str, Any] = {
            "workable_units_by_day": {"days": workable_days, "hours": workable_hours},
            "used_units_by_day": {"days": used_days, "hours": used_hours},
        }
        return {"days_taken": sum(used_days.values()), "duration_by_day_attributes": attributes}

    return expand
