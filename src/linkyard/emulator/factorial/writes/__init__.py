"""Writes through the REST API: validated bodies (pydantic) and the state changes Factorial makes for them."""

from __future__ import annotations

from .attendance import clock_in, clock_out
from .contracts import create_contract_version, update_contract_version
from .documents import MAX_FILE_BYTES, Upload, create_document
from .employees import (
    create_employee_with_contract,
    invite_employee,
    terminate_employee,
    unterminate_employee,
    update_employee,
)
from .recruitment import (
    create_application,
    create_candidate,
    move_application,
    update_application,
    update_candidate,
)
from .subscriptions import create_subscription, delete_subscription, update_subscription
from .timeoff import approve_leave, create_leave, delete_leave, reject_leave, update_leave

__all__ = [
    "MAX_FILE_BYTES",
    "Upload",
    "approve_leave",
    "clock_in",
    "clock_out",
    "create_application",
    "create_candidate",
    "create_contract_version",
    "create_document",
    "create_employee_with_contract",
    "create_leave",
    "create_subscription",
    "delete_leave",
    "delete_subscription",
    "invite_employee",
    "move_application",
    "reject_leave",
    "terminate_employee",
    "unterminate_employee",
    "update_application",
    "update_candidate",
    "update_contract_version",
    "update_employee",
    "update_leave",
    "update_subscription",
]
