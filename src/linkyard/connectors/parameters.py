"""One argument of an action: where it goes, its flat JSON-schema type, and how a caller's value is coerced."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Location = Literal["path", "query", "body"]
ParameterType = Literal["string", "integer", "number", "boolean", "array"]
Format = Literal["date", "date-time", "email"]
ContextValue = Literal["company_id", "now"]

_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


class ArgumentError(ValueError):
    """One bad argument; `message` says what is wrong and never repeats the value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
    """A path parameter the provider also wants in the JSON body (Factorial's `PUT` repeats the `id`)."""
    from_context: ContextValue | None = None
    """Filled from the call's context (the linked company, the current time) when the caller leaves it out."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.location == "path" and not (self.required and self.type in ("string", "integer")):
            raise ValueError(f"path parameter {self.name} must be a required string or integer")
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
        """The property's schema: only keys that survive StackOne's `to_openai()` (plus `format`)."""
        schema: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.type == "array":
            items: dict[str, Any] = {"type": "string"}
            if self.enum is not None:
                items["enum"] = list(self.enum)
            schema["items"] = items
        elif self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.format is not None:
            schema["format"] = self.format
        return schema

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
                return self._array(value)

    def _fail(self, message: str) -> ArgumentError:
        return ArgumentError(self.name, message)

    def _string(self, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # ids typed as numbers by a model or a script
        if not isinstance(value, str):
            raise self._fail("must be a string")
        if self.location == "path" and value.strip() in ("", ".", ".."):
            raise self._fail("must not be empty")
        if self.format is not None:
            value = self._formatted(value.strip())
        self._check_enum(value)
        return value

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

    def _check_enum(self, value: str) -> None:
        if self.enum is not None and value not in self.enum:
            raise self._fail(f"must be one of: {', '.join(self.enum)}")

    def _integer(self, value: object) -> int:
        if isinstance(value, bool):
            raise self._fail("must be an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            return int(value.strip())
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
                item = str(item)
            if not isinstance(item, str):
                raise self._fail("must be a list of strings (or one comma-separated string)")
            self._check_enum(item)
            out.append(item)
        return out
