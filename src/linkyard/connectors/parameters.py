"""One argument of an action: where it goes, its flat JSON schema (type and bounds), and how a caller's value is
coerced before the schema checks it (`linkyard.connectors.checks`)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Location = Literal["path", "query", "body"]
ParameterType = Literal["string", "integer", "number", "boolean", "array", "object"]
ItemType = Literal["string", "object"]
Format = Literal["date", "date-time", "email"]
ContextValue = Literal["company_id", "now"]

DEFAULT_MAX_LENGTH = 255
"""The longest string a parameter takes unless it says otherwise: every string is bounded."""
DEFAULT_MAX_ITEMS = 100
"""The most items an array parameter takes unless it says otherwise (a page holds at most 100)."""
MAX_PROPERTIES = 100
"""The most members an object argument has (the provider's nested records: an address, a line item)."""
FORMAT_MAX_LENGTH: Mapping[Format, int] = {"date": 10, "date-time": 40, "email": 254}

_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


class ArgumentError(ValueError):
    """One bad argument; `message` says what is wrong and never repeats the value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TextPattern(BaseModel):
    """A regular expression a string must match (the schema's `pattern`) and what it means in words: an error
    says the words, never the expression or the value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    regex: str = Field(min_length=1)
    meaning: str = Field(min_length=1)
    """Completes "must be ...", e.g. "an id: 1 to 19 digits"."""

    @field_validator("regex")
    @classmethod
    def _compiles(cls, regex: str) -> str:
        try:
            re.compile(regex)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return regex


class Parameter(BaseModel):
    """An action argument. Names are unique within an action whatever their location, so callers may pass
    them flat; the location only says where the value travels in the request to the provider."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    location: Location
    type: ParameterType = "string"
    description: str = Field(min_length=1)
    required: bool = False
    enum: tuple[str, ...] | None = None
    format: Format | None = None
    also_in_body: bool = False
    """A path parameter the provider also wants in the JSON body (some `PUT`s repeat the `id`)."""
    from_context: ContextValue | None = None
    """Filled from the call's context (the linked company, the current time) when the caller leaves it out."""
    max_length: int | None = Field(None, ge=1, le=100_000)
    """The longest string (for an array, the longest item); by default what `format` allows, or 255."""
    pattern: TextPattern | None = None
    """What a string (for an array, each item) must look like, e.g. a provider's id."""
    minimum: int | float | None = None
    maximum: int | float | None = None
    """Integers and numbers declare both: every number is bounded."""
    max_items: int | None = Field(None, ge=1, le=10_000)
    """The most items of an array; by default 100."""
    items: ItemType = "string"
    """What an array holds: strings, or objects (a provider's nested records, sent as they are given)."""
    members: Mapping[str, Any] | None = None
    """For an object, or an array of objects: the JSON schema of one object's members (`properties` and
    `required`), from the provider's model. Input schemas stay one level deep (StackOne's `to_openai()` keeps
    one level), so `json_schema` leaves them out: the description says them in words."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        textual = self.type in ("string", "array")
        numeric = self.type in ("integer", "number")
        if self.location == "path" and not (self.required and self.type in ("string", "integer")):
            raise ValueError(f"path parameter {self.name} must be a required string or integer")
        if (self.max_length is not None or self.pattern is not None) and not textual:
            raise ValueError(f"{self.name}: max_length and pattern are for strings and arrays")
        if numeric != (self.minimum is not None and self.maximum is not None):
            raise ValueError(
                f"{self.name}: integers and numbers declare a minimum and a maximum, nothing else"
            )
        if numeric and self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"{self.name}: minimum is above maximum")
        if self.max_items is not None and self.type != "array":
            raise ValueError(f"{self.name}: max_items is for arrays")
        if self.items == "object" and (self.type != "array" or self.pattern or self.max_length or self.enum):
            raise ValueError(f"{self.name}: items of objects are for arrays without text rules")
        if self.members is not None and not (self.type == "object" or self.items == "object"):
            raise ValueError(f"{self.name}: members are for objects and arrays of objects")
        if self.also_in_body and self.location != "path":
            raise ValueError(f"{self.name}: also_in_body is for path parameters")
        if self.enum is not None and (not self.enum or self.type not in ("string", "array")):
            raise ValueError(f"{self.name}: enum needs a string or array parameter and at least one value")
        if self.format is not None and self.type != "string":
            raise ValueError(f"{self.name}: format needs a string parameter")
        if self.from_context is not None and self.required:
            raise ValueError(f"{self.name}: a parameter filled from the context cannot be required")
        return self

    def json_schema(self) -> dict[str, Any]:
        """The property's schema, one level deep: the `type`, `description`, `enum` and `items` that StackOne's
        `to_openai()` keeps, then the bounds the platform enforces (`pattern`, `maxLength`, `maxItems`,
        `minimum`, `maximum`), which clients that read full JSON schemas (MCP's) see too."""
        schema: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.type == "array" and self.items == "object":
            schema["items"] = {"type": "object", "maxProperties": MAX_PROPERTIES}
            schema["maxItems"] = self.max_items or DEFAULT_MAX_ITEMS
        elif self.type == "array":
            schema["items"] = {"type": "string", **self._text_bounds()}
            schema["maxItems"] = self.max_items or DEFAULT_MAX_ITEMS
        elif self.type == "object":
            schema["maxProperties"] = MAX_PROPERTIES
        elif self.type == "string":
            schema.update(self._text_bounds())
        elif self.minimum is not None and self.maximum is not None:
            schema["minimum"] = self.minimum
            schema["maximum"] = self.maximum
        if self.format is not None:
            schema["format"] = self.format
        return schema

    def _text_bounds(self) -> dict[str, Any]:
        """A string's bounds: a closed list of values needs no more; otherwise a pattern and a length."""
        if self.enum is not None:
            return {"enum": list(self.enum)}
        bounds: dict[str, Any] = {}
        if self.pattern is not None:
            bounds["pattern"] = self.pattern.regex
        default = (
            FORMAT_MAX_LENGTH.get(self.format, DEFAULT_MAX_LENGTH) if self.format else DEFAULT_MAX_LENGTH
        )
        bounds["maxLength"] = self.max_length or default
        return bounds

    def coerce(self, value: object) -> Any:
        """The JSON value to send for `value`: SDKs and language models send `"5"`, `"true"` or `"a,b"`."""
        match self.type:
            case "string":
                return self._string(value)
            case "integer":
                return self._integer(value)
            case "number":
                return self._number(value)
            case "boolean":
                return self._boolean(value)
            case "array":
                return self._objects(value) if self.items == "object" else self._array(value)
            case "object":
                if not isinstance(value, dict):
                    raise self._fail("must be an object")
                return value

    def _fail(self, message: str) -> ArgumentError:
        return ArgumentError(self.name, message)

    def _string(self, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = self._digits(value)  # ids typed as numbers by a model or a script
        if not isinstance(value, str):
            raise self._fail("must be a string")
        if self.location == "path" and value.strip() in ("", ".", ".."):
            raise self._fail("must not be empty")
        self._check_plain(value)
        if self.format is not None:
            value = self._formatted(value.strip())
        return value

    def _digits(self, number: int) -> str:
        try:
            return str(number)
        except ValueError:  # more digits than str() writes (4,300): longer than any string here may be
            raise self._fail("is too long") from None

    def _check_plain(self, value: str) -> None:
        """Values that travel in the URL, and values of a fixed form, carry no control characters (free text in
        a body may hold line breaks). This also keeps `"7\\n"` from an id: a pattern's `$` matches before a
        final newline in Python."""
        if (self.location != "body" or self.pattern is not None) and _CONTROL.search(value):
            raise self._fail("must not contain control characters")

    def _formatted(self, value: str) -> str:
        if self.format == "date":
            try:
                if not _DATE.match(value):
                    raise ValueError
                return date.fromisoformat(value).isoformat()
            except ValueError:
                raise self._fail("must be a date (YYYY-MM-DD)") from None
        if self.format == "date-time":
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise self._fail("must be an ISO 8601 date and time (e.g. 2026-03-02T09:00:00Z)") from None
            return value
        if len(value) > 254 or not _EMAIL.match(value):
            raise self._fail("must be an email address")
        return value

    def _integer(self, value: object) -> int:
        if isinstance(value, bool):
            raise self._fail("must be an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            try:
                return int(value.strip())
            except ValueError:  # longer than int() converts (4,300 digits): far outside any range anyway
                raise self._fail(f"must be between {self.minimum} and {self.maximum}") from None
        raise self._fail("must be an integer")

    def _number(self, value: object) -> int | float:
        if isinstance(value, bool):
            raise self._fail("must be a number")
        number: int | float
        if isinstance(value, int | float):
            number = value
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                raise self._fail("must be a number") from None
        else:
            raise self._fail("must be a number")
        if isinstance(number, float) and not math.isfinite(number):
            raise self._fail("must be a finite number")
        return number

    def _boolean(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        raise self._fail("must be true or false")

    def _objects(self, value: object) -> list[dict[str, Any]]:
        if not isinstance(value, list | tuple) or not all(isinstance(item, dict) for item in value):
            raise self._fail("must be a list of objects")
        return list(value)

    def _array(self, value: object) -> list[str]:
        if isinstance(value, str):
            items: list[object] = [part.strip() for part in value.split(",") if part.strip()]
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            raise self._fail("must be a list of strings (or one comma-separated string)")
        out: list[str] = []
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool):
                item = self._digits(item)
            if not isinstance(item, str):
                raise self._fail("must be a list of strings (or one comma-separated string)")
            self._check_plain(item)
            out.append(item)
        return out
