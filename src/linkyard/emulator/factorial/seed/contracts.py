"""Contract versions: each person's job titles, salaries and working time over their tenure."""

from __future__ import annotations

from ..state import Row
from .countries import COUNTRIES, Country
from .departments import DEPARTMENTS
from .seeding import Seeding
from .timestamps import DAY_SECONDS


def seed_contracts(seeding: Seeding, onboarded: int) -> None:
    """One to three contract versions per person: promotions, raises, part time, temporary contracts."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    onboard_at = time.start_of(onboarded) + 10 * 3600
    table = seeding.world.table("contracts/contract_versions")
    templates = {code: _contract_template(country) for code, country in COUNTRIES.items()}
    days = time.days
    for person in seeding.people:
        country = person.site.country
        template = templates[country.code]
        department = DEPARTMENTS[max(person.department, 0)]
        tenure = (person.ends if person.ends is not None and person.ends <= today else today) - person.hired
        count = 1 + (tenure > 400 and rng.random() < 0.6) + (tenure > 800 and rng.random() < 0.5)
        starts = [person.hired, *(person.hired + 365 * k + rng.randint(-30, 60) for k in range(1, count))]
        starts = [day for day in starts if day < today] or [person.hired]
        part_time = person.reports == 0 and rng.random() < 0.05
        temporary = person.depth > 1 and person.reports == 0 and rng.random() < 0.07
        level = rng.choice((0, 0, 1, 1, 2)) if person.index else 3
        grade = level
        title = rng.choice(department.titles)
        salary = (
            (28000 + 11000 * min(level, 2)) * department.pay * country.salary_factor * rng.uniform(0.9, 1.15)
        )
        es = country.code == "es"
        forfait = country.code == "fr" and (person.reports > 0 or level >= 2)
        hired_on = days[person.hired]
        for k, effective in enumerate(starts):
            last = k == len(starts) - 1
            if person.index == 0:
                job, salary = "Chief Executive Officer", max(salary, 150000.0)
            elif person.depth == 1 and (last or k > 0):
                job, salary = department.head_title, max(salary, 90000 * country.salary_factor)
            elif person.reports and last:
                job = department.manager_title
                salary = max(salary, 60000 * department.pay * country.salary_factor)
            else:
                grade += k > 0 and rng.random() < 0.5  # a raise, and now and then a promotion
                job = ("Junior ", "", "Senior ")[min(grade, 2)] + title
            if k:
                salary *= rng.uniform(1.03, 1.09)
            created = time.start_of(effective - rng.randint(1, 20)) + rng.randrange(8 * 3600, 18 * 3600)
            created = max(created, onboard_at)
            ends_on = None
            if last and person.ends is not None:
                ends_on = days[person.ends]
            elif last and temporary:
                ends_on = days[effective + rng.choice((180, 365, 540))]
            trial = k == 0 and rng.random() < 0.7
            row = template.copy()
            row.update(
                employee_id=person.row["id"],
                effective_on=days[effective],
                job_title=job,
                starts_on=hired_on,
                ends_on=ends_on,
                has_trial_period=trial,
                trial_period_ends_on=days[person.hired + 180] if trial else None,
                salary_amount=round(salary / 100) * 10000,
                created_at=time.stamp(created),
                updated_at=time.stamp(created + rng.randrange(3 * DAY_SECONDS)),
            )
            if part_time:
                row["working_hours"] = country.weekly_hours // 2
                row["working_time_percentage_in_cents"] = 5000
            if es:
                row["es_has_teleworking_contract"] = rng.random() < 0.3
                row["es_cotization_group"] = 1 if person.reports else 7 - 2 * min(level, 2)
            elif forfait:
                row.update(fr_employee_type="cadre", fr_forfait_jours=True, fr_jours_par_an=218)
            table.insert(seeding.cid, row)


def _contract_template(country: Country) -> Row:
    """Every field of a contract version, with the values the seed keeps constant per country."""
    return {
        "id": None,
        "company_id": None,
        "employee_id": None,
        "effective_on": None,
        "country": country.code.upper(),
        "contracts_contract_id": None,
        "job_title": None,
        "job_catalog_level_id": None,
        "job_catalog_tree_node_uuid": None,
        "starts_on": None,
        "ends_on": None,
        "has_payroll": True,
        "has_trial_period": False,
        "trial_period_ends_on": None,
        "salary_amount": None,
        "salary_currency": country.currency,
        "salary_frequency": "yearly",
        "working_week_days": "monday,tuesday,wednesday,thursday,friday",
        "working_hours": country.weekly_hours,
        "working_hours_frequency": "week",
        "max_legal_yearly_hours": country.max_yearly_hours,
        "maximum_weekly_hours": country.max_weekly_hours,
        "working_time_percentage_in_cents": 10000,
        "annual_working_time_distribution": None,
        "bank_holiday_treatment": "non_workable",
        "min_rest_minutes_between_days": 720,
        "max_work_minutes_per_day": 540,
        "max_work_days_in_row": 6,
        "min_rest_hours_in_row": 36,
        "es_has_teleworking_contract": None,
        "es_cotization_group": None,
        "contracts_es_tariff_group_id": None,
        "es_contract_observations": None,
        "es_job_description": None,
        "es_contract_type_id": None,
        "es_working_day_type_id": None,
        "es_education_level_id": None,
        "es_professional_category_id": None,
        "fr_employee_type": "non_cadre" if country.code == "fr" else None,
        "fr_forfait_jours": False,
        "fr_jours_par_an": None,
        "fr_coefficient": None,
        "fr_contract_type_id": None,
        "fr_level_id": None,
        "fr_step_id": None,
        "fr_mutual_id": None,
        "fr_professional_category_id": None,
        "fr_work_type_id": None,
        "de_contract_type_id": None,
        "de_base_salary_type_id": None,
        "pt_contract_type_id": None,
        "created_at": None,
        "updated_at": None,
    }
