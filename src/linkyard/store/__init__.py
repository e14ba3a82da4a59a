"""Persistence: SQLAlchemy tables, repositories, Alembic migrations and the encryption key ring."""

from linkyard.store.credentials import HeldCredentials
from linkyard.store.crypto import KeyRing, generate_key_entry
from linkyard.store.rotation import rotate
from linkyard.store.store import Store, open_store

__all__ = ["HeldCredentials", "KeyRing", "Store", "generate_key_entry", "open_store", "rotate"]
