"""Key rotation: re-encrypt every stored secret under the key ring's first key, in small transactions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select, update

from linkyard.store.store import Store
from linkyard.store.tables import SECRET_COLUMNS

DEFAULT_BATCH_SIZE = 500


async def rotate(
    store: Store,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    on_batch: Callable[[int], Awaitable[None]] | None = None,
) -> int:
    """Re-encrypt secrets not yet under the first key; returns how many were re-encrypted.

    Safe while serving: each batch is its own short transaction, old ciphertexts stay readable (the old key is
    still in the ring), and a value is only replaced if it is unchanged since it was read, so a concurrent
    refresh or edit wins. `on_batch(total_so_far)` runs after each committed batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    keyring = store.keyring
    prefix = keyring.prefix()
    total = 0
    for secret in SECRET_COLUMNS:
        after = ""
        while True:
            async with store.database.write() as conn:
                rows = (
                    await conn.execute(
                        select(secret.row_key, secret.table.c.project_id, secret.column)
                        .where(
                            secret.column.is_not(None),
                            func.substr(secret.column, 1, len(prefix)) != prefix,
                            secret.row_key > after,
                        )
                        .order_by(secret.row_key)
                        .limit(batch_size)
                    )
                ).all()
                for row_id, project_id, sealed in rows:
                    context = secret.context(project_id, row_id)
                    resealed = keyring.encrypt(keyring.decrypt(sealed, context), context)
                    result = await conn.execute(
                        update(secret.table)
                        .where(secret.row_key == row_id, secret.column == sealed)
                        .values({secret.column.name: resealed})
                    )
                    total += result.rowcount
            if not rows:
                break
            after = rows[-1][0]
            if on_batch is not None:
                await on_batch(total)
            if len(rows) < batch_size:
                break
    return total
