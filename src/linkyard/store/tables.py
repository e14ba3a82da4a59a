"""The database schema as SQLAlchemy Core tables, and the registry of the columns that hold ciphertext."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
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
    # Whether request logs keep request and response bodies (redacted); off unless the project turns it on.
    Column("log_bodies", Boolean, nullable=False, server_default=false()),
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
    # When its refreshable, expiring token was issued (else NULL): the idle refresher's due time, less its
    # horizon. Kept beside `status` (not on `credentials`) so that one partial index serves the sweep.
    Column("idle_since", UtcDateTime(), nullable=True),
    UniqueConstraint("project_id", "profile_id", "origin_owner_id"),
    Index(None, "project_id", "created_at", "id"),  # lists, in creation order, by keyset
)
# The idle refresher's sweep: the active accounts with a refreshable token, in due order (keyset by id).
_IDLE = (accounts.c.status == "active") & accounts.c.idle_since.is_not(None)
Index(
    "ix_accounts_idle_since",
    accounts.c.idle_since,
    accounts.c.id,
    postgresql_where=_IDLE,
    sqlite_where=_IDLE,
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
    # StackOne's clients read a session's id as a number: this one, random below 2^53 (see the repository).
    Column("number", BigInteger, nullable=False),
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
    Column("categories", Json, nullable=True),  # StackOne's categories the session was made for, if any
    Index(None, "project_id"),
    Index(None, "expires_at"),  # housekeeping deletes by it
    Index(None, "number", unique=True),
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
    # The embedded connect UI's attempt the flow reports to (none for the hosted page's flows).
    Column("connection_attempt_id", String(40), nullable=True),
    Index(None, "expires_at"),
    Index(None, "session_id"),  # the per-session cap, and deleting a session's states with it
)

# The embedded connect UI (`@stackone/hub`) polls one of these while its popup runs the session's OAuth flow.
connection_attempts = Table(
    "connection_attempts",
    metadata,
    _id(),
    _project(),
    Column("session_id", String(40), ForeignKey("connect_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("account_id", String(40), ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
    Column("error_code", String(64), nullable=True),
    Column("error_description", Text, nullable=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    *_timestamps(),
    Index(None, "session_id"),  # the per-session cap, and deleting a session's attempts with it
)

# What developers' agents report about the tools of a linked account (stackone-ai's feedback tool). The account
# is kept as sent, without a foreign key: a report outlives the account it was about.
tool_feedback = Table(
    "tool_feedback",
    metadata,
    _id(),
    _project(),
    Column("account_id", String(64), nullable=False),
    Column("feedback", Text, nullable=False),
    Column("tool_names", Json, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "project_id", "created_at"),
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

# Request logs: every call to the API worth keeping, already redacted, with the provider calls (steps) it made.
# Housekeeping deletes them by age and keeps at most a number per project; steps go with their log.
request_logs = Table(
    "request_logs",
    metadata,
    Column("id", String(40), primary_key=True),
    _project(),
    Column("kind", String(16), nullable=False),
    Column("category", String(64), nullable=True),
    Column("account_id", String(64), nullable=True),
    Column("action", String(128), nullable=True),
    Column("provider", String(64), nullable=False),
    Column("service", String(64), nullable=False),
    Column("resource", String(128), nullable=True),
    Column("http_method", String(16), nullable=True),
    Column("path", Text, nullable=True),
    Column("url", Text, nullable=True),
    Column("query_params", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("success", Boolean, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=False),
    Column("source_type", String(32), nullable=False),
    Column("source_value", Text, nullable=True),
    Column("source_ip", String(64), nullable=True),
    Column("is_worker", Boolean, nullable=False),
    Column("error", Text, nullable=True),
    Column("request", Text, nullable=False),
    Column("response", Text, nullable=False),
    Column("step_count", Integer, nullable=False),
    Index(None, "project_id", "kind", "started_at", "id"),
    Index(None, "started_at"),  # housekeeping deletes by it
)

request_log_steps = Table(
    "request_log_steps",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("log_id", String(40), ForeignKey("request_logs.id", ondelete="CASCADE"), nullable=False),
    _project(),
    Column("account_id", String(64), nullable=True),
    Column("action", String(128), nullable=True),
    Column("provider", String(64), nullable=False),
    Column("service", String(64), nullable=False),
    Column("resource", String(128), nullable=True),
    Column("position", Integer, nullable=False),
    Column("http_method", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("query_params", Text, nullable=False),
    Column("status", Integer, nullable=True),
    Column("success", Boolean, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=False),
    Column("error", Text, nullable=True),
    Column("request", Text, nullable=False),
    Column("response", Text, nullable=True),
    Index(None, "project_id", "started_at", "id"),
    Index(None, "log_id"),
)

# Webhooks: a project's endpoints for events, with their signing secrets (sealed; the previous one signs too
# until it expires, after a rotation).
webhooks = Table(
    "webhooks",
    metadata,
    _id(),
    _project(),
    Column("url", Text, nullable=False),
    Column("description", String(200), nullable=True),
    Column("event_types", Json, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(64), nullable=True),
    Column("secret_encrypted", Text, nullable=False),
    Column("previous_secret_encrypted", Text, nullable=True),
    Column("previous_secret_expires_at", UtcDateTime(), nullable=True),
    Column("failing_since", UtcDateTime(), nullable=True),
    *_timestamps(),
    Index(None, "project_id", "created_at", "id"),
)

# Events: the transactional outbox. Each is written in the transaction of the change it tells of, with one
# delivery per webhook of the project that wants its type; the deliverers claim deliveries that are due.
events = Table(
    "events",
    metadata,
    _id(),
    _project(),
    Column("type", String(64), nullable=False),
    Column("data", Json, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "project_id", "created_at", "id"),
    Index(None, "created_at"),  # housekeeping deletes by it
)

deliveries = Table(
    "deliveries",
    metadata,
    _id(),
    _project(),
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("webhook_id", String(40), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempt_count", Integer, nullable=False),
    # When it may be tried next (NULL once delivered or failed for good): the claim's order and condition.
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    # While a deliverer holds it: a claim lapses at this moment, so a deliverer killed mid-send loses nothing.
    Column("leased_until", UtcDateTime(), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", String(200), nullable=True),
    Column("delivered_at", UtcDateTime(), nullable=True),
    # When the current series of tries began (its creation, or a replay): the retry window counts from it.
    Column("queued_at", UtcDateTime(), nullable=False),
    *_timestamps(),
    UniqueConstraint("event_id", "webhook_id"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "webhook_id", "status", "next_attempt_at"),
    Index(None, "webhook_id", "leased_until"),
    Index(None, "project_id", "created_at", "id"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    _id(),
    _project(),
    Column("delivery_id", String(40), ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", UtcDateTime(), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("latency_ms", Float, nullable=False),
    Column("error", String(200), nullable=True),
    Column("response_excerpt", Text, nullable=True),
    Index(None, "delivery_id", "attempted_at"),
)

# An account's subscriptions at its provider, one per kind of change (Factorial's webhook subscriptions): the
# provider posts each change to `/inbound/{connector}/{token}` with the challenge in a header; both are stored
# as SHA-256 digests only (a new pair each time the subscription is made). Written when the account is linked
# (if a webhook of the project wants its events) and made by the subscribers in the background.
event_subscriptions = Table(
    "event_subscriptions",
    metadata,
    _id(),
    _project(),
    Column("account_id", String(40), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("subscription", String(128), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("detail", String(200), nullable=True),
    Column("remote_id", String(64), nullable=True),
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("challenge_hash", String(64), nullable=True),
    Column("attempt_count", Integer, nullable=False),
    # When a subscriber may (re)make it: NULL once made, refused, given up or out of scope.
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    *_timestamps(),
    UniqueConstraint("account_id", "subscription"),
    Index(None, "status", "next_attempt_at"),
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
WEBHOOK_SECRET = SecretColumn(webhooks, webhooks.c.secret_encrypted, webhooks.c.id, "webhook", "secret")
WEBHOOK_PREVIOUS_SECRET = SecretColumn(
    webhooks, webhooks.c.previous_secret_encrypted, webhooks.c.id, "webhook", "previous_secret"
)
SECRET_COLUMNS = (
    CLIENT_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    CODE_VERIFIER,
    WEBHOOK_SECRET,
    WEBHOOK_PREVIOUS_SECRET,
)


def canary_context(kid: str) -> str:
    """The associated data of a key's canary row."""
    return f"key_canary|-|{kid}|canary"
