"""Where a connector's provider lives in one environment: its API base URL and its OAuth endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from linkyard.connectors import Connector


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderEndpoints:
    """The provider's URLs for one environment; built from the catalogue, never from tenant input (no SSRF)."""

    base_url: str
    authorize_url: str
    token_url: str
    revoke_url: str | None
    client_auth: Literal["body", "basic"] = "body"
    """How the client authenticates at the token and revocation endpoints."""


def endpoints_for(
    connector: Connector, environment: str, sandbox_url: str | None = None
) -> ProviderEndpoints:
    """The endpoints of `connector` in `environment`; the sandbox is the operator's `sandbox_url`.

    Raises `ValidationFailed` for an unknown environment or a sandbox the operator did not configure.
    """
    base_url = connector.base_url(environment, sandbox_url=sandbox_url)
    auth = connector.auth
    return ProviderEndpoints(
        base_url=base_url,
        authorize_url=f"{base_url}{auth.authorize_path}",
        token_url=f"{base_url}{auth.token_path}",
        revoke_url=None if auth.revoke_path is None else f"{base_url}{auth.revoke_path}",
        client_auth=auth.client_auth,
    )
