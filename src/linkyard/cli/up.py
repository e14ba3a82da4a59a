"""`linkyard up`: serve the API; with `--sandbox`, also the Factorial emulator and a ready-made demo."""

from __future__ import annotations

import os
import secrets
from contextlib import ExitStack
from typing import TYPE_CHECKING

import typer

from linkyard.cli.output import USAGE, CommandFailed, console, fail, warn
from linkyard.cli.runtime import opened_platform, run

if TYPE_CHECKING:
    from linkyard.cli.child import EmulatorProcess
    from linkyard.cli.sandbox_files import SandboxInfo
    from linkyard.config import Settings

_ANY_INTERFACE = {"0.0.0.0", "::", ""}  # noqa: S104 - compared against, not bound


def up(
    sandbox: bool = typer.Option(
        False,
        "--sandbox",
        help="Also run the Factorial emulator on the next port, with a demo project, profile and connect link.",
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65534, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
) -> None:
    """Serve the Linkyard API (migrating the database first) until Ctrl-C."""
    from linkyard.cli.serve import serve
    from linkyard.config import load_settings
    from linkyard.errors import LinkyardError

    reachable = "127.0.0.1" if host in _ANY_INTERFACE else host
    api_url = f"http://{_bracketed(reachable)}:{port}"
    emulator_url = f"http://{_bracketed(reachable)}:{port + 1}"
    try:
        if sandbox:
            _use_sandbox_environment(emulator_url)
        # Workers are other processes: they read the settings from the environment prepared here.
        os.environ.setdefault("LINKYARD_PUBLIC_URL", api_url)
        generated_admin_token = not os.environ.get("LINKYARD_ADMIN_TOKEN", "").strip()
        if generated_admin_token:
            # A fresh admin token each start, printed below; one the operator set is never printed.
            os.environ["LINKYARD_ADMIN_TOKEN"] = secrets.token_urlsafe(32)
        settings = load_settings()
        if settings.encryption_keys is None:
            raise CommandFailed(
                "no encryption key configured: set LINKYARD_ENCRYPTION_KEYS (create one with "
                "`linkyard keys generate`), or run `linkyard up --sandbox` for a development key",
                exit_code=USAGE,
            )
    except (LinkyardError, CommandFailed) as error:
        fail(error)

    with ExitStack() as stack:
        info = None
        if sandbox:
            from linkyard.cli.child import EmulatorProcess

            emulator = stack.enter_context(
                EmulatorProcess(
                    host=host, port=port + 1, url=emulator_url, control_token=_emulator_control_token(host)
                )
            )
            info = run(lambda: _prepare(api_url, emulator))
        else:
            run(lambda: _prepare(api_url, None))
        _print_banner(settings, api_url, info, workers, show_admin_token=generated_admin_token)
        _stop_on_sigterm()
        serve(host=host, port=port, workers=workers, log_level=settings.log_level)


def _stop_on_sigterm() -> None:
    """SIGTERM (`kill`, `docker stop`, systemd) stops `up` as Ctrl-C does, emulator included.

    uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the handler it found. Python's
    default handler would end the process there, before the `with` block could stop the emulator child; this
    one unwinds the stack instead, with the conventional exit status.
    """
    import signal

    def unwind(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, unwind)


def _emulator_control_token(host: str) -> str | None:
    """The emulator's control API token: the operator's, else a fresh one when the emulator listens on more than
    loopback (its control API mints API keys and shows client secrets), else none, as on a developer's machine."""
    from linkyard.cli.emulator import CONTROL_TOKEN_VARIABLE
    from linkyard.emulator.factorial import is_loopback

    configured = os.environ.get(CONTROL_TOKEN_VARIABLE, "").strip()
    if configured:
        return configured
    return None if is_loopback(host) else secrets.token_urlsafe(32)


def _use_sandbox_environment(emulator_url: str) -> None:
    """The development key (created once, with a warning), the emulator's URL, and webhooks that may reach a
    receiver on this machine over plain http (unless set otherwise), for this process and workers."""
    from linkyard.cli.sandbox_files import DEV_KEY_FILE, SANDBOX_DIR, ensure_dev_key

    os.environ["LINKYARD_SANDBOX_FACTORIALHR_URL"] = emulator_url
    os.environ.setdefault("LINKYARD_WEBHOOK_ALLOW_HTTP", "true")
    os.environ.setdefault("LINKYARD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true")
    if os.environ.get("LINKYARD_ENCRYPTION_KEYS", "").strip():
        return
    entry, created = ensure_dev_key(SANDBOX_DIR)
    os.environ["LINKYARD_ENCRYPTION_KEYS"] = entry
    path = SANDBOX_DIR / DEV_KEY_FILE
    if created:
        warn(
            f"created {path}, an encryption key for DEVELOPMENT ONLY (it sits next to the database it "
            "protects). In production set LINKYARD_ENCRYPTION_KEYS from `linkyard keys generate`."
        )
    else:
        warn(f"using the development encryption key in {path} (LINKYARD_ENCRYPTION_KEYS is not set)")


async def _prepare(api_url: str, emulator: EmulatorProcess | None) -> SandboxInfo | None:
    """Migrate the database (once, before any worker starts) and, in the sandbox, set up the demo."""
    import asyncio

    from linkyard.cli.sandbox import prepare_sandbox
    from linkyard.cli.sandbox_files import save_sandbox_info

    async with opened_platform() as platform:
        if emulator is None:
            return None
        await asyncio.to_thread(emulator.wait_ready)
        info = await prepare_sandbox(
            platform,
            api_url=api_url,
            emulator_url=emulator.url,
            emulator_control_token=emulator.control_token,
        )
    save_sandbox_info(info)
    return info


def _print_banner(
    settings: Settings, api_url: str, info: SandboxInfo | None, workers: int, *, show_admin_token: bool
) -> None:
    from rich.markup import escape

    out = console()

    def line(text: str) -> None:
        # Soft wrap: a long link stays one line for the terminal to wrap, so it copies and clicks whole.
        out.print(text, soft_wrap=True)

    line(f"[bold]Linkyard[/] API on {escape(api_url)} ({workers} worker{'s' if workers > 1 else ''})")
    line(f"  Dashboard:    [bold]{escape(settings.public_url)}/[/]")
    if show_admin_token and settings.admin_token is not None:
        token = settings.admin_token.get_secret_value()
        line(f"  Admin token:  [bold]{escape(token)}[/]  (sign in to the dashboard; new at each start)")
    else:
        line("  Admin token:  the one in LINKYARD_ADMIN_TOKEN")
    if info is None:
        line(f"  Public URL:   {escape(settings.public_url)}")
        line("Press Ctrl-C to stop.")
        return
    line(f"  API key:      [bold]{escape(info.api_key)}[/]  (project Demo, {info.project_id})")
    line(
        f"  Emulator:     {escape(info.emulator_url)}  (Factorial HR; sign in as {escape(info.admin_email)})"
    )
    if info.emulator_control_token:
        line("  Emulator control API: bearer token required (in .linkyard/sandbox.json for `linkyard demo`)")
    line(f"  Connect link: [bold]{escape(info.connect_link)}[/]")
    line("Open the connect link in a browser to link the emulator's Factorial account, then call it:")
    line(f"  curl -u {escape(info.api_key)}: {escape(api_url)}/accounts")
    line("Or run `linkyard demo` in another terminal (it reads .linkyard/sandbox.json). Ctrl-C stops both.")


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host
