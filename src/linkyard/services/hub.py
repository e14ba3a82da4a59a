"""The embedded connect UI's use cases (StackOne's `@stackone/hub`): what a connect session lets its holder see
and do from the integrator's page, and the connection attempts its popup's OAuth flow reports to.

The session's token is the only credential. The session decides everything: the one connector profile it
links with, the account it re-links (if any), the origin owner the account is linked for (`start_connect` and
`finish_connect` take those from the session, never from the UI), how long it lasts and that it is used once.
A call from a browser must come from one of the project's allowed origins (or from the platform's own pages,
the dashboard's preview); the CORS answers that let a browser make the call at all are the API's business, on
the same rule (`origin_admitted_anywhere`).
"""

from __future__ import annotations

from dataclasses import dataclass

from linkyard.connectors import Connector, get_connector
from linkyard.domain import Account, ConnectionAttempt, ConnectorProfile, ConnectSession, Project
from linkyard.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed
from linkyard.services.origins import Origin, is_origin_of, parse_origin
from linkyard.services.platform import Platform

MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True, slots=True)
class HubSession:
    """A connect session as the embedded UI holds it: its project, its profile and the profile's connector."""

    session: ConnectSession
    project: Project
    profile: ConnectorProfile
    connector: Connector


async def open_hub_session(
    platform: Platform, token: str | None, origin: str | None, *, ended: bool = False
) -> HubSession:
    """The session of a hub call's token, checked: unknown, expired or (unless `ended` is allowed) used → 401;
    a browser's `origin` that is not one of the session's project's allowed origins → 403.

    `ended` admits a session that completed or failed: the UI still polls the attempt that ended it.
    """
    found = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        found = await platform.store.connect_sessions.find_by_token(token)
    if found is None:
        raise Unauthenticated("The connect session token is unknown or has expired", presented=bool(token))
    if found.status != "pending" and not ended:
        raise Unauthenticated("The connect session was already used", presented=True)
    project = await platform.store.projects.get(found.project_id)
    if origin is not None and not origin_admitted(platform, project, origin):
        raise Forbidden("This page's origin is not one of the project's allowed origins")
    try:
        profile = await platform.store.connector_profiles.get(found.project_id, found.profile_id)
    except NotFound:
        raise Unauthenticated(
            "The connect session's connector profile no longer exists", presented=True
        ) from None
    return HubSession(found, project, profile, get_connector(profile.connector))


def origin_admitted(platform: Platform, project: Project, origin: str) -> bool:
    """Whether a browser's `Origin` may call the hub for `project`: one of its allowed origins (exact scheme,
    host and port), or the platform's own public origin (its preview page)."""
    if is_origin_of(origin, platform.settings.public_url):
        return True
    try:
        wanted = parse_origin(origin)
    except ValueError:
        return False
    return any(_same_origin(wanted, allowed) for allowed in project.allowed_origins)


async def origin_admitted_anywhere(platform: Platform, origin: str) -> bool:
    """Whether some project admits `origin` (a CORS preflight carries no token, so no project: the call that
    follows is checked against its session's project by `open_hub_session`)."""
    if is_origin_of(origin, platform.settings.public_url):
        return True
    try:
        wanted = parse_origin(origin)
    except ValueError:
        return False
    for project in await platform.store.projects.list_all():
        if any(_same_origin(wanted, allowed) for allowed in project.allowed_origins):
            return True
    return False


def _same_origin(wanted: Origin, allowed: str) -> bool:
    try:
        return parse_origin(allowed) == wanted
    except ValueError:
        return False  # a stored origin that no longer parses admits nothing


def hub_profile(hub: HubSession, integration_id: str) -> ConnectorProfile:
    """The session's profile when `integration_id` names it; any other (another project's included) is not
    found."""
    if integration_id != hub.profile.id:
        raise NotFound("integration not found")
    return hub.profile


def relinked_account_id(hub: HubSession, account_id: str) -> str:
    """The account the session re-links, when `account_id` names it; any other is not found."""
    if hub.session.account_id is None or account_id != hub.session.account_id:
        raise NotFound("account not found")
    return account_id


async def relinked_account(platform: Platform, hub: HubSession, account_id: str) -> Account:
    """The account the session re-links, when `account_id` names it; any other is not found."""
    return await platform.store.accounts.get(hub.project.id, relinked_account_id(hub, account_id))


def refuse_credentials(hub: HubSession) -> ValidationFailed:
    """Accounts are linked through OAuth only: a credentials form has nothing to submit."""
    return ValidationFailed(
        f"{hub.connector.name} accounts are linked through OAuth: start a connection attempt",
        errors=[{"field": "credentials", "message": "are not taken: POST /hub/connection_attempts"}],
    )


async def start_attempt(platform: Platform, hub: HubSession) -> ConnectionAttempt:
    """A new pending attempt of the session, for the popup's flow to report to."""
    return await platform.store.connection_attempts.create(hub.project.id, hub.session.id)


async def read_attempt(platform: Platform, hub: HubSession, attempt_id: str) -> ConnectionAttempt:
    """The session's attempt (another session's is not found)."""
    return await platform.store.connection_attempts.get(hub.project.id, hub.session.id, attempt_id)


async def cancel_attempt(platform: Platform, hub: HubSession, attempt_id: str) -> ConnectionAttempt:
    """Cancel the session's attempt if it is still pending; its flow can then no longer link an account."""
    return await platform.store.connection_attempts.cancel(hub.project.id, hub.session.id, attempt_id)
