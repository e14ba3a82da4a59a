"""Request bodies (validated with pydantic) and the checks and row updates every write shares."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..caller import Caller
from ..errors import ApiError, forbidden, invalid, not_found
from ..state import Row, timestamp

EmailStr = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class Body(BaseModel):
    """The base of every request body: unknown fields are ignored, strings stripped."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def parse_body(model: type[Body], payload: Any) -> Any:
    """Validate `payload`; a 422 names each bad field without echoing what was sent."""
    if not isinstance(payload, dict):
        raise ApiError(422, {"base": ["the request body must be a JSON object"]})
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors(include_input=False, include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "base"
            errors.setdefault(field, []).append(error["msg"])
        raise ApiError(422, errors) from None


def touch(caller: Caller, row: Row) -> Row:
    """Stamp `row` as updated now."""
    row["updated_at"] = timestamp(caller.world.clock.now())
    return row


def require_admin(caller: Caller, what: str) -> None:
    """403 unless the caller is a company admin."""
    if not caller.admin:
        raise forbidden(f"Only company admins can {what}")


def require_employee(caller: Caller, employee_id: int, field: str = "employee_id") -> Row:
    """The caller's company's employee, or a 422 on `field`."""
    row = caller.world.employee(caller.company_id, employee_id)
    if row is None:
        raise invalid(field, "does not exist")
    return row


def check_reference(caller: Caller, table: str, field: str, value: int | None) -> None:
    """422 on `field` when `value` names no row of `table` in the caller's company."""
    if value is not None and caller.world.table(table).get(caller.company_id, value) is None:
        raise invalid(field, "does not exist")


def require_row(caller: Caller, table: str, row_id: int) -> Row:
    """The row an action targets, or a 404."""
    row = caller.world.table(table).get(caller.company_id, row_id)
    if row is None:
        raise not_found()
    return row


def apply_fields(row: Row, body: Body, *, dates: tuple[str, ...] = ()) -> None:
    """Copy the fields the body set onto `row`, the `dates` as ISO strings."""
    for name in body.model_fields_set:
        value = getattr(body, name)
        row[name] = value.isoformat() if name in dates and value is not None else value


class TargetId(Body):
    """The body of an action on one row: its id."""

    id: int
