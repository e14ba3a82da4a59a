"""Connect sessions (one end user's chance to link an account) and the OAuth state of a started flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ConnectSessionStatus = Literal["pending", "completed", "failed"]
ConnectionAttemptStatus = Literal["pending", "authenticated", "error", "cancelled", "expired"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectSession:
    """A short-lived permission for one end user to link an account; its token is stored hashed."""

    id: str
    number: int
    """The session's id as StackOne's clients read it (an integer a JavaScript number holds exactly)."""
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
    categories: tuple[str, ...] | None = None
    """StackOne's categories the integrator asked for (`hris`, `ats`, ...): the profile's connector is in one."""


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
    connection_attempt_id: str | None = None
    """The embedded connect UI's attempt this flow reports to (`linkyard.services.hub`), if it started one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionAttempt:
    """One press of Connect in the embedded connect UI: the flow its popup runs reports here, and the UI polls it.

    `status` is `expired` once `expires_at` passed while it was still pending (computed when read, not stored).
    """

    id: str
    project_id: str
    session_id: str
    status: ConnectionAttemptStatus
    account_id: str | None
    error_code: str | None
    error_description: str | None
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
