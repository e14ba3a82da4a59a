"""Operator settings (env prefix `LINKYARD_`), built by `load_settings()` at start-up, never at import."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from linkyard.errors import ConfigError

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

MIN_ADMIN_TOKEN_LENGTH = 24
DATA_DIR = ".linkyard"
"""Linkyard's own folder in the working directory (the default SQLite database, the sandbox's files): 0700."""
_SQLITE_SCHEMES = {"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"}
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg_async"}
_SANDBOX_URL_NAME = re.compile(r"^sandbox_([a-z][a-z0-9]*)_url$")
"""`sandbox_<connector key>_url`: one connector's sandbox URL, as a setting of its own (`LINKYARD_SANDBOX_..._URL`)."""
_RATE_LIMIT_STORES = {"memory", "redis", "rediss", "redis+unix"}


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


def _rate(value: object) -> str:
    """A rate in the `limits` library's notation (`50/second`, `3000/minute; 100/second`), checked by its
    parser: the library counts the requests, so it is the one to read the notation."""
    from limits import parse_many

    if not isinstance(value, str):
        raise ValueError("must be a rate such as 50/second or 3000/minute")
    try:
        rates = parse_many(value.strip())
    except ValueError:
        raise ValueError(
            "must be a rate such as 50/second or 3000/minute (several: separated by ;)"
        ) from None
    if any(rate.amount < 1 for rate in rates):
        raise ValueError("a rate must allow at least 1 request")
    return value.strip()


class Settings(BaseSettings):
    """Everything the operator configures; secrets are `SecretStr` and stay out of reprs."""

    model_config = SettingsConfigDict(env_prefix="LINKYARD_", extra="forbid", frozen=True)

    database_url: str = Field(default_factory=_default_database_url, repr=False)
    public_url: str = "http://127.0.0.1:8000"
    encryption_keys: SecretStr | None = None
    sandbox_urls: dict[str, str] = Field(default_factory=dict)
    """The base URL of each connector's sandbox (its local emulator), by connector key: from
    `LINKYARD_SANDBOX_URLS='{"<key>": "http://..."}'`, or one `LINKYARD_SANDBOX_<KEY>_URL` per connector (which
    wins). A connector environment whose catalogue URL is empty is available only where this names one."""
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

    request_logs_enabled: bool = True
    """Whether API calls, actions, MCP calls and token refreshes are logged with their provider steps
    (`GET /requests/logs`, the dashboard's Logs page)."""
    request_log_retention_days: int = Field(default=30, ge=1)
    """How long request logs are kept before housekeeping deletes them."""
    request_log_max_per_project: int = Field(default=100_000, ge=1)
    """The most request logs kept per project: housekeeping deletes the oldest beyond it."""
    request_log_queue_size: int = Field(default=10_000, ge=1)
    """Finished logs waiting in each process's memory to be written; beyond it new ones are dropped (counted),
    never the calls they log."""
    request_log_flush_seconds: float = Field(default=1.0, gt=0, le=60)
    """How often each process writes its waiting logs (in batches, off the request path)."""
    proxy_max_response_bytes: int = Field(default=5_000_000, ge=1_000, le=100_000_000)
    """The largest answer `POST /unified/proxy` passes on (bytes, after decompression); a larger one is refused
    with 502 `response_too_large` rather than held in memory."""

    # Fair sharing and rate limits (docs/limits.md). Concurrency is counted per worker process; rate limits are
    # counted where `rate_limit_storage_url` says (this process's memory, or a Redis shared by every host).
    upstream_connections: int = Field(default=100, ge=2, le=10_000)
    """Connections to providers one process keeps open at most, all projects together."""
    upstream_calls_per_project: int = Field(default=20, ge=1)
    """Provider calls of one project in progress at once; below `upstream_connections`, so others find room."""
    upstream_calls_per_account: int = Field(default=8, ge=1)
    """Provider calls of one linked account in progress at once (at most `upstream_calls_per_project`)."""
    upstream_queue_seconds: float = Field(default=1.0, ge=0, le=30)
    """How long a call beyond its share waits for a free place before it is refused with 429."""
    rate_limit_per_key: str | None = "50/second"
    """Requests one API key may make, in `limits` notation (`50/second`, `3000/minute; 100/second`); unset: none."""
    rate_limit_per_project: str | None = "100/second"
    """Requests all of a project's API keys together may make; unset: no limit."""
    rate_limit_storage_url: str = Field(default="memory://", repr=False)
    """Where rate limits are counted: `memory://` (this process) or `redis://host:6379` (every host alike)."""
    auth_failure_limit_per_address: str = "20/minute"
    """Failed authentications one source address may make before it is answered 429."""
    auth_failure_limit_per_prefix: str = "100/minute"
    """Failed authentications with one API key prefix (`lk_` and 4 characters), or with the admin token, from
    every address together, before they are answered 429."""

    hub_script_url: str | None = None
    """Where the dashboard's preview of the embedded connect UI loads StackOne's `@stackone/hub` web component
    (its `dist/webcomponent.js`) from: an http(s) URL the browser fetches. Linkyard ships no copy of it."""
    hub_script_path: Path | None = None
    """Or a local copy of that file (`npm install @stackone/hub`: `node_modules/@stackone/hub/dist/
    webcomponent.js`), which Linkyard then serves to the preview itself (`/static/stackone-hub.js`)."""
    # Webhooks (docs/events.md): events sent to the projects' endpoints by every worker.
    webhook_delivery_interval_seconds: float = Field(default=1.0, ge=0, le=60)
    """How often each worker looks for deliveries that are due (± 20%); 0 turns delivery off in this process."""
    event_subscription_interval_seconds: float = Field(default=5.0, gt=0, le=300)
    """How often each worker looks for accounts' subscriptions at their providers to make (± 20%); off with
    delivery (`webhook_delivery_interval_seconds` 0)."""
    webhook_retry_window_seconds: float = Field(default=86_400.0, gt=0)
    """How long an event is retried before it is given up, and how long a webhook may fail without a success
    before it is turned off (the dashboard then says so)."""
    webhook_backoff_base_seconds: float = Field(default=10.0, gt=0)
    """The first retry's delay; each next one doubles it (at most an hour), with jitter."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    """How long a receiver has to answer one delivery."""
    webhook_concurrency_per_webhook: int = Field(default=4, ge=1, le=100)
    """Deliveries in flight to one webhook at once, across every worker and host."""
    webhook_allow_http: bool = False
    """Whether webhook URLs may be plain `http://` (development and sandboxes only)."""
    event_retention_days: int = Field(default=30, ge=1)
    """How long events are kept, with their deliveries and attempts (the delivery log, replay), before
    housekeeping deletes them."""
    webhook_allow_private_addresses: bool = False
    """Whether webhooks may reach private, loopback and link-local addresses (checked after DNS resolution)."""

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _SandboxUrlsFromEnv(settings_cls), env_settings, dotenv_settings)

    @model_validator(mode="before")
    @classmethod
    def _gather_sandbox_urls(cls, data: Any) -> Any:
        """Fold `sandbox_<key>_url=...` arguments into `sandbox_urls` (the per-connector spelling)."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        named = {}
        for name in [name for name in data if isinstance(name, str) and _SANDBOX_URL_NAME.match(name)]:
            named[name] = data.pop(name)
        if named:
            urls = dict(data.get("sandbox_urls") or {})
            for name, url in named.items():
                match = _SANDBOX_URL_NAME.match(name)
                assert match is not None
                urls[match.group(1)] = url
            data["sandbox_urls"] = urls
        return data

    @field_validator("sandbox_urls")
    @classmethod
    def _check_sandbox_urls(cls, value: dict[str, str]) -> dict[str, str]:
        checked = {}
        for key, url in value.items():
            if not url.strip():
                continue  # an empty setting turns a sandbox off
            if not re.match(r"^[a-z][a-z0-9]*$", key):
                raise ValueError("sandbox_urls: keys are connector keys (lower-case letters and digits)")
            checked[key] = _http_url(url, f"sandbox_{key}_url")
        return checked

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

    @field_validator("rate_limit_per_key", "rate_limit_per_project", mode="before")
    @classmethod
    def _check_optional_rate(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return _rate(value)

    @field_validator("auth_failure_limit_per_address", "auth_failure_limit_per_prefix", mode="before")
    @classmethod
    def _check_rate(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("cannot be turned off: give a rate such as 20/minute")
        return _rate(value)

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _check_rate_limit_storage(cls, value: str) -> str:
        scheme = urlsplit(value.strip()).scheme.lower().removeprefix("async+")
        if scheme not in _RATE_LIMIT_STORES:
            # Never the value itself: a Redis URL may hold a password.
            raise ValueError("must be memory:// or a Redis URL such as redis://127.0.0.1:6379/0")
        return value.strip()

    @field_validator("hub_script_url")
    @classmethod
    def _check_hub_script_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value, "hub_script_url")

    @model_validator(mode="after")
    def _check_hub_script(self) -> Settings:
        if self.hub_script_url is not None and self.hub_script_path is not None:
            raise ValueError("set hub_script_url or hub_script_path, not both")
        return self

    @model_validator(mode="after")
    def _check_shares(self) -> Settings:
        # One project must never fill the pool: the others would wait for its slow calls (docs/limits.md).
        if self.upstream_calls_per_project >= self.upstream_connections:
            raise ValueError("upstream_calls_per_project must be below upstream_connections")
        if self.upstream_calls_per_account > self.upstream_calls_per_project:
            raise ValueError("upstream_calls_per_account must not exceed upstream_calls_per_project")
        return self

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

    def sandbox_url(self, connector: str) -> str | None:
        """The operator's URL of a connector's sandbox (its local emulator), if one is configured."""
        return self.sandbox_urls.get(connector)

    def redirect_uri(self, connector: str) -> str:
        """The OAuth redirect URI of a connector: derived from `public_url` only, never from a request."""
        return f"{self.public_url}/connect/oauth2/{connector}/callback"


class _SandboxUrlsFromEnv(PydanticBaseSettingsSource):
    """`LINKYARD_SANDBOX_<KEY>_URL` variables as `sandbox_urls` entries: each connector's sandbox has a setting
    of its own name (what `linkyard up --sandbox` sets for the emulator it starts)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        prefix = str(self.config.get("env_prefix", "")).lower()
        urls = {}
        for name, value in os.environ.items():
            lowered = name.lower()
            if lowered.startswith(prefix):
                match = _SANDBOX_URL_NAME.match(lowered[len(prefix) :])
                if match:
                    urls[match.group(1)] = value
        return {"sandbox_urls": urls} if urls else {}


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
