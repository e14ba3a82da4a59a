"""`linkyard demo`: the whole integration journey against the sandbox, in one command, through the HTTP API.

Create an OAuth application in the emulator, create the connector profile, open a connect session and follow
its link through the real redirects, then call `factorialhr_get_credentials`. Against the sandbox that
`linkyard up --sandbox` runs, or, when none is running, self-contained: the emulator and the API in this
process, with a throwaway SQLite store (the emulator on a loopback port, which the platform calls as it calls
Factorial; the demo's own requests go in over `httpx.ASGITransport`).
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import typer

from linkyard.cli.emulator import CONTROL_TOKEN_VARIABLE
from linkyard.cli.output import CommandFailed, console, print_json
from linkyard.cli.runtime import json_option, run

if TYPE_CHECKING:
    import httpx

# What the demo needs (httpx, the sandbox helpers and, through them, the store) is imported where it runs:
# `linkyard --help` and every other command import this module to learn its options.

IN_PROCESS_API = "http://linkyard.test"
IN_PROCESS_EMULATOR = "http://factorial.test"
_IN_PROCESS_EMPLOYEES = 25


@dataclass(frozen=True, slots=True, kw_only=True)
class Sandbox:
    """Where the demo runs: the API, its key, the emulator, and the HTTP client that reaches them."""

    client: httpx.AsyncClient
    api_url: str
    api_key: str
    emulator_url: str
    redirect_uri: str
    mode: str
    emulator_control_token: str | None = None

    def __repr__(self) -> str:
        return f"Sandbox(api_url={self.api_url!r}, mode={self.mode!r})"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoResult:
    mode: str
    api_url: str
    application: dict[str, Any]
    profile: dict[str, Any]
    account: dict[str, Any]
    credential: Any


def demo(
    api_url: str | None = typer.Option(
        None, "--api-url", help="A running `linkyard up --sandbox` (default: from .linkyard/sandbox.json)."
    ),
    api_key: str | None = typer.Option(
        None,
        "--api-key",
        envvar="LINKYARD_API_KEY",
        help="Its API key (default: from .linkyard/sandbox.json).",
    ),
    emulator_url: str | None = typer.Option(
        None, "--emulator-url", help="Its Factorial emulator (default: from .linkyard/sandbox.json)."
    ),
    emulator_control_token: str | None = typer.Option(
        None,
        "--emulator-control-token",
        envvar=CONTROL_TOKEN_VARIABLE,
        help="The emulator's control API token, if it has one (default: from .linkyard/sandbox.json).",
    ),
    in_process: bool = typer.Option(
        False, "--in-process", help="Run self-contained even when a sandbox is running."
    ),
    as_json: bool = json_option(),
) -> None:
    """Link a Factorial account through the real OAuth redirects and call it, then print a summary."""

    async def work() -> DemoResult:
        async with AsyncExitStack() as stack:
            sandbox = None
            if not in_process:
                sandbox = await _running_sandbox(
                    stack, api_url, api_key, emulator_url, emulator_control_token
                )
            if sandbox is None:
                if not as_json:
                    console(stderr=True).print(
                        "No running sandbox found (start one with `make run`): running self-contained.",
                        style="dim",
                    )
                sandbox = await stack.enter_async_context(in_process_sandbox())
            return await walk(sandbox)

    result = run(work)
    if as_json:
        print_json(
            {
                "mode": result.mode,
                "profile": result.profile,
                "account": result.account,
                "credential": result.credential,
            }
        )
        return
    print_summary(result)


async def walk(sandbox: Sandbox) -> DemoResult:
    """The integration journey itself, through the public HTTP API only."""
    from linkyard.cli.connect_flow import follow_connect_link
    from linkyard.cli.sandbox import (
        CONNECTOR,
        create_emulator_application,
        emulator_admin_email,
        sandbox_scopes,
    )

    client = sandbox.client
    tag = secrets.token_hex(3)
    application = await create_emulator_application(
        client,
        sandbox.emulator_url,
        name=f"Linkyard demo {tag}",
        redirect_uri=sandbox.redirect_uri,
        scopes=sandbox_scopes(),
        control_token=sandbox.emulator_control_token,
    )
    admin_email = await emulator_admin_email(
        client, sandbox.emulator_url, control_token=sandbox.emulator_control_token
    )
    api = _Api(client, sandbox.api_url, sandbox.api_key)
    profile = await api.call(
        "POST",
        "/connector_profiles",
        201,
        json={
            "connector": CONNECTOR,
            "label": f"Demo {tag}",
            "auth_type": "oauth2",
            "environment": "sandbox",
            "client_id": application["client_id"],
            "client_secret": application["client_secret"],
            "scopes": application["scopes"],
            "token_type": "user",
        },
    )
    owner_id = f"demo-{tag}"
    session = await api.call(
        "POST",
        "/connect_sessions",
        201,
        json={
            "origin_owner_id": owner_id,
            "origin_owner_name": "Demo customer",
            "provider": CONNECTOR,
            "integration_id": profile["id"],
        },
    )
    flow = await follow_connect_link(client, session["auth_link_url"], login_email=admin_email)
    account_id = flow.account_id
    if account_id is None:
        linked = await api.call("GET", "/accounts", 200, params={"origin_owner_id": owner_id})
        matching = [item for item in linked if item.get("integration_id") == profile["id"]]
        if not matching:
            raise CommandFailed("the connect flow finished but no account was linked")
        account_id = matching[0]["id"]
    account = await api.call("GET", f"/accounts/{account_id}", 200)
    answer = await api.call(
        "POST",
        "/actions/rpc",
        200,
        json={"action": "factorialhr_get_credentials", "path": {}, "query": {}, "body": {}},
        headers={"x-account-id": account_id},
    )
    application = {k: v for k, v in application.items() if k != "client_secret"}
    return DemoResult(
        mode=sandbox.mode,
        api_url=sandbox.api_url,
        application=application,
        profile=profile,
        account=account,
        credential=answer.get("data"),
    )


class _Api:
    """The platform API with the project's key (Basic auth, as StackOne's clients send it)."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, api_key: str) -> None:
        import httpx

        self._client = client
        self._base_url = base_url.rstrip("/")
        self._auth = httpx.BasicAuth(api_key, "")

    async def call(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        import httpx

        try:
            answer = await self._client.request(method, self._base_url + path, auth=self._auth, **kwargs)
        except httpx.HTTPError as exc:
            raise CommandFailed(f"{method} {path} failed: {type(exc).__name__}") from None
        if answer.status_code != expected:
            try:
                message = answer.json().get("message", "")
            except ValueError:
                message = ""
            raise CommandFailed(f"{method} {path} answered {answer.status_code}: {message}".rstrip(": "))
        return answer.json()


async def _running_sandbox(
    stack: AsyncExitStack,
    api_url: str | None,
    api_key: str | None,
    emulator_url: str | None,
    emulator_control_token: str | None,
) -> Sandbox | None:
    """The sandbox `linkyard up --sandbox` runs, if it answers; None to run self-contained."""
    import httpx

    from linkyard.cli.sandbox import CONNECTOR
    from linkyard.cli.sandbox_files import load_sandbox_info

    saved = load_sandbox_info()
    explicit = api_url is not None
    api_url = (api_url or (saved.api_url if saved else "")).rstrip("/")
    if not api_url:
        return None
    client = await stack.enter_async_context(httpx.AsyncClient(timeout=15.0, trust_env=False))
    try:
        healthy = (await client.get(f"{api_url}/healthz", timeout=2.0)).status_code == 200
    except httpx.HTTPError:
        healthy = False
    if not healthy:
        if explicit:
            raise CommandFailed(f"no Linkyard API answers on {api_url}")
        return None
    same = saved is not None and saved.api_url.rstrip("/") == api_url
    api_key = api_key or (saved.api_key if same and saved else None)
    emulator_url = emulator_url or (saved.emulator_url if same and saved else None)
    emulator_control_token = emulator_control_token or (
        saved.emulator_control_token if same and saved else None
    )
    if not api_key or not emulator_url:
        raise CommandFailed("give --api-key and --emulator-url for a sandbox that `linkyard up` did not save")
    redirect_uri = saved.redirect_uri if same and saved else f"{api_url}/connect/oauth2/{CONNECTOR}/callback"
    return Sandbox(
        client=client,
        api_url=api_url,
        api_key=api_key,
        emulator_url=emulator_url.rstrip("/"),
        redirect_uri=redirect_uri,
        mode="running sandbox",
        emulator_control_token=emulator_control_token,
    )


@asynccontextmanager
async def in_process_sandbox(directory: Path | None = None) -> AsyncIterator[Sandbox]:
    """The emulator and the API in this process, over ASGI, with a throwaway SQLite store and key."""
    import httpx

    from linkyard.api import create_app
    from linkyard.cli.sandbox import CONNECTOR
    from linkyard.config import load_settings
    from linkyard.emulator.factorial import create_app as create_emulator
    from linkyard.services.keys import generate_key_entry
    from linkyard.services.platform import open_storage
    from linkyard.services.projects import create_project

    async with AsyncExitStack() as stack:
        if directory is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="linkyard-demo-")))
        settings = load_settings(
            database_url=f"sqlite:///{directory / 'linkyard.db'}",
            encryption_keys=generate_key_entry("demo"),
            public_url=IN_PROCESS_API,
            sandbox_urls={"factorialhr": IN_PROCESS_EMULATOR},
        )
        emulator = create_emulator(seed=42, employees=_IN_PROCESS_EMPLOYEES)
        emulator_transport = httpx.ASGITransport(app=emulator)
        await stack.enter_async_context(emulator.router.lifespan_context(emulator))
        port = await stack.enter_async_context(_served_on_loopback(emulator))
        store = await stack.enter_async_context(open_storage(settings))
        created = await create_project(store, "Demo")
        pins = {urlsplit(IN_PROCESS_EMULATOR).hostname or "": ("127.0.0.1", port)}
        api = create_app(settings, store=store, provider_pins=pins)
        await stack.enter_async_context(api.router.lifespan_context(api))
        client = await stack.enter_async_context(
            httpx.AsyncClient(
                mounts={
                    IN_PROCESS_API: httpx.ASGITransport(app=api),
                    IN_PROCESS_EMULATOR: emulator_transport,
                },
                timeout=30.0,
            )
        )
        yield Sandbox(
            client=client,
            api_url=IN_PROCESS_API,
            api_key=created.api_key.raw,
            emulator_url=IN_PROCESS_EMULATOR,
            redirect_uri=settings.redirect_uri(CONNECTOR),
            mode="in-process",
        )


def print_summary(result: DemoResult) -> None:
    """The journey's outcome for people: the profile, the account, and what Factorial said about it."""
    import json

    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    from linkyard.cli.output import cell_text

    out = console()
    profile, account = result.profile, result.account
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows: list[tuple[str, Any]] = [
        ("Ran against", f"{result.mode} ({result.api_url})"),
        (
            "OAuth application",
            f"{result.application.get('name')} (client id {result.application.get('client_id')})",
        ),
        ("Connector profile", f"{profile['id']} ({profile.get('label')}, {profile.get('environment')})"),
        ("Redirect URI", profile.get("redirect_uri")),
        ("Scopes", profile.get("scopes")),
        ("Account", account["id"]),
        ("Status", f"[green]{account['status']}[/]" if account["status"] == "active" else account["status"]),
        ("Provider account", account.get("provider_account")),
        ("Granted scopes", account.get("scopes")),
    ]
    for name, value in rows:
        table.add_row(name, value if name == "Status" else escape(cell_text(value)))
    out.print(Panel(table, title="Linkyard demo: account linked", title_align="left", expand=False))
    credential = json.dumps(result.credential, indent=2, ensure_ascii=False)
    out.print(
        Panel(escape(credential), title="factorialhr_get_credentials", title_align="left", expand=False)
    )


@asynccontextmanager
async def _served_on_loopback(app: Any) -> AsyncIterator[int]:
    """`app` served by uvicorn on a free loopback port inside this event loop; yields the port."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # listening before uvicorn starts: an early client waits in the backlog
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[sock])
    try:
        yield int(sock.getsockname()[1])
    finally:
        await server.shutdown(sockets=[sock])
