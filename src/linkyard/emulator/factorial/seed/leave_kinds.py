"""The kinds of leave every company offers, with their Factorial settings and how often people take them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class LeaveKind:
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


LEAVE_KINDS = (
    LeaveKind(
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
    LeaveKind(
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
    LeaveKind(
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
    LeaveKind(
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
    LeaveKind(
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
    LeaveKind(
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
LEAVE_WEIGHTS = tuple(itertools.accumulate(kind.weight for kind in LEAVE_KINDS))  # cumulative
