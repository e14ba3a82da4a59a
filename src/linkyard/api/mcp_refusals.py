"""What `POST /mcp` refuses before the MCP SDK reads a message, worded where each client shows it.

A request is answered with a JSON-RPC error (200): MCP clients show its message, where the official Python client
reads no body of an HTTP error. Anything else refused gets an HTTP status and one body read two ways: a JSON-RPC
error without an id, as the SDK words its own refusals, and StackOne's error envelope, which StackOne's client
requires of every 4xx it declares.
"""

from __future__ import annotations

from functools import cache
from typing import Any, get_args

import orjson
from fastapi import Response
from mcp import types
from mcp.shared.exceptions import McpError
from pydantic import ValidationError

from linkyard.api.errors import error_response, status_of
from linkyard.domain import Clock
from linkyard.errors import LinkyardError


def json_rpc_refusal(exc: LinkyardError, clock: Clock, *, code: int, message: str) -> Response:
    """The error's status, for what the route refuses before the SDK would (a body that is not JSON or not a
    JSON-RPC message, nested too deep, not decodable; no account, for anything but a request).

    The body is one JSON object read two ways: a JSON-RPC error without an id, as the SDK words its own refusals
    (`jsonrpc`, `id`, `error` with `code`, `message` and the platform's envelope in `data`), and the platform's
    envelope itself (`statusCode`, `message`, `timestamp`, `code`), which StackOne's client requires of every
    4xx it declares. The two share no top-level key."""
    refusal = error_response(exc, clock)
    envelope = orjson.loads(bytes(refusal.body))
    answer = types.JSONRPCError(
        jsonrpc="2.0",
        id="server-error",  # the SDK's id for an error that belongs to no request
        error=types.ErrorData(code=code, message=message, data=envelope),
    )
    return Response(
        orjson.dumps({**envelope, **answer.model_dump(mode="json", by_alias=True, exclude_none=True)}),
        status_code=refusal.status_code,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def account_refusal(refused: LinkyardError, message: Any, clock: Clock) -> Response:
    """The reason the account cannot be served, where MCP clients show it.

    To a JSON-RPC request, its error response (200, `application/json`): the transport answers a request with
    a JSON-RPC message, and MCP clients show its `message` (the official Python client, and so stackone-ai and
    fastmcp, never reads the body of a non-2xx answer, and takes a 404 for "Session terminated"). To anything
    else (a notification, a response, something unreadable) there is nothing to answer, so the transport's rule
    applies: an HTTP error status, with a JSON-RPC error that has no id. Either way the platform's envelope
    rides in the error's `data`.
    """
    error = protocol_error(refused, clock).error
    request_id = _request_id(message)
    if request_id is None:
        return json_rpc_refusal(refused, clock, code=error.code, message=error.message)
    answer = types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error)
    return Response(
        answer.model_dump_json(by_alias=True, exclude_none=True),
        status_code=200,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


@cache
def _request_methods() -> frozenset[str]:
    """The methods a client sends as requests (`initialize`, `tools/list`, ...), from the SDK's own union."""
    members = get_args(types.ClientRequest.model_fields["root"].annotation)
    return frozenset(get_args(member.model_fields["method"].annotation)[0] for member in members)


def unanswerable_request(message: Any) -> str | None:
    """What is wrong with a request whose id is missing or not an id (the SDK would take it for a notification,
    never to be answered), else `None`."""
    method = message.get("method") if isinstance(message, dict) else None
    if not isinstance(method, str):
        return None
    if "id" in message:
        request_id = message["id"]
        if isinstance(request_id, bool) or not isinstance(request_id, str | int):
            return "The id of a JSON-RPC request is a string or a number"
        return None
    if method in _request_methods():
        return f"{method} is a request: send it with an id (a string or a number), or nothing answers it"
    return None


def is_message(message: Any) -> bool:
    """Whether the SDK's own model reads `message` as one JSON-RPC message."""
    try:
        types.JSONRPCMessage.model_validate(message)
    except ValidationError:
        return False
    return True


def _request_id(message: Any) -> str | int | None:
    """The id of a JSON-RPC request (a message with a `method` and an `id`), else `None`."""
    if not isinstance(message, dict) or not isinstance(message.get("method"), str):
        return None
    request_id = message.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, str | int):
        return None
    return request_id


def protocol_error(exc: BaseException, clock: Clock) -> McpError:
    """The JSON-RPC error for `exc`: the envelope's message, and invalid params for a caller's mistake."""
    envelope = orjson.loads(bytes(error_response(exc, clock).body))
    client_side = isinstance(exc, LinkyardError) and status_of(exc) < 500
    code = types.INVALID_PARAMS if client_side else types.INTERNAL_ERROR
    return McpError(types.ErrorData(code=code, message=envelope["message"], data=envelope))
