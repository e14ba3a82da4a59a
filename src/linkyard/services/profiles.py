"""Connector profiles: a project's OAuth client for a connector, its scopes, token type and enabled actions.

Every change is validated against the connector's catalogue before it is stored; the client secret is
write-only (the store encrypts it, the views show its hint only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from linkyard.connectors import Connector, get_connector, validate_profile_selection
from linkyard.domain import ConnectorProfile, Project
from linkyard.errors import Conflict, FieldError, NotFound, ValidationFailed
from linkyard.services.accounts import unlink_account
from linkyard.services.platform import Platform

MAX_CLIENT_ID_LENGTH = 512
MAX_CLIENT_SECRET_LENGTH = 1024
MAX_LABEL_LENGTH = 200

_UNSET: Any = object()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileSelection:
    """The fields that must make sense together: checked as a whole on create and after every PATCH."""

    connector: str
    auth_type: str
    environment: str
    client_id: str
    client_secret: str | None
    scopes: Sequence[str] | None
    token_type: str
    actions: Sequence[str] | None
    label: str | None


def _check(platform: Platform, selection: ProfileSelection) -> Connector:
    """The connector, or one 422 naming every culprit (never repeating a submitted value)."""
    try:
        connector = get_connector(selection.connector)
    except NotFound:
        raise ValidationFailed(
            "Unknown connector", errors=[{"field": "connector", "message": "is not a known connector"}]
        ) from None
    errors: list[FieldError] = []
    if selection.auth_type not in connector.auth_types:
        errors.append({"field": "auth_type", "message": f"must be one of: {', '.join(connector.auth_types)}"})
    try:
        platform.endpoints(connector, selection.environment)
    except ValidationFailed as failed:
        errors.extend(failed.errors)
    token_types = [option.name for option in connector.token_types]
    if selection.token_type not in token_types:
        errors.append({"field": "token_type", "message": f"must be one of: {', '.join(token_types)}"})
    if not selection.client_id.strip() or len(selection.client_id) > MAX_CLIENT_ID_LENGTH:
        errors.append({"field": "client_id", "message": f"must be 1-{MAX_CLIENT_ID_LENGTH} characters"})
    secret = selection.client_secret
    if secret is not None and (not secret.strip() or len(secret) > MAX_CLIENT_SECRET_LENGTH):
        errors.append(
            {
                "field": "client_secret",
                "message": f"must be 1-{MAX_CLIENT_SECRET_LENGTH} characters, or left out for a public app",
            }
        )
    if selection.label is not None and len(selection.label) > MAX_LABEL_LENGTH:
        errors.append({"field": "label", "message": f"must be at most {MAX_LABEL_LENGTH} characters"})
    errors.extend(validate_profile_selection(connector, selection.scopes, selection.actions))
    if errors:
        raise ValidationFailed("The connector profile is invalid", errors=errors)
    return connector


def _usual_token_type(connector_key: str) -> str:
    """The connector's first token type; "" for an unknown connector (which `_check` then reports)."""
    try:
        return get_connector(connector_key).token_types[0].name
    except NotFound:
        return ""


async def create_profile(
    platform: Platform,
    project: Project,
    *,
    connector: str,
    environment: str,
    client_id: str,
    client_secret: str | None = None,
    auth_type: str = "oauth2",
    label: str | None = None,
    scopes: Sequence[str] | None = None,
    token_type: str | None = None,
    actions: Sequence[str] | None = None,
    default: bool = False,
) -> ConnectorProfile:
    """Create a profile. `client_secret` left out means a public application (PKCE carries the flow);
    `token_type` left out means the connector's first (its usual one); `actions` left out means every action
    the scopes allow; an environment without a URL in the catalogue (a sandbox) needs the operator's URL for
    it. The first profile of a connector becomes its default."""
    if token_type is None:
        token_type = _usual_token_type(connector)
    selection = ProfileSelection(
        connector=connector,
        auth_type=auth_type,
        environment=environment,
        client_id=client_id,
        client_secret=client_secret,
        scopes=_dedupe(scopes),
        token_type=token_type,
        actions=_dedupe(actions),
        label=label,
    )
    _check(platform, selection)
    return await platform.store.connector_profiles.create(
        project.id,
        connector=selection.connector,
        client_id=selection.client_id.strip(),
        client_secret=selection.client_secret,
        environment=selection.environment,
        auth_type="oauth2",
        label=selection.label,
        scopes=selection.scopes,
        token_type=selection.token_type,
        actions=selection.actions,
        is_default=default,
    )


async def list_profiles(platform: Platform, project: Project) -> list[ConnectorProfile]:
    return await platform.store.connector_profiles.list(project.id)


async def get_profile(platform: Platform, project: Project, profile_id: str) -> ConnectorProfile:
    return await platform.store.connector_profiles.get(project.id, profile_id)


async def update_profile(
    platform: Platform,
    project: Project,
    profile_id: str,
    *,
    label: str | None = _UNSET,
    environment: str = _UNSET,
    client_id: str = _UNSET,
    client_secret: str | None = _UNSET,
    scopes: Sequence[str] | None = _UNSET,
    token_type: str = _UNSET,
    actions: Sequence[str] | None = _UNSET,
    default: bool = _UNSET,
    disabled: bool = _UNSET,
) -> ConnectorProfile:
    """Change what is given (a PATCH); the result is validated as a whole, as on create.

    `client_secret` replaces the secret (None makes the profile a public client); `scopes` / `actions` None
    go back to the defaults. `default: true` makes it the connector's default; `false` is refused (make another
    profile the default instead).
    """
    current = await platform.store.connector_profiles.get(project.id, profile_id)
    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("label", label),
            ("environment", environment),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("scopes", _UNSET if scopes is _UNSET else _dedupe(scopes)),
            ("token_type", token_type),
            ("actions", _UNSET if actions is _UNSET else _dedupe(actions)),
            ("is_default", default),
            ("disabled", disabled),
        )
        if value is not _UNSET
    }
    if given.get("is_default") is False and current.is_default:
        raise ValidationFailed(
            "A default profile stays the default until another one is made the default",
            errors=[{"field": "default", "message": "make another profile the default instead"}],
        )
    if given.get("is_default") is False:
        given.pop("is_default")
    for name in ("environment", "client_id", "token_type", "is_default", "disabled"):
        if name in given and given[name] is None:
            raise ValidationFailed("Invalid profile", errors=[{"field": name, "message": "may not be null"}])
    _check(
        platform,
        ProfileSelection(
            connector=current.connector,
            auth_type=current.auth_type,
            environment=given.get("environment", current.environment),
            client_id=given.get("client_id", current.client_id),
            client_secret=given.get("client_secret"),  # an unchanged secret was checked when it was set
            scopes=given.get("scopes", current.scopes),
            token_type=given.get("token_type", current.token_type),
            actions=given.get("actions", current.actions),
            label=given.get("label", current.label),
        ),
    )
    if "client_id" in given:
        given["client_id"] = given["client_id"].strip()
    return await platform.store.connector_profiles.update(project.id, profile_id, **given)


async def delete_profile(
    platform: Platform, project: Project, profile_id: str, *, force: bool = False
) -> None:
    """Delete a profile. With linked accounts it is a 409, unless `force`, which unlinks each of them first
    (revoking its token at the provider and wiping its credentials)."""
    await platform.store.connector_profiles.get(project.id, profile_id)
    linked = await platform.store.accounts.count(project.id, profile_id=profile_id)
    if linked and not force:
        raise Conflict(
            f"The connector profile has {linked} linked account(s): unlink them first, or delete with force=true"
        )
    while force:
        batch = await platform.store.accounts.list(project.id, profile_id=profile_id, limit=100)
        if not batch:
            break
        for account in batch:
            try:
                await unlink_account(platform, project, account.id)
            except NotFound:
                continue  # unlinked meanwhile by someone else
    await platform.store.connector_profiles.delete(project.id, profile_id)


def _dedupe(values: Sequence[str] | None) -> list[str] | None:
    """The values in their first order without repeats; None stays None."""
    return None if values is None else list(dict.fromkeys(values))
