"""Request bodies within bounds: the API key is checked before a body is read, and a JSON body is parsed no
deeper than `MAX_JSON_DEPTH` levels, a malformed one refused with a 400 in the envelope, never a 500.

The size is capped before any of this, by `BodySizeLimit` (middleware.py). Depth needs its own bound: the
standard library's parser raises `RecursionError` somewhere near a thousand levels (where exactly depends on how
deep the stack already is), and the encoders down the line give up sooner (orjson at 255 levels, pydantic's
serializer on a response): a body an attacker nests a few hundred deep would be stored and then fail every read.
No real call nests anywhere near `MAX_JSON_DEPTH`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BeforeValidator

from linkyard.api.deps import authenticated_project
from linkyard.api.queries import declared_query_names, documented_query_names, refuse_unknown_query
from linkyard.errors import BadRequest

MAX_JSON_DEPTH = 64


def parse_json(raw: bytes) -> Any:
    """`raw` parsed by the standard library (which keeps integers beyond 64 bits exact), or `BadRequest`.

    Refused: text that is not JSON (truncated, invalid, not decodable), JSON nested deeper than
    `MAX_JSON_DEPTH`, and strings holding a lone surrogate (`"\\ud800"`: valid JSON text, but no UTF-8 encodes
    it, so the database and the JSON encoders would fail on it later).
    """
    try:
        value = json.loads(raw)
    except RecursionError:
        raise too_deep() from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an integer of more than 4,300 digits
        raise not_json() from None
    # Cheap bounds first: a body with no more brackets than the limit cannot nest deeper than it, and one
    # without a `\ud` escape holds no surrogate (a few hundred nanoseconds on a call's small body).
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and nests_deeper(value, MAX_JSON_DEPTH):
        raise too_deep()
    if (b"\\ud" in raw or b"\\uD" in raw) and _has_surrogate(value):
        raise BadRequest("The request body holds text that is not valid Unicode (a lone surrogate)")
    return value


def declares_json(content_type: str | None) -> bool:
    """Whether a `Content-Type` names JSON: `application/json` or `application/*+json`."""
    if not content_type:
        return False
    main, _, sub = content_type.partition(";")[0].strip().lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def nests_deeper(value: Any, limit: int) -> bool:
    """Whether a parsed value has containers more than `limit` levels deep (the outermost is level 1).

    Level by level, not by recursion: it must not fail on the very values it is there to refuse.
    """
    level: list[Any] = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, dict | list):
                    below.append(child)
        level = below
    return False


def _has_surrogate(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def whole_number(value: Any) -> Any:
    """A JSON number without a fraction (`16.0`) as the integer it is: JSON Schema's `integer` counts it, and
    a strict model would refuse the float. Anything else is left for the model to judge."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(whole_number)]
"""An integer field of a strict request model, written `16` or `16.0`."""


def not_json() -> BadRequest:
    return BadRequest("The request body is not valid JSON")


def too_deep() -> BadRequest:
    return BadRequest(f"The request body nests deeper than {MAX_JSON_DEPTH} levels", code="json_too_deep")


class KeyFirstRoute(APIRoute):
    """An API route that checks the API key before its body is read, refuses a query parameter it does not
    take (`linkyard.api.queries`), and bounds a JSON body.

    FastAPI reads and parses a route's body before it solves the route's dependencies, the key among them: an
    anonymous caller could make the platform parse anything it sends. This route class authenticates first
    when the route depends on the key (the dependency then finds the project in the request's scope), and
    runs `parse_json`'s checks on a JSON body before FastAPI parses it. A route that neither takes a body nor
    depends on the key (the dashboard's, the hosted pages') is served exactly as by `APIRoute`.

    The order of refusals: a missing or bad key (401; 400 for a key in the URL), an unknown query parameter
    (400), a body that is not JSON or nests too deep (400), then the route's own checks (422, ...).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        needs_key = _depends_on(self.dependant, authenticated_project)
        takes_json = self.body_field is not None
        if not needs_key and not takes_json:
            return handler

        query_names = declared_query_names(self.dependant) | documented_query_names(self.openapi_extra)

        async def key_first(request: Request) -> Response:
            if needs_key:
                await authenticated_project(request)  # kept in the request's scope for the dependency
                refuse_unknown_query(request.query_params.keys(), query_names)
            if takes_json:
                content_type = request.headers.get("content-type")
                # FastAPI parses a body without a content type as JSON too.
                if content_type is None or declares_json(content_type):
                    raw = await request.body()  # kept by the request: FastAPI reads it from there
                    if raw:
                        parse_json(raw)
            return await handler(request)

        return key_first


def _depends_on(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return any(dep.call is call or _depends_on(dep, call) for dep in dependant.dependencies)
