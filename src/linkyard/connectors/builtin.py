"""The connectors that ship with Linkyard: one declaration module each, listed here to join the catalogue."""

from __future__ import annotations

from collections.abc import Callable

from linkyard.connectors.factorialhr import factorialhr
from linkyard.connectors.model import Connector

DECLARATIONS: tuple[Callable[[], Connector], ...] = (factorialhr,)
"""Each builds and validates one connector; `catalogue` calls them on first lookup, not at import."""
