"""Values that satisfy the facts' types: a seeded row of a resource, or an answer of any model.

Names guide the values: `*_id` fields name rows of the resource they are named after (employees, teams,
locations, or any other resource of the facts), `*_at` are timestamps, `*_on` and `*date*` are dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from linkyard.factorial_facts import Facts, Field

from ..seed.seeded_random import SeededRandom
from ..state import Row, timestamp

IdsOf = Callable[[str], list[int]]
"""The ids of a table's rows in the caller's company (`employees/employees` -> [1, 2, ...])."""

MAX_DEPTH = 4
DAY_SUFFIXES = ("_on", "_date", "_day", "_until", "deadline")
DAY_NAMES = frozenset({"date", "day", "month", "period", "from", "to"})


def is_reference(name: str) -> bool:
    """Whether a field names rows by id (`employee_id`, `ids`); a provider's own code (`external_id`, `tax_id`)
    is text."""
    if name.startswith("external") or name.endswith("tax_id"):
        return False
    return name in ("id", "ids") or name.endswith(("_id", "_ids"))


class Fabricator:
    """Makes values for one company from a seeded random source, so the same seed gives the same rows."""

    def __init__(
        self,
        facts: Facts,
        *,
        rng: SeededRandom,
        now: datetime,
        company_id: int,
        reference: Callable[[str], str | None],
        ids_of: IdsOf,
    ) -> None:
        self.facts = facts
        self.rng = rng
        self.now = now
        self.company_id = company_id
        self.reference = reference
        self.ids_of = ids_of

    def row(self, fields: tuple[Field, ...], index: int) -> Row:
        """A row with every field of `fields` (optional ones too: a seeded row is a complete one)."""
        return {field.name: self.value(field, index, depth=0) for field in fields if field.name != "id"}

    def model(self, name: str, index: int, depth: int = 0) -> dict[str, Any]:
        """An object of model `name`: all its fields near the top, only the required ones deeper down."""
        fields = self.facts.model(name).fields
        chosen = fields if depth < 2 else tuple(field for field in fields if field.required)
        return {field.name: self.value(field, index, depth=depth) for field in chosen}

    def value(self, field: Field, index: int, *, depth: int) -> Any:
        if field.array:
            return self._array(field, index, depth)
        return self._scalar(field, index, depth)

    def _array(self, field: Field, index: int, depth: int) -> list[Any]:
        if field.enum:
            return [field.enum[0]]
        if field.name.endswith("_ids"):
            table = self.reference(field.name[:-4])
            ids = self.ids_of(table) if table else []
            return ids[index % len(ids) : index % len(ids) + 1] if ids else []
        if field.model is not None and depth < MAX_DEPTH - 1:
            return [self.model(field.model, index, depth + 1)]
        return []

    def _scalar(self, field: Field, index: int, depth: int) -> Any:
        if field.enum:
            return field.enum[self.rng.randrange(len(field.enum))]
        name = field.name
        kind = field.type
        if kind == "object":
            if field.model is not None and depth < MAX_DEPTH:
                return self.model(field.model, index, depth + 1)
            return {}
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind in ("string", "integer") and is_reference(name):
            return self._reference(name, index)
        if kind == "integer":
            return self._integer(name)
        if kind == "number":
            return round(self.rng.uniform(1, 1000), 2)
        if kind == "string":
            return self._string(name, index)
        if kind == "any":
            return {}
        return None

    def _reference(self, name: str, index: int) -> int:
        if name == "company_id":
            return self.company_id
        table = self.reference(name.removesuffix("_id")) if name != "id" else None
        ids = self.ids_of(table) if table else []
        if ids:
            # The first row names the first rows it refers to: a list filtered by the first of those finds it.
            return ids[0] if index == 0 else ids[(index * 7 + self.rng.randrange(len(ids))) % len(ids)]
        return self.rng.randint(1, 10_000)

    def _integer(self, name: str) -> int:
        if name.endswith("_cents") or "amount" in name:
            return self.rng.randint(1_000, 500_000)
        if name == "year" or name.endswith("_year"):
            return self.now.year
        return self.rng.randint(1, 480)

    def _string(self, name: str, index: int) -> str:
        moment = self.now - timedelta(days=self.rng.randint(0, 365), seconds=self.rng.randint(0, 86_399))
        if name.endswith("_at") or name in ("timestamp", "created", "updated"):
            return timestamp(moment)
        if name.endswith(DAY_SUFFIXES) or name.startswith("date") or name in DAY_NAMES:
            return moment.date().isoformat()
        if "seconds" in name and ("clock" in name or "time" in name):
            return (
                f"{self.rng.randint(7, 19):02d}:{self.rng.randint(0, 59):02d}:{self.rng.randint(0, 59):02d}"
            )
        if "email" in name:
            return f"generic.{index}@example.com"
        if "url" in name or name.endswith(("_link", "link")):
            return f"https://files.factorial.test/{name}/{index}"
        if "currency" in name:
            return "EUR"
        if name in ("country", "country_code", "nationality") or name.endswith("_country"):
            return "es"
        if name in ("locale", "language"):
            return "es"
        if "color" in name:
            return "#3b82f6"
        if name.endswith(("_time", "clock_in", "clock_out")) or name in ("time", "start", "end"):
            return f"{self.rng.randint(7, 19):02d}:{self.rng.choice((0, 15, 30, 45)):02d}"
        label = name.replace("_", " ").strip().capitalize() or "Value"
        return f"{label} {index + 1}"
