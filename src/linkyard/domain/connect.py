"""Connect sessions (one end user's chance to link an account) and the OAuth state of a started flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ConnectSessionStatus = Literal["pending", "completed", "failed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectSession:
    """A short-lived permission for one end user to link an account; its token is stored hashed."""

    id: str
    project_id: str
    profile_id: str
    connector: str
    origin_owner_id: str
    origin_owner_name: str
    origin_username: str | None
    account_id: str | None
    """The account to re-link, when the integrator targeted one."""
    label: str | None
    metadata: dict[str, Any] | None
    redirect_url: str | None
    status: ConnectSessionStatus
    linked_account_id: str | None
    failure_code: str | None
    expires_at: datetime
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuthState:
    """What the callback needs, fixed when the flow started: the callback trusts nothing else."""

    id: str
    project_id: str
    session_id: str
    profile_id: str
    connector: str
    authorize_url: str
    token_url: str
    redirect_uri: str
    code_verifier: str = field(repr=False)
    return_url: str | None
    expires_at: datetime
    created_at: datetime
