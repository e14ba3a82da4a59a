"""The company's job catalog (a role per job title its people hold) and cost centers (one per department team).

Seeded last and without the random generator, so that the rest of a company's data is what it was before."""

from __future__ import annotations

from .departments import DEPARTMENTS, LEADERSHIP
from .seeding import Seeding


def seed_job_catalog(seeding: Seeding) -> None:
    """A job catalog role per title of each department with people, open to every legal entity."""
    entities = [row["id"] for row in seeding.world.table("companies/legal_entities").rows(seeding.cid)]
    present = {team["name"] for team in seeding.teams}
    for department in DEPARTMENTS:
        if department.name not in present:
            continue
        titles = (*department.titles, department.manager_title, department.head_title)
        for title in titles:
            seeding.insert(
                "job_catalog/roles",
                {
                    "name": title,
                    "description": f"{title} in {department.name}",
                    "legal_entities_ids": entities,
                    "supervisors_ids": None,
                    "competencies_ids": None,
                    "archived": False,
                },
            )


def seed_cost_centers(seeding: Seeding) -> None:
    """A cost center per department team, booked to the main legal entity, counting the team's people."""
    entities = seeding.world.table("companies/legal_entities").rows(seeding.cid)
    for number, team in enumerate(t for t in seeding.teams if t["name"] != LEADERSHIP):
        members = team["employee_ids"]
        seeding.insert(
            "finance/cost_centers",
            {
                "name": team["name"],
                "legal_entity_id": entities[0]["id"] if entities else None,
                "code": f"CC-{100 + 10 * number}",
                "description": f"Costs of the {team['name']} team",
                "active_employees_count": len(members),
                "historical_employees_count": len(members),
                "status": "active",
                "deactivation_date": None,
            },
        )
