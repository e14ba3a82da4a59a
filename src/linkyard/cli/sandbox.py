"""What `linkyard up --sandbox` sets up on each start: the demo project, an OAuth application in the emulator,
the sandbox connector profile that uses it, and a connect session ready to open.

Idempotent across restarts: the project named "Demo" and its profile labelled "Sandbox" are reused (the profile
gets the new emulator application's client, since the emulator forgets everything when it stops). The API key is
rotated: each start prints a new one (only digests are stored, so an old key cannot be shown again) and revokes
the previous ones, so that exactly one sandbox key is live however often the sandbox restarts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from linkyard.cli.output import CommandFailed
from linkyard.cli.sandbox_files import SandboxInfo

if TYPE_CHECKING:
    from linkyard.domain import ConnectorProfile, Project
    from linkyard.services.platform import Platform, Store

PROJECT_NAME = "Demo"
PROFILE_LABEL = "Sandbox"
KEY_NAME = "sandbox"
CONNECTOR = "factorialhr"
APPLICATION_NAME = "Linkyard sandbox"
DEMO_OWNER_ID = "demo-user"
DEMO_OWNER_NAME = "Demo user"


def sandbox_scopes() -> list[str]:
    """Every scope an action of the catalogue needs, so that the demo profile enables every action."""
    from linkyard.connectors import get_connector

    connector = get_connector(CONNECTOR)
    return sorted({scope for action in connector.actions for scope in action.required_scopes})


def control_headers(control_token: str | None) -> dict[str, str]:
    """What the emulator's control API needs: its token as a bearer token, when it was started with one."""
    return {"authorization": f"Bearer {control_token}"} if control_token else {}


async def create_emulator_application(
    client: httpx.AsyncClient,
    emulator_url: str,
    *,
    name: str,
    redirect_uri: str,
    scopes: list[str],
    control_token: str | None = None,
) -> dict[str, Any]:
    """A confidential OAuth application in the emulator, through its control API (client id and secret)."""
    answer = await client.post(
        f"{emulator_url}/_emulator/oauth_applications",
        json={"name": name, "redirect_uris": [redirect_uri], "scopes": scopes, "confidential": True},
        headers=control_headers(control_token),
    )
    if answer.status_code != 201:
        raise CommandFailed(f"the emulator refused the OAuth application (HTTP {answer.status_code})")
    application: dict[str, Any] = answer.json()
    return application


async def emulator_admin_email(
    client: httpx.AsyncClient, emulator_url: str, *, control_token: str | None = None
) -> str:
    """The login email of the seeded company's admin (who may consent, and see the applications pages)."""
    answer = await client.get(f"{emulator_url}/_emulator/companies", headers=control_headers(control_token))
    if answer.status_code != 200 or not answer.json():
        raise CommandFailed(f"the emulator did not list its companies (HTTP {answer.status_code})")
    return str(answer.json()[0]["admin"]["email"])


async def prepare_sandbox(
    platform: Platform, *, api_url: str, emulator_url: str, emulator_control_token: str | None = None
) -> SandboxInfo:
    """Set up (or refresh) the demo project, its sandbox profile and a connect session; return what to print.

    `emulator_control_token` is the token of the emulator's control API when it has one (when it listens on
    more than loopback); it is saved with the rest for `linkyard demo`.
    """
    from linkyard.services.connect_sessions import create_connect_session
    from linkyard.services.projects import create_project
    from linkyard.services.views import connect_link

    store = platform.store
    project = next((p for p in await store.projects.list_all() if p.name == PROJECT_NAME), None)
    if project is None:
        created = await create_project(store, PROJECT_NAME, key_name=KEY_NAME)
        project, api_key = created.project, created.api_key.raw
    else:
        api_key = await _rotate_sandbox_key(store, project)
    async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
        application = await create_emulator_application(
            client,
            emulator_url,
            name=APPLICATION_NAME,
            redirect_uri=platform.settings.redirect_uri(CONNECTOR),
            scopes=sandbox_scopes(),
            control_token=emulator_control_token,
        )
        admin_email = await emulator_admin_email(client, emulator_url, control_token=emulator_control_token)
    profile = await _sandbox_profile(platform, project, application)
    session = await create_connect_session(
        platform,
        project,
        origin_owner_id=DEMO_OWNER_ID,
        origin_owner_name=DEMO_OWNER_NAME,
        connector=CONNECTOR,
        profile_id=profile.id,
        expires_in=7 * 24 * 3600,
    )
    return SandboxInfo(
        api_url=api_url,
        api_key=api_key,
        emulator_url=emulator_url,
        project_id=project.id,
        profile_id=profile.id,
        connect_link=connect_link(platform.settings, session.token),
        admin_email=admin_email,
        redirect_uri=platform.settings.redirect_uri(CONNECTOR),
        emulator_control_token=emulator_control_token,
    )


async def _rotate_sandbox_key(store: Store, project: Project) -> str:
    """A new sandbox key for the demo project, and every earlier live one revoked; the new raw key.

    Made before the old ones are revoked: a start cut short in between leaves two live keys, which the next
    start reduces to one, never none. Keys the developer made themselves (other names) are left alone.
    """
    from linkyard.services.projects import create_api_key, list_api_keys, revoke_api_key

    new = await create_api_key(store, project.id, KEY_NAME)
    for key in await list_api_keys(store, project.id):
        if key.name == KEY_NAME and key.revoked_at is None and key.id != new.key.id:
            await revoke_api_key(store, project.id, key.id)
    return new.raw


async def _sandbox_profile(
    platform: Platform, project: Project, application: dict[str, Any]
) -> ConnectorProfile:
    from linkyard.services.profiles import create_profile, list_profiles, update_profile

    existing = next(
        (
            p
            for p in await list_profiles(platform, project)
            if p.label == PROFILE_LABEL and p.environment == "sandbox" and p.connector == CONNECTOR
        ),
        None,
    )
    if existing is None:
        return await create_profile(
            platform,
            project,
            connector=CONNECTOR,
            environment="sandbox",
            client_id=application["client_id"],
            client_secret=application["client_secret"],
            label=PROFILE_LABEL,
            scopes=application["scopes"],
            default=True,
        )
    return await update_profile(
        platform,
        project,
        existing.id,
        client_id=application["client_id"],
        client_secret=application["client_secret"],
        scopes=application["scopes"],
        disabled=False,
    )
