"""Every endpoint of the official `factorial-api-client` 3.0.0 against the emulator, in-process over ASGI.

Each case calls one operation of the facts file with arguments and a body built from the client's own models
(ids found by listing first, as a user would) and expects a 2xx that parses into the client's model. One world
serves every case, in the facts' order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from factorial_api_client.generated.client import AuthenticatedClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from linkyard.emulator.factorial import create_app
from linkyard.factorial_facts import Endpoint, load_facts
from tests.emulator.official_calls import OfficialCaller, steady_clock

BASE = "http://factorial.test"
KNOWN_GAPS = {
    "post_api_2026_10_01_resources_ats_applications": "the hand-written semantics refuse a second application "
    "of the same candidate to the same posting (the body names the first of each)",
    "put_api_2026_10_01_resources_ats_applications_id": "the hand-written semantics refuse a phase of another "
    "job posting than the application's",
    "get_api_2026_10_01_resources_time_planning_planned_breaks_id": "the list requires `ids[]`, so a client "
    "cannot find an id to get",
}
ENDPOINTS = load_facts().endpoints


@dataclass
class World:
    caller: OfficialCaller
    http: httpx.AsyncClient


def _receiver() -> Starlette:
    """Where webhook deliveries go: a subscription made by a case must not reach out of the process."""

    async def receive(_: Request) -> Response:
        return Response(status_code=204)

    return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world() -> AsyncIterator[World]:
    app = create_app(
        seed=5, employees=30, clock=steady_clock(), webhook_transport=httpx.ASGITransport(app=_receiver())
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        settings = await http.put("/_emulator/settings", json={"rate_limit_post_per_minute": None})
        assert settings.status_code == 200, settings.text
        company = (await http.get("/_emulator/companies")).json()[0]
        key = (await http.post("/_emulator/api_keys", json={"company_id": company["id"]})).json()["api_key"]
        client = AuthenticatedClient(base_url=BASE, token=key, prefix="", auth_header_name="x-api-key")
        sdk_http = httpx.AsyncClient(transport=transport, base_url=BASE, headers={"x-api-key": key})
        client.set_async_httpx_client(sdk_http)
        async with sdk_http:
            yield World(OfficialCaller(load_facts(), client), http)
        await app.state.webhooks.aclose()


def _case(endpoint: Endpoint) -> object:
    gap = KNOWN_GAPS.get(endpoint.operation)
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(endpoint, id=endpoint.operation.removeprefix("api_2026_10_01_"), marks=marks)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("endpoint", [_case(endpoint) for endpoint in ENDPOINTS])
async def test_the_endpoint_answers_and_parses_into_the_official_model(
    world: World, endpoint: Endpoint
) -> None:
    response = await world.caller.call(endpoint)
    assert response.status_code == endpoint.response.status, response.content[:500]
    assert response.parsed is not None, response.content[:500]


def test_at_least_95_percent_of_the_official_endpoints_are_served() -> None:
    served = len(ENDPOINTS) - len(KNOWN_GAPS)
    assert len(ENDPOINTS) == 615
    assert set(KNOWN_GAPS) <= {endpoint.operation for endpoint in ENDPOINTS}
    assert served / len(ENDPOINTS) >= 0.95  # 612 of 615: 99.5%
