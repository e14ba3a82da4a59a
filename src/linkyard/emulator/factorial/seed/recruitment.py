"""Recruitment: the hiring stages and rejection reasons of the company, job postings in every status with their
application phases, their candidates and applications (each in a phase, some rejected)."""

from __future__ import annotations

from ..state import Row
from .countries import Country
from .departments import DEPARTMENTS
from .emails import FREE_MAIL, to_ascii
from .seeding import Seeding
from .timestamps import DAY_SECONDS

_CANDIDATE_MEDIA = ("linkedin", "careers_page", "referral", "indeed", "infojobs", "agency")

HIRING_STAGES = (
    ("new", "New", "initial"),
    ("screening", "Screening", "screening"),
    ("interview", "Interview", "interview"),
    ("assessment", "Assessment", "assessment"),
    ("offer", "Offer", "offer"),
    ("hired", "Hired", "hired"),
)
"""Factorial's hiring stages (`name`, `label`) and the type of the phase each posting has for it."""

REJECTION_REASONS = (
    ("company", "Not enough experience for the role"),
    ("company", "The position was filled"),
    ("company", "Salary expectations above the range"),
    ("candidate", "Accepted another offer"),
    ("candidate", "Withdrew the application"),
)
"""The company's rejection reasons: who decided (`decision_maker`) and why."""

_PHASE_SHARES = (5.0, 9.0, 12.0, 14.0, 15.0, 16.0)
"""Cumulative shares of the applications in each phase: most are early in the pipeline."""


def seed_recruitment(seeding: Seeding) -> None:
    """Job postings in every status, all but the drafts with a few candidates each."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    ats_company_id = seeding.world.next_id()
    stages = [
        seeding.insert("ats/hiring_stages", {"name": name, "label": label, "position": position})
        for position, (name, label, _) in enumerate(HIRING_STAGES)
    ]
    reasons_made = time.stamp(time.start_of(today - 400) + 10 * 3600)
    reasons = [
        seeding.insert(
            "ats/rejection_reasons",
            {
                "decision_maker": decision_maker,
                "reason": reason,
                "created_at": reasons_made,
                "updated_at": reasons_made,
            },
        )
        for decision_maker, reason in REJECTION_REASONS
    ]
    teams = {team["name"]: team for team in seeding.teams}
    heads = {p.department: p for p in seeding.people if p.depth == 1 and p.row["active"]}
    statuses = (
        "published",
        "draft",
        "archived",
        "unlisted",
        "published",
        "cancelled",
        "published",
        "published",
    )
    postings = max(3, min(40, 3 + seeding.n // 250))
    used_names: set[str] = set()
    for k in range(postings):
        status = statuses[k % len(statuses)] if k < len(statuses) else rng.choice(statuses)
        department_index = rng.choice(sorted(heads)) if heads else 0
        department = DEPARTMENTS[department_index]
        site = rng.choice(seeding.sites)
        country = site.country
        title = rng.choice(("", "", "Senior ", "Junior ")) + rng.choice(department.titles)
        workplace = rng.choice(("onsite", "hybrid", "hybrid", "remote"))
        low = round(30000 * department.pay * country.salary_factor * rng.uniform(0.9, 1.4) / 1000) * 1000
        created = time.start_of(today - rng.randint(3, 200)) + rng.randrange(8 * 3600, 18 * 3600)
        published = None if status == "draft" else time.stamp(created + rng.randrange(3600, 5 * DAY_SECONDS))
        head = heads.get(department_index)
        hiring_managers = [seeding.people[0].row["id"]] + ([head.row["id"]] if head is not None else [])
        posting = seeding.insert(
            "ats/job_postings",
            {
                "ats_company_id": ats_company_id,
                "title": title,
                "description": f"Join our {department.name} team in {site.city.name} as {title}.",
                "contract_type": rng.choice(
                    ("indefinite", "indefinite", "indefinite", "temporary", "intern")
                ),
                "category": department.category,
                "workplace_type": workplace,
                "remote": workplace == "remote",
                "status": status,
                "schedule_type": "part_time" if rng.random() < 0.1 else "full_time",
                "team_id": teams[department.name]["id"] if department.name in teams else None,
                "location_id": site.row["id"],
                "legal_entity_id": site.legal_entity["id"],
                "salary_format": "range",
                "salary_from_amount_in_cents": low * 100,
                "salary_to_amount_in_cents": (low + rng.choice((5000, 8000, 10000, 15000))) * 100,
                "hide_salary": rng.random() < 0.3,
                "salary_period": "annual",
                "cv_requirement": "mandatory",
                "cover_letter_requirement": rng.choice(("optional", "do_not_ask")),
                "phone_requirement": rng.choice(("mandatory", "optional")),
                "photo_requirement": "do_not_ask",
                "personal_url_requirement": rng.choice(("optional", "do_not_ask")),
                "url": None,
                "published_at": published,
                "created_at": time.stamp(created),
                "_hiring_manager_ids": hiring_managers,
            },
        )
        posting["url"] = (
            f"https://{seeding.domain.removesuffix('.example')}.jobs.example/postings/{posting['id']}"
        )
        phases = [
            seeding.insert(
                "ats/application_phases",
                {
                    "ats_job_posting_id": posting["id"],
                    "name": stage["label"],
                    "position": stage["position"],
                    "editable": phase_type not in ("initial", "hired"),
                    "phase_type": phase_type,
                    "ats_hiring_stage_id": stage["id"],
                    # Counted below; the API counts them again on every read (`resources._phase_counts`).
                    "applications_count": 0,
                    "active_applications_count": 0,
                },
            )
            for stage, (_, _, phase_type) in zip(stages, HIRING_STAGES, strict=True)
        ]
        if status == "draft":
            continue
        for _ in range(rng.randint(2, 12)):
            application = _seed_candidate(
                seeding, posting, phases, reasons, site.country, created, used_names
            )
            phase = next(p for p in phases if p["id"] == application["ats_application_phase_id"])
            phase["applications_count"] += 1
            phase["active_applications_count"] += application["ats_rejection_reason_id"] is None


def _seed_candidate(
    seeding: Seeding,
    posting: Row,
    phases: list[Row],
    reasons: list[Row],
    country: Country,
    opened: int,
    used: set[str],
) -> Row:
    """A candidate who applied to `posting`, and their application (returned)."""
    rng, time = seeding.rng, seeding.time
    pool = seeding.pools[country.code]
    gender = rng.choice(("female", "male", "female", "male", "unanswered", "other"))
    first = rng.choice(
        pool.female if gender == "female" else pool.male if gender == "male" else pool.female + pool.male
    )
    last = rng.choice(pool.last)
    full = f"{first} {last}"
    if full in used:
        last = f"{last} {rng.choice(pool.last)}"
        full = f"{first} {last}"
    used.add(full)
    applied = min(opened + rng.randrange(3600, 40 * DAY_SECONDS), time.now - 60)
    consent = rng.random() < 0.6
    talent_pool = consent and rng.random() < 0.5
    email = f"{to_ascii(first)}.{to_ascii(last.split()[0])}{rng.randrange(100, 999)}@{rng.choice(FREE_MAIL)}"
    phone = f"{country.phone_prefix}{rng.digits(8)}"
    candidate = seeding.insert(
        "ats/candidates",
        {
            "first_name": first,
            "last_name": last,
            "full_name": full,
            "email": email,
            "phone_number": phone,
            "talent_pool": talent_pool,
            "consent_given_at": time.at(applied) if consent else None,
            "consent_expiration_date": time.at(applied + 730 * DAY_SECONDS) if consent else None,
            "consent_to_talent_pool": talent_pool,
            "inactive_since": None,
            "ats_job_posting_ids": [posting["id"]],
            "personal_url": f"https://profiles.example/{to_ascii(first)}-{to_ascii(last)}"
            if rng.random() < 0.4
            else None,
            "medium": rng.choice(_CANDIDATE_MEDIA),
            "source_id": None,
            "gender": gender,
            "score": round(rng.uniform(1, 5), 1) if rng.random() < 0.5 else None,
            "created_at": time.at(applied),
            "updated_at": time.stamp(applied + rng.randrange(5 * DAY_SECONDS)),
            "_hiring_manager_ids": list(posting["_hiring_manager_ids"]),
        },
    )
    rated = rng.random() < 0.6
    qualified = rng.choice((True, True, False, None))
    return seeding.insert(
        "ats/applications",
        {
            "ats_job_posting_id": posting["id"],
            "ats_candidate_id": candidate["id"],
            "employee_id": None,
            "phone": phone,
            "qualified": qualified,
            "ats_application_phase_id": rng.weighted(phases, _PHASE_SHARES)["id"],
            "cover_letter": f"Dear hiring team, I would love to join as {posting['title']}."
            if rng.random() < 0.4
            else None,
            "cv": {
                "filename": f"cv-{to_ascii(first)}-{to_ascii(last)}.pdf",
                "url": f"https://files.example/cv/{candidate['id']}.pdf",
                "byte_size": rng.randint(40_000, 900_000),
                "content_type": "application/pdf",
                "created_at": time.at(applied),
            },
            "ats_conversation_id": None,
            "medium": candidate["medium"],
            "rating_average": rng.randint(1, 5) if rated else None,
            "ats_rejection_reason_id": rng.choice(reasons)["id"] if rng.random() < 0.2 else None,
            "source_id": None,
            "created_at": time.at(applied),
            "_hiring_manager_ids": list(posting["_hiring_manager_ids"]),
        },
    )
