"""Leave requests around today, in every state (approved, pending, rejected), on working days only."""

from __future__ import annotations

import bisect

from ..state import Row
from .leave_kinds import LEAVE_KINDS, LEAVE_WEIGHTS
from .seeding import Person, Seeding
from .timestamps import DAY_SECONDS, UNIX_EPOCH
from .workdays import count_working_days, weekday_on_or_after

_REJECTIONS = (
    "Team coverage is needed that week",
    "Overlaps with a release",
    "Please pick other dates",
    "Too many people off",
)


def seed_leaves(seeding: Seeding) -> None:
    """One to four leave requests per person, from four months ago to three months ahead."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    kinds, table = LEAVE_KINDS, seeding.world.table("timeoff/leaves")
    created: list[tuple[Row, Person, int, int, int, str]] = []
    template: Row = dict.fromkeys(
        (
            "id",
            "company_id",
            "employee_id",
            "employee_full_name",
            "leave_type_id",
            "leave_type_name",
            "start_on",
            "finish_on",
            "half_day",
            "start_time",
            "hours_amount_in_cents",
            "days_taken",
            "description",
            "reason",
            "approved",
            "duration_attributes",
            "created_at",
            "updated_at",
            "deleted_at",
        )
    )
    r, day, at, now = rng.random, time.days, time.at, time.now
    typed = [(kind, seeding.leave_types[kind.identifier]) for kind in kinds]
    weights, total_weight = LEAVE_WEIGHTS, LEAVE_WEIGHTS[-1]
    for person in seeding.people:
        first = max(today - 120, person.hired + 1)
        last = today + 90 if person.ends is None else min(today + 90, person.ends - 1)
        if last - first < 7:
            continue
        count = 3 if person.index == 0 else 1 + int(r() * 4)
        slot = (last - first + 1) // count
        holidays = person.site.holidays
        employee_id, full_name, employee_created = (
            person.row["id"],
            person.row["full_name"],
            person.row["created_at"],
        )
        for k in range(count):
            kind, leave_type = typed[bisect.bisect_right(weights, r() * total_weight)]
            length = kind.min_days + int(r() * (kind.max_days - kind.min_days + 1))
            calendar = length + 2 * ((length - 1) // 5)
            begin = first + k * slot
            start = weekday_on_or_after(begin + int(r() * max(1, slot - calendar)))
            finish = min(start + calendar - 1, begin + slot - 1, last)
            days = count_working_days(start, finish, holidays)
            if days == 0:
                continue
            roll = r()
            if not kind.approval_required:
                approved: bool | None = True
            elif start > today:
                approved = True if roll < 0.55 else None if roll < 0.9 else False
            else:
                approved = True if roll < 0.88 else False if roll < 0.97 else None
            open_ended = kind.allow_endless and start <= today <= finish and r() < 0.4
            if open_ended:
                finish = today
                days = count_working_days(start, today, holidays)
            asked_on = start - 2 - int(r() * 29)
            if asked_on > today:  # plans further ahead were requested during the last weeks
                asked_on = today - int(r() * 21)
            asked = (asked_on - UNIX_EPOCH) * DAY_SECONDS + 28800 + int(r() * 39600)
            asked_at = max(at(min(asked, now - 600)), employee_created)
            decided = asked_at if approved is None else at(min(asked + 600 + int(r() * 258600), now))
            row = template.copy()
            row.update(
                employee_id=employee_id,
                employee_full_name=full_name,
                leave_type_id=leave_type["id"],
                leave_type_name=leave_type["name"],
                start_on=day[start],
                finish_on=None if open_ended else day[finish],
                days_taken=days,
                description=kind.descriptions[int(r() * len(kind.descriptions))],
                reason=_REJECTIONS[int(r() * len(_REJECTIONS))] if approved is False else None,
                approved=approved,
                created_at=asked_at,
                updated_at=max(decided, asked_at),
            )
            table.insert(seeding.cid, row)
            created.append((row, person, start, finish, days, kind.identifier))
    _cover_every_state(seeding, [entry[0] for entry in created])
    for row, person, start, finish, days, kind_id in created:
        if row["approved"] is True:
            person.leaves.append((start, finish, kind_id, days))


def _cover_every_state(seeding: Seeding, rows: list[Row]) -> None:
    """Pending, approved and rejected requests all exist, whatever the company's size."""
    requested = [row for row in rows if seeding.leave_types["sick_leave"]["id"] != row["leave_type_id"]]
    for state in (True, None, False):
        if requested and not any(row["approved"] is state for row in rows):
            row = requested[0] if state is True else requested[-1]
            row["approved"] = state
            row["reason"] = _REJECTIONS[0] if state is False else None
            requested.remove(row)
