"""The API's routes, one module per resource, each adding its routes to the app's router."""

from __future__ import annotations

from fastapi import APIRouter

from linkyard.api.routes import (
    accounts,
    actions,
    connect_sessions,
    connector_profiles,
    connectors,
    health,
    hub,
    inbound,
    proxy,
    request_logs,
    tool_feedback,
    unified_ats,
    unified_ats_scorecards,
    unified_hris,
    unified_hris_documents,
    unified_hris_people,
    unified_hris_records,
    unified_hris_time_off,
    unified_unsupported,
    webhooks,
)


def add_api_routes(routes: APIRouter) -> None:
    for resource in (
        health,
        connectors,
        connector_profiles,
        connect_sessions,
        accounts,
        actions,
        proxy,
        request_logs,
        unified_hris,
        unified_hris_records,
        unified_hris_documents,
        unified_hris_time_off,
        unified_ats,
        unified_ats_scorecards,
        tool_feedback,
        unified_hris_people,
        hub,
        webhooks,
        inbound,
    ):
        resource.add_routes(routes)
    # Last, outside the list: StackOne's unified operations that none of the routes above serves answer "not
    # supported by this provider". Whatever a resource module adds to the list is served before it.
    unified_unsupported.add_routes(routes)
