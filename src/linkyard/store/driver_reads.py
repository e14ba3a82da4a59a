"""A read statement compiled once and sent straight to the driver: the hot path's cold read without the per-execution
work of SQLAlchemy's asyncio layer.

A cold call's one statement (`linkyard.store.account_reads`) costs the database 0.05 ms (SQLite) to 0.15 ms
(PostgreSQL, planning included); sent through `AsyncConnection.execute` it cost 0.6 to 0.9 ms in this process
(docs/benchmarks.md, "Scale"): on SQLite each step (open a cursor, execute, fetch, close the cursor, roll back on
the way back to the pool) is a hop to aiosqlite's thread and back, and on both backends every execution goes
through the compiled cache's lookup, the cursor's adaptation and the result's wrapping, in a greenlet.

Here the statement is compiled once for the engine's dialect, with SQLAlchemy's own result processors of its
columns (the same conversions `execute` applies: SQLite's text to datetimes and JSON, integers to booleans, the
table's type decorators). Each execution is then one driver call on a connection of the engine's own pool:
aiosqlite's `execute_fetchall` (one hop to its thread), psycopg's `execute` in autocommit (one round trip, no
`BEGIN`), and its values go through those processors. Parameters must need no conversion on the way in
(strings, numbers): compiling a statement with a bind that has a bind processor is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Select

from linkyard.errors import StoreError

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class DriverRead:
    """A SELECT as its dialect's SQL, the order of its parameters, and how to turn the driver's rows back into
    the values SQLAlchemy would give, keyed by the statement's column keys (its labels)."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple[Processor | None, ...]
    positions: tuple[str, ...] | None
    """The parameters' names in the order of the SQL's placeholders (SQLite's `?`); None: by name (psycopg)."""
    _construct: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    _converted: tuple[tuple[int, Processor], ...]
    """The columns that have a processor, by position: the others are the driver's values as they are."""

    @classmethod
    def compile(cls, statement: Select[Any], dialect: Dialect) -> DriverRead:
        compiled = statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise StoreError(f"a driver read takes plain parameters; {bind.key} needs converting")
        keys, processors = [], []
        for key, column in statement.selected_columns.items():
            keys.append(key)
            processors.append(column.type.dialect_impl(dialect).result_processor(dialect, None))
        positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        return cls(
            sql=str(compiled),
            keys=tuple(keys),
            processors=tuple(processors),
            positions=positions,
            _construct=lambda values: compiled.construct_params(dict(values)),
            _converted=tuple(
                (index, process) for index, process in enumerate(processors) if process is not None
            ),
        )

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        """The driver's parameters for the statement's bound `values` (by name)."""
        named = self._construct(values)
        return named if self.positions is None else [named[name] for name in self.positions]

    def rows(self, fetched: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
        """The driver's rows as SQLAlchemy would give them, each keyed by the statement's column keys."""
        keys, converted = self.keys, self._converted
        found = []
        for row in fetched:
            values = list(row)
            for index, process in converted:
                values[index] = process(values[index])
            found.append(dict(zip(keys, values, strict=True)))
        return found
