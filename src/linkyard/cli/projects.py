"""`linkyard projects create|list|update`: tenants, each created with its first API key."""

from __future__ import annotations

from typing import Annotated

import typer

from linkyard.cli.output import console, print_json, print_table
from linkyard.cli.runtime import json_option, opened_store, run

app = typer.Typer(help="Projects (tenants): each has its API keys, connector profiles and accounts.")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="The project's name."),
    allowed_origins: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-origin",
            help="An origin (scheme://host[:port]) connect sessions may send users back to; repeatable.",
        ),
    ] = None,
    as_json: bool = json_option(),
) -> None:
    """Create a project and print its id and a new API key (shown this once)."""
    from linkyard.services.projects import NewProject, create_project

    async def work() -> NewProject:
        async with opened_store() as (_, store):
            return await create_project(store, name, allowed_origins=allowed_origins or ())

    created = run(work)
    if as_json:
        print_json({"project_id": created.project.id, "api_key": created.api_key.raw})
        return
    out = console()
    out.print(f"Project [bold]{created.project.name}[/] created.")
    out.print(f"  project id: {created.project.id}")
    out.print(f"  API key:    {created.api_key.raw}")
    if created.project.allowed_origins:
        out.print(f"  allowed origins: {', '.join(created.project.allowed_origins)}")
    out.print("The API key is shown this once: store it now.", style="yellow")


@app.command("update")
def update(
    project_id: str = typer.Argument(..., help="The project's id (prj_...)."),
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    allowed_origins: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-origin",
            help="An origin (scheme://host[:port]) connect sessions may send users back to and whose pages may "
            "host the embedded connect UI; repeatable; the given ones replace the project's list.",
        ),
    ] = None,
    as_json: bool = json_option(),
) -> None:
    """Change a project's name or its allowed origins (as the dashboard's Settings page does)."""
    from linkyard.domain import Project
    from linkyard.services.projects import update_project
    from linkyard.services.views import project_view

    if name is None and allowed_origins is None:
        raise typer.BadParameter("say what to change: --name or --allowed-origin")

    async def work() -> Project:
        async with opened_store() as (_, store):
            return await update_project(store, project_id, name=name, allowed_origins=allowed_origins)

    project = run(work)
    if as_json:
        print_json(project_view(project))
        return
    out = console()
    out.print(f"Project [bold]{project.name}[/] updated.")
    out.print(f"  allowed origins: {', '.join(project.allowed_origins) or 'none'}")


@app.command("list")
def list_projects(as_json: bool = json_option()) -> None:
    """Every project of this installation."""
    from linkyard.domain import Project
    from linkyard.services.views import project_view

    async def work() -> list[Project]:
        async with opened_store() as (_, store):
            return await store.projects.list_all()

    projects = run(work)
    if as_json:
        print_json([project_view(project) for project in projects])
        return
    print_table(
        "Projects",
        ["id", "name", "allowed origins", "created"],
        ([p.id, p.name, p.allowed_origins, p.created_at] for p in projects),
        empty="No projects yet: `linkyard projects create NAME`.",
    )
