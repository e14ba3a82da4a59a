"""`linkyard emulator factorial`: serve the Factorial HR emulator."""

from __future__ import annotations

import typer

app = typer.Typer(help="Local stand-ins for providers, for tests, demos and offline work.")

CONTROL_TOKEN_VARIABLE = "LINKYARD_EMULATOR_CONTROL_TOKEN"  # noqa: S105 - a variable's name, not a secret
"""Where `--control-token` may come from instead (a token on a command line shows in `ps`)."""


@app.command("factorial")
def emulator_factorial(
    host: str = typer.Option(
        "127.0.0.1",
        help="Interface to listen on. Another than loopback needs --control-token or --no-control.",
    ),
    port: int = typer.Option(8001, help="Port to listen on."),
    seed: int = typer.Option(42, help="Seed for the generated company data."),
    employees: int = typer.Option(100, min=1, max=100_000, help="Employees in the seeded company."),
    no_control: bool = typer.Option(False, "--no-control", help="Serve without the /_emulator/ control API."),
    control_token: str | None = typer.Option(
        None,
        "--control-token",
        envvar=CONTROL_TOKEN_VARIABLE,
        help="Require this token (16 characters or more) as 'Authorization: Bearer <token>' on every /_emulator/ "
        "call; needed to serve the control API on a non-loopback --host.",
    ),
) -> None:
    """Serve the Factorial HR emulator: OAuth server, REST API and OAuth applications pages.

    The control API (/_emulator/: reset, API keys, applications with their secrets, clock, faults, stats) has no
    authentication of its own, so it is served on a loopback --host only, unless --control-token is given; then
    every /_emulator/ call needs that token as a bearer token (401 otherwise). --no-control turns it off.
    """
    import uvicorn

    from linkyard.cli.output import USAGE, CommandFailed, fail
    from linkyard.emulator.factorial import ControlExposed, create_app

    token = None if no_control else control_token
    try:
        emulator = create_app(
            seed=seed, employees=employees, control=not no_control, control_token=token, host=host
        )
    except ControlExposed as error:
        fail(CommandFailed(str(error), exit_code=USAGE))
    world = emulator.state.world
    company = next(iter(world.companies.values()))
    admin = world.employee(company.id, company.admin_employee_id)
    base = f"http://{host}:{port}"
    typer.echo(f"Factorial emulator for {company.name} ({employees} employees, seed {seed})")
    typer.echo(
        f"  OAuth applications: {base}/oauth/applications (sign in as {admin['login_email'] if admin else '?'})"
    )
    typer.echo(f"  REST API:           {base}/api/2026-10-01/resources/employees/employees")
    if not no_control:
        guard = " (Authorization: Bearer <control token>)" if token else " (loopback callers only)"
        typer.echo(f"  Control API:        {base}/_emulator/stats{guard}")
    uvicorn.run(emulator, host=host, port=port, log_level="warning")
