"""Linked accounts: one end user's authorised link to a provider, as the API shows it (never a token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from linkyard.domain.profile import TokenType

AccountStatus = Literal["active", "error", "inactive", "suspended"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReason:
    """Why an account is in its status (e.g. `invalid_grant` when the provider refused a refresh)."""

    code: str
    description: str
    timestamp: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderAccount:
    """Who linked, as the provider told us."""

    company_id: str
    employee_id: str | None = None
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """A linked account of one connector, through one of the project's connector profiles (`profile_id`;
    StackOne's API calls it `integration_id`, and the connector `provider`: those names live at the edge)."""

    id: str
    project_id: str
    connector: str
    status: AccountStatus
    status_reasons: tuple[StatusReason, ...]
    origin_owner_id: str
    origin_owner_name: str
    origin_username: str | None
    profile_id: str
    token_type: TokenType
    scopes: tuple[str, ...]
    provider_account: ProviderAccount
    label: str | None
    metadata: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
