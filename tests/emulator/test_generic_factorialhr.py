"""Every documented operation of the unofficial `factorialhr` 7.0.0 against the emulator, in-process over ASGI.

`factorialhr` speaks API 2026-04-01 (integer ids, offset pages fetched concurrently) and validates answers with
pydantic. Each case calls one operation with ids found by listing and, for writes, a body built from the
official client's request model (where the two clients disagree, the emulator follows the official one). An
operation that does not parse must show a contradiction with the official client's facts, checked here, or be one
of the official client's own known gaps; the contradictions are listed in docs/emulator-factorialhr-contradictions.md.
"""

from __future__ import annotations

import inspect
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
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
from linkyard.factorial_facts import Endpoint, Field, load_facts
from tests.emulator.official_calls import OfficialCaller, steady_clock

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
DOC = Path(__file__).resolve().parents[2] / "docs" / "emulator-factorialhr-contradictions.md"
DOC_START = "<!-- contradictions: tests/emulator/test_generic_factorialhr.py -->\n"
DOC_END = "<!-- end of contradictions -->"
ANSWERED = "answered"
KNOWN_GAPS = {
    "ApplicationsEndpoint.create": "HTTP 422: the hand-written semantics refuse a second application of the same "
    "candidate to the same posting (the body names the first of each), as in test_generic_official.py",
    "PlannedBreakEndpoint.get_by_id": "HTTP 404: the list requires `ids[]`, so a client cannot find an id to get, "
    "as in test_generic_official.py",
}
"""Operations that neither parse nor contradict the official client, and why (the official client fails them too)."""


@dataclass(frozen=True)
class Outcome:
    """What one operation did: answered and parsed, or the contradiction with the official client that explains
    why not (`category` empty when the cause is not one: an emulator bug)."""

    category: str
    evidence: str

    @property
    def verified(self) -> bool:
        return bool(self.category) and self.category != ANSWERED


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
    app = create_app(
        seed=6, employees=30, clock=steady_clock(), webhook_transport=httpx.ASGITransport(app=_receiver())
    )
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
            target = int(await world.ids.target_id(endpoint))
            arguments.append([target] if "Sequence" in str(argument.annotation) else target)
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


async def _outcome(world: World, operation: Operation) -> Outcome:
    """Call one operation; when it does not answer and parse, find the contradiction with the official client."""
    key = _link_key(operation.link)
    if key not in FACTS:
        return Outcome("absent", "no such operation in endpoints.json (the official client)")
    endpoint = FACTS[key]
    try:
        answer = await _call(world, operation)
        if isinstance(answer, factorialhr.ListApiResponse):
            list(answer.data())
    except httpx.HTTPStatusError as error:
        return _refused_body(endpoint, f"HTTP {error.response.status_code} {error.response.text[:300]}")
    except TypeError as error:
        return _refused_body(endpoint, f"factorialhr cannot send the body as JSON ({error})")
    except KeyError as error:
        return _envelope(endpoint, error)
    except pydantic.ValidationError as error:
        return _field_contradictions(endpoint, error)
    return Outcome(ANSWERED, "")


def _refused_body(endpoint: Endpoint, cause: str) -> Outcome:
    if endpoint.body is not None and endpoint.body.content_type == "multipart/form-data":
        return Outcome(
            "multipart body", f"official body {endpoint.body.model} is multipart/form-data; {cause}"
        )
    return Outcome("", cause)


def _envelope(endpoint: Endpoint, error: KeyError) -> Outcome:
    model = endpoint.response.model
    if error.args == ("data",) and model is not None and load_facts().model(model).field("data") is None:
        return Outcome("bare object", f"official answer {model} has no `data`; factorialhr reads `data`")
    return Outcome("", f"factorialhr expects the key {error}")


def _row_model(endpoint: Endpoint) -> str | None:
    """The official model of one object of the answer (a list's `data` items, else the answer itself)."""
    model = endpoint.response.model
    if model is not None and endpoint.kind == "list":
        data = load_facts().model(model).field("data")
        return data.model if data is not None else None
    return model


def _official_field(model: str | None, loc: tuple[int | str, ...]) -> Field | None:
    found: Field | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        found = load_facts().model(model).field(part)
        if found is None:
            return None
        model = found.model
    return found


# What factorialhr's model expects when pydantic refuses a value with this error type.
_EXPECTS = {
    "sequence_str": "list of text",
    "dict_type": "object",
    "model_type": "object",
    "bool_parsing": "boolean",
    "bool_type": "boolean",
    "date_from_datetime_inexact": "date",
    "date_from_datetime_parsing": "date",
    "datetime_from_date_parsing": "datetime",
    "float_parsing": "number",
    "int_parsing": "integer",
    "int_from_float": "integer",
}
_OFFICIAL_MATCHES = {"boolean": ("boolean",), "number": ("number", "integer"), "integer": ("integer",)}


def _field_contradictions(endpoint: Endpoint, error: pydantic.ValidationError) -> Outcome:
    """Each refused field, verified against the official model; one unverified field makes it a bug."""
    row = _row_model(endpoint)
    evidence: list[str] = []
    categories: list[str] = []
    for problem in error.errors():
        loc = tuple(problem["loc"])
        name = ".".join(str(part) for part in loc if not isinstance(part, int)) or "(the answer)"
        official = _official_field(row, loc)
        category, detail = _verify(endpoint, problem, loc, official)
        if not category:
            return Outcome("", f"{error.title}.{name}: {problem['type']} {detail}")
        categories.append(category)
        evidence.append(f"`{name}` {detail}")
    return Outcome(
        ", ".join(dict.fromkeys(categories)), f"{error.title}: " + "; ".join(dict.fromkeys(evidence))
    )


def _verify(
    endpoint: Endpoint, problem: Any, loc: tuple[int | str, ...], official: Field | None
) -> tuple[str, str]:
    kind = problem["type"]
    value = problem["input"]
    if kind == "missing":
        if official is None:
            return "required field absent", "factorialhr requires it; not in the official model"
        if not official.required:
            return "required field optional", "factorialhr requires it; optional in the official model"
        return "", "required in both"
    if not loc:
        if kind == "model_type" and endpoint.response.array:
            return "type differs", "official answer is an array; factorialhr: object"
        return "", "the whole answer"
    if official is None:
        return "", "not in the official model"
    shape = f"{official.type}{'[]' if official.array else ''}"
    if kind == "string_type":
        name = str([part for part in loc if not isinstance(part, int)][-1])
        if official.type == "string" and type(value) is int and (name == "id" or name.endswith("_id")):
            return "id typed as text", "factorialhr: text; official: string from 2026-07-01, integer before"
        if official.type != "string":
            return "type differs", f"official: {shape}; factorialhr: text"
        return "", f"official: {shape}"
    if kind == "enum":
        expected = problem.get("ctx", {}).get("expected", "")
        if official.enum is None:
            return "text narrowed to an enum", f"official: text without enum; factorialhr: {expected}"
        if value in official.enum:
            return "enum differs", f"official: {'|'.join(official.enum)}; factorialhr: {expected}"
        return "", f"{value!r} outside the official enum"
    expects = _EXPECTS.get(kind)
    if expects is None:
        return "", f"official: {shape}"
    if expects == "list of text":
        matches = official.array and official.type == "string"
    elif expects == "object":
        matches = official.type == "object" and not official.array
    else:
        matches = official.type in _OFFICIAL_MATCHES.get(expects, ())
    if matches:
        return "", f"official: {shape}; factorialhr: {expects}"
    if shape == "string" and expects in ("date", "datetime"):
        return f"text narrowed to a {expects}", f"official: string; factorialhr: {expects}"
    return "type differs", f"official: {shape}; factorialhr: {expects}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def outcomes(world: World) -> dict[str, Outcome]:
    """Every operation called once; the tests below share the results."""
    return {operation.name: await _outcome(world, operation) for operation in OPERATIONS}


def test_every_documented_operation_is_counted() -> None:
    assert len(OPERATIONS) == 587
    absent = [operation for operation in OPERATIONS if _link_key(operation.link) not in FACTS]
    assert len(absent) == 43  # documented for API 2026-04-01, gone from the official client's 2026-10-01


@pytest.mark.asyncio(loop_scope="module")
async def test_factorialhr_parses_every_operation_that_does_not_contradict_the_official_client(
    outcomes: dict[str, Outcome],
) -> None:
    answered = [name for name, outcome in outcomes.items() if outcome.category == ANSWERED]
    contradicting = {name: outcome for name, outcome in outcomes.items() if outcome.verified}
    unexplained = {name: outcome.evidence for name, outcome in outcomes.items() if not outcome.category}
    consistent = len(outcomes) - len(contradicting)
    causes = Counter(
        category for outcome in contradicting.values() for category in outcome.category.split(", ")
    )
    print(
        f"{len(answered)} of {len(outcomes)} answered and parsed; {len(contradicting)} contradict the official "
        f"client ({dict(causes.most_common())}); {len(answered)} of the {consistent} that do not contradict it "
        f"parse ({len(answered) / consistent:.1%}); known gaps: {unexplained}"
    )
    assert set(unexplained) == set(KNOWN_GAPS)
    assert len(answered) + len(contradicting) + len(KNOWN_GAPS) == len(OPERATIONS)
    assert len(answered) >= 0.9 * consistent


def _contradictions_table(outcomes: dict[str, Outcome]) -> str:
    rows = [
        f"| `{operation.link}` | `{operation.name}` | {outcomes[operation.name].category} | "
        f"{outcomes[operation.name].evidence.replace('|', '/')} |"
        for operation in OPERATIONS
        if outcomes[operation.name].verified
    ]
    return "\n".join(
        ["| operation | factorialhr method | contradiction | evidence |", "|---|---|---|---|", *rows]
    )


@pytest.mark.asyncio(loop_scope="module")
async def test_the_contradictions_doc_lists_exactly_the_classified_operations(
    outcomes: dict[str, Outcome],
) -> None:
    text = DOC.read_text()
    head, _, rest = text.partition(DOC_START)
    _, _, tail = rest.partition(DOC_END)
    expected = f"{head}{DOC_START}{_contradictions_table(outcomes)}\n{DOC_END}{tail}"
    if os.environ.get("LINKYARD_WRITE_CONTRADICTIONS") == "1":
        DOC.write_text(expected)
    assert text == expected, "regenerate with LINKYARD_WRITE_CONTRADICTIONS=1 and this test"
