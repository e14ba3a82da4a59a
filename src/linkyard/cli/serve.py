"""The API app as uvicorn builds it in each worker of `linkyard up`: from the LINKYARD_* environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp  # the app's own type is FastAPI's, which stays in api/ and web/

APP_FACTORY = "linkyard.cli.serve:app_from_environment"


def app_from_environment() -> ASGIApp:
    """uvicorn's app factory (`factory=True`): settings come from the environment `linkyard up` prepared,
    which worker processes inherit; each worker opens its own store."""
    from linkyard.api import create_app
    from linkyard.config import load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Move what the process holds after start-up (modules, classes, pydantic schemas, the app: some 160,000
    objects, alive until exit) out of the garbage collector's reach.

    A full collection then scans only what requests create: about 2 ms instead of about 110 ms, a pause that
    struck every few seconds under 32 concurrent calls and made their p99 (docs/benchmarks.md). Collecting
    first keeps start-up's own garbage from being frozen with it.
    """
    import gc

    gc.collect()
    gc.freeze()


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
