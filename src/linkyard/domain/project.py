"""Projects (tenants) and the metadata of their API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A tenant: owns API keys, connector profiles and accounts."""

    id: str
    name: str
    allowed_origins: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    log_bodies: bool = False
    """Whether its request logs keep request and response bodies (redacted); off by default."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    """An API key's metadata; the raw key is shown once at creation and never stored."""

    id: str
    project_id: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
