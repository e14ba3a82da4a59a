"""`linkyard profiles list|show|create|delete`: a project's connector profiles, through the API's services."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from linkyard.cli.output import console, print_fields, print_json, print_table
from linkyard.cli.runtime import find_project, json_option, opened_platform, project_option, run

if TYPE_CHECKING:
    from linkyard.config import Settings
    from linkyard.domain import ConnectorProfile

app = typer.Typer(
    help="Connector profiles: a project's OAuth application for a connector, its scopes and actions."
)


@app.command("list")
def list_profiles(project: str = project_option(), as_json: bool = json_option()) -> None:
    """The project's connector profiles."""
    from linkyard.services.profiles import list_profiles as list_project_profiles
    from linkyard.services.views import profile_view

    async def work() -> tuple[list[ConnectorProfile], Settings]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await list_project_profiles(platform, owner), platform.settings

    profiles, settings = run(work)
    if as_json:
        print_json([profile_view(profile, settings) for profile in profiles])
        return
    print_table(
        "Connector profiles",
        ["id", "label", "connector", "environment", "client id", "token type", "scopes", "default"],
        (
            [p.id, p.label, p.connector, p.environment, p.client_id, p.token_type, p.scopes, p.is_default]
            for p in profiles
        ),
        empty="The project has no connector profiles: `linkyard profiles create`.",
    )


@app.command("show")
def show(
    profile_id: str = typer.Argument(..., help="The profile's id (cpr_...)."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """One connector profile, with its redirect URI and the actions it enables."""
    from linkyard.services.profiles import get_profile

    async def work() -> tuple[ConnectorProfile, Settings]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await get_profile(platform, owner, profile_id), platform.settings

    profile, settings = run(work)
    print_profile(profile, settings, as_json=as_json)


@app.command("create")
def create(
    project: str = project_option(),
    client_id: str = typer.Option(..., "--client-id", help="The provider's OAuth application's client ID."),
    client_secret: str | None = typer.Option(
        None,
        "--client-secret",
        help="Its client secret (visible in the process list: prefer --client-secret-stdin).",
        show_default=False,
    ),
    client_secret_stdin: bool = typer.Option(
        False, "--client-secret-stdin", help="Read the client secret from standard input."
    ),
    scopes: Annotated[
        list[str] | None,
        typer.Option("--scope", help="A scope to request; repeatable (none: the application's scopes)."),
    ] = None,
    token_type: str | None = typer.Option(
        None, "--token-type", help="One of the connector's token types (default: its first)."
    ),
    actions: Annotated[
        list[str] | None,
        typer.Option(
            "--action", help="An action to enable; repeatable (none: the standard actions the scopes allow)."
        ),
    ] = None,
    environment: str | None = typer.Option(
        None, "--environment", help="One of the connector's environments (default: its first)."
    ),
    label: str | None = typer.Option(None, "--label", help="A name for people."),
    connector: str | None = typer.Option(
        None, "--connector", help="The connector's key (may be left out when the catalogue has one)."
    ),
    default: bool = typer.Option(False, "--default", help="Make it the connector's default profile."),
    as_json: bool = json_option(),
) -> None:
    """Create a connector profile (validated exactly as `POST /connector_profiles`); the secret is never shown.

    Without a client secret the profile is a public (non-confidential) application and PKCE carries the flow.
    """
    from linkyard.connectors import get_connector, list_connectors
    from linkyard.errors import NotFound
    from linkyard.services.profiles import create_profile

    if connector is None:
        known = list_connectors()
        if len(known) != 1:
            raise typer.BadParameter(
                f"name one of: {', '.join(c.key for c in known)}", param_hint="--connector"
            )
        connector = known[0].key
    if environment is None:
        try:
            environment = next(iter(get_connector(connector).environments))
        except NotFound:
            raise typer.BadParameter("is not a known connector", param_hint="--connector") from None
    if client_secret is not None and client_secret_stdin:
        raise typer.BadParameter("give --client-secret or --client-secret-stdin, not both")
    if client_secret_stdin:
        client_secret = sys.stdin.readline().rstrip("\r\n")

    async def work() -> tuple[ConnectorProfile, Settings]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            created = await create_profile(
                platform,
                owner,
                connector=connector,
                environment=environment,
                client_id=client_id,
                client_secret=client_secret,
                label=label,
                scopes=scopes or None,
                token_type=token_type,
                actions=actions or None,
                default=default,
            )
            return created, platform.settings

    profile, settings = run(work)
    print_profile(profile, settings, as_json=as_json, title="Connector profile created")
    if not as_json:
        console().print(
            f"Paste the redirect URI into the {get_connector(connector).name} application: "
            f"{settings.redirect_uri(connector)}"
        )


@app.command("delete")
def delete(
    profile_id: str = typer.Argument(..., help="The profile's id (cpr_...)."),
    project: str = project_option(),
    force: bool = typer.Option(False, "--force", help="Unlink its accounts first (revokes their tokens)."),
    as_json: bool = json_option(),
) -> None:
    """Delete a connector profile; one with linked accounts needs --force."""
    from linkyard.services.profiles import delete_profile

    async def work() -> None:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            await delete_profile(platform, owner, profile_id, force=force)

    run(work)
    if as_json:
        print_json({"id": profile_id, "deleted": True})
        return
    console().print(f"Connector profile {profile_id} deleted.")


def print_profile(
    profile: ConnectorProfile, settings: Settings, *, as_json: bool, title: str = "Connector profile"
) -> None:
    from linkyard.services.views import profile_view

    view = profile_view(profile, settings)
    if as_json:
        print_json(view)
        return
    print_fields(
        f"{title} {profile.id}",
        [
            (name, view[name])
            for name in (
                "label",
                "connector",
                "environment",
                "client_id",
                "client_secret_hint",
                "scopes",
                "token_type",
                "actions",
                "enabled_actions",
                "redirect_uri",
                "default",
                "disabled",
                "created_at",
                "updated_at",
            )
        ],
    )
