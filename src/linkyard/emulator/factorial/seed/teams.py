"""Teams: the leadership team and one per department, with their leads and memberships."""

from __future__ import annotations

from .departments import DEPARTMENTS, LEADERSHIP
from .seeding import Person, Seeding


def seed_teams(seeding: Seeding) -> None:
    """The leadership team and one team per department with active people, with their memberships."""
    members: dict[int, list[Person]] = {}
    for person in seeding.people[1:]:
        if person.row["active"]:
            members.setdefault(person.department, []).append(person)
    leadership = [seeding.people[0], *(p for p in seeding.people[1:] if p.depth == 1 and p.row["active"])]
    groups: list[tuple[str, str, list[Person], list[Person]]] = [
        (LEADERSHIP, "The founders and department heads", leadership, [seeding.people[0]])
    ]
    for department in sorted(members):
        people = members[department]
        leads = [p for p in people if p.depth == 1] or people[:1]
        name = DEPARTMENTS[department].name
        groups.append((name, f"Everybody in {name}", people, leads))
    for name, description, people, leads in groups:
        lead_ids = [p.row["id"] for p in leads]
        team = seeding.insert(
            "teams/teams",
            {
                "name": name,
                "description": description,
                "avatar": None,
                "employee_ids": [p.row["id"] for p in people],
                "lead_ids": lead_ids,
                "depth": 0,
                "parent_team_id": None,
            },
        )
        seeding.teams.append(team)
        leaders = set(lead_ids)
        for person in people:
            seeding.insert(
                "teams/memberships",
                {
                    "employee_id": person.row["id"],
                    "team_id": team["id"],
                    "lead": person.row["id"] in leaders,
                    "source_team_ids": [],
                    "parent_team_ids": [],
                    "direct": True,
                },
            )
