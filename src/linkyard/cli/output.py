"""What the CLI prints: Rich tables for people, JSON for programs, one-line errors on stderr.

Consoles are made when a command prints, never at import. Errors carry their exit code: 2 for usage and
validation (what the caller typed is wrong), 1 for everything else.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from linkyard.errors import BadRequest, ConfigError, LinkyardError, ValidationFailed

if TYPE_CHECKING:
    from rich.console import Console

USAGE = 2
FAILURE = 1
_USAGE_ERRORS: tuple[type[LinkyardError], ...] = (BadRequest, ValidationFailed, ConfigError)
_PIPE_WIDTH = 160


class CommandFailed(Exception):
    """A command cannot go on for a reason of its own (not a platform error); the message is shown as is."""

    exit_code = FAILURE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


def exit_code(error: LinkyardError | CommandFailed) -> int:
    """2 when the caller's input is at fault, 1 otherwise."""
    if isinstance(error, CommandFailed):
        return error.exit_code
    return USAGE if isinstance(error, _USAGE_ERRORS) else FAILURE


def error_line(error: LinkyardError | CommandFailed) -> str:
    """One line: the message and, for a validation failure, every culprit (never the submitted value)."""
    line = error.message
    if isinstance(error, ValidationFailed) and error.errors:
        line += ": " + "; ".join(f"{item['field']}: {item['message']}" for item in error.errors)
    return line


def fail(error: LinkyardError | CommandFailed) -> NoReturn:
    """Print `error: ...` on stderr and leave with the error's exit code."""
    from rich.markup import escape

    console(stderr=True).print(f"[bold red]error:[/] {escape(error_line(error))}", soft_wrap=True)
    raise typer.Exit(exit_code(error))


def warn(message: str) -> None:
    from rich.markup import escape

    console(stderr=True).print(f"[bold yellow]warning:[/] {escape(message)}", soft_wrap=True)


def console(*, stderr: bool = False) -> Console:
    """A Rich console; when the output is not a terminal it is wide, so ids are never cut."""
    from rich.console import Console

    made = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not made.is_terminal:
        made.width = max(made.width, _PIPE_WIDTH)
    return made


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def print_json(data: Any) -> None:
    typer.echo(json.dumps(jsonable(data), indent=2, ensure_ascii=False))


def print_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = ""
) -> None:
    """A table with one row per object; the first column (the id) never wraps."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for index, column in enumerate(columns):
        table.add_column(column, no_wrap=index == 0, overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*(cell_text(cell) for cell in row))
        count += 1
    out = console()
    if count == 0 and empty:
        out.print(empty)
        return
    out.print(table)


def print_fields(title: str, fields: Iterable[tuple[str, Any]]) -> None:
    """One object as a two-column table of its fields."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in fields:
        table.add_row(name, cell_text(value))
    console().print(table)


def cell_text(value: Any) -> str:
    """How one value reads in a table cell."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(item) for item in value) if value else "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return json.dumps(jsonable(value), ensure_ascii=False)
    return str(value)
