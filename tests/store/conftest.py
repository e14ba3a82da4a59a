"""Store tests: every test that takes `store` runs on SQLite and on PostgreSQL (when configured); the database
fixtures themselves are `tests.harness.database`'s (registered in `tests/conftest.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from linkyard.domain import Account, ConnectorProfile, ManualClock, Project, ProviderAccount, TokenSet
from linkyard.store import Store
from tests.harness.database import (
    BACKENDS,
    CORRUPTIONS,
    PG_URL,
    OpenStore,
    corrupt,
    database_url,
    dump_database,
    open_stores,
)

__all__ = [
    "BACKENDS",
    "CORRUPTIONS",
    "PG_URL",
    "OpenStore",
    "corrupt",
    "database_url",
    "dump_database",
    "open_stores",
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every store test on both backends."""
    return str(request.param)


def tokens(
    access: str, refresh: str | None, clock: ManualClock, *, lifetime: timedelta | None = None
) -> TokenSet:
    now = clock()
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=now + (lifetime or timedelta(hours=1)),
        issued_at=now,
        scopes=("employees",),
    )


@dataclass(frozen=True)
class Tenant:
    """A project with a connector profile and one linked account (tokens AT-0 / RT-0)."""

    project: Project
    profile: ConnectorProfile
    account: Account


async def make_tenant(store: Store, clock: ManualClock, name: str = "Acme", owner: str = "org-1") -> Tenant:
    project = await store.projects.create(name, allowed_origins=["https://app.example"])
    profile = await store.connector_profiles.create(
        project.id,
        connector="factorialhr",
        client_id=f"client-{name}",
        client_secret=f"client-secret-of-{name}-0123456789",
        environment="sandbox",
        scopes=["employees"],
    )
    account, _ = await store.accounts.upsert(
        project.id,
        profile_id=profile.id,
        origin_owner_id=owner,
        origin_owner_name=f"{name} Ltd",
        provider_account=ProviderAccount(company_id="1", employee_id="7", email="admin@example.com"),
        token=tokens("AT-0", "RT-0", clock),
    )
    return Tenant(project, profile, account)


@pytest.fixture
async def tenant(store: Store, clock: ManualClock) -> Tenant:
    return await make_tenant(store, clock)
