"""StackOne's shifts and time entries over Factorial's attendance shifts (its clock-in and clock-out records).

Factorial keeps a shift's day (`date`) and its wall-clock times (`clock_in`, `clock_out`, `HH:MM`) apart, and
splits a shift that crosses midnight at midnight, so a shift's start and end are its day joined to each time.
StackOne's shift times are date-times without a zone, which is what Factorial has; its time entries' times need
an offset, and Factorial records no zone for them: they are given as UTC, the company's wall-clock times.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read

START = "clock_in && join('', [date, 'T', clock_in_with_seconds || join('', [clock_in, ':00'])])"
"""The shift's start: its day and clock-in time, to the second where Factorial kept the seconds."""
END = "clock_out && join('', [date, 'T', clock_out, ':00'])"
"""The shift's end: null while the employee is still clocked in."""


def resources() -> list[dict[str, Any]]:
    """The shift and time entry mappings (`/shifts`, `/employees/{id}/shifts`, `/time_entries`)."""
    common = {
        "list_action": "factorialhr_list_shifts",
        "get_action": "factorialhr_get_shift",
        # Factorial has no update-time filter on shifts: the platform compares each record's `updated_at`.
        "updated_after": {},
        "parent": {"param": "employee_ids", "field": "employee_id"},
    }
    return [
        {
            "resource": "hris/shifts",
            **common,
            "fields": {
                **_ids(),
                "employee_id": _read("employee_id"),
                "company_id": _read("company_id"),
                "location_id": _read("workplace_id"),
                "start_time": _read(START),
                "end_time": _read(END),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
        {
            "resource": "hris/time_entries",
            **common,
            "filters": {"employee_id": {"field": "employee_id", "param": "employee_ids"}},
            "fields": {
                **_ids(),
                "employee_id": _read("employee_id"),
                "remote_employee_id": _read("employee_id"),
                "start_time": _read(START),
                "end_time": _read(END),
                "hours_worked": _read("minutes", divide_by=60),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
    ]
