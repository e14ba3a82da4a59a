"""The `linkyard` command: parse the arguments, call the services, print the results.

One module per command group; each imports what it needs when it runs, so `linkyard --help` stays fast and
nothing (settings, engines, apps) is built at import time.
"""

from __future__ import annotations

import typer

from linkyard.cli import (
    accounts,
    actions,
    api_keys,
    connectors,
    demo,
    emulator,
    housekeeping,
    keys,
    profiles,
    projects,
    tools,
    up,
    webhooks,
)

app = typer.Typer(
    help="Linkyard: link your customers' HR systems.",
    no_args_is_help=True,
    # Locals of a failing frame may hold a client secret or a token: never print them.
    pretty_exceptions_show_locals=False,
)
app.command("up")(up.up)
app.command("demo")(demo.demo)
app.add_typer(emulator.app, name="emulator")
app.add_typer(keys.app, name="keys")
app.add_typer(projects.app, name="projects")
app.add_typer(api_keys.app, name="api-keys")
app.add_typer(profiles.app, name="profiles")
app.add_typer(accounts.app, name="accounts")
app.add_typer(actions.app, name="actions")
app.add_typer(connectors.app, name="connectors")
app.add_typer(tools.app, name="tools")
app.add_typer(housekeeping.app, name="housekeeping")
app.add_typer(webhooks.app, name="webhooks")


def main() -> None:
    app()


__all__ = ["app", "main"]
