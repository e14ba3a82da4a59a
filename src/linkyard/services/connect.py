"""The hosted OAuth connect flow: show the session, start it (state, PKCE, binding cookie), finish it (callback).

What the callback trusts is only what `start_connect` stored with the state: the project, session and
profile, the provider's endpoints, the redirect URI, the PKCE verifier and the return URL. The callback's own
query contributes the code and nothing else.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from linkyard.connectors import Connector, build_request, extract_result, get_connector
from linkyard.domain import (
    Account,
    ConnectorProfile,
    ConnectSession,
    OAuthState,
    Project,
    ProviderAccount,
    TokenSet,
)
from linkyard.errors import (
    ConnectFailed,
    LinkyardError,
    NotFound,
    ProviderError,
    ProviderOAuthError,
    ValidationFailed,
)
from linkyard.oauth.endpoints import ProviderEndpoints
from linkyard.oauth.flow import (
    BindingCookie,
    CallbackParams,
    authorize_url,
    binding_cookie,
    new_browser_binding,
    new_pkce_pair,
)
from linkyard.services.platform import Platform
from linkyard.services.provider_events.planning import planned_subscriptions
from linkyard.store.oauth_states import STATE_TTL

logger = logging.getLogger(__name__)


_LINK_INVALID = "This link has expired or is not valid. Go back to the application and start again."
_LINK_USED = "This link was already used. Go back to the application and start again."
_ATTEMPT_ENDED = "This sign-in was cancelled or took too long. Go back to the application and start again."
_STATE_INVALID = (
    "This sign-in could not be completed: it expired, was already used, or was started in another browser. "
    "Go back to the application and start again."
)


@dataclass(frozen=True, slots=True)
class ScopeLine:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class ConnectPage:
    """What the hosted connect page shows: who asks, for which provider, with which permissions."""

    session: ConnectSession
    project: Project
    profile: ConnectorProfile
    connector: Connector
    scopes: tuple[ScopeLine, ...]
    """Empty when the profile names no scopes (the provider then grants the application's own)."""
    token_type_description: str


@dataclass(frozen=True, slots=True)
class StartedFlow:
    """Where to send the browser, and the cookie that binds the flow to it."""

    authorize_url: str = field(repr=False)
    cookie: BindingCookie


@dataclass(frozen=True, slots=True)
class FinishedFlow:
    """A linked account; `redirect_url` is where the user goes next (None: show the hosted success page)."""

    account: Account
    session: ConnectSession
    project: Project
    created: bool
    redirect_url: str | None


async def describe_connect(platform: Platform, token: str) -> ConnectPage:
    """The hosted page's content for a session token; `ConnectFailed` for an unknown, expired or used link."""
    session = await _pending_session(platform, token)
    project = await platform.store.projects.get(session.project_id)
    try:
        profile = await _usable_profile(platform, session.project_id, session.profile_id)
    except ConnectFailed as failure:
        failure.project_name = project.name
        raise
    connector = get_connector(profile.connector)
    described = {scope.name: scope.description for scope in connector.scopes}
    option = next(option for option in connector.token_types if option.name == profile.token_type)
    return ConnectPage(
        session=session,
        project=project,
        profile=profile,
        connector=connector,
        scopes=tuple(ScopeLine(name, described.get(name, name)) for name in profile.scopes or ()),
        token_type_description=option.description,
    )


async def start_connect(
    platform: Platform, token: str, profile_id: str, *, connection_attempt_id: str | None = None
) -> StartedFlow:
    """Record a new flow for the session (state, PKCE verifier, endpoints, return URL) and build the
    provider's authorize URL and the binding cookie.

    With `connection_attempt_id` (the embedded connect UI's popup), the flow reports to that attempt of the
    session, which must still be pending, and ends on the hosted success page: no return URL, whatever the
    session holds (the popup is closed by the UI, the integrator's page stays where it is). A failure to start
    is reported to the attempt too.
    """
    session = await _pending_session(platform, token)
    try:
        return await _start(platform, session, profile_id, connection_attempt_id)
    except ConnectFailed as failure:
        if connection_attempt_id is not None:
            await platform.store.connection_attempts.failed(
                session.project_id, session.id, connection_attempt_id, failure.reason, failure.message
            )
        raise


async def _start(
    platform: Platform, session: ConnectSession, profile_id: str, connection_attempt_id: str | None
) -> StartedFlow:
    if session.profile_id != profile_id:
        raise ConnectFailed(_LINK_INVALID, reason="link_invalid")
    if connection_attempt_id is not None:
        await _pending_attempt(platform, session.project_id, session.id, connection_attempt_id)
    try:
        profile = await _usable_profile(platform, session.project_id, session.profile_id)
        connector = get_connector(profile.connector)
        try:
            endpoints = platform.endpoints(connector, profile.environment)
        except ValidationFailed:
            raise ConnectFailed(
                "This connection is not available on this server.", reason="profile_unavailable"
            ) from None
    except ConnectFailed as failure:
        failure.project_name = await _project_name(platform, session.project_id)
        raise
    redirect_uri = platform.settings.redirect_uri(connector.key)
    pkce = new_pkce_pair()
    binding = new_browser_binding()
    _, state = await platform.store.oauth_states.create(
        session.project_id,
        session_id=session.id,
        browser_binding=binding,
        authorize_url=endpoints.authorize_url,
        token_url=endpoints.token_url,
        redirect_uri=redirect_uri,
        code_verifier=pkce.verifier,
        return_url=None if connection_attempt_id is not None else session.redirect_url,
        connection_attempt_id=connection_attempt_id,
    )
    option = next(option for option in connector.token_types if option.name == profile.token_type)
    url = authorize_url(
        endpoints,
        client_id=profile.client_id,
        redirect_uri=redirect_uri,
        scopes=profile.scopes,
        state=state,
        code_challenge=pkce.challenge,
        extra_params=option.authorize_params,
        scope_separator=connector.auth.scope_separator,
    )
    cookie = binding_cookie(
        state,
        binding,
        max_age=int(STATE_TTL.total_seconds()),
        secure=platform.settings.public_url.startswith("https://"),
    )
    return StartedFlow(url, cookie)


async def finish_connect(
    platform: Platform, connector_key: str, callback: CallbackParams, *, browser_binding: str | None
) -> FinishedFlow:
    """Handle the provider's redirect back: consume the state (once, from the browser that started the flow,
    for this connector), exchange the code, learn who linked, link the account and complete the session.

    Any failure after the state was consumed marks the session failed and stores nothing; before that, there is
    no session to mark (an unknown state names none).
    """
    if not callback.state:
        raise ConnectFailed(_STATE_INVALID, reason="state_missing")
    state = await platform.store.oauth_states.consume(
        callback.state, browser_binding=browser_binding, connector=connector_key
    )
    if state is None:
        raise ConnectFailed(_STATE_INVALID, reason="state_invalid")
    project = await platform.store.projects.get(state.project_id)
    try:
        if callback.error is not None:
            denied = callback.error == "access_denied"
            raise ConnectFailed(
                "You declined to connect the account."
                if denied
                else "The provider could not authorize the link.",
                reason="access_denied" if denied else "provider_error",
                provider_description=callback.error_description,
            )
        if not callback.code:
            raise ConnectFailed("The provider sent no authorization code.", reason="code_missing")
        account, created, session = await _link(platform, state, callback.code)
    except LinkyardError as exc:
        failure = exc if isinstance(exc, ConnectFailed) else _as_failure(exc)
        failure.state_consumed = True
        failure.project_name = project.name
        # A session another tab completed stays completed; one whose embedded-UI attempt was cancelled stays
        # usable for the next attempt.
        if failure.reason not in ("link_used", "attempt_ended"):
            with contextlib.suppress(NotFound):  # the session was deleted meanwhile (with its profile)
                await platform.store.connect_sessions.fail(state.project_id, state.session_id, failure.reason)
        if state.connection_attempt_id is not None:
            await platform.store.connection_attempts.failed(
                state.project_id,
                state.session_id,
                state.connection_attempt_id,
                failure.reason,
                failure.message,
            )
        logger.info("connect session %s failed: %s", state.session_id, failure.reason)
        if failure is exc:
            raise
        raise failure from exc
    platform.keeper.forget(state.project_id, account.id)
    completed = await platform.store.connect_sessions.complete(state.project_id, session.id, account.id)
    if state.connection_attempt_id is not None:
        await platform.store.connection_attempts.authenticated(
            state.project_id, state.session_id, state.connection_attempt_id, account.id
        )
    redirect = None
    if state.return_url:
        redirect = with_query(state.return_url, {"account_id": account.id, "status": "success"})
    return FinishedFlow(account, completed, project, created, redirect)


async def _link(platform: Platform, state: OAuthState, code: str) -> tuple[Account, bool, ConnectSession]:
    store = platform.store
    session = await store.connect_sessions.get(state.project_id, state.session_id)
    if session.status != "pending":
        raise ConnectFailed(_LINK_USED, reason="link_used")
    if state.connection_attempt_id is not None:
        # The person may have cancelled in the embedded UI meanwhile: then nothing is exchanged.
        await _pending_attempt(platform, state.project_id, session.id, state.connection_attempt_id)
    profile = await store.connector_profiles.get(state.project_id, state.profile_id)
    if session.profile_id != profile.id or profile.connector != state.connector:
        raise ConnectFailed(_STATE_INVALID, reason="state_mismatch")
    connector = get_connector(state.connector)
    endpoints = _stored_endpoints(connector, state)
    client_secret = await store.connector_profiles.client_secret(state.project_id, profile.id)
    token = await platform.provider.exchange_code(
        endpoints,
        client_id=profile.client_id,
        client_secret=client_secret,
        code=code,
        redirect_uri=state.redirect_uri,
        code_verifier=state.code_verifier,
        token_type=profile.token_type,
    )
    try:
        if not token.scopes and profile.scopes:
            token = replace(token, scopes=profile.scopes)  # the provider did not say: what was asked for
        provider_account = await _who_linked(platform, connector, endpoints, token)
        account, created = await store.accounts.upsert(
            state.project_id,
            profile_id=profile.id,
            origin_owner_id=session.origin_owner_id,
            origin_owner_name=session.origin_owner_name,
            origin_username=session.origin_username,
            provider_account=provider_account,
            token=token,
            label=session.label,
            metadata=session.metadata,
            account_id=session.account_id,
            subscriptions=planned_subscriptions(connector, token.scopes),
        )
    except Exception:
        await _revoke_quietly(platform, endpoints, profile.client_id, client_secret, token)
        raise
    return account, created, session


def _stored_endpoints(connector: Connector, state: OAuthState) -> ProviderEndpoints:
    """The provider's endpoints as they were when the flow started (mix-up defence: nothing is looked up again).

    The API base is what precedes the token path in the stored token URL; a state whose token URL does not end
    with the connector's token path was not minted for this connector.
    """
    auth = connector.auth
    if not state.token_url.endswith(auth.token_path):
        raise ConnectFailed(_STATE_INVALID, reason="state_mismatch")
    base_url = state.token_url.removesuffix(auth.token_path)
    return ProviderEndpoints(
        base_url=base_url,
        authorize_url=state.authorize_url,
        token_url=state.token_url,
        revoke_url=None if auth.revoke_path is None else f"{base_url}{auth.revoke_path}",
        client_auth=auth.client_auth,
    )


async def _who_linked(
    platform: Platform, connector: Connector, endpoints: ProviderEndpoints, token: TokenSet
) -> ProviderAccount:
    """Ask the provider who the new token belongs to (the connector's identity action, such as
    a `GET /me`)."""
    action = connector.action(connector.identity.action)
    request = build_request(action, {})
    response = await platform.provider.request(
        endpoints.base_url, request.method, request.path, access_token=token.access_token, query=request.query
    )
    if response.status_code != 200:
        raise ProviderError(
            f"{connector.name} did not say who linked the account (answered {response.status_code})"
        )
    try:
        payload = response.json()
    except ValueError:
        raise ProviderError(f"{connector.name} answered with something that is not JSON") from None
    answer, _ = extract_result(action, payload)
    facts = connector.identity.facts(answer) if isinstance(answer, dict) else {}
    company_id = facts.get("company_id")
    if company_id is None:
        raise ProviderError(f"{connector.name} did not say which company linked the account")
    return ProviderAccount(
        company_id=company_id, employee_id=facts["employee_id"], email=facts["email"], name=facts["name"]
    )


async def _revoke_quietly(
    platform: Platform,
    endpoints: ProviderEndpoints,
    client_id: str,
    client_secret: str | None,
    token: TokenSet,
) -> None:
    """A token the platform will not keep is revoked; a failure to revoke is logged, not raised."""
    if endpoints.revoke_url is None:
        return
    try:
        await platform.provider.revoke(
            endpoints,
            client_id=client_id,
            client_secret=client_secret,
            token=token.refresh_token or token.access_token,
        )
    except LinkyardError as exc:
        logger.warning("could not revoke a token that was not kept (%s)", exc.code)


def _as_failure(exc: LinkyardError) -> ConnectFailed:
    if isinstance(exc, ProviderOAuthError):
        return ConnectFailed(
            "The provider refused to complete the sign-in. Go back to the application and start again.",
            reason=f"token_{exc.error}"[:64],
        )
    if isinstance(exc, ProviderError):
        return ConnectFailed(
            "The provider could not be reached or answered with an error. Try again in a moment.",
            reason="provider_error",
        )
    if isinstance(exc, NotFound):
        return ConnectFailed("This connection is no longer available.", reason="profile_unavailable")
    return ConnectFailed(
        "The account could not be linked. Go back to the application and start again.", reason=exc.code
    )


async def _pending_session(platform: Platform, token: str) -> ConnectSession:
    session = await platform.store.connect_sessions.find_by_token(token) if token else None
    if session is None:
        raise ConnectFailed(_LINK_INVALID, reason="link_invalid")
    if session.status != "pending":
        used = ConnectFailed(_LINK_USED, reason="link_used")
        used.project_name = await _project_name(platform, session.project_id)
        raise used
    return session


async def _pending_attempt(platform: Platform, project_id: str, session_id: str, attempt_id: str) -> None:
    """The session's connection attempt is still waiting for its flow; `ConnectFailed` otherwise."""
    try:
        attempt = await platform.store.connection_attempts.get(project_id, session_id, attempt_id)
    except NotFound:
        raise ConnectFailed(_LINK_INVALID, reason="link_invalid") from None
    if attempt.status != "pending":
        raise ConnectFailed(_ATTEMPT_ENDED, reason="attempt_ended")


async def _project_name(platform: Platform, project_id: str) -> str | None:
    try:
        return (await platform.store.projects.get(project_id)).name
    except NotFound:
        return None


async def _usable_profile(platform: Platform, project_id: str, profile_id: str) -> ConnectorProfile:
    try:
        profile = await platform.store.connector_profiles.get(project_id, profile_id)
    except NotFound:
        raise ConnectFailed("This connection is no longer available.", reason="profile_unavailable") from None
    if profile.disabled:
        raise ConnectFailed("This connection is disabled.", reason="profile_disabled")
    return profile


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to its query (replacing same-named ones); its fragment stays last."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))
