"""The unified API's mapping engine: StackOne's models as field lists, and mappings from a provider's JSON to them."""

from linkyard.connectors.unified.mapping import (
    CustomFieldValues,
    Derived,
    Expansion,
    FieldMapping,
    FileDownload,
    FileUpload,
    ListFilter,
    Lookup,
    Operation,
    Parent,
    ParentLookup,
    ResourceMapping,
    UnifiedMapping,
    UpdatedAfter,
)
from linkyard.connectors.unified.models import (
    CUSTOM_FIELDS,
    MODELS,
    Nested,
    UnifiedField,
    UnifiedModel,
    model_of,
)

__all__ = [
    "CUSTOM_FIELDS",
    "MODELS",
    "CustomFieldValues",
    "Derived",
    "Expansion",
    "FieldMapping",
    "FileDownload",
    "FileUpload",
    "ListFilter",
    "Lookup",
    "Nested",
    "Operation",
    "Parent",
    "ParentLookup",
    "ResourceMapping",
    "UnifiedField",
    "UnifiedMapping",
    "UnifiedModel",
    "UpdatedAfter",
    "model_of",
]
