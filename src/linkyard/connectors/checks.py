"""Checking an action's coerced arguments against its input schema (with `jsonschema`), as errors that name the
field and the rule it broke, never the value (jsonschema's own messages repeat the value)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import ValidationError

from linkyard.connectors.model import Action
from linkyard.connectors.parameters import Parameter
from linkyard.errors import FieldError

# When a value breaks several rules, the one that says the most about what is expected is reported.
_PRECEDENCE = ("type", "enum", "pattern", "maxLength", "minLength", "maxItems", "minimum", "maximum")


def schema_errors(action: Action, values: Mapping[str, Any]) -> list[FieldError]:
    """One error per argument of `values` (parameter name → coerced value) that `action`'s input schema refuses.

    A required argument that is missing from `values` was reported by the caller already (as missing, or as
    not coercible), so the schema's `required` is not reported again.
    """
    worst: dict[str, ValidationError] = {}
    for error in action.input_validator.iter_errors(dict(values)):
        if not error.absolute_path or error.validator == "required":
            continue
        name = str(error.absolute_path[0])
        if name not in worst or _rank(error) < _rank(worst[name]):
            worst[name] = error
    return [
        {"field": name, "message": _message(error, action.parameters_by_name[name])}
        for name, error in worst.items()
    ]


def _rank(error: ValidationError) -> int:
    keyword = str(error.validator)
    return _PRECEDENCE.index(keyword) if keyword in _PRECEDENCE else len(_PRECEDENCE)


def _message(error: ValidationError, parameter: Parameter) -> str:
    rule: Any = error.validator_value
    match error.validator:
        case "type":
            return f"must be of type {rule}"
        case "enum":
            return f"must be one of: {', '.join(str(value) for value in rule)}"
        case "pattern" if parameter.pattern is not None:
            return f"must be {parameter.pattern.meaning}"
        case "maxLength":
            return f"must be at most {rule} characters long"
        case "minLength":
            return f"must be at least {rule} characters long"
        case "maxItems":
            return f"must hold at most {rule} items"
        case "minimum" | "maximum":
            return f"must be between {parameter.minimum} and {parameter.maximum}"
    return "is not valid"
