"""The JSON shapes the embedded connect UI (`@stackone/hub` 1.11) reads, as its bundle reads them.

`GET /hub/connectors` lists integrations (snake_case); `GET /hub/connectors/{id}` nests the connector under
`config`, with `authentication[<authentication_config_key>][<environment>]` saying how to link (OAuth 2.0 here:
the UI then opens the popup, with no form fields); an account (re-link) is camelCase. Nothing here holds a
secret: a profile's client secret and an account's tokens never leave the store.
"""

from __future__ import annotations

from typing import Any

from linkyard.config import Settings
from linkyard.connectors import Connector
from linkyard.domain import Account, ConnectionAttempt, ConnectorProfile
from linkyard.services.hub import HubSession
from linkyard.services.views import iso


def logo_url(settings: Settings, connector: Connector) -> str:
    """The connector's logo, served by the platform (the UI would fetch a third party's image for none)."""
    return f"{settings.public_url}/hub/logos/{connector.key}.svg"


def settings_view(hub: HubSession) -> dict[str, Any]:
    """`GET /hub/settings`: no optional features; the account the session re-links, if any."""
    return {"enabled_features": [], "existing_account_id": hub.session.account_id}


def integration_view(hub: HubSession, settings: Settings) -> dict[str, Any]:
    """The session's profile as an entry of `GET /hub/connectors` (`active` is false when it is disabled: the UI
    then lists nothing)."""
    connector, profile = hub.connector, hub.profile
    return {
        "integration_id": profile.id,
        "provider": connector.key,
        "name": connector.name,
        "type": _category(hub),
        "active": not profile.disabled,
        "version": connector.api_version or "1",
        "logo_url": logo_url(settings, connector),
        "authentication_config_key": profile.auth_type,
        "environment": profile.environment,
    }


def _category(hub: HubSession) -> str:
    """The integration's category: the first of the session's that its connector is in, else its main one."""
    asked = [category for category in hub.session.categories or () if category in hub.connector.categories]
    return asked[0] if asked else hub.connector.categories[0]


def integrations_view(hub: HubSession, settings: Settings, provider: str | None) -> dict[str, Any]:
    """`GET /hub/connectors[?provider=]`: the session's one profile (none when `provider` names another)."""
    listed = provider is None or provider == hub.connector.key
    return {"integrations": [integration_view(hub, settings)] if listed else []}


def connector_config_view(hub: HubSession, settings: Settings) -> dict[str, Any]:
    """`GET /hub/connectors/{integration_id}`: the connector and how the UI links an account with it."""
    connector, profile = hub.connector, hub.profile
    return {
        "integration_id": profile.id,
        "provider": connector.key,
        "config": {
            "key": connector.key,
            "name": connector.name,
            "assets": {"icon": logo_url(settings, connector)},
            "authentication": {
                profile.auth_type: {
                    profile.environment: {
                        "type": "oauth2",
                        "grantType": "authorization_code",
                        "fields": [],
                    }
                }
            },
        },
    }


def account_view(account: Account, profile: ConnectorProfile) -> dict[str, Any]:
    """`GET /hub/accounts/{id}`: the account the session re-links, in the UI's camelCase."""
    return {
        "id": account.id,
        "provider": account.connector,
        "integrationId": account.profile_id,
        "authConfigKey": profile.auth_type,
        "environment": profile.environment,
        "status": account.status,
        "originOwnerId": account.origin_owner_id,
        "originOwnerName": account.origin_owner_name,
        "label": account.label,
        "setupInformation": {},
    }


def attempt_view(attempt: ConnectionAttempt) -> dict[str, Any]:
    """A connection attempt as the UI polls it: `account` once authenticated, `error` once failed."""
    view: dict[str, Any] = {
        "id": attempt.id,
        "status": attempt.status,
        "account": None if attempt.account_id is None else {"id": attempt.account_id},
        "error": None,
        "expires_at": iso(attempt.expires_at),
        "created_at": iso(attempt.created_at),
        "updated_at": iso(attempt.updated_at),
    }
    if attempt.status == "error":
        view["error"] = {"code": attempt.error_code, "description": attempt.error_description}
    return view
