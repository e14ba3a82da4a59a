"""Operator settings (env prefix `LINKYARD_`), built by `load_settings()` at start-up, never at import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from linkyard.errors import ConfigError

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

MIN_ADMIN_TOKEN_LENGTH = 24
DATA_DIR = ".linkyard"
"""Linkyard's own folder in the working directory (the default SQLite database, the sandbox's files): 0700."""
_SQLITE_SCHEMES = {"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"}
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg_async"}


@dataclass(frozen=True, slots=True)
class DatabaseUrls:
    """One database seen through both drivers: async for serving, sync for Alembic."""

    backend: Literal["sqlite", "postgresql"]
    async_url: str
    sync_url: str

    def __repr__(self) -> str:
        # URLs may carry a password.
        return f"DatabaseUrls(backend={self.backend!r})"


def resolve_database_url(url: str) -> DatabaseUrls:
    """Pick the drivers for a `sqlite:///path` or `postgresql://` URL; errors never echo the URL."""
    scheme, sep, rest = url.strip().partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ConfigError("the database URL must look like sqlite:///path/linkyard.db or postgresql://...")
    if scheme in _SQLITE_SCHEMES:
        path = rest[1:].split("?", 1)[0] if rest.startswith("/") else ""
        if not path or path == ":memory:" or "mode=memory" in rest:
            raise ConfigError(
                "in-memory SQLite is not supported (each connection would see its own database); "
                "use sqlite:///path/to/linkyard.db"
            )
        return DatabaseUrls("sqlite", f"sqlite+aiosqlite://{rest}", f"sqlite://{rest}")
    if scheme in _POSTGRES_SCHEMES:
        normalised = f"postgresql+psycopg://{rest}"
        return DatabaseUrls("postgresql", normalised, normalised)
    raise ConfigError("unsupported database URL scheme; use sqlite:///... or postgresql://...")


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / DATA_DIR / 'linkyard.db'}"


def _http_url(value: str, field: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{field} must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError(f"{field} must not have a query or a fragment")
    return value.strip().rstrip("/")


class Settings(BaseSettings):
    """Everything the operator configures; secrets are `SecretStr` and stay out of reprs."""

    model_config = SettingsConfigDict(env_prefix="LINKYARD_", extra="forbid", frozen=True)

    database_url: str = Field(default_factory=_default_database_url, repr=False)
    public_url: str = "http://127.0.0.1:8000"
    encryption_keys: SecretStr | None = None
    sandbox_factorialhr_url: str | None = None
    log_level: LogLevel = "INFO"
    admin_token: SecretStr | None = None
    """Signs the operator in to the dashboard with every project in reach (`linkyard up` makes one if unset)."""
    housekeeping_interval_seconds: float = Field(default=600.0, ge=0)
    """How often each worker deletes used and expired OAuth states and old connect sessions (± 20%); 0 turns
    the background sweep off (then run `linkyard housekeeping run` on a schedule of your own)."""
    outbound_proxy_url: SecretStr | None = None
    """The proxy every call to a provider goes through (`http://` or `https://`, credentials in the URL
    allowed); none by default. The environment's `HTTP(S)_PROXY` is never used: only this setting."""
    connect_session_retention_days: int = Field(default=30, ge=0)
    """How long a connect session (its status, the account it linked or why it failed) is kept after it
    expires, for operators looking into a link, before housekeeping deletes it."""

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            resolve_database_url(value)
        except ConfigError as exc:
            raise ValueError(exc.message) from None
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        return _http_url(value, "public_url")

    @field_validator("sandbox_factorialhr_url")
    @classmethod
    def _check_sandbox_url(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else _http_url(value, "sandbox_factorialhr_url")

    @field_validator("outbound_proxy_url")
    @classmethod
    def _check_outbound_proxy_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(_http_url(value.get_secret_value(), "outbound_proxy_url"))

    @field_validator("admin_token")
    @classmethod
    def _check_admin_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value().strip()) < MIN_ADMIN_TOKEN_LENGTH:
            raise ValueError(f"admin_token must be at least {MIN_ADMIN_TOKEN_LENGTH} characters")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def database(self) -> DatabaseUrls:
        """The async (serving) and sync (migrations) URLs of the configured database."""
        return resolve_database_url(self.database_url)

    @property
    def async_database_url(self) -> str:
        return self.database.async_url

    @property
    def sync_database_url(self) -> str:
        return self.database.sync_url

    def redirect_uri(self, connector: str) -> str:
        """The OAuth redirect URI of a connector: derived from `public_url` only, never from a request."""
        return f"{self.public_url}/connect/oauth2/{connector}/callback"


def load_settings(**overrides: Any) -> Settings:
    """Read the environment (and explicit overrides) into `Settings`; invalid input becomes `ConfigError`."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_input=False, include_url=False)
        )
    # Raised outside the handler so that the pydantic error, which holds the input, is not its context.
    raise ConfigError(f"invalid settings: {problems}")
