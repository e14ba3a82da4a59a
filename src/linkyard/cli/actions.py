"""`linkyard actions list|run`: what can be run on a project's accounts, and running it (JSON out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from linkyard.cli.output import console, print_json, print_table
from linkyard.cli.runtime import find_project, json_option, opened_platform, project_option, run

if TYPE_CHECKING:
    from linkyard.domain import Project
    from linkyard.services.actions import ActionResult, ConnectorActions
    from linkyard.services.platform import Platform

app = typer.Typer(
    help="Actions: operations on a linked account's provider (<connector>_list_employees, ...)."
)

_NEXT = "next"


@app.command("list")
def list_command(
    project: str = project_option(),
    account: str | None = typer.Option(
        None, "--account", help="Only the actions enabled on this account's connector profile (acc_...)."
    ),
    as_json: bool = json_option(),
) -> None:
    """The actions of every connector, or those enabled on one account (as `GET /actions`)."""
    from linkyard.services.actions import list_actions as list_project_actions

    async def work() -> list[ConnectorActions]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await list_project_actions(platform, owner, account_ids=[account] if account else ())

    listed = run(work)
    if as_json:
        print_json(
            [
                {
                    "key": entry.connector.key,
                    "name": entry.connector.name,
                    "actions": [action.describe() for action in entry.actions],
                }
                for entry in listed
            ]
        )
        return
    print_table(
        "Actions",
        ["id", "label", "required scopes"],
        ([a.id, a.label, a.required_scopes] for entry in listed for a in entry.actions),
        empty="No actions.",
    )


@app.command("run")
def run_command(
    action: str = typer.Argument(..., help="The action's id (<connector>_get_employee, ...)."),
    account: str = typer.Option(..., "--account", help="The account to run it on (acc_...)."),
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="An argument as name=value, repeatable; values are strings, coerced as for the SDKs "
            '("5" for an integer, "true", "a,b" for a list); a name given twice makes a list.',
        ),
    ] = None,
    all_pages: bool = typer.Option(
        False, "--all-pages", help="Follow `next` to the last page and print every item (a list action)."
    ),
    project: str = project_option(),
) -> None:
    """Run an action on an account and print its JSON answer: `{data}`, or `{data, next}` for a list."""
    from linkyard.connectors import list_connectors
    from linkyard.services.actions import run_action as run_on_account

    arguments = parse_params(params or [])
    if all_pages:
        known = next((c.find_action(action) for c in list_connectors() if c.find_action(action)), None)
        if known is not None and _NEXT not in known.parameters_by_name:
            raise typer.BadParameter(f"{action} returns no pages", param_hint="--all-pages")

    async def work() -> dict[str, Any]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            if all_pages:
                return await walk_pages(platform, owner, account, action, arguments)
            result = await run_on_account(platform, owner, account, action, arguments)
            return answer(result)

    print_json(run(work))


def parse_params(params: list[str]) -> dict[str, Any]:
    """`name=value` pairs as the flat arguments of an action: strings, and a list for a name given twice."""
    arguments: dict[str, Any] = {}
    for param in params:
        name, sep, value = param.partition("=")
        name = name.strip()
        if not sep or not name:
            raise typer.BadParameter("expected name=value", param_hint="--param")
        if name in arguments:
            previous = arguments[name]
            arguments[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            arguments[name] = value
    return arguments


def answer(result: ActionResult) -> dict[str, Any]:
    """What `POST /actions/rpc` answers: `{data}`, and `next` for a list."""
    content: dict[str, Any] = {"data": result.data}
    if result.is_list:
        content[_NEXT] = result.next
    return content


async def walk_pages(
    platform: Platform, owner: Project, account_id: str, action_id: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """Every page of a list action, following `next`, with a progress bar on stderr; `{data, next: null}`."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from linkyard.services.actions import run_action as run_on_account

    items: list[Any] = []
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[items]} items, page {task.completed}"),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task(action_id, total=None, items=0)
        cursor = arguments.get(_NEXT)
        while True:
            page_arguments = dict(arguments)
            if cursor:
                page_arguments[_NEXT] = cursor
            result = await run_on_account(platform, owner, account_id, action_id, page_arguments)
            if not result.is_list:
                return answer(result)
            items.extend(result.data)
            progress.update(task, advance=1, items=len(items))
            cursor = result.next
            if not cursor:
                break
    return {"data": items, _NEXT: None}
