"""The app factory: `create_app(settings)` composes routes, middleware and the error table; nothing at import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import cache

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from linkyard import __version__
from linkyard.api.bodies import KeyFirstRoute
from linkyard.api.errors import install_error_handlers, status_of
from linkyard.api.hub_cors import HubCors
from linkyard.api.mcp import McpEndpoint
from linkyard.api.middleware import (
    DEFAULT_MAX_BODY_BYTES,
    BodySizeLimit,
    QuotaHeaders,
    RequestLog,
    RequestRecorder,
)
from linkyard.api.routes import add_api_routes
from linkyard.api.routes import search as action_search
from linkyard.config import Settings
from linkyard.connectors import Connector
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.domain import Clock, utc_now
from linkyard.oauth import Refresher, quiet_http_loggers
from linkyard.services import Housekeeper, open_platform
from linkyard.services.platform import Store
from linkyard.services.provider_events import Subscriber
from linkyard.services.webhooks import Deliverer
from linkyard.web import add_connect_routes, add_dashboard_routes


@cache
def _api_routes() -> tuple[BaseRoute, ...]:
    """The API's routes, built once per process on first use: FastAPI builds a pydantic adapter for every
    parameter of its ~260 routes (about a second), and a route holds nothing of an app (each reads the platform
    from the request), so every app of the process shares them."""
    router = APIRouter(route_class=KeyFirstRoute)
    add_api_routes(router)
    return tuple(router.routes)


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    provider_pins: Mapping[str, tuple[str, int]] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    connectors: Sequence[Connector] = (),
) -> FastAPI:
    """The platform's ASGI app: the API, the hosted connect pages and `/healthz`.

    The lifespan opens the store when none is given (`open_store` migrates the database and refuses to start
    without a valid encryption key) and closes it again; it builds the one provider client and the token
    keeper, and runs background jobs: the keeper's refresher, the webhook deliverer and the event subscriber
    (`app.state.deliverer`, `app.state.subscriber`), the housekeeper (`app.state.housekeeper`)
    that deletes used OAuth states, old connect sessions and old request logs every
    `housekeeping_interval_seconds`, and the request log flusher (`RequestRecorder` records each call).
    `provider_pins` sends the connections for some provider host names elsewhere (tests pin the sandboxes'
    names to the emulators they serve on loopback; see `open_platform`);
    `clock` defaults to the store's, else the real one; `retry_policy` governs resending in
    `POST /actions/rpc` (tests give one with a fake clock and sleep); `connectors` join the built-in
    catalogue while the app runs (connectors declared outside Linkyard's package).
    """
    chosen_clock: Clock = clock or (store.clock if store is not None else utc_now)
    mcp = McpEndpoint(chosen_clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        quiet_http_loggers()
        async with open_platform(
            settings,
            store=store,
            clock=chosen_clock,
            provider_pins=provider_pins,
            connectors=connectors,
            error_status=status_of,
        ) as platform:
            app.state.platform = platform
            housekeeper = Housekeeper.from_settings(platform.store, settings)
            app.state.housekeeper = housekeeper
            deliverer = Deliverer.from_settings(platform.store, settings, platform.clock)
            app.state.deliverer = deliverer
            subscriber = Subscriber(platform)
            app.state.subscriber = subscriber
            # The request log flusher is entered first, so it leaves last: logs of calls still finishing are
            # written before the platform closes.
            async with (
                platform.request_logs,
                Refresher(platform.keeper),
                housekeeper,
                deliverer,
                subscriber,
                mcp.run(),
            ):
                yield

    app = FastAPI(
        title="Linkyard",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.retry_policy = retry_policy
    # Every route checks the API key before it reads a body, and bounds a JSON body (`KeyFirstRoute`).
    app.router.route_class = KeyFirstRoute
    # Routes are added to the app's own router (not included from sub-routers), so that `app.routes` lists
    # every route: the tenant-isolation test walks it.
    app.router.routes.extend(_api_routes())
    # Action search and MCP (`POST /actions/search`, `POST /mcp`): the MCP session manager runs in the lifespan.
    action_search.add_routes(app.router)
    mcp.add_routes(app.router)
    add_connect_routes(app.router)
    add_dashboard_routes(app, error_status=status_of)
    install_error_handlers(app, chosen_clock)
    app.add_middleware(QuotaHeaders)  # innermost: it reads what authentication left in the request's scope
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes, clock=chosen_clock)
    # Outside the body cap, so that the embedded connect UI can read a 413 too.
    app.add_middleware(HubCors, clock=chosen_clock)
    # Outside the body cap, so a refused body's call is recorded too (once its project is known).
    app.add_middleware(RequestRecorder, clock=chosen_clock)
    app.add_middleware(RequestLog)  # added last: outermost, so it sees every answer, 413s included
    return app
