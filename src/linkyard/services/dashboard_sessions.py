"""Dashboard sign-in: who may open the dashboard (the operator's admin token, or a project's API key), sealed
into a session the browser keeps, the CSRF token of that session's forms, and the sign-in form's own token.

A session is sealed with the store's key ring (AES-256-GCM, bound to its purpose), so every worker can open it
and nobody can read or forge it. It holds no credential: an API key session names its key, which must still be
live on every request (revoking the key signs the dashboard out), and an admin session carries a fingerprint of
the admin token, so that changing the token signs every admin out. Signing out records the session's id in the
database, so a copy of the cookie is refused by every worker until it would have expired anyway.

Before any session exists, the sign-in form carries a token sealed to a random value in a cookie of the same
browser (login CSRF): another site can neither read the token nor set the cookie, so it cannot sign a person
in to its own project.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import orjson

from linkyard.domain import Project
from linkyard.errors import DecryptionFailed, NotFound, Unauthenticated
from linkyard.services.auth_throttle import ADMIN, target_of
from linkyard.services.platform import Platform

SESSION_LIFETIME = timedelta(hours=12)
# Long enough to fetch a token from a password manager; a stale form is answered with a fresh one.
SIGN_IN_FORM_LIFETIME = timedelta(hours=1)
_SESSION_CONTEXT = "dashboard|session"
_DRAFT_CONTEXT = "dashboard|draft|"
_SIGN_IN_CONTEXT = "dashboard|sign-in|"
MAX_TOKEN_LENGTH = 512
MAX_BINDING_LENGTH = 64

SessionKind = Literal["admin", "api_key"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DashboardSession:
    """A signed-in browser: the admin (every project) or one project through one of its API keys."""

    id: str
    kind: SessionKind
    project_id: str | None
    key_id: str | None
    csrf: str
    expires_at: datetime
    admin_fingerprint: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    def may_open(self, project_id: str) -> bool:
        return self.is_admin or self.project_id == project_id

    def __repr__(self) -> str:
        return f"DashboardSession(kind={self.kind!r}, project_id={self.project_id!r})"


def _fingerprint(admin_token: str) -> str:
    return hashlib.sha256(b"linkyard-dashboard|" + admin_token.encode("utf-8")).hexdigest()[:32]


def _admin_token(platform: Platform) -> str | None:
    token = platform.settings.admin_token
    return token.get_secret_value() if token is not None else None


async def sign_in(platform: Platform, token: str, *, address: str) -> DashboardSession:
    """A session for the admin token or a live API key; `Unauthenticated` for anything else.

    Failures are throttled per source `address` and per credential (`linkyard.services.auth_throttle`):
    `RateLimited` (429) past a burst. While the address or the admin token is over its burst, the admin token
    is not compared at all; an API key is always checked.
    """
    token = token.strip()
    now = platform.clock()
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    admin = _admin_token(platform)
    throttle = platform.guards.auth_throttle
    admin_locked = await throttle.admin_locked(address) if admin is not None else None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        if (
            admin is not None
            and admin_locked is None
            and hmac.compare_digest(token.encode("utf-8"), admin.encode("utf-8"))
        ):
            return DashboardSession(
                id=session_id,
                kind="admin",
                project_id=None,
                key_id=None,
                csrf=csrf,
                expires_at=now + SESSION_LIFETIME,
                admin_fingerprint=_fingerprint(admin),
            )
        key = await platform.store.api_keys.find_key(token)
        if key is not None:
            return DashboardSession(
                id=session_id,
                kind="api_key",
                project_id=key.project_id,
                key_id=key.id,
                csrf=csrf,
                expires_at=now + SESSION_LIFETIME,
            )
    if token:
        refusal = admin_locked or await throttle.failed(address, target_of(token) or ADMIN)
        if refusal is not None:
            raise refusal
    raise Unauthenticated("That is neither the admin token nor a live API key")


def seal_session(platform: Platform, session: DashboardSession) -> str:
    payload = {
        "id": session.id,
        "kind": session.kind,
        "project_id": session.project_id,
        "key_id": session.key_id,
        "csrf": session.csrf,
        "expires_at": session.expires_at.isoformat(),
        "admin": session.admin_fingerprint,
    }
    return platform.store.keyring.encrypt(orjson.dumps(payload).decode("utf-8"), _SESSION_CONTEXT)


async def open_session(platform: Platform, sealed: str | None) -> DashboardSession | None:
    """The session a browser holds, if it is genuine, unexpired, not signed out and its credential still valid."""
    if not sealed or len(sealed) > 4096:
        return None
    try:
        payload = orjson.loads(platform.store.keyring.decrypt(sealed, _SESSION_CONTEXT))
        session = DashboardSession(
            id=payload["id"],
            kind=payload["kind"],
            project_id=payload["project_id"],
            key_id=payload["key_id"],
            csrf=payload["csrf"],
            expires_at=datetime.fromisoformat(payload["expires_at"]),
            admin_fingerprint=payload.get("admin"),
        )
    except (DecryptionFailed, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if not isinstance(session.id, str) or not session.id or session.expires_at <= platform.clock():
        return None
    if session.is_admin:
        admin = _admin_token(platform)
        if admin is None or session.admin_fingerprint != _fingerprint(admin):
            return None
    else:
        if session.project_id is None or session.key_id is None:
            return None
        try:
            key = await platform.store.api_keys.get(session.project_id, session.key_id)
        except NotFound:
            return None
        if key.revoked:
            return None
    if await platform.store.dashboard_sessions.has_ended(session.id):
        return None
    return session


async def sign_out(platform: Platform, session: DashboardSession) -> None:
    """End the session for every worker: its cookie, wherever it was copied to, opens no session again."""
    await platform.store.dashboard_sessions.end(session.id, expires_at=session.expires_at)


def csrf_matches(session: DashboardSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf.encode(), (submitted or "").encode())


async def visible_projects(platform: Platform, session: DashboardSession) -> list[Project]:
    """The projects a session may open: all of them for the admin, the key's own project otherwise."""
    if session.is_admin:
        return await platform.store.projects.list_all()
    assert session.project_id is not None
    try:
        return [await platform.store.projects.get(session.project_id)]
    except NotFound:
        return []


async def open_project(platform: Platform, session: DashboardSession, project_id: str) -> Project:
    """A project the session may open; another project is `NotFound`, as in the API (never 403)."""
    if not session.may_open(project_id):
        raise NotFound("project not found")
    return await platform.store.projects.get(project_id)


def seal_draft_secret(platform: Platform, session: DashboardSession, secret: str) -> str:
    """A secret typed into a form that failed validation, sealed so the form keeps it without showing it.

    Bound to the session: a sealed value lifted from one browser's page opens in no other session.
    """
    return platform.store.keyring.encrypt(secret, _DRAFT_CONTEXT + session.csrf)


def open_draft_secret(platform: Platform, session: DashboardSession, sealed: str) -> str | None:
    if not sealed or len(sealed) > 4096:
        return None
    try:
        return platform.store.keyring.decrypt(sealed, _DRAFT_CONTEXT + session.csrf)
    except DecryptionFailed:
        return None


def new_sign_in_binding() -> str:
    """The random value of a browser's sign-in cookie, to which its sign-in forms' tokens are sealed."""
    return secrets.token_urlsafe(32)


def usable_binding(value: str | None) -> str | None:
    """A sign-in cookie's value worth keeping (so a second open tab's form still works), else None."""
    if not value or len(value) > MAX_BINDING_LENGTH or not value.isascii():
        return None
    return value if all(ch.isalnum() or ch in "-_" for ch in value) else None


def seal_sign_in_form(platform: Platform, binding: str) -> str:
    """The sign-in form's token: its expiry, sealed to the browser's sign-in cookie."""
    expires_at = platform.clock() + SIGN_IN_FORM_LIFETIME
    return platform.store.keyring.encrypt(expires_at.isoformat(), _SIGN_IN_CONTEXT + binding)


def sign_in_form_matches(platform: Platform, binding: str | None, token: str | None) -> bool:
    """Whether a submitted sign-in form came from a page this dashboard gave this very browser, lately."""
    binding = usable_binding(binding)
    if binding is None or not token or len(token) > 512:
        return False
    try:
        expires_at = datetime.fromisoformat(platform.store.keyring.decrypt(token, _SIGN_IN_CONTEXT + binding))
    except (DecryptionFailed, ValueError):
        return False
    return expires_at.tzinfo is not None and expires_at > platform.clock()
