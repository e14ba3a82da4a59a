"""The countries a seeded company can operate in: cities, holidays, currency, pay and working time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    state: str
    latitude: float
    longitude: float
    postcodes: tuple[str, ...]
    local_holiday: tuple[str, str] | None = None  # ("MM-DD", name)


@dataclass(frozen=True)
class Country:
    code: str  # lowercase ISO-3166 alpha-2, as legal entities use it
    name: str
    faker_locale: str
    language: str
    currency: str
    timezone: str
    phone_prefix: str
    legal_suffix: str
    swift_codes: tuple[str, ...]
    cities: tuple[City, ...]
    holidays: tuple[tuple[str, str], ...]  # fixed-date national holidays ("MM-DD", name)
    easter: tuple[tuple[int, str], ...]  # holidays relative to Easter Sunday (offset in days, name)
    salary_factor: float
    weekly_hours: int
    max_weekly_hours: int
    max_yearly_hours: int
    two_surnames: bool = False


COUNTRIES: dict[str, Country] = {
    "es": Country(
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
            City(
                "Madrid",
                "Comunidad de Madrid",
                40.4168,
                -3.7038,
                ("28001", "28004", "28010", "28046"),
                ("05-15", "San Isidro"),
            ),
            City(
                "Barcelona",
                "Cataluña",
                41.3874,
                2.1686,
                ("08001", "08007", "08018", "08029"),
                ("09-24", "La Mercè"),
            ),
            City("Valencia", "Comunitat Valenciana", 39.4699, -0.3763, ("46001", "46004", "46021")),
            City("Sevilla", "Andalucía", 37.3891, -5.9845, ("41001", "41004", "41092")),
            City("Bilbao", "País Vasco", 43.2630, -2.9350, ("48001", "48008", "48011")),
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
    "fr": Country(
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
            City("Paris", "Île-de-France", 48.8566, 2.3522, ("75002", "75008", "75011", "75015")),
            City("Lyon", "Auvergne-Rhône-Alpes", 45.7640, 4.8357, ("69002", "69003", "69007")),
            City("Toulouse", "Occitanie", 43.6047, 1.4442, ("31000", "31200", "31400")),
            City("Nantes", "Pays de la Loire", 47.2184, -1.5536, ("44000", "44100", "44300")),
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
    "de": Country(
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
            City("Berlin", "Berlin", 52.5200, 13.4050, ("10115", "10178", "10405", "10967")),
            City("München", "Bayern", 48.1351, 11.5820, ("80331", "80469", "80802")),
            City("Hamburg", "Hamburg", 53.5511, 9.9937, ("20095", "20354", "22767")),
            City("Köln", "Nordrhein-Westfalen", 50.9375, 6.9603, ("50667", "50670", "50823")),
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
    "pt": Country(
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
            City(
                "Lisboa",
                "Lisboa",
                38.7223,
                -9.1393,
                ("1100-148", "1050-094", "1250-096"),
                ("06-13", "Santo António"),
            ),
            City(
                "Porto",
                "Porto",
                41.1579,
                -8.6291,
                ("4000-322", "4050-253", "4150-171"),
                ("06-24", "São João"),
            ),
            City("Braga", "Braga", 41.5454, -8.4265, ("4700-035", "4710-228")),
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
    "gb": Country(
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
            City("London", "England", 51.5072, -0.1276, ("EC1A 1BB", "EC2A 4NE", "SE1 9SG", "W1T 3JH")),
            City("Manchester", "England", 53.4808, -2.2426, ("M1 1AE", "M2 3WQ", "M4 5JD")),
            City(
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
COUNTRY_CODES = tuple(COUNTRIES)
OTHER_NATIONALITIES = ("IT", "NL", "AR", "BR", "MX", "PL", "RO", "US", "IE", "BE")
