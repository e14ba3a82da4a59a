"""Connectors as validated data (auth, environments, scopes, actions) and the engine that turns a call into HTTP."""

from linkyard.connectors.calls import CallContext, PreparedRequest, build_request, extract_result
from linkyard.connectors.catalogue import (
    add_connectors,
    enabled_actions,
    get_connector,
    is_enabled,
    list_connectors,
    validate_profile_selection,
)
from linkyard.connectors.envelope import ArrayStyle, Envelope
from linkyard.connectors.files import FilePart
from linkyard.connectors.model import (
    Action,
    Connector,
    Events,
    EventSource,
    Identity,
    OAuth2,
    Scope,
    TokenTypeOption,
)
from linkyard.connectors.pagination import (
    Cursor,
    LinkHeader,
    NoPagination,
    Offset,
    PageNumber,
    decode_next,
    encode_next,
)
from linkyard.connectors.parameters import Parameter

__all__ = [
    "Action",
    "ArrayStyle",
    "CallContext",
    "Connector",
    "Cursor",
    "Envelope",
    "EventSource",
    "Events",
    "FilePart",
    "Identity",
    "LinkHeader",
    "NoPagination",
    "OAuth2",
    "Offset",
    "PageNumber",
    "Parameter",
    "PreparedRequest",
    "Scope",
    "TokenTypeOption",
    "add_connectors",
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
