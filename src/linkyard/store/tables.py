"""The database schema as SQLAlchemy Core tables, and the registry of the columns that hold ciphertext."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on PostgreSQL (timestamptz) and SQLite (sortable text) alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Json = JSON().with_variant(JSONB(), "postgresql")


def _id(name: str = "id") -> Column[str]:
    return Column(name, String(40), primary_key=True)


def _project() -> Column[str]:
    return Column("project_id", String(40), ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)


def _timestamps() -> list[Column[Any]]:
    return [
        Column("created_at", UtcDateTime(), nullable=False),
        Column("updated_at", UtcDateTime(), nullable=False),
    ]


projects = Table(
    "projects",
    metadata,
    _id(),
    Column("name", Text, nullable=False),
    Column("allowed_origins", Json, nullable=False),
    *_timestamps(),
)

api_keys = Table(
    "api_keys",
    metadata,
    _id(),
    _project(),
    Column("name", Text, nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Index(None, "project_id"),
)

connector_profiles = Table(
    "connector_profiles",
    metadata,
    _id(),
    _project(),
    Column("connector", String(64), nullable=False),
    Column("label", Text, nullable=True),
    Column("auth_type", String(32), nullable=False),
    Column("environment", String(32), nullable=False),
    Column("client_id", Text, nullable=False),
    Column("client_secret_encrypted", Text, nullable=True),
    Column("client_secret_hint", String(16), nullable=True),
    Column("scopes", Json, nullable=True),
    Column("token_type", String(16), nullable=False),
    Column("actions", Json, nullable=True),
    Column("is_default", Boolean, nullable=False),
    Column("disabled", Boolean, nullable=False),
    *_timestamps(),
    Index(None, "project_id", "connector"),
)
# At most one default profile per connector in a project.
Index(
    "uq_connector_profiles_default",
    connector_profiles.c.project_id,
    connector_profiles.c.connector,
    unique=True,
    postgresql_where=connector_profiles.c.is_default,
    sqlite_where=connector_profiles.c.is_default,
)

accounts = Table(
    "accounts",
    metadata,
    _id(),
    _project(),
    Column(
        "profile_id", String(40), ForeignKey("connector_profiles.id", ondelete="RESTRICT"), nullable=False
    ),
    Column("provider", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reasons", Json, nullable=False),
    Column("origin_owner_id", Text, nullable=False),
    Column("origin_owner_name", Text, nullable=False),
    Column("origin_username", Text, nullable=True),
    Column("token_type", String(16), nullable=False),
    Column("scopes", Json, nullable=False),
    Column("provider_account", Json, nullable=False),
    Column("label", Text, nullable=True),
    Column("metadata", Json, nullable=True),
    *_timestamps(),
    UniqueConstraint("project_id", "profile_id", "origin_owner_id"),
    Index(None, "project_id", "created_at"),
)

credentials = Table(
    "credentials",
    metadata,
    Column("account_id", String(40), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    _project(),
    Column("access_token_encrypted", Text, nullable=True),
    Column("refresh_token_encrypted", Text, nullable=True),
    Column("expires_at", UtcDateTime(), nullable=True),
    Column("issued_at", UtcDateTime(), nullable=True),
    Column("scopes", Json, nullable=False),
    Column("token_type", String(16), nullable=False),
    # Bumped by every write: a writer that read generation N may only write over N (no resurrection).
    Column("generation", Integer, nullable=False),
    Column("wiped_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

connect_sessions = Table(
    "connect_sessions",
    metadata,
    _id(),
    _project(),
    Column("profile_id", String(40), ForeignKey("connector_profiles.id", ondelete="CASCADE"), nullable=False),
    Column("connector", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("origin_owner_id", Text, nullable=False),
    Column("origin_owner_name", Text, nullable=False),
    Column("origin_username", Text, nullable=True),
    Column("account_id", String(40), ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
    Column("label", Text, nullable=True),
    Column("metadata", Json, nullable=True),
    Column("redirect_url", Text, nullable=True),
    Column("status", String(16), nullable=False),
    Column("linked_account_id", String(40), ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
    Column("failure_code", String(64), nullable=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    *_timestamps(),
    Index(None, "project_id"),
    Index(None, "expires_at"),  # housekeeping deletes by it
)

oauth_states = Table(
    "oauth_states",
    metadata,
    _id(),
    _project(),
    Column("state_hash", String(64), nullable=False, unique=True),
    Column("browser_binding_hash", String(64), nullable=False),
    Column("session_id", String(40), ForeignKey("connect_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("profile_id", String(40), nullable=False),
    Column("connector", String(64), nullable=False),
    Column("authorize_url", Text, nullable=False),
    Column("token_url", Text, nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("code_verifier_encrypted", Text, nullable=False),
    Column("return_url", Text, nullable=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("consumed_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "expires_at"),
    Index(None, "session_id"),  # the per-session cap, and deleting a session's states with it
)

# Dashboard sessions live in a sealed cookie; these are the ones signed out before they expired, so that a copy
# of the cookie is refused by every worker. A row is kept only until the session would have expired anyway.
ended_dashboard_sessions = Table(
    "ended_dashboard_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=False),
    Index(None, "expires_at"),
)

key_canaries = Table(
    "key_canaries",
    metadata,
    Column("kid", String(32), primary_key=True),
    Column("ciphertext", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True, slots=True)
class SecretColumn:
    """A column holding ciphertext, and the associated data that binds each value to its row and column."""

    table: Table
    column: Column[Any]
    row_key: Column[Any]
    kind: str
    field: str

    def context(self, project_id: str, row_id: str) -> str:
        """E.g. `account|prj_...|acc_...|refresh_token`: a ciphertext moved elsewhere no longer decrypts."""
        return f"{self.kind}|{project_id}|{row_id}|{self.field}"


CLIENT_SECRET = SecretColumn(
    connector_profiles,
    connector_profiles.c.client_secret_encrypted,
    connector_profiles.c.id,
    "connector_profile",
    "client_secret",
)
ACCESS_TOKEN = SecretColumn(
    credentials, credentials.c.access_token_encrypted, credentials.c.account_id, "account", "access_token"
)
REFRESH_TOKEN = SecretColumn(
    credentials, credentials.c.refresh_token_encrypted, credentials.c.account_id, "account", "refresh_token"
)
CODE_VERIFIER = SecretColumn(
    oauth_states, oauth_states.c.code_verifier_encrypted, oauth_states.c.id, "oauth_state", "code_verifier"
)
SECRET_COLUMNS = (CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, CODE_VERIFIER)


def canary_context(kid: str) -> str:
    """The associated data of a key's canary row."""
    return f"key_canary|-|{kid}|canary"
