"""Every documented operation of the unofficial `factorialhr` 7.0.0 against the emulator, in-process over ASGI.

`factorialhr` speaks API 2026-04-01 (integer ids, offset pages fetched concurrently) and validates answers with
pydantic. Each case calls one operation with ids found by listing and, for writes, a body built from the
official client's request model (where the two clients disagree, the emulator follows the official one).
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import factorialhr
import httpx
import pydantic
import pytest
import pytest_asyncio
from factorial_api_client.generated.client import AuthenticatedClient
from factorialhr._client import Endpoint as SdkEndpoint
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from linkyard.emulator.factorial import create_app
from linkyard.factorial_facts import Endpoint, load_facts
from tests.emulator.official_calls import OfficialCaller

BASE = "http://factorial.test"
_LINK = re.compile(r"reference/([a-z0-9_\-]+)>")


@dataclass(frozen=True)
class Operation:
    """One documented operation of `factorialhr`: the endpoint class and method that call it."""

    link: str
    endpoint_class: type[SdkEndpoint]
    method: str

    @property
    def name(self) -> str:
        return f"{self.endpoint_class.__name__}.{self.method}"


def _operations() -> list[Operation]:
    """One method per documented operation (`all` for a list: it pages through every offset page)."""
    found: dict[str, Operation] = {}
    classes = [
        value
        for value in vars(factorialhr).values()
        if isinstance(value, type) and issubclass(value, SdkEndpoint) and value is not SdkEndpoint
    ]
    for endpoint_class in sorted(classes, key=lambda cls: cls.__name__):
        for method, function in inspect.getmembers(endpoint_class, inspect.iscoroutinefunction):
            match = _LINK.search(function.__doc__ or "")
            if method.startswith("_") or match is None:
                continue
            found.setdefault(match.group(1), Operation(match.group(1), endpoint_class, method))
    return sorted(found.values(), key=lambda operation: operation.link)


def _key(method: str, path: str) -> str:
    """`GET /api/<v>/resources/teams/memberships/{id}` -> `get_teams-memberships-id`, as the SDK's links read."""
    tail = path.split("/resources/", 1)[1]
    return f"{method.lower()}_" + re.sub(r"[/_]", "-", tail.replace("{", "").replace("}", ""))


def _facts_by_link() -> dict[str, Endpoint]:
    return {_key(endpoint.method, endpoint.path): endpoint for endpoint in load_facts().endpoints}


def _link_key(link: str) -> str:
    method, _, rest = link.partition("_api-")
    return f"{method}_" + rest.split("-resources-", 1)[1].replace("_", "-")


OPERATIONS = _operations()
FACTS = _facts_by_link()
MEASURED_FLOOR = 335
"""Operations that answer and parse (measured; see docs/emulator.md for the causes of the others)."""


@dataclass
class World:
    ids: OfficialCaller  # finds ids and builds bodies from the official client's models
    api: factorialhr.ApiClient


def _receiver() -> Starlette:
    async def receive(_: Request) -> Response:
        return Response(status_code=204)

    return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world() -> AsyncIterator[World]:
    app = create_app(seed=6, employees=30, webhook_transport=httpx.ASGITransport(app=_receiver()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        settings = await http.put("/_emulator/settings", json={"rate_limit_post_per_minute": None})
        assert settings.status_code == 200, settings.text
        company = (await http.get("/_emulator/companies")).json()[0]
        key = (await http.post("/_emulator/api_keys", json={"company_id": company["id"]})).json()["api_key"]
    official = AuthenticatedClient(base_url=BASE, token=key, prefix="", auth_header_name="x-api-key")
    official_http = httpx.AsyncClient(transport=transport, base_url=BASE, headers={"x-api-key": key})
    official.set_async_httpx_client(official_http)
    async with (
        official_http,
        factorialhr.ApiClient(BASE, auth=factorialhr.ApiKeyAuth(key), transport=transport) as api,
    ):
        yield World(OfficialCaller(load_facts(), official), api)
    await app.state.webhooks.aclose()


async def _call(world: World, operation: Operation) -> Any:
    endpoint = FACTS[_link_key(operation.link)]
    method: Callable[..., Any] = getattr(operation.endpoint_class(world.api), operation.method)
    arguments: list[Any] = []
    for argument in inspect.signature(method).parameters.values():
        if argument.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            continue
        if argument.name == "data":
            body = (
                await world.ids.body(endpoint, load_facts().model(endpoint.body.model))
                if endpoint.body
                else {}
            )
            arguments.append(body)
        else:
            arguments.append(int(await world.ids.target_id(endpoint)))
    query = {}
    for parameter in endpoint.query_parameters:
        if parameter.required:
            value = await world.ids.field_value(endpoint.area, parameter, 0)
            query[parameter.name] = _plain(value)
    return await method(*arguments, params=query) if query else await method(*arguments)


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    return value


async def _outcome(world: World, operation: Operation) -> str:
    """ "answered" when the call answers 2xx and the SDK's models take the answer, else why not."""
    if _link_key(operation.link) not in FACTS:
        return "not in the official client"
    try:
        answer = await _call(world, operation)
        if isinstance(answer, factorialhr.ListApiResponse):
            list(answer.data())
    except httpx.HTTPStatusError as error:
        return f"HTTP {error.response.status_code}"
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        return f"the SDK's model refuses {first['type']} {first['loc'][-1:]}"
    except KeyError as error:
        return f"the SDK expects the key {error}"
    except TypeError:
        return "the SDK cannot send the body as JSON"
    return "answered"


@pytest.mark.asyncio(loop_scope="module")
async def test_factorialhr_answers_and_parses_on_its_documented_operations(world: World) -> None:
    outcomes = {operation.name: await _outcome(world, operation) for operation in OPERATIONS}
    answered = sum(outcome == "answered" for outcome in outcomes.values())
    shared = [name for name, outcome in outcomes.items() if outcome != "not in the official client"]
    causes = Counter(outcome for outcome in outcomes.values() if outcome != "answered")
    report = (
        f"{answered} of {len(OPERATIONS)} answered; {len(shared)} in both clients; {causes.most_common(12)}"
    )
    print(report)
    assert answered >= MEASURED_FLOOR, report


def test_every_documented_operation_is_counted() -> None:
    assert len(OPERATIONS) == 587
    absent = [operation for operation in OPERATIONS if _link_key(operation.link) not in FACTS]
    assert len(absent) == 43  # documented for API 2026-04-01, gone from the official client's 2026-10-01
