"""One employee's row: name, login, personal details, documents, bank account, manager and status."""

from __future__ import annotations

from ..state import Row
from .countries import OTHER_NATIONALITIES
from .emails import FREE_MAIL, to_ascii
from .identities import bank_account, personal_identifier, social_security_number
from .seeding import Person, Seeding
from .timestamps import DAY_SECONDS

_TERMINATION_REASONS = (
    ("voluntary", "Voluntary resignation"),
    ("voluntary", "Moved to another company"),
    ("end_of_contract", "End of temporary contract"),
    ("involuntary", "Dismissal"),
    ("involuntary", "Failed trial period"),
)
_ADDRESS_EXTRAS = (None, None, None, None, "2º B", "Apt. 4", "3rd floor", "Bajo A")


def seed_employee(
    seeding: Seeding, person: Person, parent: int, used: set[str], local_parts: dict[str, int], onboarded: int
) -> Row:
    """Insert `person`'s employee row (reporting to `parent`) with a unique name and login, and return it."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    r, day = rng.random, time.days
    site = person.site
    country, city = site.country, site.city
    code = country.code.upper()
    pool = seeding.pools[country.code]
    gender = "female" if r() < 0.5 else "male"
    firsts, lasts = (pool.female, pool.last) if gender == "female" else (pool.male, pool.last)
    for _attempt in range(6):
        first = firsts[int(r() * len(firsts))]
        last = lasts[int(r() * len(lasts))]
        if country.two_surnames:
            last = f"{last} {lasts[int(r() * len(lasts))]}"
        full = f"{first} {last}"
        if full not in used:
            break
    else:
        first = f"{first} {firsts[int(r() * len(firsts))]}"
        full = f"{first} {last}"
    used.add(full)
    family = last.split(" ", 1)[0]
    local = f"{to_ascii(first.split(' ', 1)[0])}.{to_ascii(family)}"
    seen = local_parts.get(local, 0)
    local_parts[local] = seen + 1
    login = f"{local}{seen + 1}@{seeding.domain}" if seen else f"{local}@{seeding.domain}"
    birthday = min(today - rng.randint(21 * 365, 63 * 365), person.hired - 18 * 366)
    nationality = code if r() < 0.88 else rng.choice(OTHER_NATIONALITIES)
    identifier_type, identifier = personal_identifier(rng, country, nationality)
    ends = person.ends
    terminated = ends is not None and ends <= today
    reason_type, reason = (None, None) if ends is None else rng.choice(_TERMINATION_REASONS)
    created = max(time.start_of(person.hired - rng.randint(3, 30)), time.start_of(onboarded))
    created = min(created + rng.randrange(8 * 3600, 19 * 3600), time.now - 3600)
    touched = time.now - rng.randrange(min(180 * DAY_SECONDS, max(1, time.now - created)))
    if terminated and ends is not None:
        touched = max(touched, min(time.start_of(ends) + 9 * 3600, time.now))
    boss = seeding.people[parent].row if parent >= 0 else None
    timeoff_boss = boss
    if boss is not None and boss["manager_id"] is not None and r() < 0.1:
        timeoff_boss = seeding.world.employee(seeding.cid, boss["manager_id"])
    bank_format, bank, swift = bank_account(rng, country)
    phone = country.phone_prefix
    row: Row = {
        "id": None,
        "company_id": None,
        "access_id": seeding.world.next_id(),
        "first_name": first,
        "last_name": last,
        "full_name": full,
        "preferred_name": first.split(" ", 1)[0] if " " in first and r() < 0.5 else None,
        "birth_name": None,
        "gender": gender,
        "pronouns": None,
        "email": login,
        "login_email": login,
        "personal_email": f"{local}{10 + int(r() * 89)}@{FREE_MAIL[int(r() * 4)]}" if r() < 0.7 else None,
        "communications_email": login,
        "unconfirmed_communications_email": None,
        "birthday_on": day[birthday],
        "age_number": (today - birthday) * 4 // 1461,
        "nationality": nationality,
        "country_of_birth": nationality,
        "birthplace": city.name if nationality == code else None,
        "identifier": identifier,
        "identifier_type": identifier_type,
        "identifier_expiration_date": day[today + rng.randint(90, 3650)],
        "address_line_1": rng.choice(pool.streets),
        "address_line_2": _ADDRESS_EXTRAS[int(r() * len(_ADDRESS_EXTRAS))],
        "postal_code": rng.choice(city.postcodes),
        "city": city.name,
        "state": city.state,
        "country": code,
        "phone_number": f"{phone}{int(r() * 1e8):08d}",
        "contact_name": f"{rng.choice(pool.male if gender == 'female' else pool.female)} {family}"
        if r() < 0.6
        else None,
        "contact_number": f"{phone}{int(r() * 1e8):08d}" if r() < 0.6 else None,
        "bank_number": bank,
        "swift_bic": swift,
        "bank_number_format": bank_format,
        "social_security_number": social_security_number(rng, country),
        "legal_entity_id": site.legal_entity["id"],
        "location_id": site.row["id"],
        "default_work_area_id": None,
        "manager_id": None if boss is None else boss["id"],
        "timeoff_manager_id": None if timeoff_boss is None else timeoff_boss["id"],
        "company_identifier": f"EMP-{person.index + 1:05d}",
        "seniority_calculation_date": day[person.hired],
        "disability_percentage_cents": rng.choice((3300, 4500, 6500)) if r() < 0.02 else None,
        "is_terminating": ends is not None and not terminated,
        "terminated_on": None if ends is None else day[ends],
        "termination_reason_type": reason_type,
        "termination_reason": reason,
        "termination_observations": None,
        "termination_type_description": None,
        "active": not terminated,
        "attendable": not terminated and (person.index == 0 or r() < 0.95),
        "created_at": time.at(created),
        "updated_at": time.at(max(touched, created)),
        "_role": "admin" if person.index == 0 else "basic",
        "_can_login": person.index == 0 or r() < 0.95,
    }
    seeding.employees.insert(seeding.cid, row)
    seeding.world.register_login(seeding.cid, row)
    return row
