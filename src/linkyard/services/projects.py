"""Projects (tenants) and their API keys: create a project with its first key, create, list and revoke keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from linkyard.domain import ApiKey, Project
from linkyard.errors import ValidationFailed
from linkyard.services.origins import validate_allowed_origins
from linkyard.store import Store

MAX_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just created: its metadata and the raw key, which is shown this once and never stored."""

    key: ApiKey
    raw: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class NewProject:
    """A project just created, with its first API key."""

    project: Project
    api_key: NewApiKey


def _name(name: str, field_name: str = "name") -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH or any(ord(ch) < 0x20 for ch in cleaned):
        raise ValidationFailed(
            "Invalid name",
            errors=[{"field": field_name, "message": f"must be 1-{MAX_NAME_LENGTH} printable characters"}],
        )
    return cleaned


async def create_project(
    store: Store, name: str, *, allowed_origins: Sequence[str] = (), key_name: str = "default"
) -> NewProject:
    """A new project and its first API key. `allowed_origins` are where connect sessions may send users
    back to (`https://app.example.com`); each is checked and normalised."""
    origins = validate_allowed_origins(allowed_origins)
    project = await store.projects.create(_name(name), allowed_origins=origins)
    return NewProject(project, await create_api_key(store, project.id, key_name))


async def update_project(
    store: Store, project_id: str, *, name: str | None = None, allowed_origins: Sequence[str] | None = None
) -> Project:
    return await store.projects.update(
        project_id,
        name=None if name is None else _name(name),
        allowed_origins=None if allowed_origins is None else validate_allowed_origins(allowed_origins),
    )


async def create_api_key(store: Store, project_id: str, name: str = "default") -> NewApiKey:
    key, raw = await store.api_keys.create(project_id, _name(name))
    return NewApiKey(key, raw)


async def list_api_keys(store: Store, project_id: str) -> list[ApiKey]:
    return await store.api_keys.list(project_id)


async def revoke_api_key(store: Store, project_id: str, key_id: str) -> ApiKey:
    """Revoke: the next request with the key is a 401 in every process that serves the database, as soon as it
    hears of the change (see `linkyard.store.read_cache`)."""
    return await store.api_keys.revoke(project_id, key_id)
