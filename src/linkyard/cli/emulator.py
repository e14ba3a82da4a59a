"""`linkyard emulator factorial`: serve the Factorial HR emulator."""

from __future__ import annotations

import typer

app = typer.Typer(help="Local stand-ins for providers, for tests, demos and offline work.")


@app.command("factorial")
def emulator_factorial(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8001, help="Port to listen on."),
    seed: int = typer.Option(42, help="Seed for the generated company data."),
    employees: int = typer.Option(100, min=1, max=100_000, help="Employees in the seeded company."),
    no_control: bool = typer.Option(False, "--no-control", help="Serve without the /_emulator/ control API."),
) -> None:
    """Serve the Factorial HR emulator: OAuth server, REST API and OAuth applications pages."""
    import uvicorn

    from linkyard.emulator.factorial import create_app

    emulator = create_app(seed=seed, employees=employees, control=not no_control)
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
        typer.echo(f"  Control API:        {base}/_emulator/stats")
    uvicorn.run(emulator, host=host, port=port, log_level="warning")
