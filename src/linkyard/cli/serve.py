"""The API app as uvicorn builds it in each worker of `linkyard up`: from the LINKYARD_* environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

APP_FACTORY = "linkyard.cli.serve:app_from_environment"


def app_from_environment() -> FastAPI:
    """uvicorn's app factory (`factory=True`): settings come from the environment `linkyard up` prepared,
    which worker processes inherit; each worker opens its own store."""
    from linkyard.api import create_app
    from linkyard.config import load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def configure_logging(level: str) -> None:
    """Linkyard's own log lines on stderr at the operator's level (uvicorn configures its own loggers)."""
    import logging

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s")
        )
        root.addHandler(handler)
    root.setLevel(level)
    if level != "DEBUG":
        # Alembic announces every (empty) migration run at INFO, in every worker.
        logging.getLogger("alembic").setLevel(logging.WARNING)


def serve(*, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve until Ctrl-C; `workers` > 1 runs uvicorn's supervisor over that many worker processes."""
    import uvicorn

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.lower(),
        # The access log would print connect tokens, codes and states from query strings.
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
