"""A seeded company at a glance: its admin and a few people to sign in as, for the control API and pages."""

from __future__ import annotations

from typing import Any

from ..state import Company, Row, World, can_sign_in, is_admin


def describe_company(world: World, company: Company) -> dict[str, Any]:
    """The company, its admin and a few people who can sign in: a manager, a basic employee, two more."""
    rows = world.table("employees/employees").rows(company.id)
    admin = world.employee(company.id, company.admin_employee_id)
    if admin is None:
        admin = next((row for row in rows if is_admin(row)), rows[0] if rows else None)
    if admin is None:
        raise ValueError(f"company {company.id} has no employees")
    managers = {row.get("manager_id") for row in rows if row.get("active")}
    candidates = [
        row for row in rows if row is not admin and can_sign_in(row) and not row.get("is_terminating")
    ]
    leads = [row for row in candidates if row["id"] in managers]
    basics = [row for row in candidates if row["id"] not in managers]
    picked: list[Row] = [admin]
    # The first manager heads a department, the last one a team further down; basics from both ends.
    for row in [*leads[:1], *basics[:1], *leads[-1:], *basics[-1:]]:
        if all(row is not other for other in picked):
            picked.append(row)
    users = [
        {"email": row["login_email"], "employee_id": row["id"], "role": "admin" if is_admin(row) else "basic"}
        for row in picked
    ]
    return {
        "id": company.id,
        "name": company.name,
        "admin": {"email": admin["login_email"], "employee_id": admin["id"]},
        "users": users,
    }
