"""The company's organisation: legal entities per country, their office locations and local holidays."""

from __future__ import annotations

from datetime import date

from .countries import COUNTRIES, COUNTRY_CODES
from .identities import tax_number
from .seeding import Seeding, Site
from .workdays import easter_sunday


def seed_organisation(seeding: Seeding) -> None:
    """Legal entities in two to four countries, each with one or more locations and their holidays."""
    rng, n = seeding.rng, seeding.n
    others = [code for code in COUNTRY_CODES if code != seeding.home.code]
    count = rng.randint(2, 4)
    countries = [seeding.home, *(COUNTRIES[code] for code in rng.generator.sample(others, count - 1))]
    per_entity = 1 if n < 60 else 2 if n < 600 else 3
    years = (date.fromordinal(seeding.time.today).year, date.fromordinal(seeding.time.today).year + 1)
    for position, country in enumerate(countries):
        cities = list(country.cities)
        chosen = [
            cities[0],
            *rng.generator.sample(cities[1:], min(len(cities) - 1, rng.randint(1, per_entity) - 1)),
        ]
        siren = rng.digits(9) if country.code == "fr" else None
        first = chosen[0]
        street = rng.choice(seeding.pools[country.code].streets)
        legal_name = (
            f"{seeding.company.name} {country.legal_suffix}"
            if position == 0
            else f"{seeding.company.name} {country.name} {country.legal_suffix}"
        )
        entity = seeding.insert(
            "companies/legal_entities",
            {
                "country": country.code,
                "legal_name": legal_name,
                "currency": country.currency,
                "tin": tax_number(rng, country, siren),
                "siret": None if siren is None else siren + rng.digits(5),
                "city": first.name,
                "state": first.state,
                "postal_code": first.postcodes[0],
                "address_line_1": street,
                "address_line_2": None,
            },
        )
        if position == 0:
            seeding.company.legal_name = legal_name
            seeding.company.tin = entity["tin"]
        for number, city in enumerate(chosen):
            main = position == 0 and number == 0
            location = seeding.insert(
                "locations/locations",
                {
                    "name": f"{city.name} HQ" if main else f"{city.name} Office",
                    "main": main,
                    "timezone": country.timezone,
                    "country": country.code.upper(),
                    "state": city.state,
                    "city": city.name,
                    "address_line_1": street
                    if number == 0
                    else rng.choice(seeding.pools[country.code].streets),
                    "address_line_2": rng.choice((None, "Floor 2", "Floor 3", "Suite 4B")),
                    "postal_code": city.postcodes[0] if number == 0 else rng.choice(city.postcodes),
                    "phone_number": f"{country.phone_prefix}{rng.digits(8)}",
                    "latitude": round(city.latitude + rng.uniform(-0.02, 0.02), 6),
                    "longitude": round(city.longitude + rng.uniform(-0.02, 0.02), 6),
                    "radius": float(rng.choice((100, 150, 200, 300))),
                    "siret": None if siren is None else siren + rng.digits(5),
                },
            )
            site = Site(location, country, city, entity)
            site.holidays = tuple(sorted(set(_seed_holidays(seeding, site, years))))
            site.holiday_set = frozenset(site.holidays)
            seeding.sites.append(site)


def _seed_holidays(seeding: Seeding, site: Site, years: tuple[int, ...]) -> list[int]:
    """Insert the site's holidays for `years`; return the whole-day ones that fall on weekdays."""
    country, days = site.country, []
    for year in years:
        entries: list[tuple[int, str, str | None]] = [
            (date.fromisoformat(f"{year}-{md}").toordinal(), name, None) for md, name in country.holidays
        ]
        entries += [(easter_sunday(year) + offset, name, None) for offset, name in country.easter]
        if site.city.local_holiday is not None:
            md, name = site.city.local_holiday
            entries.append((date.fromisoformat(f"{year}-{md}").toordinal(), name, None))
        if country.code == "es":
            entries.append((date(year, 12, 24).toordinal(), "Nochebuena", "end_of_day"))
        for ordinal, name, half_day in sorted(entries):
            seeding.insert(
                "holidays/company_holidays",
                {
                    "location_id": site.row["id"],
                    "date": seeding.time.day(ordinal),
                    "summary": name,
                    "description": f"{name} ({site.city.name})",
                    "half_day": half_day,
                },
            )
            if half_day is None and ordinal % 7 not in (0, 6):
                days.append(ordinal)  # whole-day holidays on working days
    return days
