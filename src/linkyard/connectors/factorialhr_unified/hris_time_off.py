"""StackOne's time off models over Factorial: requests (leaves), types and policies (leave types), balances
(allowance stats).

A StackOne time off policy is the kind of time off a request is made under, with its type and unit: Factorial's
leave type, which is also what a leave names (`leave_type_id`). StackOne's time off types are references to the
same leave types. A balance is Factorial's allowance stat: the days an employee has under one allowance this
year (an allowance covers leave types; naming them would take a second call per balance, so `policy_id` stays
unfilled).
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read

TIME_OFF_STATUSES = {
    "true": "approved",
    "false": "rejected",
    "pending": "pending",
    "cancelled": "cancelled",
}
"""Factorial's `approved` (true, false, or null while pending) and its deletion of a cancelled request."""

STATUS_SOURCE = "deleted_at != null && 'cancelled' || (approved == null && 'pending') || approved"
"""The source of the status: a deleted request (the answer to a cancel) is cancelled, a request not yet decided
(`approved` null) is pending, else Factorial's own flag."""

LEAVE_KINDS = {
    "vacation": "vacation",
    "sick_leave": "sick",
    "personal_day": "personal",
    "unpaid_leave": "unpaid",
    "parental_leave": "child_care_leave",
    "remote_work": "other",
}
"""Factorial's leave type `identifier` -> StackOne's kind of time off; a company's own identifiers are
`unmapped_value`."""

DAYS = {"days": "days"}
"""Factorial counts leaves and allowances in days."""


def _day_start(field: str) -> str:
    """A Factorial day as StackOne's date-time without offset (midnight that day)."""
    return f"{field} && join('', [{field}, 'T00:00:00.000'])"


def _days_duration(field: str) -> str:
    """A number of days as an ISO 8601 duration (`P3D`; `P0.5D` for half a day)."""
    whole = f"join('', ['P', to_string(floor({field})), 'D'])"
    fraction = f"join('', ['P', to_string({field}), 'D'])"
    return f"{field} && ({field} == floor({field}) && {whole} || {fraction})"


def _leave_type_reference() -> dict[str, Any]:
    return {**_ids(), "name": _read("name"), "active": _read("active")}


def resources() -> list[dict[str, Any]]:
    """The time off resources' mappings."""
    return [
        {
            "resource": "hris/time_off",
            "list_action": "factorialhr_list_time_off_requests",
            "get_action": "factorialhr_get_time_off_request",
            # Factorial has no update-time filter on leaves: Linkyard filters the mapped `updated_at`.
            "updated_after": {"param": None},
            "parent": {"param": "employee_ids", "field": "employee_id"},
            "create_action": "factorialhr_create_time_off_request",
            "update_action": "factorialhr_update_time_off_request",
            "delete_action": "factorialhr_cancel_time_off_request",
            "fields": {
                **_ids(),
                "employee_id": _read("employee_id", write="employee_id"),
                "remote_employee_id": _read("employee_id"),
                "status": _read(STATUS_SOURCE, enum=TIME_OFF_STATUSES),
                "start_date": _read(_day_start("start_on"), write="start_on", write_as="date"),
                "end_date": _read(_day_start("finish_on"), write="finish_on", write_as="date"),
                # Factorial's half day is of a one-day leave: the afternoon off (`end_of_day`) starts half
                # way through the day, the morning off (`beginning_of_day`) ends half way through it.
                "start_half_day": _read("half_day == 'end_of_day'"),
                "end_half_day": _read("half_day == 'beginning_of_day'"),
                "duration": _read(_days_duration("days_taken")),
                "time_off_policy_id": _read("leave_type_id", write="leave_type_id"),
                "remote_time_off_policy_id": _read("leave_type_id"),
                "comment": _read("description", write="description"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
            "expands": {"policy": {"key": "leave_type_id"}},
        },
        {
            "resource": "hris/time_off_types",
            "list_action": "factorialhr_list_leave_types",
            "get_by": "ids",
            "fields": _leave_type_reference(),
        },
        {
            "resource": "hris/time_off_policies",
            "list_action": "factorialhr_list_leave_types",
            "get_by": "ids",
            "filters": {"type": {"field": "type"}},
            "fields": {
                **_ids(),
                "name": _read("name"),
                "description": _read("description"),
                "type": _read("identifier", enum=LEAVE_KINDS),
                "duration_unit": _read('`"days"`', enum=DAYS),
            },
        },
        {
            "resource": "hris/time_off_balances",
            "list_action": "factorialhr_list_time_off_balances",
            "get_by": "ids",
            "parent": {"param": "employee_ids", "field": "employee_id"},
            "fields": {
                **_ids(),
                "employee_id": _read("employee_id"),
                "remote_employee_id": _read("employee_id"),
                # Factorial's day counts are decimal texts ("18.5").
                "current_balance": _read("available_days && to_number(available_days)"),
                "initial_balance": _read("total && to_number(total)"),
                "balance_unit": _read('`"days"`', enum=DAYS),
                "balance_start_date": _read("cycles[0].start_at"),
                "balance_expiry_date": _read("cycles[0].end_at"),
            },
        },
    ]
