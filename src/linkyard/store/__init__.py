"""Persistence: SQLAlchemy tables, repositories, Alembic migrations and the encryption key ring."""

from linkyard.store.account_reads import AccountRead, SealedCredentials
from linkyard.store.credentials import HeldCredentials, IdleCandidate
from linkyard.store.crypto import KeyRing, generate_key_entry
from linkyard.store.rotation import rotate
from linkyard.store.store import Store, open_store

__all__ = [
    "AccountRead",
    "HeldCredentials",
    "IdleCandidate",
    "KeyRing",
    "SealedCredentials",
    "Store",
    "generate_key_entry",
    "open_store",
    "rotate",
]
