"""Settings: read from LINKYARD_* at start-up, database drivers picked, errors that leak nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkyard.config import load_settings, resolve_database_url
from linkyard.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "PUBLIC_URL",
        "ENCRYPTION_KEYS",
        "SANDBOX_FACTORIALHR_URL",
        "SANDBOX_TINYHR_URL",
        "SANDBOX_URLS",
        "LOG_LEVEL",
        "HOUSEKEEPING_INTERVAL_SECONDS",
        "CONNECT_SESSION_RETENTION_DAYS",
    ):
        monkeypatch.delenv(f"LINKYARD_{name}", raising=False)


def test_defaults_use_sqlite_under_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path}/.linkyard/linkyard.db"
    assert settings.async_database_url == f"sqlite+aiosqlite:///{tmp_path}/.linkyard/linkyard.db"
    assert settings.sync_database_url == f"sqlite:///{tmp_path}/.linkyard/linkyard.db"
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.encryption_keys is None
    assert settings.sandbox_urls == {}
    assert settings.sandbox_url("factorialhr") is None
    assert settings.log_level == "INFO"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKYARD_PUBLIC_URL", "https://linkyard.example.com/")
    monkeypatch.setenv("LINKYARD_DATABASE_URL", "postgres://app:pw@db:5432/linkyard")
    monkeypatch.setenv("LINKYARD_LOG_LEVEL", "debug")
    monkeypatch.setenv("LINKYARD_SANDBOX_FACTORIALHR_URL", "http://127.0.0.1:8001/")
    settings = load_settings()
    assert settings.public_url == "https://linkyard.example.com"
    assert settings.async_database_url == "postgresql+psycopg://app:pw@db:5432/linkyard"
    assert settings.sync_database_url == "postgresql+psycopg://app:pw@db:5432/linkyard"
    assert settings.log_level == "DEBUG"
    assert settings.sandbox_url("factorialhr") == "http://127.0.0.1:8001"


def test_each_connector_has_its_sandbox_url_from_a_mapping_or_a_setting_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "LINKYARD_SANDBOX_URLS", '{"tinyhr": "http://127.0.0.1:9001/", "factorialhr": "http://old.test"}'
    )
    monkeypatch.setenv("LINKYARD_SANDBOX_FACTORIALHR_URL", "http://127.0.0.1:8001/")
    settings = load_settings()
    # The per-connector variable (what `linkyard up --sandbox` sets) wins over the mapping's entry.
    assert settings.sandbox_urls == {
        "tinyhr": "http://127.0.0.1:9001",
        "factorialhr": "http://127.0.0.1:8001",
    }
    assert load_settings(sandbox_tinyhr_url="http://given.test").sandbox_url("tinyhr") == "http://given.test"
    assert load_settings(sandbox_tinyhr_url="").sandbox_url("tinyhr") is None


def test_a_bad_sandbox_url_is_refused_naming_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKYARD_SANDBOX_TINYHR_URL", "ftp://secret@files.test")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert "sandbox_tinyhr_url must be an absolute http(s) URL" in refused.value.message
    assert "secret" not in refused.value.message


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKYARD_PUBLIC_URL", "https://from-env.example")
    assert load_settings(public_url="https://given.example").public_url == "https://given.example"


def test_the_redirect_uri_comes_from_the_public_url_only() -> None:
    settings = load_settings(public_url="https://linkyard.example.com/base/")
    assert (
        settings.redirect_uri("factorialhr")
        == "https://linkyard.example.com/base/connect/oauth2/factorialhr/callback"
    )


@pytest.mark.parametrize(
    ("url", "backend", "async_url", "sync_url"),
    [
        ("sqlite:///data/l.db", "sqlite", "sqlite+aiosqlite:///data/l.db", "sqlite:///data/l.db"),
        ("sqlite+aiosqlite:////abs/l.db", "sqlite", "sqlite+aiosqlite:////abs/l.db", "sqlite:////abs/l.db"),
        ("postgresql://u@h/db", "postgresql", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        (
            "postgres://u@h/db?sslmode=require",
            "postgresql",
            "postgresql+psycopg://u@h/db?sslmode=require",
            None,
        ),
        ("postgresql+psycopg://u@h/db", "postgresql", "postgresql+psycopg://u@h/db", None),
    ],
)
def test_database_urls_get_the_async_and_sync_drivers(
    url: str, backend: str, async_url: str, sync_url: str | None
) -> None:
    urls = resolve_database_url(url)
    assert (urls.backend, urls.async_url, urls.sync_url) == (backend, async_url, sync_url or async_url)
    assert "u@h" not in repr(urls)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:hunter2@db/l",
        "sqlite://",
        "sqlite:///:memory:",
        "hunter2",
        "postgresql+asyncpg://u:hunter2@h/d",
    ],
)
def test_unusable_database_urls_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(database_url=url)
    assert "database_url" in str(caught.value)
    assert "hunter2" not in str(caught.value) and "root" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


@pytest.mark.parametrize(
    "url", ["ftp://x", "127.0.0.1:8000", "https://x.example/?a=1", "https://x.example/#f"]
)
def test_a_public_url_must_be_plain_http_or_https(url: str) -> None:
    with pytest.raises(ConfigError, match="public_url"):
        load_settings(public_url=url)


def test_encryption_keys_stay_out_of_reprs_and_errors() -> None:
    settings = load_settings(encryption_keys="k1:c2VjcmV0LWtleS1tYXRlcmlhbA==")
    assert settings.encryption_keys is not None
    assert "c2VjcmV0" not in repr(settings) and "c2VjcmV0" not in str(settings)
    with pytest.raises(ConfigError) as caught:
        load_settings(encryption_keys="k1:c2VjcmV0LWtleS1tYXRlcmlhbA==", log_level="chatty")
    assert "c2VjcmV0" not in str(caught.value) and "chatty" not in str(caught.value)
    assert "log_level" in str(caught.value)


def test_housekeeping_runs_every_10_minutes_and_keeps_ended_sessions_30_days_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = load_settings()
    assert (defaults.housekeeping_interval_seconds, defaults.connect_session_retention_days) == (600.0, 30)
    monkeypatch.setenv("LINKYARD_HOUSEKEEPING_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("LINKYARD_CONNECT_SESSION_RETENTION_DAYS", "7")
    chosen = load_settings()
    assert (chosen.housekeeping_interval_seconds, chosen.connect_session_retention_days) == (0.0, 7)
    for name in ("housekeeping_interval_seconds", "connect_session_retention_days"):
        with pytest.raises(ConfigError, match=name):
            load_settings(**{name: -1})


def test_unknown_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="databse_url"):
        load_settings(databse_url="sqlite:///x.db")


def test_importing_the_platform_reads_no_settings() -> None:
    # In a fresh interpreter: importing with a broken environment fails nothing; loading the settings does.
    script = (
        "import linkyard.config, linkyard.store, linkyard.domain, linkyard.errors\n"
        "try:\n"
        "    linkyard.config.load_settings()\n"
        "except linkyard.errors.ConfigError as exc:\n"
        "    print(exc.code)\n"
    )
    environment = {**os.environ, "LINKYARD_PUBLIC_URL": "not a url", "LINKYARD_DATABASE_URL": "mysql://x"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "config_invalid"


def test_limits_have_sensible_defaults_and_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    assert defaults.upstream_calls_per_account < defaults.upstream_calls_per_project
    assert defaults.upstream_calls_per_project < defaults.upstream_connections
    assert defaults.rate_limit_storage_url == "memory://"
    monkeypatch.setenv("LINKYARD_RATE_LIMIT_PER_KEY", "100/second; 3000/minute")
    monkeypatch.setenv("LINKYARD_RATE_LIMIT_PER_PROJECT", "")
    monkeypatch.setenv("LINKYARD_UPSTREAM_CALLS_PER_PROJECT", "40")
    settings = load_settings()
    assert settings.rate_limit_per_key == "100/second; 3000/minute"
    assert settings.rate_limit_per_project is None  # empty: no limit
    assert settings.upstream_calls_per_project == 40


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"rate_limit_per_key": "lots"}, "rate_limit_per_key"),
        ({"rate_limit_per_project": "0/second"}, "rate_limit_per_project"),
        ({"auth_failure_limit_per_address": ""}, "auth_failure_limit_per_address"),
        ({"upstream_calls_per_project": 100}, "below upstream_connections"),
        ({"upstream_calls_per_account": 30}, "upstream_calls_per_account"),
        ({"upstream_queue_seconds": -1}, "upstream_queue_seconds"),
    ],
)
def test_unusable_limits_are_refused_naming_the_setting(overrides: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(**overrides)


def test_a_rate_limit_store_must_be_memory_or_redis_and_its_url_is_never_echoed() -> None:
    assert load_settings(rate_limit_storage_url="redis://:pw@cache:6379/2").rate_limit_storage_url
    for url in ("memcached://:hunter2@cache:11211", "hunter2", "mongodb://root:hunter2@db"):
        with pytest.raises(ConfigError) as caught:
            load_settings(rate_limit_storage_url=url)
        assert "rate_limit_storage_url" in str(caught.value) and "hunter2" not in str(caught.value)
    settings = load_settings(rate_limit_storage_url="redis://:hunter2@cache:6379/2")
    assert "hunter2" not in repr(settings)
