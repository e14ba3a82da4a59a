"""The emulator's ASGI app factory: one world, composed from the OAuth, page, REST and control routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware

from .control import control_routes
from .control_access import check_exposure
from .oauth import oauth_routes
from .pages import page_routes
from .rest import rest_routes
from .seed import seed_world
from .state import Clock, World
from .traffic import TrafficMiddleware
from .webhooks import WebhookDispatcher


def create_app(
    *,
    seed: int = 42,
    employees: int = 100,
    control: bool = True,
    control_token: str | None = None,
    host: str | None = None,
    clock: Clock | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """A fresh emulated Factorial with one seeded company.

    `clock` lets a test own time; `webhook_transport` lets webhook deliveries reach an in-process receiver.
    The `/_emulator/` control API is unauthenticated unless `control_token` is given (then every call needs it
    as a bearer token); without a token it answers only loopback callers, and `host`, the address the app will
    be served on when the caller knows it, must be a loopback one (`ControlExposed` otherwise).
    `control=False` removes the control API altogether.
    """
    check_exposure(host, control=control, control_token=control_token)
    world = World(clock=clock)
    seed_world(world, seed=seed, employees=employees)
    webhooks = WebhookDispatcher(world, transport=webhook_transport)
    routes = [*oauth_routes(world), *page_routes(world), *rest_routes(world, webhooks)]
    if control:
        routes += control_routes(world, webhooks, seed=seed, employees=employees, token=control_token)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await webhooks.aclose()

    app = Starlette(routes=routes, middleware=[Middleware(TrafficMiddleware, world=world)], lifespan=lifespan)
    app.state.world = world
    app.state.webhooks = webhooks
    return app
