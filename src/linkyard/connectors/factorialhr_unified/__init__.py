"""Factorial's unified mapping as data: StackOne's models over Factorial's records, field by field.

Each field is a JMESPath expression over the record a Factorial action answers with (`linkyard connectors show
factorialhr --unified` prints them). One module per area of StackOne's model; this one joins them.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified import (
    ats,
    ats_scorecards,
    hris_core,
    hris_custom_fields,
    hris_documents,
    hris_people,
    hris_shifts,
    hris_tasks,
    hris_time_off,
)


def unified_mapping() -> dict[str, Any]:
    """The mapping, validated with the connector (`Connector.unified`)."""
    return {
        "resources": [
            *hris_core.resources(),
            *hris_time_off.resources(),
            *ats.resources(),
            *hris_people.resources(),
            *hris_shifts.resources(),
            *hris_documents.resources(),
            *hris_custom_fields.resources(),
            *hris_tasks.resources(),
            *ats_scorecards.resources(),
        ]
    }
