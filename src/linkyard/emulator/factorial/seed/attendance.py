"""Attendance: clock-ins and clock-outs over the last working days, today's shift possibly still open."""

from __future__ import annotations

from ..state import Row
from .seeding import Seeding
from .timestamps import CLOCK_TEXT, DAY_SECONDS, SECOND_TEXT, UNIX_EPOCH


def seed_shifts(seeding: Seeding) -> None:
    """The last five working days of clocking for a fifth of the active staff; today's may still be open."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    r, day_text, stamp = rng.random, time.days, time.stamp
    table = seeding.world.table("attendance/shifts")
    now_minute = (time.now % DAY_SECONDS) // 60
    template: Row = {
        "id": None,
        "company_id": None,
        "employee_id": None,
        "date": None,
        "reference_date": None,
        "clock_in": None,
        "clock_out": None,
        "clock_in_with_seconds": None,
        "in_source": None,
        "out_source": None,
        "observations": None,
        "location_type": "office",
        "half_day": None,
        "in_location_latitude": None,
        "in_location_longitude": None,
        "in_location_accuracy": None,
        "out_location_latitude": None,
        "out_location_longitude": None,
        "out_location_accuracy": None,
        "workable": True,
        "workplace_id": None,
        "time_settings_break_configuration_id": None,
        "minutes": 0,
        "created_at": None,
        "updated_at": None,
    }
    sources = ("desktop", "desktop", "mobile", "kiosk")
    for person in seeding.people:
        employee = person.row
        if not employee["active"] or not employee["attendable"] or person.hired >= today or r() >= 0.2:
            continue
        holidays, leaves = person.site.holiday_set, person.leaves
        day, worked = today, 0
        while worked < 5 and day > max(person.hired, today - 10):
            off = day % 7 in (0, 6) or day in holidays
            if off or any(s <= day <= f and k != "remote_work" for s, f, k, _ in leaves):
                day -= 1
                continue
            remote = r() < 0.2 or any(s <= day <= f for s, f, _, _ in leaves)
            clock_in = 450 + int(r() * 151)  # 07:30 to 10:00
            clock_out = clock_in + 450 + int(r() * 121)  # 7.5 to 9.5 hours later
            if day == today and now_minute < clock_in + 5:
                day -= 1
                continue
            finished = day < today or now_minute >= clock_out
            start = (day - UNIX_EPOCH) * DAY_SECONDS
            clock_in_text = CLOCK_TEXT[clock_in]
            row = template.copy()
            row.update(
                employee_id=employee["id"],
                date=day_text[day],
                reference_date=day_text[day],
                clock_in=clock_in_text,
                clock_in_with_seconds=f"{clock_in_text}:{SECOND_TEXT[int(r() * 60)]}",
                in_source="mobile" if remote else sources[int(r() * 4)],
                created_at=stamp(start + clock_in * 60),
            )
            if remote:
                row["location_type"] = "work_from_home"
            else:
                row["workplace_id"] = person.site.row["id"]
            if finished:
                row["clock_out"] = CLOCK_TEXT[clock_out]
                row["out_source"] = row["in_source"]
                row["minutes"] = clock_out - clock_in
                row["updated_at"] = stamp(start + clock_out * 60 + 2)
            else:
                row["updated_at"] = row["created_at"]
            table.insert(seeding.cid, row)
            worked += 1
            day -= 1
