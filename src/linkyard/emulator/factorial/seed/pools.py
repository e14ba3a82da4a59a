"""Per-country pools of first names, surnames and streets, made with Faker once per seed and cached."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker

from .countries import COUNTRIES

_PROVIDERS = ["faker.providers.person", "faker.providers.address"]


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip() and "\n" not in value))


@functools.lru_cache(maxsize=16)
def name_pools(seed: int) -> dict[str, NamePool]:
    """Names and streets per country, made once per seed with Faker and then combined with `random.Random`."""
    pools: dict[str, NamePool] = {}
    for index, country in enumerate(COUNTRIES.values()):
        fake = Faker(country.faker_locale, providers=_PROVIDERS, use_weighting=False)
        fake.seed_instance(seed * 101 + index)
        pools[country.code] = NamePool(
            female=_unique([fake.first_name_female() for _ in range(160)]),
            male=_unique([fake.first_name_male() for _ in range(160)]),
            last=_unique([fake.last_name() for _ in range(240)]),
            streets=_unique([fake.street_address() for _ in range(100)]),
        )
    return pools
