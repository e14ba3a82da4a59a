"""API keys repository: random 256-bit keys, stored as SHA-256 digests, shown once, revocable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select, update

from linkyard.domain import ApiKey, Clock, Project, new_id
from linkyard.errors import NotFound
from linkyard.store.changes import Change
from linkyard.store.database import Database
from linkyard.store.digests import digest, digests_match, new_secret
from linkyard.store.projects import project_from_row
from linkyard.store.tables import api_keys, projects

API_KEY_PREFIX = "lk_"
_SHOWN_PREFIX = len(API_KEY_PREFIX) + 4


def api_key_from_row(m: Mapping[Any, Any]) -> ApiKey:
    return ApiKey(
        id=m["id"],
        project_id=m["project_id"],
        name=m["name"],
        prefix=m["prefix"],
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
    )


class ApiKeyRepository:
    """A project's API keys; `find_project_by_key` is how a request's project is found."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def create(self, project_id: str, name: str) -> tuple[ApiKey, str]:
        """A new key: its metadata and the raw key, which is returned this once and never stored."""
        raw = new_secret(API_KEY_PREFIX)
        values = {
            "id": new_id("key"),
            "project_id": project_id,
            "name": name,
            "prefix": raw[:_SHOWN_PREFIX],
            "key_hash": digest(raw),
            "created_at": self._clock(),
            "revoked_at": None,
        }
        async with self._db.write() as conn:
            if (await conn.execute(select(projects.c.id).where(projects.c.id == project_id))).first() is None:
                raise NotFound("project not found")
            await conn.execute(insert(api_keys).values(values))
        return api_key_from_row(values), raw

    async def list(self, project_id: str) -> list[ApiKey]:
        statement = (
            select(api_keys)
            .where(api_keys.c.project_id == project_id)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [api_key_from_row(row._mapping) for row in rows]

    async def revoke(self, project_id: str, key_id: str) -> ApiKey:
        """Revoke a key: every process refuses it once it hears of the change (see `linkyard.store.read_cache`);
        revoking twice keeps the first revocation time."""
        scope = (api_keys.c.id == key_id) & (api_keys.c.project_id == project_id)
        async with self._db.write() as conn:
            revoked = await conn.execute(
                update(api_keys)
                .where(scope, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=self._clock())
            )
            if revoked.rowcount:
                await self._db.announce(conn, Change("api_keys", project_id))
            row = (await conn.execute(select(api_keys).where(scope))).first()
        if row is None:
            raise NotFound("API key not found")
        return api_key_from_row(row._mapping)

    async def get(self, project_id: str, key_id: str) -> ApiKey:
        scope = (api_keys.c.id == key_id) & (api_keys.c.project_id == project_id)
        async with self._db.read() as conn:
            row = (await conn.execute(select(api_keys).where(scope))).first()
        if row is None:
            raise NotFound("API key not found")
        return api_key_from_row(row._mapping)

    async def find_key(self, raw_key: str) -> ApiKey | None:
        """A live key's metadata (the dashboard signs in with it), or None for an unknown or revoked key."""
        if not raw_key.startswith(API_KEY_PREFIX):
            return None
        statement = select(api_keys).where(
            api_keys.c.key_hash == digest(raw_key), api_keys.c.revoked_at.is_(None)
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        if row is None or not digests_match(row._mapping["key_hash"], raw_key):
            return None
        return api_key_from_row(row._mapping)

    async def find_project_by_key(self, raw_key: str) -> Project | None:
        """The project of a live key, or None for an unknown or revoked key (the caller answers 401)."""
        if not raw_key.startswith(API_KEY_PREFIX):
            return None
        statement = (
            select(api_keys.c.key_hash, projects)
            .join(projects, projects.c.id == api_keys.c.project_id)
            .where(api_keys.c.key_hash == digest(raw_key), api_keys.c.revoked_at.is_(None))
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
        # The lookup is by digest (an attacker learns nothing from its timing without a preimage); the
        # constant-time comparison guards against a database collation or index returning a near match.
        if row is None or not digests_match(row._mapping["key_hash"], raw_key):
            return None
        return project_from_row(row._mapping)
