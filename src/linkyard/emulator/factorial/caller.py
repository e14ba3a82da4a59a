"""Who is calling and what they may see: the authenticated principal resolved against the company's data."""

from __future__ import annotations

from dataclasses import dataclass

from .state import Principal, Row, World, is_admin


@dataclass
class Caller:
    world: World
    principal: Principal
    employee: Row | None  # the signed-in employee, for user tokens
    string_ids: bool  # API version 2026-07-01 and later

    @property
    def company_id(self) -> int:
        return self.principal.company_id

    @property
    def admin(self) -> bool:
        """API keys and company tokens act for the company; a user token acts with its employee's rights."""
        return self.employee is None or is_admin(self.employee)

    @property
    def employee_id(self) -> int | None:
        return None if self.employee is None else int(self.employee["id"])

    def is_self(self, employee_id: object) -> bool:
        return self.employee is not None and employee_id == self.employee["id"]

    def manages(self, employee_id: object) -> bool:
        """True for the caller themselves and for employees whose manager or time-off manager they are."""
        if self.admin or self.is_self(employee_id):
            return True
        if not isinstance(employee_id, int):
            return False
        other = self.world.employee(self.company_id, employee_id)
        me = self.employee_id
        return (
            other is not None
            and me is not None
            and me in (other.get("manager_id"), other.get("timeoff_manager_id"))
        )


def resolve_caller(world: World, principal: Principal, string_ids: bool) -> Caller | None:
    """None when a user token's employee no longer exists in its company."""
    employee = None
    if principal.kind == "user":
        if principal.employee_id is None:
            return None
        employee = world.employee(principal.company_id, principal.employee_id)
        if employee is None:
            return None
    return Caller(world, principal, employee, string_ids)
