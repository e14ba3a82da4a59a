"""Seeding a whole company, step by step in a fixed order: the package's entry points."""

from __future__ import annotations

import gc

from ..state import Company, World
from .attendance import seed_shifts
from .contracts import seed_contracts
from .countries import COUNTRIES, COUNTRY_CODES
from .custom_fields import seed_custom_fields
from .documents import seed_documents
from .emails import company_domain
from .evaluations import seed_evaluations
from .finance import seed_cost_centers, seed_job_catalog
from .organisation import seed_organisation
from .people import seed_people
from .pools import name_pools
from .recruitment import seed_recruitment
from .seeded_random import SeededRandom
from .seeding import Seeding
from .tasks import seed_tasks
from .teams import seed_teams
from .timeoff import seed_time_off
from .timestamps import SeedClock


def seed_company(
    world: World, *, name: str, employees: int, seed: int, country: str | None = None
) -> Company:
    """Add a company with a complete, separate data set: the same `(seed, employees)` gives the same data.

    `country` picks the home country (`es`, `fr`, `de`, `pt`, `gb`); by default the seed picks it.
    """
    if employees < 1:
        raise ValueError("a company needs at least one employee (its admin)")
    if country is not None and country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; one of {', '.join(COUNTRY_CODES)}")
    # Seeding makes ~10^5 containers and no reference cycles: the cyclic collector would only slow it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rng = SeededRandom(seed)
        home = COUNTRIES[country or rng.choice(COUNTRY_CODES)]
        time = SeedClock(world)
        founded = time.today - rng.randint(6 * 365, 12 * 365)
        onboarded = time.today - rng.randint(400, 1800)
        plan = "enterprise" if employees >= 500 else "professional" if employees >= 50 else "essential"
        domain = company_domain(world, name)
        company = world.add_company(
            name=name,
            legal_name=f"{name} {home.legal_suffix}",
            tin="",
            locale=home.language,
            subscription_plan=plan,
            onboarded_on=time.day(onboarded),
        )
        seeding = Seeding(
            world, company, employees=employees, rng=rng, pools=name_pools(seed), home=home, domain=domain
        )
        seed_organisation(seeding)
        seed_people(seeding, founded, onboarded)
        seed_teams(seeding)
        seed_contracts(seeding, onboarded)
        seed_time_off(seeding)
        seed_shifts(seeding)
        seed_recruitment(seeding)
        seed_job_catalog(seeding)
        seed_cost_centers(seeding)
        seed_documents(seeding)
        seed_custom_fields(seeding)
        seed_tasks(seeding)
        seed_evaluations(seeding)
    finally:
        if collecting:
            gc.enable()
    return company


def seed_world(world: World, *, seed: int, employees: int) -> Company:
    """Seed the first company, "Acme Iberia" (home country Spain), and return it."""
    return seed_company(world, name="Acme Iberia", employees=employees, seed=seed, country="es")
