"""Where a provider's answer keeps things: the records of a list, and (for pagination) the next position."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FieldPath = str
"""A dotted path into a JSON answer: `data`, `meta.end_cursor`."""
FIELD_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"

ArrayStyle = Literal["brackets", "repeat", "comma"]
"""How a list argument travels in a query: `brackets` `ids[]=1&ids[]=2` (Rails, PHP), `repeat` `ids=1&ids=2`
(most frameworks), `comma` `ids=1,2`."""


def dig(answer: Any, path: FieldPath) -> Any:
    """The value at `path` in `answer`, or None where any step is missing or not an object."""
    value = answer
    for step in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


class Envelope(BaseModel):
    """The shape of a list answer: `records` is the path to the list (`data` for `{"data": [...]}`,
    `results` for `{"results": [...], "next": ...}`), or None when the answer is the bare list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    records: FieldPath | None = Field(None, pattern=FIELD_PATH)

    def find_records(self, answer: Any) -> list[Any] | None:
        """The list of records in `answer`, or None when the answer has no list where the envelope says."""
        found = answer if self.records is None else dig(answer, self.records)
        return found if isinstance(found, list) else None

    def wraps(self, answer: Any) -> bool:
        """Whether `answer` is an envelope at all (a provider may answer a lookup with the bare object)."""
        if self.records is None:
            return isinstance(answer, list)
        return isinstance(answer, Mapping) and self.records.split(".")[0] in answer
