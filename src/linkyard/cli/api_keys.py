"""`linkyard api-keys create|list|revoke`: a project's API keys (random, stored hashed, shown once)."""

from __future__ import annotations

import typer

from linkyard.cli.output import console, print_json, print_table
from linkyard.cli.runtime import json_option, opened_store, project_option, run

app = typer.Typer(help="A project's API keys: shown once at creation, stored hashed, revocable.")


@app.command("create")
def create(
    project: str = project_option(),
    name: str = typer.Option("default", "--name", help="What the key is for."),
    as_json: bool = json_option(),
) -> None:
    """Create an API key and print it (this once)."""
    from linkyard.services.projects import NewApiKey, create_api_key
    from linkyard.services.views import api_key_view

    async def work() -> NewApiKey:
        async with opened_store() as (_, store):
            await store.projects.get(project)
            return await create_api_key(store, project, name)

    created = run(work)
    if as_json:
        print_json({**api_key_view(created.key), "api_key": created.raw})
        return
    out = console()
    out.print(f"API key [bold]{created.key.name}[/] ({created.key.id}) created:")
    out.print(f"  {created.raw}")
    out.print("It is shown this once: store it now.", style="yellow")


@app.command("list")
def list_keys(project: str = project_option(), as_json: bool = json_option()) -> None:
    """The project's API keys (their prefixes only)."""
    from linkyard.domain import ApiKey
    from linkyard.services.projects import list_api_keys
    from linkyard.services.views import api_key_view

    async def work() -> list[ApiKey]:
        async with opened_store() as (_, store):
            await store.projects.get(project)
            return await list_api_keys(store, project)

    keys = run(work)
    if as_json:
        print_json([api_key_view(key) for key in keys])
        return
    print_table(
        "API keys",
        ["id", "name", "prefix", "created", "revoked"],
        ([k.id, k.name, f"{k.prefix}…", k.created_at, k.revoked_at] for k in keys),
        empty="The project has no API keys.",
    )


@app.command("revoke")
def revoke(
    key_id: str = typer.Argument(..., help="The key's id (key_...)."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """Revoke an API key: every running server, each worker and host, refuses its next request (401).

    The servers are told when the revocation commits (PostgreSQL: a NOTIFY, delivered within a network hop;
    SQLite: before this command returns), so no cached copy of the key outlives it.
    """
    from linkyard.domain import ApiKey
    from linkyard.services.projects import revoke_api_key
    from linkyard.services.views import api_key_view

    async def work() -> ApiKey:
        async with opened_store() as (_, store):
            return await revoke_api_key(store, project, key_id)

    key = run(work)
    if as_json:
        print_json(api_key_view(key))
        return
    console().print(f"API key {key.id} ({key.name}) revoked: every running server now refuses it (401).")
