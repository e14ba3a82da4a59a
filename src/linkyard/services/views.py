"""The public JSON shapes of the platform's objects (StackOne's where it has one), shared by the API and the CLI.

Nothing here can show a secret: the domain objects carry none (a profile has only its secret's hint, an account
no token), and a session's token appears only in `session_view(..., token=...)` at creation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from linkyard.config import Settings
from linkyard.connectors import Action, Connector, enabled_actions, get_connector
from linkyard.domain import Account, ApiKey, ConnectorProfile, ConnectSession, Project
from linkyard.errors import Forbidden, LinkyardError, ProviderError, TokenRefreshError, ValidationFailed


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a `Z`, milliseconds precision (`2026-01-01T12:00:00.000Z`)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def project_view(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "allowed_origins": list(project.allowed_origins),
        "created_at": iso(project.created_at),
        "updated_at": iso(project.updated_at),
    }


def api_key_view(key: ApiKey) -> dict[str, Any]:
    """An API key's metadata: its first characters identify it, the rest was shown once at creation."""
    return {
        "id": key.id,
        "project_id": key.project_id,
        "name": key.name,
        "prefix": key.prefix,
        "created_at": iso(key.created_at),
        "revoked_at": iso(key.revoked_at),
    }


def connector_summary(connector: Connector) -> dict[str, Any]:
    """An entry of `GET /connectors`."""
    return {
        "key": connector.key,
        "name": connector.name,
        "auth_types": list(connector.auth_types),
        "categories": list(connector.categories),
    }


def connector_view(connector: Connector) -> dict[str, Any]:
    """`GET /connectors/{key}`: what a profile can choose from."""
    return {
        **connector_summary(connector),
        "environments": list(connector.environments),
        "token_types": [option.name for option in connector.token_types],
        "scopes": [{"name": scope.name, "description": scope.description} for scope in connector.scopes],
        "actions": [action.describe() for action in connector.actions],
    }


def profile_view(profile: ConnectorProfile, settings: Settings) -> dict[str, Any]:
    """A connector profile; `client_secret_hint` is all that is ever shown of its secret."""
    return {
        "id": profile.id,
        "connector": profile.connector,
        "label": profile.label,
        "auth_type": profile.auth_type,
        "environment": profile.environment,
        "client_id": profile.client_id,
        "client_secret_hint": profile.client_secret_hint,
        "confidential": profile.has_client_secret,
        "scopes": None if profile.scopes is None else list(profile.scopes),
        "token_type": profile.token_type,
        "actions": None if profile.actions is None else list(profile.actions),
        "enabled_actions": [action.id for action in profile_actions(profile)],
        "redirect_uri": settings.redirect_uri(profile.connector),
        "default": profile.is_default,
        "disabled": profile.disabled,
        "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
    }


def auth_config_view(profile: ConnectorProfile) -> dict[str, Any]:
    """A profile in StackOne's auth config (integration) read shape."""
    return {
        "id": profile.id,
        "provider": profile.connector,
        "label": profile.label,
        "auth_type": profile.auth_type,
        "environment": profile.environment,
        "status": "disabled" if profile.disabled else "enabled",
        "default": profile.is_default,
        "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
    }


def profile_actions(profile: ConnectorProfile) -> tuple[Action, ...]:
    """The actions a profile enables (its `actions`, or every action its scopes allow)."""
    return enabled_actions(get_connector(profile.connector), profile.scopes, profile.actions)


def session_view(session: ConnectSession, settings: Settings, *, token: str | None = None) -> dict[str, Any]:
    """A connect session; `token` and `auth_link_url` only at creation (the link carries the token)."""
    view: dict[str, Any] = {
        "id": session.id,
        "provider": session.connector,
        "integration_id": session.profile_id,
        "origin_owner_id": session.origin_owner_id,
        "origin_owner_name": session.origin_owner_name,
        "origin_username": session.origin_username,
        "account_id": session.account_id,
        "label": session.label,
        "metadata": session.metadata,
        "redirect_url": session.redirect_url,
        "status": session.status,
        "linked_account_id": session.linked_account_id,
        "expires_at": iso(session.expires_at),
        "created_at": iso(session.created_at),
        "updated_at": iso(session.updated_at),
    }
    if token is not None:
        view["token"] = token
        view["auth_link_url"] = connect_link(settings, token)
    return view


def connect_link(settings: Settings, token: str) -> str:
    """The hosted connect page of a session (`auth_link_url`)."""
    return f"{settings.public_url}/connect?token={token}"


def account_view(account: Account) -> dict[str, Any]:
    """A linked account as StackOne shows one (never a token)."""
    connector = get_connector(account.connector)
    provider_account = account.provider_account
    return {
        "id": account.id,
        "provider": account.connector,
        "provider_name": connector.name,
        "status": account.status,
        "status_reasons": [
            {"code": reason.code, "description": reason.description, "timestamp": iso(reason.timestamp)}
            for reason in account.status_reasons
        ],
        "origin_owner_id": account.origin_owner_id,
        "origin_owner_name": account.origin_owner_name,
        "origin_username": account.origin_username,
        "integration_id": account.profile_id,
        "token_type": account.token_type,
        "scopes": list(account.scopes),
        "provider_account": {
            "company_id": provider_account.company_id,
            "employee_id": provider_account.employee_id,
            "email": provider_account.email,
            "name": provider_account.name,
        },
        "label": account.label,
        "metadata": account.metadata,
        "created_at": iso(account.created_at),
        "updated_at": iso(account.updated_at),
    }


def account_meta_view(account: Account, profile: ConnectorProfile) -> dict[str, Any]:
    """`GET /accounts/{id}/meta`: what the account can do (StackOne's linked-account meta, plus actions)."""
    connector = get_connector(account.connector)
    return {
        "account_id": account.id,
        "provider": account.connector,
        "provider_name": connector.name,
        "category": connector.categories[0] if connector.categories else None,
        "categories": list(connector.categories),
        "integration_id": profile.id,
        "environment": profile.environment,
        "token_type": account.token_type,
        "scopes": list(account.scopes),
        "status": account.status,
        "enabled_actions": [action.id for action in profile_actions(profile)],
    }


def error_view(error: LinkyardError, status: int, now: datetime) -> dict[str, Any]:
    """The API's error envelope for `error` answered with `status` (StackOne's shape; the status comes from the
    edge's error table): the same words an API caller would read, never a submitted value or a secret
    (provider errors arrive with secrets removed)."""
    shown = status < 500 or isinstance(error, ProviderError | TokenRefreshError)
    body: dict[str, Any] = {
        "statusCode": status,
        "message": error.message if shown else "Internal error",
        "timestamp": iso(now),
        "code": error.code,
    }
    if isinstance(error, ValidationFailed) and error.errors:
        body["errors"] = list(error.errors)
    if isinstance(error, Forbidden) and error.missing_scopes:
        body["missing_scopes"] = list(error.missing_scopes)
    if isinstance(error, ProviderError | TokenRefreshError) and error.provider_errors:
        body["provider_errors"] = list(error.provider_errors)
    return body
