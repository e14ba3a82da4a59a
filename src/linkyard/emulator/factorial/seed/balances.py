"""Allowance balances: each person's days this year, prorated, with carry-over, used and planned days."""

from __future__ import annotations

from datetime import date

from ..state import Row
from .seeding import Seeding


def seed_balances(seeding: Seeding, allowances: list[tuple[Row, str, int]], year: int) -> None:
    """Every person's balance for every allowance this year, from the approved leaves seeded before."""
    rng, today, table = seeding.rng, seeding.time.today, seeding.world.table("timeoff/allowance_stats")
    year_start, year_end = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    length = year_end - year_start + 1
    for allowance, kind_id, days in allowances:
        carry_cap = allowance["carry_over_days"] or 0
        policy = str(float(days))
        template: Row = {
            "id": None,
            "company_id": None,
            "allowance_id": allowance["id"],
            "employee_id": None,
            "year": year,
            "cycles": None,
            "cycle_carry_overs": None,
            "accumulated_carry_over": "0.0",
            "available_days": None,
            "total_accrued_units": policy,
            "total": policy,
            "incidences": "0.0",
            "accrued_incidences": "0.0",
            "available_incidences": "0.0",
            "policy_allowance": policy,
            "prorated_allowance_days": policy,
            "used_carry_over": "0.0",
            "used_days": None,
            "used_units_until_reference_date": None,
            "outstanding_units": None,
            "max_balance_cap": None,
            "total_in_decimal": policy,
        }
        for person in seeding.people:
            used = outstanding = 0
            for start, _finish, kind, amount in person.leaves:
                if kind == kind_id and year_start <= start <= year_end:
                    if start <= today:
                        used += amount
                    else:
                        outstanding += amount
            row = template.copy()
            row["employee_id"] = person.row["id"]
            row["cycles"] = [dict(allowance["_cycle"])]
            row["cycle_carry_overs"] = []
            total = float(days)
            if person.hired > year_start:
                total = round(days * (year_end - person.hired + 1) / length * 2) / 2
                row["total_accrued_units"] = row["prorated_allowance_days"] = str(total)
            if carry_cap and person.hired < year_start and rng.random() < 0.25:
                carry = float(rng.randint(1, carry_cap))
                taken = str(min(carry, float(used)))
                total += carry
                row["cycle_carry_overs"].append(
                    {
                        "from_cycle_ending_on": f"{year - 1}-12-31",
                        "non_expire": False,
                        "total": str(carry),
                        "used": [],
                        "accumulated": str(carry),
                        "expired": "0.0",
                        "taken": taken,
                        "expire_in_months": allowance["expire_in_months"],
                    }
                )
                row["accumulated_carry_over"], row["used_carry_over"] = str(carry), taken
            row["total"] = row["total_in_decimal"] = str(total)
            row["available_days"] = str(total - used - outstanding)
            row["used_days"] = row["used_units_until_reference_date"] = str(float(used))
            row["outstanding_units"] = str(float(outstanding))
            table.insert(seeding.cid, row)
