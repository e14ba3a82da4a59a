"""StackOne's employee custom field definitions over Factorial's custom fields (the extra profile fields a company
defines). A choice field's options are a second Factorial resource (`custom_fields/options`): not mapped yet."""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read

FIELD_TYPES = {
    "text": "text",
    "long_text": "text",
    "date": "date",
    "checkbox": "checkbox",
    "single_choice": "single_select",
    "multiple_choice": "multi_select",
    "rating": "integer",
    "cents": "float",
    "money": "float",
}
"""Factorial's field types (`custom_fields_field_field_type`) as StackOne's: amounts in cents are numbers."""


def resources() -> list[dict[str, Any]]:
    """The custom field definition mapping."""
    return [
        {
            "resource": "hris/custom_field_definitions/employees",
            "list_action": "factorialhr_list_custom_fields",
            "get_action": "factorialhr_get_custom_field",
            "fields": {
                **_ids(),
                "name": _read("label_text"),
                "description": _read("slug"),
                "type": _read("field_type", enum=FIELD_TYPES),
            },
        },
    ]
