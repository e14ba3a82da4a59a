"""Tasks: what HR asks of people around their hiring and their year (sign the contract, upload an ID, book the
health check), assigned to the person by their access id, with due days and statuses in every state."""

from __future__ import annotations

from ..state import Row
from .seeding import Seeding
from .timestamps import DAY_SECONDS

_TASKS = (
    ("Sign your employment contract", "Review the contract in Documents and sign it electronically."),
    ("Upload a copy of your ID", "A scan or a photo of both sides, in Documents > Identity documents."),
    (
        "Book your occupational health check",
        "Any clinic on the company's list; the appointment is paid time.",
    ),
    ("Complete the security awareness training", "About 40 minutes, in the training portal."),
    ("Add your bank details", "Payroll needs them before the month's closing day."),
    ("Set your goals for the year", "Three to five goals, agreed with your manager."),
)
_STATUSES = ("todo", "in_progress", "done", "discarded")


def seed_tasks(seeding: Seeding) -> None:
    """One to three tasks for about a quarter of the staff, each assigned to that person by the admin."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    admin = seeding.people[0].row
    for person in seeding.people[1:]:
        if rng.random() >= 0.25:
            continue
        employee = person.row
        for _ in range(1 + int(rng.random() * 3)):
            name, content = rng.choice(_TASKS)
            given = min(max(person.hired, today - 300) + rng.randint(0, 30), today)
            created = time.start_of(given) + rng.randrange(8 * 3600, 18 * 3600)
            due = given + rng.randint(3, 30)
            status = rng.choice(_STATUSES)
            completed = created + rng.randrange(DAY_SECONDS, 20 * DAY_SECONDS) if status == "done" else None
            changed = completed if completed is not None else created + rng.randrange(0, 5 * DAY_SECONDS)
            row: Row = {
                "name": name,
                "content": content,
                "due_on": time.day(due),
                "assignee_ids": [employee["access_id"]],
                "author_employee_id": admin["id"],
                "completed_at": time.stamp(completed) if completed is not None else None,
                "completed_by_id": employee["access_id"] if completed is not None else None,
                "status": status,
                "created_at": time.stamp(created),
                "updated_at": time.stamp(changed),
            }
            seeding.insert("tasks/tasks", row)
