"""Time off: the policy, one leave type per kind of leave, the yearly allowances; then leaves and balances."""

from __future__ import annotations

from datetime import date

from ..state import Row
from .balances import seed_balances
from .leave_kinds import LEAVE_KINDS
from .leaves import seed_leaves
from .seeding import Seeding

_ALLOWANCES = (
    ("Vacation", "vacation", 23, 5),
    ("Personal days", "personal_day", 3, 0),
)  # name, kind, days, max carry


def seed_time_off(seeding: Seeding) -> None:
    """The default policy, its leave types and allowances, then everybody's leaves and balances."""
    time, language = seeding.time, seeding.home.language
    policy = seeding.insert(
        "timeoff/policies",
        {
            "name": "Default policy",
            "main": True,
            "description": "Applies to everybody in the company",
        },
    )
    for kind in LEAVE_KINDS:
        seeding.leave_types[kind.identifier] = seeding.insert(
            "timeoff/leave_types",
            {
                "name": kind.name,
                "translated_name": kind.translations.get(language, kind.name),
                "identifier": kind.identifier,
                "color": kind.color,
                "active": True,
                "editable": kind.identifier != "sick_leave",
                "approval_required": kind.approval_required,
                "accrues": kind.accrues,
                "attachment": kind.attachment,
                "allow_endless": kind.allow_endless,
                "restricted": False,
                "visibility": True,
                "workable": kind.workable,
                "payable": kind.payable,
                "is_attachment_mandatory": kind.attachment,
                "allowance_ids": [],
                "half_days_units_enabled": kind.half_days,
                "max_days_in_cents": None,
                "min_days_in_cents": None,
                "description": None,
                "details_required": kind.details_required,
            },
        )
    allowances: list[tuple[Row, str, int]] = []
    year = date.fromordinal(time.today).year
    for position, (name, kind_id, days, carry) in enumerate(_ALLOWANCES):
        leave_type = seeding.leave_types[kind_id]
        allowance = seeding.insert(
            "timeoff/allowances",
            {
                "name": name,
                "allowance_type": "days",
                "available_days": "all_days",
                "count_holiday_as_workable": False,
                "leave_type_ids": [leave_type["id"]],
                "proration_type": "proration_enabled",
                "rounding": "half_day",
                "tenure_periods": [],
                "timeoff_cycle": "jan-dec",
                "timeoff_policy_id": policy["id"],
                "accrued_denominator_in_cents": None,
                "accrued_factor_in_cents": None,
                "accrued_units_availability": None,
                "carry_over_days": carry,
                "carry_over_units_in_cents": carry * 100,
                "cycle_length": 12,
                "cycle_start": "january",
                "days_type": "working_days",
                "employee_carry_over_starting_year": None,
                "expire_in_months": 3 if carry else None,
                "frequency": "yearly",
                "holiday_allowance_in_cents": days * 100,
                "maximum_amount_in_cents": None,
                "negative_counter_type": "negative_counter_disabled",
                "position": position,
                "pto_proratio_enabled": True,
                "range_type": "exact_range",
                "send_notification": True,
                "source_units": "base_units",
                "tenure_period_transition": None,
                "tenure_periods_enabled": False,
                "unlimited_accrued_hours": False,
                "unlimited_carry_over": False,
                "unlimited_carry_over_expiration": False,
                "unlimited_holidays": False,
                "_cycle": {
                    "id": seeding.world.next_id(),
                    "start_at": f"{year}-01-01",
                    "end_at": f"{year}-12-31",
                    "regular_start_at": f"{year}-01-01",
                    "regular_end_at": f"{year}-12-31",
                },
            },
        )
        allowance["_cycle"]["allowance_id"] = allowance["id"]
        leave_type["allowance_ids"].append(allowance["id"])
        allowances.append((allowance, kind_id, days))
    seed_leaves(seeding)
    seed_balances(seeding, allowances, year)
