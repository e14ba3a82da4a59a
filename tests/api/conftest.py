"""API tests: the platform app and the Factorial emulator in-process over real HTTP, one manual clock, a store on
the test's database; every fixture comes from `tests.harness` (registered in `tests/conftest.py`).

The names below are re-exported for the test modules that import them from here.
"""

from __future__ import annotations

from tests.harness.database import BACKENDS, ON_BOTH_BACKENDS, PG_URL
from tests.harness.platform import (
    ALL_SCOPES,
    CALLBACK_PATH,
    FACTORIAL,
    FORM_TOKEN,
    PUBLIC_URL,
    REDIRECT_URI,
    RETURN_ORIGIN,
    Flow,
    Harness,
    Tenant,
    basic,
    dashboard_sign_in,
)

__all__ = [
    "ALL_SCOPES",
    "BACKENDS",
    "CALLBACK_PATH",
    "FACTORIAL",
    "FORM_TOKEN",
    "ON_BOTH_BACKENDS",
    "PG_URL",
    "PUBLIC_URL",
    "REDIRECT_URI",
    "RETURN_ORIGIN",
    "Flow",
    "Harness",
    "Tenant",
    "basic",
    "dashboard_sign_in",
]
