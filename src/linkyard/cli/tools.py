"""`linkyard tools export`: an account's actions as tool definitions for LLM frameworks (JSON out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from linkyard.cli.output import print_json
from linkyard.cli.runtime import find_project, opened_platform, project_option, run

if TYPE_CHECKING:
    from linkyard.connectors import Action

app = typer.Typer(help="Tools: an account's actions as tool definitions for language models.")

FORMATS = ("openai", "anthropic", "mcp")


@app.command("export")
def export(
    account: str = typer.Option(
        ..., "--account", help="The account whose enabled actions to export (acc_...)."
    ),
    format: str = typer.Option(..., "--format", help="openai, anthropic or mcp."),
    param_style: str = typer.Option(
        "nested",
        "--param-style",
        help="nested (arguments grouped as path, query, body: what POST /actions/rpc takes) or flat_prefixed "
        "(path_id, query_page_size, ...).",
    ),
    project: str = project_option(),
) -> None:
    """Print the account's tools in the shape `format` expects (OpenAI function tools, Anthropic tools,
    MCP `tools/list` entries); each tool's name is the action id to send to `POST /actions/rpc`."""
    from linkyard.services import tools

    if format not in FORMATS:
        raise typer.BadParameter(f"must be one of: {', '.join(FORMATS)}", param_hint="--format")
    if param_style not in tools.PARAM_STYLES:
        raise typer.BadParameter(
            f"must be one of: {', '.join(tools.PARAM_STYLES)}", param_hint="--param-style"
        )
    render = {"openai": tools.to_openai, "anthropic": tools.to_anthropic, "mcp": tools.to_mcp}[format]

    async def work() -> tuple[Action, ...]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await tools.account_actions(platform, owner, account)

    actions = run(work)
    definitions: list[dict[str, Any]] = render(tools.tool_definitions(actions, param_style))
    print_json(definitions)
