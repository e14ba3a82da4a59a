"""Request bodies checked against the facts' request models: a 422 in Factorial's error shape names each field.

Ids (`id`, `*_id`, `*_ids`) come back as integers, as the emulator stores them. Multipart bodies carry text
only, so their numbers and booleans are read from text.
"""

from __future__ import annotations

import math
from typing import Any

from linkyard.factorial_facts import Facts, Field, Model

from ..errors import ApiError
from ..query import parse_id
from .fabricate import is_reference

Errors = dict[str, list[str]]


def validate_body(facts: Facts, model: Model, payload: Any, *, multipart: bool = False) -> dict[str, Any]:
    """The payload's known fields, typed; `ApiError(422)` listing every missing or malformed field."""
    if not isinstance(payload, dict):
        raise ApiError(422, {"base": ["the request body must be a JSON object"]})
    errors: Errors = {}
    clean = _object(facts, model, payload, "", errors, multipart)
    if errors:
        raise ApiError(422, errors)
    return clean


def _object(
    facts: Facts, model: Model, payload: dict[str, Any], prefix: str, errors: Errors, multipart: bool
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field in model.fields:
        name = field.name.removesuffix("[]")  # multipart arrays are named `ids[]`
        where = f"{prefix}{name}"
        key = next((key for key in (name, f"{name}[]") if key in payload), name)
        if key not in payload or payload[key] is None:
            if field.required:
                errors.setdefault(where, []).append("can't be blank")
            elif key in payload:
                clean[name] = None
            continue
        raw = payload[key]
        if field.array:
            if multipart and not isinstance(raw, list):
                raw = [raw]
            if not isinstance(raw, list):
                errors.setdefault(where, []).append("must be a list")
                continue
            clean[name] = [
                _value(facts, field, item, f"{where}.{position}", errors, multipart)
                for position, item in enumerate(raw)
            ]
        else:
            clean[name] = _value(facts, field, raw, where, errors, multipart)
    return clean


def _value(facts: Facts, field: Field, raw: Any, where: str, errors: Errors, multipart: bool) -> Any:
    problem: str | None = None
    value: Any = raw
    if field.enum is not None:
        if raw not in field.enum:
            problem = "is not included in the list"
    elif field.type == "object":
        if field.model is not None and isinstance(raw, dict):
            return _object(facts, facts.model(field.model), raw, f"{where}.", errors, multipart)
        if not isinstance(raw, dict):
            problem = "must be an object"
    elif field.type in ("string", "integer") and is_reference(field.name):
        value = raw if type(raw) is int and raw >= 0 else parse_id(raw) if isinstance(raw, str) else None
        if value is None:
            problem = "must be an id"
    elif field.type == "integer":
        value = raw if type(raw) is int else _integer(raw) if isinstance(raw, str) else None
        if value is None:
            problem = "must be an integer"
    elif field.type == "number":
        value = raw if type(raw) in (int, float) else _number(raw) if isinstance(raw, str) else None
        if value is None or not math.isfinite(value):
            problem = "must be a number"
    elif field.type == "boolean":
        value = raw if type(raw) is bool else _boolean(raw) if multipart and isinstance(raw, str) else None
        if value is None:
            problem = "must be true or false"
    elif field.type == "string":
        if type(raw) in (int, float):
            value = str(raw)
        elif not isinstance(raw, str):
            problem = "must be text"
    if problem is not None:
        errors.setdefault(where, []).append(problem)
    return value


def _integer(text: str) -> int | None:
    stripped = text.strip()
    digits = stripped.removeprefix("-")
    return int(stripped) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _boolean(text: str) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get(text.strip().lower())
