"""The suite's fixtures, defined once in `tests.harness` and registered here for every test package.

A package's conftest overrides only what differs for it and imports shared helpers from `tests.harness`, never
from another package's conftest.
"""

from __future__ import annotations

from tests.harness.database import (
    backend,
    clock,
    database_url,
    empty_database_url,
    keyring,
    open_stores,
    postgres_template,
    sqlite_template,
    store,
    worker,
)
from tests.harness.platform import (
    app,
    emulator,
    emulator_shape,
    factorial,
    harness,
    live_url,
    retry_policy,
    settings,
    upstream,
    upstream_server,
)

__all__ = [
    "app",
    "backend",
    "clock",
    "database_url",
    "empty_database_url",
    "emulator",
    "emulator_shape",
    "factorial",
    "harness",
    "keyring",
    "live_url",
    "open_stores",
    "postgres_template",
    "retry_policy",
    "settings",
    "sqlite_template",
    "store",
    "upstream",
    "upstream_server",
    "worker",
]
