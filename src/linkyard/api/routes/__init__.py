"""The API's routes, one module per resource, each adding its routes to the app's router."""

from __future__ import annotations

from fastapi import APIRouter

from linkyard.api.routes import accounts, actions, connect_sessions, connector_profiles, connectors, health


def add_api_routes(routes: APIRouter) -> None:
    for resource in (health, connectors, connector_profiles, connect_sessions, accounts, actions):
        resource.add_routes(routes)
