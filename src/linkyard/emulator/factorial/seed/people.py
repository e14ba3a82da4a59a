"""Who works at the company: the reporting tree, hire and termination dates, and where everybody sits."""

from __future__ import annotations

import itertools

from .departments import DEPARTMENTS
from .employees import seed_employee
from .seeding import Person, Seeding


def seed_people(seeding: Seeding, founded: int, onboarded: int) -> None:
    """Everybody who works or worked at the company, the admin first, each with a site and a department."""
    rng, n, time = seeding.rng, seeding.n, seeding.time
    team_count = max(1, min(len(DEPARTMENTS), 1 + n // 12))
    # A breadth-first tree: the admin at the root, everybody else reporting to an earlier employee.
    parents, depths = [-1] * n, [0] * n
    manager, room = 0, max(team_count, min(3, n - 1))
    for i in range(1, n):
        while room == 0:
            manager += 1
            room = rng.randint(3, 8)
        parents[i], depths[i] = manager, depths[manager] + 1
        room -= 1
    reports = [0] * n
    for i in range(1, n):
        reports[parents[i]] += 1
    # Hire dates: the founder first, growth skewed to recent years; managers joined before their reports.
    span = max(1, time.today - 14 - founded)
    hires = sorted(founded + 1 + int(span * rng.random() ** 0.5) for _ in range(n - 1))
    hired = [founded, *hires]
    ends = _plan_terminations(seeding, reports, hired)
    weights = list(
        itertools.accumulate(
            6 if site.row["main"] else 3 if site.city is site.country.cities[0] else 1
            for site in seeding.sites
        )
    )
    used_names: set[str] = set()
    local_parts: dict[str, int] = {}
    for i in range(n):
        parent = parents[i]
        if i == 0:
            site, department = seeding.sites[0], -1
        elif parent == 0:
            site, department = seeding.sites[(i - 1) % len(seeding.sites)], (i - 1) % team_count
        else:
            boss = seeding.people[parent]
            site = boss.site if rng.random() < 0.85 else rng.weighted(seeding.sites, weights)
            department = boss.department
        person = Person(i, {}, site, department, depths[i], hired[i], ends[i], reports[i])
        person.row = seed_employee(seeding, person, parent, used_names, local_parts, onboarded)
        seeding.people.append(person)
    seeding.company.admin_employee_id = seeding.people[0].row["id"]


def _plan_terminations(seeding: Seeding, reports: list[int], hired: list[int]) -> list[int | None]:
    """Past terminations and a couple of notice periods, only for people nobody reports to."""
    rng, n, today = seeding.rng, seeding.n, seeding.time.today
    ends: list[int | None] = [None] * n
    if n < 5:
        return ends
    leaves = [i for i in range(1, n) if reports[i] == 0]
    rng.generator.shuffle(leaves)
    gone = max(1, round(n * 0.04))
    leaving = 1 if n < 50 else 2
    for i in leaves:
        if gone and hired[i] < today - 75:
            ends[i] = rng.randint(hired[i] + 60, today - 1)
            gone -= 1
        elif leaving and gone == 0:
            ends[i] = today + rng.randint(5, 45)
            leaving -= 1
        if not gone and not leaving:
            break
    return ends
