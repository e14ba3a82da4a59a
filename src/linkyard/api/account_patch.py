"""`PATCH /accounts/{id}`: StackOne's whole `PatchAccountExternalDto`, each field applied, checked or refused.

StackOne's client sends `type` on every update (`production` unless told otherwise) and lets a caller send any
field of the DTO, so the route reads all of them and decides each (docs/platform-api.md, "Changing an account"):

    label, metadata, origin_owner_name, origin_username   applied
    status (Linkyard's)                                    pause (`suspended`) / resume (`active`)
    type, environment, provider, origin_owner_id,          fixed by how the account was linked: accepted when
      authentication_config_key                              equal to the account's value, else a 422 naming it
    secrets, credentials, setup_information                refused unless null: credentials come only from the
                                                             connect flow

A null is "not sent" for the fixed fields and the refused ones, and "clear it" for the applied ones that may be
empty (label, metadata, origin_username). Every culprit is named in one 422, never a blanket "extra inputs".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from linkyard.api.schemas import catalogue_fields
from linkyard.connectors import get_connector
from linkyard.domain import Account, ConnectorProfile
from linkyard.errors import FieldError, ValidationFailed
from linkyard.services.views import account_type

_CATALOGUE = catalogue_fields(
    {"provider": "connector", "environment": "environment", "authentication_config_key": "auth_type"}
)


def _documented_as(schema: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """A field's `json_schema_extra` that documents `schema` instead of the type the model reads (which is
    wider, so that the route can name the field in its own words)."""

    def document(found: dict[str, Any]) -> None:
        found.clear()
        found.update(schema)

    return document


_NOT_TAKEN = _documented_as(
    {
        "type": "null",
        "description": "Not taken: credentials come only from the connect flow (null is ignored)",
    }
)


class AccountUpdate(BaseModel):
    """StackOne's `PatchAccountExternalDto`, plus Linkyard's `status` (pause / resume)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_CATALOGUE)

    label: str | dict[str, Any] | None = Field(
        None,
        json_schema_extra=_documented_as(
            {
                "anyOf": [{"type": "string", "maxLength": 200}, {"type": "null"}],
                "description": "null clears it",
            }
        ),
    )
    metadata: dict[str, Any] | None = Field(None, description="Replaces the metadata; null clears it")
    status: Literal["active", "suspended"] | None = Field(
        None, description="Linkyard's: `suspended` pauses an active account, `active` resumes a suspended one"
    )
    origin_owner_name: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    origin_username: Annotated[str, StringConstraints(max_length=255)] | None = Field(
        None, description="null clears it"
    )
    origin_owner_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = Field(
        None, description="Only the account's own (it decides which account a connect session re-links)"
    )
    provider: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="Only the account's own"
    )
    environment: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="Only the account's own (its connector profile's)"
    )
    type: Literal["production", "test"] | None = Field(
        None, description="Only the account's own (`production` on the connector's usual environment)"
    )
    authentication_config_key: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="Only the account's own (its connector profile's auth type)"
    )
    secrets: dict[str, Any] | None = Field(None, json_schema_extra=_NOT_TAKEN)
    credentials: dict[str, Any] | None = Field(None, json_schema_extra=_NOT_TAKEN)
    setup_information: dict[str, Any] | None = Field(None, json_schema_extra=_NOT_TAKEN)


_APPLIED = ("label", "metadata", "status", "origin_owner_name", "origin_username")
_NOT_TAKEN_FIELDS = ("secrets", "credentials", "setup_information")


def account_changes(update: AccountUpdate, account: Account, profile: ConnectorProfile) -> dict[str, Any]:
    """The changes to apply (`services.update_account`'s keywords); `ValidationFailed` naming every field that
    cannot apply."""
    sent = update.model_fields_set
    problems: list[FieldError] = []
    fixed = {
        "provider": account.connector,
        "environment": profile.environment,
        "type": account_type(get_connector(account.connector), profile.environment),
        "origin_owner_id": account.origin_owner_id,
        "authentication_config_key": profile.auth_type,
    }
    for name, current in fixed.items():
        wanted = getattr(update, name)
        if name in sent and wanted is not None and wanted != current:
            problems.append({"field": name, "message": f"cannot change: the account's is {current!r}"})
    for name in _NOT_TAKEN_FIELDS:
        if getattr(update, name) is not None:
            problems.append(
                {
                    "field": name,
                    "message": "is not taken: credentials come only from the connect flow "
                    "(re-link the account with a connect session)",
                }
            )
    if isinstance(update.label, dict):
        problems.append(
            {
                "field": "label",
                "message": "must be a string or null (StackOne's client can only send it empty)",
            }
        )
    elif isinstance(update.label, str) and len(update.label) > 200:
        problems.append({"field": "label", "message": "must be at most 200 characters long"})
    if "origin_owner_name" in sent and update.origin_owner_name is None:
        problems.append({"field": "origin_owner_name", "message": "cannot be null"})
    if problems:
        raise ValidationFailed("The account cannot be changed so", errors=problems)
    changes = {name: getattr(update, name) for name in _APPLIED if name in sent}
    if changes.get("status", "") is None:
        changes.pop("status")
    return changes
