"""How a command runs: settings from the environment, the store opened (and migrated), errors reported."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import typer

from linkyard.cli.output import CommandFailed, fail
from linkyard.errors import LinkyardError

if TYPE_CHECKING:
    from linkyard.config import Settings
    from linkyard.domain import Project
    from linkyard.services.platform import Platform
    from linkyard.store import Store

T = TypeVar("T")

PROJECT_ENV = "LINKYARD_PROJECT"


def run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a command's coroutine; a platform error becomes a one-line message and a non-zero exit."""
    try:
        return asyncio.run(work())
    except (LinkyardError, CommandFailed) as error:
        fail(error)
    except httpx.HTTPError as error:
        fail(CommandFailed(f"{_where(error)} did not answer ({type(error).__name__})"))


def _where(error: httpx.HTTPError) -> str:
    """The origin a failed request went to: never its path or query (links carry tokens)."""
    try:
        url = error.request.url
    except RuntimeError:
        return "a server"
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


@asynccontextmanager
async def opened_store() -> AsyncIterator[tuple[Settings, Store]]:
    """The operator's settings and their store, migrated to the latest schema; closed on exit."""
    from linkyard.config import load_settings
    from linkyard.store import open_store

    settings = load_settings()
    store = await open_store(settings)
    try:
        yield settings, store
    finally:
        await store.close()


@asynccontextmanager
async def opened_platform() -> AsyncIterator[Platform]:
    """What the services need (store, settings, provider client, token keeper), built as the API builds it."""
    from linkyard.domain import utc_now
    from linkyard.oauth import TokenKeeper, quiet_http_loggers
    from linkyard.services import Platform, sandbox_url
    from linkyard.services.platform import Guards, provider_client

    quiet_http_loggers()
    async with opened_store() as (settings, store), provider_client(settings, clock=utc_now) as provider:
        keeper = TokenKeeper(store, provider, utc_now, sandbox_url=sandbox_url(settings, "factorialhr"))
        try:
            yield Platform(
                store=store,
                settings=settings,
                provider=provider,
                keeper=keeper,
                clock=utc_now,
                guards=Guards.from_settings(settings),
            )
        finally:
            await keeper.aclose()


async def find_project(platform: Platform, project_id: str) -> Project:
    return await platform.store.projects.get(project_id)


def project_option() -> Any:
    """`--project ID`, read from LINKYARD_PROJECT when absent."""
    return typer.Option(
        ...,
        "--project",
        envvar=PROJECT_ENV,
        show_envvar=True,
        help="The project to act on (its id, prj_...).",
    )


def json_option() -> Any:
    return typer.Option(False, "--json", help="Print JSON instead of a table.")
