"""Connectors as validated data (auth, environments, scopes, actions) and the engine that turns a call into HTTP."""

from linkyard.connectors.calls import CallContext, PreparedRequest, build_request, extract_result
from linkyard.connectors.catalogue import (
    enabled_actions,
    get_connector,
    is_enabled,
    list_connectors,
    validate_profile_selection,
)
from linkyard.connectors.model import Action, Connector, Identity, OAuth2, Scope, TokenTypeOption
from linkyard.connectors.pagination import FactorialCursor, NoPagination, decode_next, encode_next
from linkyard.connectors.parameters import Parameter

__all__ = [
    "Action",
    "CallContext",
    "Connector",
    "FactorialCursor",
    "Identity",
    "NoPagination",
    "OAuth2",
    "Parameter",
    "PreparedRequest",
    "Scope",
    "TokenTypeOption",
    "build_request",
    "decode_next",
    "enabled_actions",
    "encode_next",
    "extract_result",
    "get_connector",
    "is_enabled",
    "list_connectors",
    "validate_profile_selection",
]
