"""Many linked accounts at once, written as the store writes them (credentials sealed per account and column),
in batches of a few statements: for the scale tests and `bench/scale_bench.py`, where linking 100,000 accounts
one by one would take most of the run."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import insert

from linkyard.domain import ProviderAccount, TokenSet, new_id
from linkyard.store import Store
from linkyard.store.accounts import credential_values, idle_since, status_values
from linkyard.store.tables import accounts, credentials

BATCH = 2000


async def link_accounts(
    store: Store,
    project_id: str,
    profile_id: str,
    count: int,
    *,
    token: TokenSet,
    now: datetime,
    prefix: str = "bulk",
    connector: str = "factorialhr",
) -> list[str]:
    """Link `count` active accounts of the profile, each with its own sealing of `token`; their ids, in order
    of creation (one microsecond apart)."""
    ids: list[str] = []
    for start in range(0, count, BATCH):
        account_rows, credential_rows = [], []
        for n in range(start, min(count, start + BATCH)):
            account_id = new_id("acc")
            created = now + timedelta(microseconds=n)
            ids.append(account_id)
            account_rows.append(
                {
                    "id": account_id,
                    "project_id": project_id,
                    "profile_id": profile_id,
                    "provider": connector,
                    "origin_owner_id": f"{prefix}-{n}",
                    "origin_owner_name": f"Owner {n}",
                    "origin_username": None,
                    "token_type": token.token_type,
                    "scopes": list(token.scopes),
                    "provider_account": asdict(ProviderAccount(company_id="1", employee_id=str(n))),
                    "label": None,
                    "metadata": None,
                    "created_at": created,
                    "idle_since": idle_since(token),
                    **status_values("active", None, "", created),
                }
            )
            credential_rows.append(
                {
                    "account_id": account_id,
                    "project_id": project_id,
                    "generation": 1,
                    "wiped_at": None,
                    "updated_at": created,
                    **credential_values(store.keyring, project_id, account_id, token),
                }
            )
        async with store.database.write() as conn:
            await conn.execute(insert(accounts), account_rows)
            await conn.execute(insert(credentials), credential_rows)
    return ids
