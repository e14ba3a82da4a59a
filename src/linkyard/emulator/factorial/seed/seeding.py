"""What seeding one company builds up as it goes: its sites, its people and the rows later steps refer to."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..state import Company, Row, World
from .countries import City, Country
from .pools import NamePool
from .seeded_random import SeededRandom
from .timestamps import SeedClock


@dataclass(eq=False)
class Site:
    row: Row
    country: Country
    city: City
    legal_entity: Row
    holidays: tuple[int, ...] = ()  # sorted ordinals of whole-day holidays on weekdays, both seeded years
    holiday_set: frozenset[int] = frozenset()


@dataclass(eq=False)
class Person:
    index: int
    row: Row
    site: Site
    department: int  # index into DEPARTMENTS; -1 for the admin
    depth: int
    hired: int
    ends: int | None  # terminated_on (past or future) as an ordinal
    reports: int = 0
    # Approved leaves as (start, finish, leave type identifier, days taken), for balances and shifts.
    leaves: list[tuple[int, int, str, int]] = field(default_factory=list)


class Seeding:
    """One company's seeding in progress: its random source, clock, pools, and everything made so far."""

    def __init__(
        self,
        world: World,
        company: Company,
        *,
        employees: int,
        rng: SeededRandom,
        pools: dict[str, NamePool],
        home: Country,
        domain: str,
    ) -> None:
        self.world = world
        self.company = company
        self.cid = company.id
        self.n = employees
        self.rng = rng
        self.pools = pools
        self.time = SeedClock(world)
        self.home = home
        self.domain = domain
        self.sites: list[Site] = []
        self.people: list[Person] = []
        self.teams: list[Row] = []
        self.leave_types: dict[str, Row] = {}
        self.employees = world.table("employees/employees")

    def insert(self, table: str, row: Row) -> Row:
        """Store `row`, its `id` and `company_id` first (the hot tables build rows from ordered templates)."""
        return self.world.table(table).insert(self.cid, {"id": None, "company_id": None, **row})
