"""PostgreSQL's planner statistics kept current by Linkyard itself, whether or not autovacuum runs.

The planner chooses plans from each table's statistics. A table that grew from 10 rows to 100,000 since its
last `ANALYZE` is planned as if it were still small. Linkyard re-plans every statement (no server-side
prepared statements: `prepare_threshold=None`, `linkyard.store.database`), so fresh statistics take effect at
once; this module keeps them fresh: `refresh_statistics` analyses each of Linkyard's tables that changed by
more than autovacuum's own threshold since its last analysis (50 rows + 10 %), and the migrations analyse
every table after they run. Housekeeping calls it (`linkyard.services.housekeeping`), one worker at a time.
Autovacuum is still required (it also reclaims dead rows): docs/database.md.
"""

from __future__ import annotations

from sqlalchemy import text

from linkyard.store.database import Database
from linkyard.store.exclusive import exclusively
from linkyard.store.tables import metadata

ANALYZE_BASE = 50
ANALYZE_SCALE = 0.1

_CHANGED = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
    " AND n_mod_since_analyze > :base + :scale * GREATEST(n_live_tup, 0)"
    " ORDER BY relname"
)


async def refresh_statistics(database: Database) -> tuple[str, ...]:
    """Analyse the tables that changed much since their last analysis; their names (none on SQLite, whose
    planner relies on its indexes' shape, and none while another worker does it)."""
    if database.backend != "postgresql":
        return ()
    ours = set(metadata.tables)
    async with exclusively(database, "statistics") as mine:
        if not mine:
            return ()
        async with database.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            rows = await conn.execute(_CHANGED, {"base": ANALYZE_BASE, "scale": ANALYZE_SCALE})
            stale = tuple(name for (name,) in rows if name in ours)
            for name in stale:
                await conn.exec_driver_sql(f'ANALYZE "{name}"')
    return stale
