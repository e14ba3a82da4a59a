"""The public JSON shapes of the platform's objects (StackOne's where it has one), shared by the API and the CLI.

Nothing here can show a secret: the domain objects carry none (a profile has only its secret's hint, an account
no token), and a session's token appears only in `session_view(..., token=...)` at creation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from linkyard.config import Settings
from linkyard.connectors import Action, Connector, enabled_actions, get_connector
from linkyard.domain import Account, ApiKey, ConnectorProfile, ConnectSession, Project, ToolFeedback
from linkyard.domain.request_log import RequestLog, StepLog
from linkyard.errors import (
    Forbidden,
    LinkyardError,
    NotSupported,
    ProviderError,
    TokenRefreshError,
    ValidationFailed,
)


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


def feedback_receipt(feedback: ToolFeedback) -> dict[str, Any]:
    """StackOne's answer to `POST /ai/tool-feedback` (stackone-ai hands it back to the agent as is)."""
    return {
        "message": "Feedback successfully stored",
        "key": feedback.id,
        "submitted_at": iso(feedback.created_at),
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


def action_meta_view(action: Action, *, operation_details: bool = False) -> dict[str, Any]:
    """An action in `GET /actions` (StackOne's action meta item); with `operation_details`, how it calls the
    provider (method, path under the provider's base URL, result shape, paging)."""
    view = action.describe()
    if operation_details:
        view["operation_details"] = {
            "method": action.method,
            "path": action.path,
            "result": action.result,
            "pagination": action.pagination.kind,
        }
    return view


META_INCLUDES = ("actions", "scopes")
"""What `include=` may add to a connector's meta: its actions (as `GET /connectors/{key}` shows them), its
scopes."""


def connector_meta_view(connector: Connector, *, active: bool, include: Iterable[str] = ()) -> dict[str, Any]:
    """StackOne's connector meta, from the declaration: `models` groups every action by the kind of object it
    works on; a declaration carries no images, so their URLs are null. `active`: the caller's project can
    link accounts with it (it has an enabled profile of it)."""
    view: dict[str, Any] = {
        "provider": connector.key,
        "provider_name": connector.name,
        "category": connector.categories[0],
        "categories": list(connector.categories),
        "active": active,
        "models": models_view(connector.actions),
        "resources": {"images": {"logo_url": None, "original_logo_horizontal_url": None}},
    }
    wanted = set(include)
    if "actions" in wanted:
        view["actions"] = [action.describe() for action in connector.actions]
    if "scopes" in wanted:
        view["scopes"] = [
            {"name": scope.name, "description": scope.description} for scope in connector.scopes
        ]
    return view


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


ORGANIZATION_ID = 1
"""StackOne's clients require the organization a session belongs to, as a number. A Linkyard server is one
organization (its projects are the tenants), so every session answers the same one."""


def session_view(session: ConnectSession, settings: Settings, *, token: str | None = None) -> dict[str, Any]:
    """A connect session in StackOne's shape: `id` is the session's number (StackOne's clients read an
    integer), `organization_id` the server's one organization. `token` and `auth_link_url` only at creation
    (the link carries the token)."""
    view: dict[str, Any] = {
        "id": session.number,
        "organization_id": ORGANIZATION_ID,
        "project_id": session.project_id,
        "provider": session.connector,
        "integration_id": session.profile_id,
        "origin_owner_id": session.origin_owner_id,
        "origin_owner_name": session.origin_owner_name,
        "origin_username": session.origin_username,
        "account_id": session.account_id,
        "label": session.label,
        "metadata": session.metadata,
        "redirect_url": session.redirect_url,
        "categories": None if session.categories is None else list(session.categories),
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


def account_type(connector: Connector, environment: str) -> str:
    """StackOne's account `type`: `production` on the connector's first (usual) environment, where real
    companies live; `test` on any other (Factorial's demo, the operator's sandbox)."""
    return "production" if environment == next(iter(connector.environments)) else "test"


def account_view(account: Account, profile: ConnectorProfile) -> dict[str, Any]:
    """A linked account as StackOne shows one (never a token); `profile` is the account's connector profile."""
    connector = get_connector(account.connector)
    provider_account = account.provider_account
    return {
        "id": account.id,
        "provider": account.connector,
        "provider_name": connector.name,
        "type": account_type(connector, profile.environment),
        "environment": profile.environment,
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


def models_view(actions: Iterable[Action]) -> dict[str, Any]:
    """StackOne's `models`: each model (the kind of object actions work on, from the connector's declaration)
    with the ids of its actions, in catalogue order."""
    models: dict[str, Any] = {}
    for action in actions:
        models.setdefault(action.model_key, {"actions": []})["actions"].append(action.id)
    return models


def account_meta_view(account: Account, profile: ConnectorProfile) -> dict[str, Any]:
    """`GET /accounts/{id}/meta`: what the account can do (StackOne's linked-account meta, plus actions):
    `models` holds the actions its profile enables that its granted scopes allow."""
    connector = get_connector(account.connector)
    runnable = [
        action for action in profile_actions(profile) if not action.missing_scopes(account.scopes or None)
    ]
    return {
        "account_id": account.id,
        "provider": account.connector,
        "provider_name": connector.name,
        "category": connector.categories[0],
        "categories": list(connector.categories),
        "integration_id": profile.id,
        "environment": profile.environment,
        "token_type": account.token_type,
        "scopes": list(account.scopes),
        "status": account.status,
        "enabled_actions": [action.id for action in profile_actions(profile)],
        "models": models_view(runnable),
    }


def error_view(error: LinkyardError, status: int, now: datetime) -> dict[str, Any]:
    """The API's error envelope for `error` answered with `status` (StackOne's shape; the status comes from the
    edge's error table): the same words an API caller would read, never a submitted value or a secret
    (provider errors arrive with secrets removed)."""
    shown = status < 500 or isinstance(error, ProviderError | TokenRefreshError | NotSupported)
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


# --- request logs (StackOne's UnifiedLogs, StepLog and PlatformLog) ----------------------------------------------


def _url_view(url: str | None, query: Mapping[str, Any]) -> dict[str, Any]:
    parts = urlsplit(url or "")
    return {"url": url, "hostname": parts.hostname, "path": parts.path or None, "query_params": dict(query)}


def _log_common(log: RequestLog) -> dict[str, Any]:
    return {
        "request_id": log.id,
        "project_id": log.project_id,
        "account_id": log.account_id,
        "action": log.action,
        "resource": log.resource,
        "sub_resource": None,
        "child_resource": None,
        "http_method": log.http_method,
        "path": log.path,
        "url": log.url,
        "status": log.status,
        "success": log.success,
        "duration": log.duration_ms,
        "start_time": iso(log.started_at),
        "end_time": iso(log.ended_at),
        "event_datetime": iso(log.started_at),
        "source_type": log.source_type,
        "source_value": log.source_value,
        "source_id": None,
        "source_ip": log.source_ip,
        "error": log.error,
    }


def request_log_view(log: RequestLog, *, full: bool = False, steps: bool = False) -> dict[str, Any]:
    """A request log (`GET /requests/logs`, `.../{id}` with `full`): what was called, how it went, its steps
    (`step_requests`, when asked for) and, in full, the request and answer (bodies only when kept)."""
    view = {
        **_log_common(log),
        "provider": log.provider,
        "service": log.service,
        "is_worker": log.is_worker,
        "step_count": log.step_count,
    }
    if steps:
        view["step_requests"] = [step_log_view(step, full=full) for step in log.steps]
    if full:
        view["request"] = {
            "id": log.id,
            "method": log.http_method,
            "url": _url_view(log.url or log.path, log.query_params),
            "headers": dict(log.request.get("headers") or {}),
            "body": log.request.get("body"),
        }
        view["response"] = {
            "status_code": log.status,
            "headers": dict(log.response.get("headers") or {}),
            "body": log.response.get("body"),
        }
    return view


def platform_log_view(log: RequestLog) -> dict[str, Any]:
    """A platform log (`GET /requests/platform-logs`): a call to the platform's own API."""
    return {**_log_common(log), "category": log.category}


def step_log_view(step: StepLog, *, full: bool = False) -> dict[str, Any]:
    """A provider step: its method, URL (the query's values redacted apart), status (`null`: no answer),
    timing and, in full, the request sent and the answer (headers redacted, bodies only when kept)."""
    view: dict[str, Any] = {
        "id": step.id,
        "request_id": step.log_id,
        "project_id": step.project_id,
        "account_id": step.account_id,
        "action": step.action,
        "provider": step.provider,
        "service": step.service,
        "resource": step.resource,
        "sub_resource": None,
        "child_resource": None,
        "http_method": step.http_method,
        "path": urlsplit(step.url).path or None,
        "url": step.url,
        "status": step.status,
        "success": step.success,
        "duration": step.duration_ms,
        "start_time": iso(step.started_at),
        "end_time": iso(step.ended_at),
        "is_worker": False,
        "error": step.error,
    }
    if full:
        view["request"] = {
            "id": step.id,
            "method": step.http_method,
            "url": _url_view(step.url, step.query_params),
            "headers": dict(step.request.get("headers") or {}),
            "body": step.request.get("body"),
        }
        view["response"] = (
            None
            if step.response is None
            else {
                "status_code": step.status,
                "headers": dict(step.response.get("headers") or {}),
                "body": step.response.get("body"),
            }
        )
    return view
