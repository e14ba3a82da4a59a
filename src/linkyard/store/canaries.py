"""Refuse a key ring that cannot read the database: per-key canaries and a scan for unconfigured key ids."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from linkyard.domain import Clock
from linkyard.errors import DecryptionFailed, KeyRingError
from linkyard.store.crypto import KeyRing
from linkyard.store.database import Database
from linkyard.store.tables import SECRET_COLUMNS, canary_context, key_canaries

_CANARY = "linkyard key canary"


async def check_key_ring(database: Database, keyring: KeyRing, clock: Clock) -> None:
    """Raise `KeyRingError` unless each configured key is the key its id stood for, and every stored secret is
    under a configured key id. A key seen for the first time leaves a canary for later starts to check."""
    insert = postgresql.insert if database.backend == "postgresql" else sqlite.insert
    async with database.write() as conn:
        for kid in keyring.kids:
            await conn.execute(
                insert(key_canaries)
                .values(
                    kid=kid,
                    ciphertext=keyring.encrypt(_CANARY, canary_context(kid), kid=kid),
                    created_at=clock(),
                )
                .on_conflict_do_nothing(index_elements=["kid"])
            )
        canaries = (
            await conn.execute(select(key_canaries).where(key_canaries.c.kid.in_(keyring.kids)))
        ).all()
    for canary in canaries:
        kid = canary._mapping["kid"]
        try:
            readable = keyring.decrypt(canary._mapping["ciphertext"], canary_context(kid)) == _CANARY
        except DecryptionFailed:
            readable = False
        if not readable:
            raise KeyRingError(
                f"encryption key {kid!r} is not the key this database was encrypted with under that id"
            )
    prefixes = [keyring.prefix(kid) for kid in keyring.kids]
    async with database.read() as conn:
        for secret in SECRET_COLUMNS:
            foreign = and_(
                secret.column.is_not(None),
                *(func.substr(secret.column, 1, len(prefix)) != prefix for prefix in prefixes),
            )
            if (await conn.execute(select(secret.row_key).where(foreign).limit(1))).first() is not None:
                raise KeyRingError(
                    "stored secrets are encrypted under a key id that is not configured: keep the old key in "
                    "LINKYARD_ENCRYPTION_KEYS (after the new one) until key rotation has finished"
                )
