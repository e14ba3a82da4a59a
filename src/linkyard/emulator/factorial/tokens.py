"""The OAuth rules, without HTTP: applications, codes, grants, token issue, rotation, revocation, PKCE.

Every function takes the `World` and plain values and either returns a result or raises `OAuthError`,
which the HTTP layer (`oauth.py`, `pages.py`) turns into an RFC 6749 answer. Time comes from `world.clock`.

Rotation (`world.settings.rotation`):
- `strict`: a refresh kills the used refresh token and its access token at once; presenting a used
  refresh token again revokes the whole grant (RFC 9700 refresh token reuse detection).
- `grace`: the old access token dies at once, but the old refresh token keeps working until one of its
  successor access tokens is first used (`principal_for_access_token` retires it then); after that,
  reuse is `invalid_grant`.

PKCE (`world.settings.pkce`): `ignore` never verifies, `optional` verifies when a challenge was sent at
authorize, `require` needs a challenge at authorize and the matching verifier at the token endpoint.
A public (non-confidential) application always needs PKCE, whatever the setting: the verifier is its
only proof of being the right client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from .state import (
    AccessToken,
    AuthorizationCode,
    Grant,
    OAuthApplication,
    Principal,
    RefreshToken,
    Row,
    World,
    can_sign_in,
    is_admin,
)

# Factorial's documented scopes, in the documentation's order; each grants read and write.
SCOPES: tuple[str, ...] = (
    "banking",
    "company_legal_entities",
    "company_holidays",
    "company_locations",
    "contracts",
    "custom_fields",
    "documents",
    "employees",
    "employee_updates",
    "expenses",
    "finance",
    "integrations",
    "job_catalog",
    "marketplace",
    "payroll",
    "payroll_supplements",
    "performance",
    "posts",
    "project_management_expenses",
    "project_management_projects",
    "project_management_time",
    "shift_management",
    "tasks",
    "time_off",
    "time_tracking",
    "trainings",
    "recruitment",
)

GRANT_TYPES = ("authorization_code", "refresh_token")
CHALLENGE_METHODS = ("S256", "plain")
ResourceOwnerType = Literal["user", "company"]


class OAuthError(Exception):
    """An RFC 6749 error: `error` code, human `description`, HTTP `status` (400; 401 for invalid_client)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def _invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


# --- applications -------------------------------------------------------------------------------


def create_application(
    world: World,
    *,
    company_id: int,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
    confidential: bool = True,
) -> OAuthApplication:
    """Register an OAuth application owned by `company_id` (any company's users may still authorize it).

    The client ID is 43 URL-safe characters and the secret 64 hex characters, as Doorkeeper makes them.
    Inputs are trusted: callers validate (the admin page shows errors, the control API answers 422).
    """
    application = OAuthApplication(
        id=world.next_id(),
        company_id=company_id,
        name=name,
        client_id=secrets.token_urlsafe(32),
        client_secret=world.new_secret(32),
        redirect_uris=list(redirect_uris),
        scopes=[scope for scope in SCOPES if scope in scopes],
        confidential=confidential,
        created_at=world.clock.time(),
    )
    world.applications[application.client_id] = application
    return application


def authenticate_client(world: World, client_id: str | None, client_secret: str | None) -> OAuthApplication:
    """The application behind these credentials, or `invalid_client` (401).

    A confidential application must send its secret; a public one may send only its client ID (a secret
    it does send must still be right).
    """
    if not client_id:
        raise OAuthError("invalid_client", "Client authentication failed: no client_id.", 401)
    application = world.applications.get(client_id)
    if application is None:
        raise OAuthError("invalid_client", "Client authentication failed: unknown client.", 401)
    if client_secret is None or client_secret == "":
        if application.confidential:
            raise OAuthError(
                "invalid_client", "Client authentication failed: client_secret is required.", 401
            )
        return application
    if not hmac.compare_digest(client_secret.encode(), application.client_secret.encode()):
        raise OAuthError("invalid_client", "Client authentication failed: wrong client_secret.", 401)
    return application


# --- authorization ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorize request: what the consent page shows and what the code will carry."""

    application: OAuthApplication
    redirect_uri: str
    scopes: list[str]
    resource_owner_type: ResourceOwnerType
    code_challenge: str | None
    code_challenge_method: str | None
    state: str | None


class RedirectError(OAuthError):
    """An authorize error that is safe to send back to the (already validated) redirect URI."""


def check_client_and_redirect(
    world: World, client_id: str | None, redirect_uri: str | None
) -> OAuthApplication:
    """The first authorize check: failures here must NOT redirect (RFC 6749 4.1.2.1); the page shows them."""
    application = world.applications.get(client_id or "")
    if application is None:
        raise OAuthError("invalid_client", "The client_id is unknown: no OAuth application has it.")
    if not redirect_uri:
        raise OAuthError("invalid_request", "The redirect_uri is missing.")
    if redirect_uri not in application.redirect_uris:
        raise OAuthError(
            "invalid_redirect_uri",
            "The redirect_uri is not registered for this application (it must match one exactly).",
        )
    return application


def granted_scopes(application: OAuthApplication, scope: str | None) -> list[str]:
    """Requested ∩ the application's scopes, in request order; no request means all of the app's scopes."""
    requested = (scope or "").split()
    if not requested:
        return list(application.scopes)
    granted = [s for s in dict.fromkeys(requested) if s in application.scopes]
    if not granted:
        raise RedirectError("invalid_scope", "None of the requested scopes is enabled for this application.")
    return granted


def check_authorization_request(
    world: World,
    *,
    client_id: str | None,
    redirect_uri: str | None,
    response_type: str | None,
    scope: str | None,
    state: str | None,
    resource_owner_type: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> AuthorizationRequest:
    """Validate an authorize request (GET or the consent POST).

    Raises `OAuthError` (show a page, never redirect) for the client and redirect URI, then `RedirectError`
    (redirect with `error=`) for everything else.
    """
    application = check_client_and_redirect(world, client_id, redirect_uri)
    assert redirect_uri is not None  # checked above
    if response_type != "code":
        raise RedirectError("unsupported_response_type", "Only response_type=code is supported.")
    scopes = granted_scopes(application, scope)
    owner = resource_owner_type or "user"
    if owner not in ("user", "company"):
        raise RedirectError("invalid_request", "resource_owner_type must be 'user' or 'company'.")
    challenge = code_challenge or None
    method = code_challenge_method or None
    checks_pkce = world.settings.pkce != "ignore" or not application.confidential
    if not checks_pkce:
        challenge = method = None
    elif challenge is None:
        if method is not None:
            raise RedirectError("invalid_request", "code_challenge_method was sent without a code_challenge.")
        if not application.confidential:
            raise RedirectError(
                "invalid_request", "A public client must use PKCE: code_challenge is required."
            )
        if world.settings.pkce == "require":
            raise RedirectError("invalid_request", "PKCE is required: code_challenge is missing.")
    else:
        method = method or "plain"  # RFC 7636 4.3
        if method not in CHALLENGE_METHODS:
            raise RedirectError("invalid_request", "Unsupported code_challenge_method (use S256 or plain).")
    return AuthorizationRequest(
        application=application,
        redirect_uri=redirect_uri,
        scopes=scopes,
        resource_owner_type="company" if owner == "company" else "user",
        code_challenge=challenge,
        code_challenge_method=method,
        state=state or None,
    )


def issue_code(world: World, request: AuthorizationRequest, *, company_id: int, employee: Row) -> str:
    """Turn an approved request into a single-use authorization code for `employee` of `company_id`.

    Raises `RedirectError("access_denied")` when the employee cannot sign in or, for a company token,
    is no admin.
    """
    if not can_sign_in(employee):
        raise RedirectError("access_denied", "This user cannot sign in to Factorial.")
    if request.resource_owner_type == "company" and not is_admin(employee):
        raise RedirectError("access_denied", "Only a company admin can grant a company token.")
    code = AuthorizationCode(
        code=secrets.token_urlsafe(32),
        client_id=request.application.client_id,
        company_id=company_id,
        employee_id=int(employee["id"]),
        redirect_uri=request.redirect_uri,
        scopes=list(request.scopes),
        resource_owner_type=request.resource_owner_type,
        code_challenge=request.code_challenge,
        code_challenge_method=request.code_challenge_method,
        expires_at=world.clock.time() + world.settings.code_ttl,
    )
    world.codes[code.code] = code
    return code.code


def verify_pkce(verifier: str, challenge: str, method: str | None) -> bool:
    """RFC 7636 4.6: S256 compares BASE64URL(SHA256(verifier)) without padding; plain compares as is."""
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return hmac.compare_digest(expected, challenge)
    if method in (None, "plain"):
        return hmac.compare_digest(verifier.encode(), challenge.encode())
    return False


# --- tokens -------------------------------------------------------------------------------------


def _new_token() -> str:
    """An opaque bearer credential: 256 random bits as 64 hex characters."""
    return secrets.token_hex(32)


def _issue_pair(world: World, grant: Grant) -> tuple[AccessToken, RefreshToken | None]:
    now = world.clock.time()
    company_token = grant.employee_id is None
    access = AccessToken(
        token=_new_token(),
        grant_id=grant.id,
        created_at=now,
        expires_at=None if company_token else now + world.settings.access_token_ttl,
    )
    world.access_tokens[access.token] = access
    if company_token:
        return access, None
    refresh = RefreshToken(
        token=_new_token(),
        grant_id=grant.id,
        access_token=access.token,
        created_at=now,
        expires_at=now + world.settings.refresh_token_ttl,
    )
    world.refresh_tokens[refresh.token] = refresh
    return access, refresh


def token_response(
    world: World, grant: Grant, access: AccessToken, refresh: RefreshToken | None
) -> dict[str, Any]:
    """The token endpoint's JSON: a company token has neither `expires_in` nor `refresh_token`."""
    body: dict[str, Any] = {"access_token": access.token, "token_type": "Bearer"}
    if access.expires_at is not None:
        body["expires_in"] = round(access.expires_at - access.created_at)
    if refresh is not None:
        body["refresh_token"] = refresh.token
    body["scope"] = " ".join(grant.scopes)
    body["created_at"] = int(access.created_at)
    return body


def _grant_owner_can_sign_in(world: World, grant: Grant) -> bool:
    if grant.employee_id is None:
        return grant.company_id in world.companies
    employee = world.employee(grant.company_id, grant.employee_id)
    return employee is not None and can_sign_in(employee)


def exchange_code(
    world: World,
    application: OAuthApplication,
    *,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> dict[str, Any]:
    """`grant_type=authorization_code`: a fresh grant and its tokens, or `OAuthError`.

    A replayed code revokes the grant (every token) it issued (RFC 6749 4.1.2).
    """
    if not code:
        raise OAuthError("invalid_request", "The code parameter is missing.")
    if not redirect_uri:
        raise OAuthError("invalid_request", "The redirect_uri parameter is missing.")
    found = world.codes.get(code)
    if found is None or found.client_id != application.client_id:
        raise _invalid_grant("The authorization code is invalid or was issued to another client.")
    if found.used:
        if found.grant_id is not None:
            revoke_grant(world, found.grant_id)
        raise _invalid_grant("The authorization code was already used; the tokens it issued are revoked.")
    if world.clock.time() >= found.expires_at:
        raise _invalid_grant("The authorization code has expired.")
    if redirect_uri != found.redirect_uri:
        raise _invalid_grant("The redirect_uri does not match the one of the authorization request.")
    pkce_applies = world.settings.pkce != "ignore" or not application.confidential
    if pkce_applies:
        if found.code_challenge is None:
            if world.settings.pkce == "require" or not application.confidential:
                raise _invalid_grant("PKCE is required but the authorization request had no code_challenge.")
        elif not code_verifier:
            raise OAuthError("invalid_request", "The code_verifier parameter is missing (PKCE).")
        elif not verify_pkce(code_verifier, found.code_challenge, found.code_challenge_method):
            raise _invalid_grant("The code_verifier does not match the code_challenge.")
    found.used = True
    if found.company_id not in world.companies:
        raise _invalid_grant("The company of this authorization code no longer exists.")
    employee = world.employee(found.company_id, found.employee_id)
    if employee is None or not can_sign_in(employee):
        raise _invalid_grant("The user who authorized this code can no longer sign in.")
    company_token = found.resource_owner_type == "company"
    grant = Grant(
        id=world.next_id(),
        client_id=application.client_id,
        company_id=found.company_id,
        employee_id=None if company_token else found.employee_id,
        scopes=list(found.scopes),
    )
    world.grants[grant.id] = grant
    found.grant_id = grant.id
    access, refresh = _issue_pair(world, grant)
    return token_response(world, grant, access, refresh)


def refresh_tokens(
    world: World, application: OAuthApplication, *, refresh_token: str | None
) -> dict[str, Any]:
    """`grant_type=refresh_token`: a new access and refresh token, rotating per `world.settings.rotation`."""
    if not refresh_token:
        raise OAuthError("invalid_request", "The refresh_token parameter is missing.")
    old = world.refresh_tokens.get(refresh_token)
    grant = None if old is None else world.grants.get(old.grant_id)
    if old is None or grant is None or grant.client_id != application.client_id:
        raise _invalid_grant("The refresh token is invalid or was issued to another client.")
    if grant.revoked:
        raise _invalid_grant("The refresh token was revoked.")
    if old.used:
        if world.settings.rotation == "strict":
            revoke_grant(world, grant.id)
            raise _invalid_grant(
                "The refresh token was already used; every token of this grant is now revoked."
            )
        if old.revoked:
            raise _invalid_grant("The refresh token was already rotated and its successor is in use.")
    elif old.revoked:
        raise _invalid_grant("The refresh token was revoked.")
    if world.clock.time() >= old.expires_at:
        raise _invalid_grant("The refresh token has expired.")
    if not _grant_owner_can_sign_in(world, grant):
        raise _invalid_grant("The user of this grant can no longer sign in.")
    previous_access = world.access_tokens.get(old.access_token)
    if previous_access is not None:
        previous_access.revoked = True
    access, refresh = _issue_pair(world, grant)
    old.used = True
    old.successor_access_token = access.token
    if world.settings.rotation == "strict":
        old.revoked = True
    return token_response(world, grant, access, refresh)


# --- using and revoking -------------------------------------------------------------------------


def principal_for_access_token(world: World, token: str) -> Principal | None:
    """Who a bearer token acts for, or None (unknown, expired, revoked, revoked grant, user can't sign in).

    Marks the token used; the first use of a rotated-in access token retires the refresh tokens it replaced
    (grace rotation).
    """
    access = world.access_tokens.get(token)
    if access is None or access.revoked:
        return None
    if access.expires_at is not None and world.clock.time() >= access.expires_at:
        return None
    grant = world.grants.get(access.grant_id)
    if grant is None or grant.revoked or grant.company_id not in world.companies:
        return None
    if grant.employee_id is None:
        principal = Principal(company_id=grant.company_id, kind="company", scopes=frozenset(grant.scopes))
    else:
        employee = world.employee(grant.company_id, grant.employee_id)
        if employee is None or not can_sign_in(employee):
            return None
        principal = Principal(
            company_id=grant.company_id,
            kind="user",
            scopes=frozenset(grant.scopes),
            employee_id=grant.employee_id,
            is_admin=is_admin(employee),
        )
    if not access.used:
        access.used = True
        _retire_replaced_refresh_tokens(world, access)
    return principal


def _retire_replaced_refresh_tokens(world: World, access: AccessToken) -> None:
    """Grace rotation: refresh tokens of this grant that were already exchanged stop working now."""
    for refresh in world.refresh_tokens.values():
        same_grant = refresh.grant_id == access.grant_id and refresh.access_token != access.token
        if same_grant and refresh.used and not refresh.revoked:
            refresh.revoked = True


def revoke_grant(world: World, grant_id: int) -> bool:
    """Revoke a grant and every access and refresh token it issued; False when it was already revoked."""
    grant = world.grants.get(grant_id)
    if grant is None or grant.revoked:
        return False
    grant.revoked = True
    for access in world.access_tokens.values():
        if access.grant_id == grant_id:
            access.revoked = True
    for refresh in world.refresh_tokens.values():
        if refresh.grant_id == grant_id:
            refresh.revoked = True
    return True


def revoke_token(world: World, token: str, *, client_id: str | None = None) -> bool:
    """Revoke the whole grant of an access or refresh token (RFC 7009). Unknown tokens are a no-op.

    With `client_id` (the authenticated client), a token issued to another client is refused with a 403
    `unauthorized_client` and stays alive (RFC 7009 2.1; Doorkeeper's answer). Counts `world.stats.revocations`.
    """
    found: AccessToken | RefreshToken | None = world.access_tokens.get(token) or world.refresh_tokens.get(
        token
    )
    if found is None:
        return False
    grant = world.grants.get(found.grant_id)
    if grant is None:
        return False
    if client_id is not None and grant.client_id != client_id:
        raise OAuthError("unauthorized_client", "You are not authorized to revoke this token.", 403)
    revoked = revoke_grant(world, grant.id)
    if revoked:
        world.stats.revocations += 1
    return revoked


def revoke_company_tokens(world: World, company_id: int) -> int:
    """An admin revokes every grant of a company (user and company tokens) and its pending codes.

    Returns how many grants were revoked, each counted in `world.stats.revocations`.
    """
    revoked = 0
    for grant in list(world.grants.values()):
        if grant.company_id == company_id and revoke_grant(world, grant.id):
            revoked += 1
    for pending in [c for c in world.codes.values() if c.company_id == company_id and not c.used]:
        del world.codes[pending.code]
    world.stats.revocations += revoked
    return revoked
