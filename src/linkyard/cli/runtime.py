"""How a command runs: settings from the environment, the store opened (and migrated), errors reported."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from linkyard.cli.output import CommandFailed, fail
from linkyard.errors import LinkyardError

if TYPE_CHECKING:
    import httpx

    from linkyard.config import Settings
    from linkyard.domain import Project
    from linkyard.services.platform import Platform, Store

T = TypeVar("T")

PROJECT_ENV = "LINKYARD_PROJECT"


def run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a command's coroutine; a platform error becomes a one-line message and a non-zero exit."""
    import asyncio

    try:
        return asyncio.run(work())
    except (LinkyardError, CommandFailed) as error:
        fail(error)
    except Exception as error:
        # httpx is imported here, not above: most commands never load it, and `--help` must not pay for it.
        import httpx

        if isinstance(error, httpx.HTTPError):
            fail(CommandFailed(f"{_where(error)} did not answer ({type(error).__name__})"))
        raise


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
    from linkyard.services.platform import open_storage

    settings = load_settings()
    async with open_storage(settings) as store:
        yield settings, store


@asynccontextmanager
async def opened_platform() -> AsyncIterator[Platform]:
    """What the services need (store, settings, provider client, token keeper, guards), from `open_platform`
    as the API's lifespan builds it. A one-off command does not follow other processes' changes."""
    from linkyard.config import load_settings
    from linkyard.oauth import quiet_http_loggers
    from linkyard.services.platform import open_platform

    quiet_http_loggers()
    async with open_platform(load_settings(), follow_changes=False) as platform:
        yield platform


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
