"""Encryption keys of the secrets at rest: a new key entry, and every stored secret re-encrypted under the first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from linkyard.store import Store, generate_key_entry, rotate

__all__ = ["Reencrypted", "generate_key_entry", "reencrypt_secrets"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reencrypted:
    """What a rotation did: how many secrets it re-encrypted, and the id of the key they now use."""

    total: int
    kid: str


async def reencrypt_secrets(
    store: Store,
    batch_size: int,
    *,
    on_batch: Callable[[int], Awaitable[None]] | None = None,
) -> Reencrypted:
    """Re-encrypt every secret not yet under the key ring's first key, `batch_size` per transaction (safe while
    serving); `on_batch(total_so_far)` runs after each committed batch."""
    total = await rotate(store, batch_size, on_batch=on_batch)
    return Reencrypted(total=total, kid=store.keyring.primary_kid)
