"""Connector profiles: a project's configuration of a connector (OAuth client, scopes, actions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

AuthType = Literal["oauth2"]
Environment = str
"""An environment the profile's connector declares (`production`, `sandbox`, ...): the catalogue checks it."""
TokenType = str
"""A kind of token the profile's connector declares (`user`, `company`, ...): the catalogue checks it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorProfile:
    """A connector profile (StackOne's auth config / integration); the client secret is write-only."""

    id: str
    project_id: str
    connector: str
    label: str | None
    auth_type: AuthType
    environment: Environment
    client_id: str
    client_secret_hint: str | None
    has_client_secret: bool
    scopes: tuple[str, ...] | None
    token_type: TokenType
    actions: tuple[str, ...] | None
    """`None` means every standard action (hand-declared or unified) the scopes allow; see `connectors.is_enabled`."""
    is_default: bool
    disabled: bool
    created_at: datetime
    updated_at: datetime
