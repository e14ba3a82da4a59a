"""Deterministic, realistic company data for the emulated Factorial: people, org, time off, hiring."""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from faker import Faker

from .state import Company, Row, World, can_sign_in, is_admin

# --- static reference data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    name: str
    state: str
    latitude: float
    longitude: float
    postcodes: tuple[str, ...]
    local_holiday: tuple[str, str] | None = None  # ("MM-DD", name)


@dataclass(frozen=True)
class _Country:
    code: str  # lowercase ISO-3166 alpha-2, as legal entities use it
    name: str
    faker_locale: str
    language: str
    currency: str
    timezone: str
    phone_prefix: str
    legal_suffix: str
    swift_codes: tuple[str, ...]
    cities: tuple[_City, ...]
    holidays: tuple[tuple[str, str], ...]  # fixed-date national holidays ("MM-DD", name)
    easter: tuple[tuple[int, str], ...]  # holidays relative to Easter Sunday (offset in days, name)
    salary_factor: float
    weekly_hours: int
    max_weekly_hours: int
    max_yearly_hours: int
    two_surnames: bool = False


_COUNTRIES: dict[str, _Country] = {
    "es": _Country(
        code="es",
        name="España",
        faker_locale="es_ES",
        language="es",
        currency="EUR",
        timezone="Europe/Madrid",
        phone_prefix="+34 6",
        legal_suffix="S.L.",
        swift_codes=("CAIXESBBXXX", "BSCHESMMXXX", "BBVAESMMXXX", "INGDESMMXXX"),
        cities=(
            _City(
                "Madrid",
                "Comunidad de Madrid",
                40.4168,
                -3.7038,
                ("28001", "28004", "28010", "28046"),
                ("05-15", "San Isidro"),
            ),
            _City(
                "Barcelona",
                "Cataluña",
                41.3874,
                2.1686,
                ("08001", "08007", "08018", "08029"),
                ("09-24", "La Mercè"),
            ),
            _City("Valencia", "Comunitat Valenciana", 39.4699, -0.3763, ("46001", "46004", "46021")),
            _City("Sevilla", "Andalucía", 37.3891, -5.9845, ("41001", "41004", "41092")),
            _City("Bilbao", "País Vasco", 43.2630, -2.9350, ("48001", "48008", "48011")),
        ),
        holidays=(
            ("01-01", "Año Nuevo"),
            ("01-06", "Epifanía del Señor"),
            ("05-01", "Fiesta del Trabajo"),
            ("08-15", "Asunción de la Virgen"),
            ("10-12", "Fiesta Nacional de España"),
            ("11-01", "Todos los Santos"),
            ("12-06", "Día de la Constitución"),
            ("12-08", "Inmaculada Concepción"),
            ("12-25", "Navidad"),
        ),
        easter=((-2, "Viernes Santo"),),
        salary_factor=1.0,
        weekly_hours=40,
        max_weekly_hours=40,
        max_yearly_hours=1780,
        two_surnames=True,
    ),
    "fr": _Country(
        code="fr",
        name="France",
        faker_locale="fr_FR",
        language="fr",
        currency="EUR",
        timezone="Europe/Paris",
        phone_prefix="+33 6",
        legal_suffix="SAS",
        swift_codes=("BNPAFRPPXXX", "SOGEFRPPXXX", "CRLYFRPPXXX", "AGRIFRPPXXX"),
        cities=(
            _City("Paris", "Île-de-France", 48.8566, 2.3522, ("75002", "75008", "75011", "75015")),
            _City("Lyon", "Auvergne-Rhône-Alpes", 45.7640, 4.8357, ("69002", "69003", "69007")),
            _City("Toulouse", "Occitanie", 43.6047, 1.4442, ("31000", "31200", "31400")),
            _City("Nantes", "Pays de la Loire", 47.2184, -1.5536, ("44000", "44100", "44300")),
        ),
        holidays=(
            ("01-01", "Jour de l'an"),
            ("05-01", "Fête du Travail"),
            ("05-08", "Victoire 1945"),
            ("07-14", "Fête nationale"),
            ("08-15", "Assomption"),
            ("11-01", "Toussaint"),
            ("11-11", "Armistice 1918"),
            ("12-25", "Noël"),
        ),
        easter=((1, "Lundi de Pâques"), (39, "Ascension"), (50, "Lundi de Pentecôte")),
        salary_factor=1.12,
        weekly_hours=35,
        max_weekly_hours=48,
        max_yearly_hours=1607,
    ),
    "de": _Country(
        code="de",
        name="Deutschland",
        faker_locale="de_DE",
        language="de",
        currency="EUR",
        timezone="Europe/Berlin",
        phone_prefix="+49 15",
        legal_suffix="GmbH",
        swift_codes=("DEUTDEFFXXX", "COBADEFFXXX", "BYLADEMMXXX", "INGDDEFFXXX"),
        cities=(
            _City("Berlin", "Berlin", 52.5200, 13.4050, ("10115", "10178", "10405", "10967")),
            _City("München", "Bayern", 48.1351, 11.5820, ("80331", "80469", "80802")),
            _City("Hamburg", "Hamburg", 53.5511, 9.9937, ("20095", "20354", "22767")),
            _City("Köln", "Nordrhein-Westfalen", 50.9375, 6.9603, ("50667", "50670", "50823")),
        ),
        holidays=(
            ("01-01", "Neujahr"),
            ("05-01", "Tag der Arbeit"),
            ("10-03", "Tag der Deutschen Einheit"),
            ("12-25", "Erster Weihnachtstag"),
            ("12-26", "Zweiter Weihnachtstag"),
        ),
        easter=((-2, "Karfreitag"), (1, "Ostermontag"), (39, "Christi Himmelfahrt"), (50, "Pfingstmontag")),
        salary_factor=1.22,
        weekly_hours=40,
        max_weekly_hours=48,
        max_yearly_hours=2000,
    ),
    "pt": _Country(
        code="pt",
        name="Portugal",
        faker_locale="pt_PT",
        language="pt",
        currency="EUR",
        timezone="Europe/Lisbon",
        phone_prefix="+351 9",
        legal_suffix="Lda.",
        swift_codes=("CGDIPTPLXXX", "BCOMPTPLXXX", "TOTAPTPLXXX"),
        cities=(
            _City(
                "Lisboa",
                "Lisboa",
                38.7223,
                -9.1393,
                ("1100-148", "1050-094", "1250-096"),
                ("06-13", "Santo António"),
            ),
            _City(
                "Porto",
                "Porto",
                41.1579,
                -8.6291,
                ("4000-322", "4050-253", "4150-171"),
                ("06-24", "São João"),
            ),
            _City("Braga", "Braga", 41.5454, -8.4265, ("4700-035", "4710-228")),
        ),
        holidays=(
            ("01-01", "Ano Novo"),
            ("04-25", "Dia da Liberdade"),
            ("05-01", "Dia do Trabalhador"),
            ("06-10", "Dia de Portugal"),
            ("08-15", "Assunção de Nossa Senhora"),
            ("10-05", "Implantação da República"),
            ("11-01", "Dia de Todos-os-Santos"),
            ("12-01", "Restauração da Independência"),
            ("12-08", "Imaculada Conceição"),
            ("12-25", "Natal"),
        ),
        easter=((-2, "Sexta-feira Santa"), (60, "Corpo de Deus")),
        salary_factor=0.78,
        weekly_hours=40,
        max_weekly_hours=40,
        max_yearly_hours=1760,
        two_surnames=True,
    ),
    "gb": _Country(
        code="gb",
        name="United Kingdom",
        faker_locale="en_GB",
        language="en",
        currency="GBP",
        timezone="Europe/London",
        phone_prefix="+44 7",
        legal_suffix="Ltd",
        swift_codes=("BARCGB22XXX", "HBUKGB4BXXX", "NWBKGB2LXXX", "LOYDGB2LXXX"),
        cities=(
            _City("London", "England", 51.5072, -0.1276, ("EC1A 1BB", "EC2A 4NE", "SE1 9SG", "W1T 3JH")),
            _City("Manchester", "England", 53.4808, -2.2426, ("M1 1AE", "M2 3WQ", "M4 5JD")),
            _City(
                "Edinburgh",
                "Scotland",
                55.9533,
                -3.1883,
                ("EH1 1YZ", "EH2 2ER", "EH3 9QG"),
                ("11-30", "St Andrew's Day"),
            ),
        ),
        holidays=(("01-01", "New Year's Day"), ("12-25", "Christmas Day"), ("12-26", "Boxing Day")),
        easter=((-2, "Good Friday"), (1, "Easter Monday")),
        salary_factor=1.05,
        weekly_hours=37,
        max_weekly_hours=48,
        max_yearly_hours=1950,
    ),
}
_COUNTRY_CODES = tuple(_COUNTRIES)
_OTHER_NATIONALITIES = ("IT", "NL", "AR", "BR", "MX", "PL", "RO", "US", "IE", "BE")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_IBAN_LENGTHS = {"es": 20, "fr": 23, "de": 18, "pt": 21}
_IBAN_COUNTRY_DIGITS = {code: "".join(str(ord(ch) - 55) for ch in code.upper()) for code in _IBAN_LENGTHS}


@dataclass(frozen=True)
class _Department:
    name: str
    titles: tuple[str, ...]  # individual contributor titles
    manager_title: str
    head_title: str
    category: str  # ats job posting category
    pay: float


_DEPARTMENTS = (
    _Department(
        "Engineering",
        ("Software Engineer", "Backend Engineer", "Frontend Engineer", "QA Engineer", "DevOps Engineer"),
        "Engineering Manager",
        "VP of Engineering",
        "it",
        1.2,
    ),
    _Department(
        "Sales",
        ("Account Executive", "Sales Development Representative", "Account Manager"),
        "Sales Manager",
        "Head of Sales",
        "sales",
        1.0,
    ),
    _Department(
        "Customer Success",
        ("Customer Success Manager", "Support Specialist", "Onboarding Specialist"),
        "Support Team Lead",
        "Head of Customer Success",
        "service_industry_and_manufacturing",
        0.85,
    ),
    _Department(
        "Product",
        ("Product Manager", "Product Designer", "UX Researcher"),
        "Group Product Manager",
        "Head of Product",
        "design_and_architecture",
        1.15,
    ),
    _Department(
        "Marketing",
        ("Marketing Specialist", "Content Marketer", "Growth Marketer"),
        "Marketing Manager",
        "Head of Marketing",
        "marketing_and_communication",
        0.95,
    ),
    _Department(
        "Operations",
        ("Operations Analyst", "Office Manager", "Logistics Coordinator"),
        "Operations Manager",
        "Chief Operating Officer",
        "purchasing_materials_administration_and_logistics",
        0.9,
    ),
    _Department(
        "Finance",
        ("Accountant", "Financial Analyst", "Payroll Specialist"),
        "Finance Manager",
        "Chief Financial Officer",
        "finance",
        1.05,
    ),
    _Department(
        "People",
        ("HR Generalist", "Talent Acquisition Specialist", "People Partner"),
        "People Manager",
        "Head of People",
        "hr",
        0.95,
    ),
    _Department(
        "Data",
        ("Data Analyst", "Data Engineer", "Data Scientist"),
        "Data Manager",
        "Head of Data",
        "sciences_and_research",
        1.15,
    ),
    _Department(
        "Legal", ("Legal Counsel", "Compliance Analyst"), "Legal Manager", "General Counsel", "legal", 1.1
    ),
)
_LEADERSHIP = "Leadership"


@dataclass(frozen=True)
class _LeaveKind:
    identifier: str
    name: str
    translations: dict[str, str]
    color: str
    weight: int
    min_days: int
    max_days: int
    workable: bool = False
    payable: bool = True
    attachment: bool = False
    details_required: bool = False
    approval_required: bool = True
    accrues: bool = False
    allow_endless: bool = False
    half_days: bool = True
    descriptions: tuple[str | None, ...] = (None,)


_LEAVE_KINDS = (
    _LeaveKind(
        "vacation",
        "Vacation",
        {"es": "Vacaciones", "fr": "Congés payés", "de": "Urlaub", "pt": "Férias", "en": "Vacation"},
        "#2dd4bf",
        52,
        1,
        10,
        accrues=True,
        descriptions=("Summer holidays", "Family trip", "Long weekend", "Winter break", None, None),
    ),
    _LeaveKind(
        "sick_leave",
        "Sick leave",
        {
            "es": "Baja por enfermedad",
            "fr": "Arrêt maladie",
            "de": "Krankheit",
            "pt": "Baixa médica",
            "en": "Sick leave",
        },
        "#f87171",
        15,
        1,
        4,
        attachment=True,
        approval_required=False,
        allow_endless=True,
        half_days=False,
        descriptions=("Flu", "Medical appointment", None),
    ),
    _LeaveKind(
        "personal_day",
        "Personal day",
        {
            "es": "Asuntos propios",
            "fr": "Jour personnel",
            "de": "Persönlicher Tag",
            "pt": "Dia pessoal",
            "en": "Personal day",
        },
        "#a78bfa",
        12,
        1,
        1,
        descriptions=("Moving house", "Family matters", None),
    ),
    _LeaveKind(
        "remote_work",
        "Remote work",
        {
            "es": "Teletrabajo",
            "fr": "Télétravail",
            "de": "Homeoffice",
            "pt": "Teletrabalho",
            "en": "Remote work",
        },
        "#60a5fa",
        11,
        1,
        3,
        workable=True,
        descriptions=("Working from home", None),
    ),
    _LeaveKind(
        "unpaid_leave",
        "Unpaid leave",
        {
            "es": "Permiso no retribuido",
            "fr": "Congé sans solde",
            "de": "Unbezahlter Urlaub",
            "pt": "Licença sem vencimento",
            "en": "Unpaid leave",
        },
        "#fbbf24",
        4,
        1,
        5,
        payable=False,
        details_required=True,
        descriptions=("Personal project", "Travel"),
    ),
    _LeaveKind(
        "parental_leave",
        "Parental leave",
        {
            "es": "Permiso por nacimiento",
            "fr": "Congé parental",
            "de": "Elternzeit",
            "pt": "Licença parental",
            "en": "Parental leave",
        },
        "#f472b6",
        2,
        20,
        60,
        attachment=True,
        half_days=False,
        descriptions=("Birth of a child", None),
    ),
)
_LEAVE_WEIGHTS = tuple(itertools.accumulate(kind.weight for kind in _LEAVE_KINDS))  # cumulative
_ALLOWANCES = (
    ("Vacation", "vacation", 23, 5),
    ("Personal days", "personal_day", 3, 0),
)  # name, kind, days, max carry
_REJECTIONS = (
    "Team coverage is needed that week",
    "Overlaps with a release",
    "Please pick other dates",
    "Too many people off",
)
_TERMINATION_REASONS = (
    ("voluntary", "Voluntary resignation"),
    ("voluntary", "Moved to another company"),
    ("end_of_contract", "End of temporary contract"),
    ("involuntary", "Dismissal"),
    ("involuntary", "Failed trial period"),
)
_ADDRESS_EXTRAS = (None, None, None, None, "2º B", "Apt. 4", "3rd floor", "Bajo A")
_FREE_MAIL = ("mail.example", "correo.example", "post.example", "inbox.example")
_CANDIDATE_MEDIA = ("linkedin", "careers_page", "referral", "indeed", "infojobs", "agency")
_PROVIDERS = ["faker.providers.person", "faker.providers.address"]
_DAY = 86400
_POWERS = tuple(10**exponent for exponent in range(13))
_T = TypeVar("_T")
_EPOCH = date(1970, 1, 1).toordinal()


# --- small helpers ------------------------------------------------------------------------------------------


_CLOCK = tuple(f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(1440))
_SIXTY = tuple(f"{second:02d}" for second in range(60))
_MILLIS = tuple(f"{milli:03d}Z" for milli in range(1000))


class _Days(dict[int, str]):
    """ISO dates by ordinal, made on first use: `days[ordinal]` stays a C-level lookup in the hot loops."""

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


class _Midnights(dict[int, str]):
    """The date part of a timestamp (`2026-06-01T`) by days since the Unix epoch, made on first use."""

    def __missing__(self, days: int) -> str:
        text = self[days] = f"{date.fromordinal(_EPOCH + days).isoformat()}T"
        return text


class _Time:
    """Dates and timestamps relative to the world's clock, as fast string builders (seeding makes ~10^5)."""

    def __init__(self, world: World) -> None:
        self.now = int(world.clock.time())
        self.today = world.clock.now().date().toordinal()
        self.days = _Days()
        self._midnights = _Midnights()

    def day(self, ordinal: int) -> str:
        return self.days[ordinal]

    def at(self, seconds: int) -> str:
        """Factorial's timestamp format (`2026-06-01T12:00:00.123Z`), ms derived from the instant."""
        days, rest = divmod(seconds, _DAY)
        return f"{self._midnights[days]}{_CLOCK[rest // 60]}:{_SIXTY[rest % 60]}.{_MILLIS[seconds * 7919 % 1000]}"

    def start_of(self, ordinal: int) -> int:
        """Unix seconds at midnight UTC of `ordinal`."""
        return (ordinal - _EPOCH) * _DAY

    def stamp(self, seconds: int) -> str:
        """A timestamp that is never in the future."""
        return self.at(seconds if seconds < self.now else self.now)


@functools.cache
def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae"))
    return re.sub(r"[^a-z0-9]+", "", folded.encode("ascii", "ignore").decode().lower())


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "company"


class _Rand:
    """`random.Random(seed)` with cheap integer draws: `randint` and friends cost ten times `random()`."""

    def __init__(self, seed: int) -> None:
        self.generator = random.Random(seed)
        self.random = self.generator.random

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def choice(self, items: Sequence[_T]) -> _T:
        return items[int(self.random() * len(items))]

    def weighted(self, items: Sequence[_T], cumulative: Sequence[float]) -> _T:
        return items[bisect.bisect_right(cumulative, self.random() * cumulative[-1])]

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def digits(self, count: int) -> str:
        """`count` random decimal digits (leading zeros kept)."""
        if count <= 12:
            return f"{int(self.random() * _POWERS[count]):0{count}d}"
        return self.digits(12) + self.digits(count - 12)


def _iban(rng: _Rand, country: str) -> str:
    """A random IBAN with valid check digits."""
    bban = rng.digits(_IBAN_LENGTHS[country])
    check = 98 - int(f"{bban}{_IBAN_COUNTRY_DIGITS[country]}00") % 97
    return f"{country.upper()}{check:02d}{bban}"


def _easter(year: int) -> int:
    """Easter Sunday (Gregorian, anonymous algorithm) as a date ordinal."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1).toordinal()


def _working_days(start: int, finish: int, holidays: Sequence[int]) -> int:
    """Monday-to-Friday days from `start` to `finish` (ordinals, inclusive) that are not in sorted `holidays`."""
    if finish < start:
        return 0
    weeks, rest = divmod(finish - start + 1, 7)
    count = weeks * 5 + sum(1 for day in range(start, start + rest) if day % 7 not in (0, 6))
    return count - (bisect.bisect_right(holidays, finish) - bisect.bisect_left(holidays, start))


def _weekday_on_or_after(ordinal: int) -> int:
    weekday = ordinal % 7  # 0 Sunday ... 6 Saturday (ordinal 1 was a Monday)
    return ordinal + (1 if weekday == 0 else 2 if weekday == 6 else 0)


@dataclass(frozen=True)
class _Pool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip() and "\n" not in value))


@functools.lru_cache(maxsize=16)
def _pools(seed: int) -> dict[str, _Pool]:
    """Names and streets per country, made once per seed with Faker and then combined with `random.Random`."""
    pools: dict[str, _Pool] = {}
    for index, country in enumerate(_COUNTRIES.values()):
        fake = Faker(country.faker_locale, providers=_PROVIDERS, use_weighting=False)
        fake.seed_instance(seed * 101 + index)
        pools[country.code] = _Pool(
            female=_unique([fake.first_name_female() for _ in range(160)]),
            male=_unique([fake.first_name_male() for _ in range(160)]),
            last=_unique([fake.last_name() for _ in range(240)]),
            streets=_unique([fake.street_address() for _ in range(100)]),
        )
    return pools


# --- the seeding itself -------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Site:
    row: Row
    country: _Country
    city: _City
    legal_entity: Row
    holidays: tuple[int, ...] = ()  # sorted ordinals of whole-day holidays on weekdays, both seeded years
    holiday_set: frozenset[int] = frozenset()


@dataclass(eq=False)
class _Person:
    index: int
    row: Row
    site: _Site
    department: int  # index into _DEPARTMENTS; -1 for the admin
    depth: int
    hired: int
    ends: int | None  # terminated_on (past or future) as an ordinal
    reports: int = 0
    # Approved leaves as (start, finish, leave type identifier, days taken), for balances and shifts.
    leaves: list[tuple[int, int, str, int]] = field(default_factory=list)


class _Seeder:
    def __init__(
        self,
        world: World,
        company: Company,
        *,
        employees: int,
        rng: _Rand,
        pools: dict[str, _Pool],
        home: _Country,
        domain: str,
    ) -> None:
        self.world = world
        self.company = company
        self.cid = company.id
        self.n = employees
        self.rng = rng
        self.pools = pools
        self.time = _Time(world)
        self.home = home
        self.domain = domain
        self.sites: list[_Site] = []
        self.people: list[_Person] = []
        self.teams: list[Row] = []
        self.leave_types: dict[str, Row] = {}
        self.employees = world.table("employees/employees")

    def insert(self, table: str, row: Row) -> Row:
        """Store `row`, its `id` and `company_id` first (the hot tables build rows from ordered templates)."""
        return self.world.table(table).insert(self.cid, {"id": None, "company_id": None, **row})

    # organisation -------------------------------------------------------------------------------------------

    def seed_organisation(self) -> None:
        rng, n = self.rng, self.n
        others = [code for code in _COUNTRY_CODES if code != self.home.code]
        count = rng.randint(2, 4)
        countries = [self.home, *(_COUNTRIES[code] for code in rng.generator.sample(others, count - 1))]
        per_entity = 1 if n < 60 else 2 if n < 600 else 3
        years = (date.fromordinal(self.time.today).year, date.fromordinal(self.time.today).year + 1)
        for position, country in enumerate(countries):
            cities = list(country.cities)
            chosen = [
                cities[0],
                *rng.generator.sample(cities[1:], min(len(cities) - 1, rng.randint(1, per_entity) - 1)),
            ]
            siren = rng.digits(9) if country.code == "fr" else None
            first = chosen[0]
            street = rng.choice(self.pools[country.code].streets)
            legal_name = (
                f"{self.company.name} {country.legal_suffix}"
                if position == 0
                else f"{self.company.name} {country.name} {country.legal_suffix}"
            )
            entity = self.insert(
                "companies/legal_entities",
                {
                    "country": country.code,
                    "legal_name": legal_name,
                    "currency": country.currency,
                    "tin": self._tin(country, siren),
                    "siret": None if siren is None else siren + rng.digits(5),
                    "city": first.name,
                    "state": first.state,
                    "postal_code": first.postcodes[0],
                    "address_line_1": street,
                    "address_line_2": None,
                },
            )
            if position == 0:
                self.company.legal_name = legal_name
                self.company.tin = entity["tin"]
            for number, city in enumerate(chosen):
                main = position == 0 and number == 0
                location = self.insert(
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
                        else rng.choice(self.pools[country.code].streets),
                        "address_line_2": rng.choice((None, "Floor 2", "Floor 3", "Suite 4B")),
                        "postal_code": city.postcodes[0] if number == 0 else rng.choice(city.postcodes),
                        "phone_number": f"{country.phone_prefix}{rng.digits(8)}",
                        "latitude": round(city.latitude + rng.uniform(-0.02, 0.02), 6),
                        "longitude": round(city.longitude + rng.uniform(-0.02, 0.02), 6),
                        "radius": float(rng.choice((100, 150, 200, 300))),
                        "siret": None if siren is None else siren + rng.digits(5),
                    },
                )
                site = _Site(location, country, city, entity)
                site.holidays = tuple(sorted(set(self._holidays(site, years))))
                site.holiday_set = frozenset(site.holidays)
                self.sites.append(site)

    def _tin(self, country: _Country, siren: str | None) -> str:
        rng = self.rng
        if country.code == "es":
            return f"B{rng.digits(8)}"
        if country.code == "fr":
            return f"FR{rng.randrange(10, 100)}{siren}"
        if country.code == "pt":
            return f"5{rng.digits(8)}"
        return f"{country.code.upper()}{rng.digits(9)}"

    def _holidays(self, site: _Site, years: tuple[int, ...]) -> list[int]:
        country, days = site.country, []
        for year in years:
            entries: list[tuple[int, str, str | None]] = [
                (date.fromisoformat(f"{year}-{md}").toordinal(), name, None) for md, name in country.holidays
            ]
            entries += [(_easter(year) + offset, name, None) for offset, name in country.easter]
            if site.city.local_holiday is not None:
                md, name = site.city.local_holiday
                entries.append((date.fromisoformat(f"{year}-{md}").toordinal(), name, None))
            if country.code == "es":
                entries.append((date(year, 12, 24).toordinal(), "Nochebuena", "end_of_day"))
            for ordinal, name, half_day in sorted(entries):
                self.insert(
                    "holidays/company_holidays",
                    {
                        "location_id": site.row["id"],
                        "date": self.time.day(ordinal),
                        "summary": name,
                        "description": f"{name} ({site.city.name})",
                        "half_day": half_day,
                    },
                )
                if half_day is None and ordinal % 7 not in (0, 6):
                    days.append(ordinal)  # whole-day holidays on working days
        return days

    # people -------------------------------------------------------------------------------------------------

    def seed_people(self, founded: int, onboarded: int) -> None:
        rng, n, time = self.rng, self.n, self.time
        team_count = max(1, min(len(_DEPARTMENTS), 1 + n // 12))
        # A breadth-first tree: the admin at the root, everybody else reporting to an earlier employee.
        parents, depths = [-1] * n, [0] * n
        manager, room = 0, max(team_count, min(3, n - 1))
        for i in range(1, n):
            while room == 0:
                manager += 1
                room = rng.randint(3, 8)
            parents[i], depths[i] = manager, depths[manager] + 1
            room -= 1
        reports = [0] * n
        for i in range(1, n):
            reports[parents[i]] += 1
        # Hire dates: the founder first, growth skewed to recent years; managers joined before their reports.
        span = max(1, time.today - 14 - founded)
        hires = sorted(founded + 1 + int(span * rng.random() ** 0.5) for _ in range(n - 1))
        hired = [founded, *hires]
        ends = self._terminations(reports, hired)
        weights = list(
            itertools.accumulate(
                6 if site.row["main"] else 3 if site.city is site.country.cities[0] else 1
                for site in self.sites
            )
        )
        used_names: set[str] = set()
        local_parts: dict[str, int] = {}
        for i in range(n):
            parent = parents[i]
            if i == 0:
                site, department = self.sites[0], -1
            elif parent == 0:
                site, department = self.sites[(i - 1) % len(self.sites)], (i - 1) % team_count
            else:
                boss = self.people[parent]
                site = boss.site if rng.random() < 0.85 else rng.weighted(self.sites, weights)
                department = boss.department
            person = _Person(i, {}, site, department, depths[i], hired[i], ends[i], reports[i])
            person.row = self._employee(person, parent, used_names, local_parts, onboarded)
            self.people.append(person)
        self.company.admin_employee_id = self.people[0].row["id"]

    def _terminations(self, reports: list[int], hired: list[int]) -> list[int | None]:
        """Past terminations and a couple of notice periods, only for people nobody reports to."""
        rng, n, today = self.rng, self.n, self.time.today
        ends: list[int | None] = [None] * n
        if n < 5:
            return ends
        leaves = [i for i in range(1, n) if reports[i] == 0]
        rng.generator.shuffle(leaves)
        gone = max(1, round(n * 0.04))
        leaving = 1 if n < 50 else 2
        for i in leaves:
            if gone and hired[i] < today - 75:
                ends[i] = rng.randint(hired[i] + 60, today - 1)
                gone -= 1
            elif leaving and gone == 0:
                ends[i] = today + rng.randint(5, 45)
                leaving -= 1
            if not gone and not leaving:
                break
        return ends

    def _employee(
        self, person: _Person, parent: int, used: set[str], local_parts: dict[str, int], onboarded: int
    ) -> Row:
        rng, time, today = self.rng, self.time, self.time.today
        r, day = rng.random, time.days
        site = person.site
        country, city = site.country, site.city
        code = country.code.upper()
        pool = self.pools[country.code]
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
        local = f"{_ascii(first.split(' ', 1)[0])}.{_ascii(family)}"
        seen = local_parts.get(local, 0)
        local_parts[local] = seen + 1
        login = f"{local}{seen + 1}@{self.domain}" if seen else f"{local}@{self.domain}"
        birthday = min(today - rng.randint(21 * 365, 63 * 365), person.hired - 18 * 366)
        nationality = code if r() < 0.88 else rng.choice(_OTHER_NATIONALITIES)
        identifier_type, identifier = self._identifier(country, nationality)
        ends = person.ends
        terminated = ends is not None and ends <= today
        reason_type, reason = (None, None) if ends is None else rng.choice(_TERMINATION_REASONS)
        created = max(time.start_of(person.hired - rng.randint(3, 30)), time.start_of(onboarded))
        created = min(created + rng.randrange(8 * 3600, 19 * 3600), time.now - 3600)
        touched = time.now - rng.randrange(min(180 * _DAY, max(1, time.now - created)))
        if terminated and ends is not None:
            touched = max(touched, min(time.start_of(ends) + 9 * 3600, time.now))
        boss = self.people[parent].row if parent >= 0 else None
        timeoff_boss = boss
        if boss is not None and boss["manager_id"] is not None and r() < 0.1:
            timeoff_boss = self.world.employee(self.cid, boss["manager_id"])
        bank_format, bank, swift = self._bank(country)
        phone = country.phone_prefix
        row: Row = {
            "id": None,
            "company_id": None,
            "access_id": self.world.next_id(),
            "first_name": first,
            "last_name": last,
            "full_name": full,
            "preferred_name": first.split(" ", 1)[0] if " " in first and r() < 0.5 else None,
            "birth_name": None,
            "gender": gender,
            "pronouns": None,
            "email": login,
            "login_email": login,
            "personal_email": f"{local}{10 + int(r() * 89)}@{_FREE_MAIL[int(r() * 4)]}"
            if r() < 0.7
            else None,
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
            "social_security_number": self._social_security(country),
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
        self.employees.insert(self.cid, row)
        self.world.register_login(self.cid, row)
        return row

    def _identifier(self, country: _Country, nationality: str) -> tuple[str, str]:
        rng = self.rng
        if country.code == "es":
            number = rng.randrange(10**7, 10**8)
            if nationality != "ES":
                prefix = rng.randrange(3)
                digits = number % 10**7
                return "nie", f"{'XYZ'[prefix]}{digits:07d}{_DNI_LETTERS[(prefix * 10**7 + digits) % 23]}"
            return "dni", f"{number}{_DNI_LETTERS[number % 23]}"
        if country.code == "pt" and nationality == "PT":
            return "nif", f"{rng.randint(1, 2)}{rng.digits(8)}"
        return "passport", f"{nationality}{rng.digits(7)}"

    def _bank(self, country: _Country) -> tuple[str, str, str | None]:
        rng = self.rng
        if country.code == "gb":
            return (
                "sort_code_and_account_number",
                f"{rng.digits(2)}-{rng.digits(2)}-{rng.digits(2)} {rng.digits(8)}",
                rng.choice(country.swift_codes),
            )
        return "iban", _iban(rng, country.code), rng.choice(country.swift_codes)

    def _social_security(self, country: _Country) -> str:
        rng = self.rng
        if country.code == "es":
            return rng.digits(12)
        if country.code == "fr":
            return f"{rng.randint(1, 2)}{rng.digits(14)}"
        if country.code == "de":
            return f"{rng.digits(8)}{chr(65 + rng.randrange(26))}{rng.digits(3)}"
        if country.code == "pt":
            return rng.digits(11)
        letters = "ABCEGHJKLMNPRSTWXYZ"
        return f"{rng.choice(letters)}{rng.choice(letters)}{rng.digits(6)}{rng.choice('ABCD')}"

    # teams --------------------------------------------------------------------------------------------------

    def seed_teams(self) -> None:
        members: dict[int, list[_Person]] = {}
        for person in self.people[1:]:
            if person.row["active"]:
                members.setdefault(person.department, []).append(person)
        leadership = [self.people[0], *(p for p in self.people[1:] if p.depth == 1 and p.row["active"])]
        groups: list[tuple[str, str, list[_Person], list[_Person]]] = [
            (_LEADERSHIP, "The founders and department heads", leadership, [self.people[0]])
        ]
        for department in sorted(members):
            people = members[department]
            leads = [p for p in people if p.depth == 1] or people[:1]
            name = _DEPARTMENTS[department].name
            groups.append((name, f"Everybody in {name}", people, leads))
        for name, description, people, leads in groups:
            lead_ids = [p.row["id"] for p in leads]
            team = self.insert(
                "teams/teams",
                {
                    "name": name,
                    "description": description,
                    "avatar": None,
                    "employee_ids": [p.row["id"] for p in people],
                    "lead_ids": lead_ids,
                    "depth": 0,
                    "parent_team_id": None,
                },
            )
            self.teams.append(team)
            leaders = set(lead_ids)
            for person in people:
                self.insert(
                    "teams/memberships",
                    {
                        "employee_id": person.row["id"],
                        "team_id": team["id"],
                        "lead": person.row["id"] in leaders,
                        "source_team_ids": [],
                        "parent_team_ids": [],
                        "direct": True,
                    },
                )

    # contracts ----------------------------------------------------------------------------------------------

    def seed_contracts(self, onboarded: int) -> None:
        rng, time, today = self.rng, self.time, self.time.today
        onboard_at = time.start_of(onboarded) + 10 * 3600
        table = self.world.table("contracts/contract_versions")
        templates = {code: _contract_template(country) for code, country in _COUNTRIES.items()}
        days = time.days
        for person in self.people:
            country = person.site.country
            template = templates[country.code]
            department = _DEPARTMENTS[max(person.department, 0)]
            tenure = (
                person.ends if person.ends is not None and person.ends <= today else today
            ) - person.hired
            count = 1 + (tenure > 400 and rng.random() < 0.6) + (tenure > 800 and rng.random() < 0.5)
            starts = [person.hired, *(person.hired + 365 * k + rng.randint(-30, 60) for k in range(1, count))]
            starts = [day for day in starts if day < today] or [person.hired]
            part_time = person.reports == 0 and rng.random() < 0.05
            temporary = person.depth > 1 and person.reports == 0 and rng.random() < 0.07
            level = rng.choice((0, 0, 1, 1, 2)) if person.index else 3
            grade = level
            title = rng.choice(department.titles)
            salary = (
                (28000 + 11000 * min(level, 2))
                * department.pay
                * country.salary_factor
                * rng.uniform(0.9, 1.15)
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
                    updated_at=time.stamp(created + rng.randrange(3 * _DAY)),
                )
                if part_time:
                    row["working_hours"] = country.weekly_hours // 2
                    row["working_time_percentage_in_cents"] = 5000
                if es:
                    row["es_has_teleworking_contract"] = rng.random() < 0.3
                    row["es_cotization_group"] = 1 if person.reports else 7 - 2 * min(level, 2)
                elif forfait:
                    row.update(fr_employee_type="cadre", fr_forfait_jours=True, fr_jours_par_an=218)
                table.insert(self.cid, row)

    # time off -----------------------------------------------------------------------------------------------

    def seed_time_off(self) -> None:
        time, language = self.time, self.home.language
        policy = self.insert(
            "timeoff/policies",
            {
                "name": "Default policy",
                "main": True,
                "description": "Applies to everybody in the company",
            },
        )
        for kind in _LEAVE_KINDS:
            self.leave_types[kind.identifier] = self.insert(
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
            leave_type = self.leave_types[kind_id]
            allowance = self.insert(
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
                        "id": self.world.next_id(),
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
        self._seed_leaves()
        self._seed_balances(allowances, year)

    def _seed_leaves(self) -> None:
        rng, time, today = self.rng, self.time, self.time.today
        kinds, table = _LEAVE_KINDS, self.world.table("timeoff/leaves")
        created: list[tuple[Row, _Person, int, int, int, str]] = []
        template: Row = dict.fromkeys(
            (
                "id",
                "company_id",
                "employee_id",
                "employee_full_name",
                "leave_type_id",
                "leave_type_name",
                "start_on",
                "finish_on",
                "half_day",
                "start_time",
                "hours_amount_in_cents",
                "days_taken",
                "description",
                "reason",
                "approved",
                "duration_attributes",
                "created_at",
                "updated_at",
                "deleted_at",
            )
        )
        r, day, at, now = rng.random, time.days, time.at, time.now
        typed = [(kind, self.leave_types[kind.identifier]) for kind in kinds]
        weights, total_weight = _LEAVE_WEIGHTS, _LEAVE_WEIGHTS[-1]
        for person in self.people:
            first = max(today - 120, person.hired + 1)
            last = today + 90 if person.ends is None else min(today + 90, person.ends - 1)
            if last - first < 7:
                continue
            count = 3 if person.index == 0 else 1 + int(r() * 4)
            slot = (last - first + 1) // count
            holidays = person.site.holidays
            employee_id, full_name, employee_created = (
                person.row["id"],
                person.row["full_name"],
                person.row["created_at"],
            )
            for k in range(count):
                kind, leave_type = typed[bisect.bisect_right(weights, r() * total_weight)]
                length = kind.min_days + int(r() * (kind.max_days - kind.min_days + 1))
                calendar = length + 2 * ((length - 1) // 5)
                begin = first + k * slot
                start = _weekday_on_or_after(begin + int(r() * max(1, slot - calendar)))
                finish = min(start + calendar - 1, begin + slot - 1, last)
                days = _working_days(start, finish, holidays)
                if days == 0:
                    continue
                roll = r()
                if not kind.approval_required:
                    approved: bool | None = True
                elif start > today:
                    approved = True if roll < 0.55 else None if roll < 0.9 else False
                else:
                    approved = True if roll < 0.88 else False if roll < 0.97 else None
                open_ended = kind.allow_endless and start <= today <= finish and r() < 0.4
                if open_ended:
                    finish = today
                    days = _working_days(start, today, holidays)
                asked_on = start - 2 - int(r() * 29)
                if asked_on > today:  # plans further ahead were requested during the last weeks
                    asked_on = today - int(r() * 21)
                asked = (asked_on - _EPOCH) * _DAY + 28800 + int(r() * 39600)
                asked_at = max(at(min(asked, now - 600)), employee_created)
                decided = asked_at if approved is None else at(min(asked + 600 + int(r() * 258600), now))
                row = template.copy()
                row.update(
                    employee_id=employee_id,
                    employee_full_name=full_name,
                    leave_type_id=leave_type["id"],
                    leave_type_name=leave_type["name"],
                    start_on=day[start],
                    finish_on=None if open_ended else day[finish],
                    days_taken=days,
                    description=kind.descriptions[int(r() * len(kind.descriptions))],
                    reason=_REJECTIONS[int(r() * len(_REJECTIONS))] if approved is False else None,
                    approved=approved,
                    created_at=asked_at,
                    updated_at=max(decided, asked_at),
                )
                table.insert(self.cid, row)
                created.append((row, person, start, finish, days, kind.identifier))
        self._cover_every_state([entry[0] for entry in created])
        for row, person, start, finish, days, kind_id in created:
            if row["approved"] is True:
                person.leaves.append((start, finish, kind_id, days))

    def _cover_every_state(self, rows: list[Row]) -> None:
        """Pending, approved and rejected requests all exist, whatever the company's size."""
        requested = [row for row in rows if self.leave_types["sick_leave"]["id"] != row["leave_type_id"]]
        for state in (True, None, False):
            if requested and not any(row["approved"] is state for row in rows):
                row = requested[0] if state is True else requested[-1]
                row["approved"] = state
                row["reason"] = _REJECTIONS[0] if state is False else None
                requested.remove(row)

    def _seed_balances(self, allowances: list[tuple[Row, str, int]], year: int) -> None:
        rng, today, table = self.rng, self.time.today, self.world.table("timeoff/allowance_stats")
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
            for person in self.people:
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
                table.insert(self.cid, row)

    # attendance ---------------------------------------------------------------------------------------------

    def seed_shifts(self) -> None:
        """The last five working days of clocking for a fifth of the active staff; today's may still be open."""
        rng, time, today = self.rng, self.time, self.time.today
        r, day_text, stamp = rng.random, time.days, time.stamp
        table = self.world.table("attendance/shifts")
        now_minute = (time.now % _DAY) // 60
        template: Row = {
            "id": None,
            "company_id": None,
            "employee_id": None,
            "date": None,
            "reference_date": None,
            "clock_in": None,
            "clock_out": None,
            "clock_in_with_seconds": None,
            "in_source": None,
            "out_source": None,
            "observations": None,
            "location_type": "office",
            "half_day": None,
            "in_location_latitude": None,
            "in_location_longitude": None,
            "in_location_accuracy": None,
            "out_location_latitude": None,
            "out_location_longitude": None,
            "out_location_accuracy": None,
            "workable": True,
            "workplace_id": None,
            "time_settings_break_configuration_id": None,
            "minutes": 0,
            "created_at": None,
            "updated_at": None,
        }
        sources = ("desktop", "desktop", "mobile", "kiosk")
        for person in self.people:
            employee = person.row
            if not employee["active"] or not employee["attendable"] or person.hired >= today or r() >= 0.2:
                continue
            holidays, leaves = person.site.holiday_set, person.leaves
            day, worked = today, 0
            while worked < 5 and day > max(person.hired, today - 10):
                off = day % 7 in (0, 6) or day in holidays
                if off or any(s <= day <= f and k != "remote_work" for s, f, k, _ in leaves):
                    day -= 1
                    continue
                remote = r() < 0.2 or any(s <= day <= f for s, f, _, _ in leaves)
                clock_in = 450 + int(r() * 151)  # 07:30 to 10:00
                clock_out = clock_in + 450 + int(r() * 121)  # 7.5 to 9.5 hours later
                if day == today and now_minute < clock_in + 5:
                    day -= 1
                    continue
                finished = day < today or now_minute >= clock_out
                start = (day - _EPOCH) * _DAY
                clock_in_text = _CLOCK[clock_in]
                row = template.copy()
                row.update(
                    employee_id=employee["id"],
                    date=day_text[day],
                    reference_date=day_text[day],
                    clock_in=clock_in_text,
                    clock_in_with_seconds=f"{clock_in_text}:{_SIXTY[int(r() * 60)]}",
                    in_source="mobile" if remote else sources[int(r() * 4)],
                    created_at=stamp(start + clock_in * 60),
                )
                if remote:
                    row["location_type"] = "work_from_home"
                else:
                    row["workplace_id"] = person.site.row["id"]
                if finished:
                    row["clock_out"] = _CLOCK[clock_out]
                    row["out_source"] = row["in_source"]
                    row["minutes"] = clock_out - clock_in
                    row["updated_at"] = stamp(start + clock_out * 60 + 2)
                else:
                    row["updated_at"] = row["created_at"]
                table.insert(self.cid, row)
                worked += 1
                day -= 1

    # recruitment --------------------------------------------------------------------------------------------

    def seed_recruitment(self) -> None:
        rng, time, today = self.rng, self.time, self.time.today
        ats_company_id = self.world.next_id()
        teams = {team["name"]: team for team in self.teams}
        heads = {p.department: p for p in self.people if p.depth == 1 and p.row["active"]}
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
        postings = max(3, min(40, 3 + self.n // 250))
        used_names: set[str] = set()
        for k in range(postings):
            status = statuses[k % len(statuses)] if k < len(statuses) else rng.choice(statuses)
            department_index = rng.choice(sorted(heads)) if heads else 0
            department = _DEPARTMENTS[department_index]
            site = rng.choice(self.sites)
            country = site.country
            title = rng.choice(("", "", "Senior ", "Junior ")) + rng.choice(department.titles)
            workplace = rng.choice(("onsite", "hybrid", "hybrid", "remote"))
            low = round(30000 * department.pay * country.salary_factor * rng.uniform(0.9, 1.4) / 1000) * 1000
            created = time.start_of(today - rng.randint(3, 200)) + rng.randrange(8 * 3600, 18 * 3600)
            published = None if status == "draft" else time.stamp(created + rng.randrange(3600, 5 * _DAY))
            head = heads.get(department_index)
            hiring_managers = [self.people[0].row["id"]] + ([head.row["id"]] if head is not None else [])
            posting = self.insert(
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
                f"https://{self.domain.removesuffix('.example')}.jobs.example/postings/{posting['id']}"
            )
            if status == "draft":
                continue
            for _ in range(rng.randint(2, 12)):
                self._candidate(posting, site.country, created, used_names)

    def _candidate(self, posting: Row, country: _Country, opened: int, used: set[str]) -> None:
        rng, time = self.rng, self.time
        pool = self.pools[country.code]
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
        applied = min(opened + rng.randrange(3600, 40 * _DAY), time.now - 60)
        consent = rng.random() < 0.6
        talent_pool = consent and rng.random() < 0.5
        email = f"{_ascii(first)}.{_ascii(last.split()[0])}{rng.randrange(100, 999)}@{rng.choice(_FREE_MAIL)}"
        phone = f"{country.phone_prefix}{rng.digits(8)}"
        candidate = self.insert(
            "ats/candidates",
            {
                "first_name": first,
                "last_name": last,
                "full_name": full,
                "email": email,
                "phone_number": phone,
                "talent_pool": talent_pool,
                "consent_given_at": time.at(applied) if consent else None,
                "consent_expiration_date": time.at(applied + 730 * _DAY) if consent else None,
                "consent_to_talent_pool": talent_pool,
                "inactive_since": None,
                "ats_job_posting_ids": [posting["id"]],
                "personal_url": f"https://profiles.example/{_ascii(first)}-{_ascii(last)}"
                if rng.random() < 0.4
                else None,
                "medium": rng.choice(_CANDIDATE_MEDIA),
                "source_id": None,
                "gender": gender,
                "score": round(rng.uniform(1, 5), 1) if rng.random() < 0.5 else None,
                "created_at": time.at(applied),
                "updated_at": time.stamp(applied + rng.randrange(5 * _DAY)),
                "_hiring_manager_ids": list(posting["_hiring_manager_ids"]),
            },
        )
        rated = rng.random() < 0.6
        qualified = rng.choice((True, True, False, None))
        self.insert(
            "ats/applications",
            {
                "ats_job_posting_id": posting["id"],
                "ats_candidate_id": candidate["id"],
                "employee_id": None,
                "phone": phone,
                "qualified": qualified,
                "ats_application_phase_id": None,
                "cover_letter": f"Dear hiring team, I would love to join as {posting['title']}."
                if rng.random() < 0.4
                else None,
                "cv": {
                    "filename": f"cv-{_ascii(first)}-{_ascii(last)}.pdf",
                    "url": f"https://files.example/cv/{candidate['id']}.pdf",
                    "byte_size": rng.randint(40_000, 900_000),
                    "content_type": "application/pdf",
                    "created_at": time.at(applied),
                },
                "ats_conversation_id": None,
                "medium": candidate["medium"],
                "rating_average": rng.randint(1, 5) if rated else None,
                "ats_rejection_reason_id": None,
                "source_id": None,
                "created_at": time.at(applied),
                "_hiring_manager_ids": list(posting["_hiring_manager_ids"]),
            },
        )


def _contract_template(country: _Country) -> Row:
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


def _domain(world: World, name: str) -> str:
    """`<slug>.example`, unique among every company's login emails (a second "Acme" gets `acme-2.example`)."""
    taken = {email.rpartition("@")[2] for email in world.users_by_email}
    base, number = _slug(name), 1
    domain = f"{base}.example"
    while domain in taken:
        number += 1
        domain = f"{base}-{number}.example"
    return domain


def seed_company(
    world: World, *, name: str, employees: int, seed: int, country: str | None = None
) -> Company:
    """Add a company with a complete, separate data set: the same `(seed, employees)` gives the same data.

    `country` picks the home country (`es`, `fr`, `de`, `pt`, `gb`); by default the seed picks it.
    """
    if employees < 1:
        raise ValueError("a company needs at least one employee (its admin)")
    if country is not None and country not in _COUNTRIES:
        raise ValueError(f"unknown country {country!r}; one of {', '.join(_COUNTRY_CODES)}")
    # Seeding makes ~10^5 containers and no reference cycles: the cyclic collector would only slow it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rng = _Rand(seed)
        home = _COUNTRIES[country or rng.choice(_COUNTRY_CODES)]
        time = _Time(world)
        founded = time.today - rng.randint(6 * 365, 12 * 365)
        onboarded = time.today - rng.randint(400, 1800)
        plan = "enterprise" if employees >= 500 else "professional" if employees >= 50 else "essential"
        domain = _domain(world, name)
        company = world.add_company(
            name=name,
            legal_name=f"{name} {home.legal_suffix}",
            tin="",
            locale=home.language,
            subscription_plan=plan,
            onboarded_on=time.day(onboarded),
        )
        seeder = _Seeder(
            world, company, employees=employees, rng=rng, pools=_pools(seed), home=home, domain=domain
        )
        seeder.seed_organisation()
        seeder.seed_people(founded, onboarded)
        seeder.seed_teams()
        seeder.seed_contracts(onboarded)
        seeder.seed_time_off()
        seeder.seed_shifts()
        seeder.seed_recruitment()
    finally:
        if collecting:
            gc.enable()
    return company


def seed_world(world: World, *, seed: int, employees: int) -> Company:
    """Seed the first company, "Acme Iberia" (home country Spain), and return it."""
    return seed_company(world, name="Acme Iberia", employees=employees, seed=seed, country="es")


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
