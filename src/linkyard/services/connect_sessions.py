"""Connect sessions: the integrator's short-lived permission for one end user to link (or re-link) an account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal, get_args

from linkyard.connectors import get_connector
from linkyard.domain import ConnectorProfile, ConnectSession, Project
from linkyard.errors import NotFound, ValidationFailed
from linkyard.services.origins import check_return_url
from linkyard.services.platform import Platform

Category = Literal[
    "ats",
    "hris",
    "hris-legacy",
    "crm",
    "iam",
    "marketing",
    "lms",
    "stackone",
    "documents",
    "ticketing",
    "screening",
    "messaging",
    "accounting",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
"""StackOne's categories a session may be made for (its clients' `ConnectSessionCreateCategories`)."""
DEFAULT_EXPIRES_IN = 1800
MIN_EXPIRES_IN = 60
MAX_EXPIRES_IN = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class NewConnectSession:
    """A session just created and its token, which is returned this once (the store keeps a digest)."""

    session: ConnectSession
    token: str = field(repr=False)


async def create_connect_session(
    platform: Platform,
    project: Project,
    *,
    origin_owner_id: str,
    origin_owner_name: str,
    origin_username: str | None = None,
    connector: str | None = None,
    profile_id: str | None = None,
    account_id: str | None = None,
    expires_in: int | None = None,
    label: str | None = None,
    metadata: dict[str, Any] | None = None,
    redirect_url: str | None = None,
    categories: Sequence[str] | None = None,
) -> NewConnectSession:
    """A pending session for one end user (StackOne's `POST /connect_sessions`).

    The profile is `profile_id` (StackOne's `integration_id`), else the re-linked account's, else the
    connector's default (the one connector of the project's profiles in `categories`, when they are given: the
    profile's connector must be in one of them). A
    `redirect_url` must be on one of the project's allowed origins (exact scheme, host and port); it is fixed
    here and never read from the callback.
    """
    if expires_in is None:
        expires_in = DEFAULT_EXPIRES_IN
    if not MIN_EXPIRES_IN <= expires_in <= MAX_EXPIRES_IN:
        raise ValidationFailed(
            "Invalid expires_in",
            errors=[{"field": "expires_in", "message": f"must be {MIN_EXPIRES_IN}-{MAX_EXPIRES_IN} seconds"}],
        )
    if redirect_url is not None:
        check_return_url(redirect_url, project.allowed_origins)
    wanted = None if categories is None else _categories(categories)
    profile = await _choose_profile(platform, project, connector, profile_id, account_id, wanted)
    session, token = await platform.store.connect_sessions.create(
        project.id,
        profile_id=profile.id,
        origin_owner_id=origin_owner_id,
        origin_owner_name=origin_owner_name,
        origin_username=origin_username,
        account_id=account_id,
        label=label,
        metadata=metadata,
        redirect_url=redirect_url,
        categories=wanted,
        ttl=timedelta(seconds=expires_in),
    )
    return NewConnectSession(session, token)


async def authenticate_connect_session(platform: Platform, project: Project, token: str) -> ConnectSession:
    """The session a token belongs to, in the caller's project (another project's token is not found)."""
    session = await platform.store.connect_sessions.find_by_token(token) if token else None
    if session is None or session.project_id != project.id:
        raise NotFound("connect session not found (unknown or expired token)")
    return session


def _categories(values: Sequence[str]) -> tuple[str, ...]:
    unknown = [index for index, value in enumerate(values) if value not in CATEGORIES]
    if unknown:
        raise ValidationFailed(
            "Unknown categories",
            errors=[
                {"field": f"categories[{index}]", "message": "is not a known category"} for index in unknown
            ],
        )
    return tuple(dict.fromkeys(values))


def _in_categories(connector_key: str, categories: tuple[str, ...] | None) -> bool:
    return categories is None or bool(set(get_connector(connector_key).categories) & set(categories))


async def _only_connector(
    platform: Platform, project: Project, categories: tuple[str, ...] | None
) -> str | None:
    """The connector of the project's profiles (in `categories`, if given) when they all share one (then
    `provider` may be left out)."""
    keys = {
        profile.connector
        for profile in await platform.store.connector_profiles.list(project.id)
        if _in_categories(profile.connector, categories)
    }
    if len(keys) > 1:
        raise ValidationFailed(
            "The project has profiles of several providers: say which one",
            errors=[{"field": "provider", "message": "is required when profiles of several providers exist"}],
        )
    return keys.pop() if keys else None


async def _choose_profile(
    platform: Platform,
    project: Project,
    connector: str | None,
    profile_id: str | None,
    account_id: str | None,
    categories: tuple[str, ...] | None,
) -> ConnectorProfile:
    # Errors name the API's fields (`provider`, `integration_id`): the dashboard's form uses the same names.
    profiles = platform.store.connector_profiles
    if connector is not None:
        try:
            get_connector(connector)
        except NotFound:
            raise ValidationFailed(
                "Unknown provider", errors=[{"field": "provider", "message": "is not a known connector"}]
            ) from None
    if account_id is not None:
        account = await platform.store.accounts.get(project.id, account_id)
        if profile_id is not None and profile_id != account.profile_id:
            raise ValidationFailed(
                "The account belongs to another connector profile",
                errors=[
                    {"field": "integration_id", "message": "must be the account's own connector profile"}
                ],
            )
        profile_id = account.profile_id
    if profile_id is not None:
        profile = await profiles.get(project.id, profile_id)
    else:
        chosen = connector or await _only_connector(platform, project, categories)
        default = await profiles.get_default(project.id, chosen) if chosen else None
        if default is None and chosen is None and categories is not None:
            raise ValidationFailed(
                "The project has no connector profile in these categories",
                errors=[{"field": "categories", "message": "no connector profile's provider is in them"}],
            )
        if default is None:
            raise ValidationFailed(
                "The project has no connector profile for this provider",
                errors=[{"field": "integration_id", "message": "create a connector profile first"}],
            )
        profile = default
    if connector is not None and profile.connector != connector:
        raise ValidationFailed(
            "The connector profile is for another provider",
            errors=[{"field": "integration_id", "message": "is a profile of another provider"}],
        )
    if not _in_categories(profile.connector, categories):
        raise ValidationFailed(
            "The connector profile's provider is in none of the categories",
            errors=[
                {
                    "field": "categories",
                    "message": "must include a category of the connector profile's provider",
                }
            ],
        )
    if profile.disabled:
        raise ValidationFailed(
            "The connector profile is disabled",
            errors=[{"field": "integration_id", "message": "is disabled"}],
        )
    return profile
