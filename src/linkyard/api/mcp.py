"""`POST /mcp`: a linked account's enabled actions as MCP tools, over stateless Streamable HTTP with JSON answers.

The official MCP SDK speaks the protocol: a low-level `Server` behind a stateless `StreamableHTTPSessionManager`
(`json_response=True`), which answers `initialize` with the client's protocol version when it supports it,
`notifications/initialized` with 202, and dispatches `tools/list` and `tools/call` here. Who is calling differs
per request, so the FastAPI route resolves it first (the project of the API key, the account from `x-account-id`,
the `param-style`) and hands it to the handlers in the request's ASGI scope, which the SDK passes along as the
request context.

Refusals say why where MCP clients show it. A missing or refused key is 401 before any MCP message is read
(the MCP authorization spec), with the platform's envelope and a `WWW-Authenticate` challenge. The route then
reads the body and checks it within the API's bounds (`parse_json`) before the SDK parses it: the SDK answers
malformed JSON with a parse error, but a body nested too deep or not decodable with a 500 and a traceback in
the log. A request whose account is missing or not the project's gets a JSON-RPC error naming the reason, not
an HTTP 4xx: to MCP clients a 404 means "session terminated", and the official Python client reads no body of
any other error status (`account_refusal`). `GET` and `DELETE` are 405 (stateless: no stream to open, no
session to end), and 404 when they name a session, which this server never gives out.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request, Response
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import McpError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from linkyard import __version__, services
from linkyard.api.bodies import declares_json, parse_json
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.errors import error_response, status_of
from linkyard.api.mcp_refusals import (
    account_refusal,
    is_message,
    json_rpc_refusal,
    protocol_error,
    unanswerable_request,
)
from linkyard.api.middleware import replay
from linkyard.api.schemas import ErrorEnvelope, error_responses
from linkyard.domain import Account, Clock, Project
from linkyard.errors import BadRequest, LinkyardError, NotFound
from linkyard.oauth.recording import current_recording
from linkyard.services import Platform
from linkyard.services.tools import (
    DEFAULT_PARAM_STYLE,
    ParamStyle,
    ToolDefinition,
    account_actions,
    group_arguments,
    to_mcp,
    tool_definitions,
)

TOOLS_PAGE_SIZE = 100
_MAX_ACCOUNT_ID = 64
_MAX_SESSION_ID = 256
_CALLER = "linkyard.mcp_caller"
_INSTRUCTIONS = (
    "Each tool is an action on the provider account linked as x-account-id, named <connector>_<verb>_<noun>. "
    "List tools return {data, next}: pass `next` back (as the `next` query argument) for the following page."
)


@dataclass(frozen=True, slots=True)
class McpCaller:
    """Who is calling, resolved from the HTTP request before the MCP message is handled."""

    platform: Platform
    project: Project
    account_id: str
    style: ParamStyle


def tools_page(
    tools: Sequence[ToolDefinition], cursor: str | None, size: int = TOOLS_PAGE_SIZE
) -> tuple[list[ToolDefinition], str | None]:
    """One page of `tools` from `cursor` (an opaque offset), and the cursor of the next page or `None`."""
    start = 0
    if cursor is not None:
        try:
            start = int(base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii"))
        except (ValueError, binascii.Error, UnicodeError):
            start = -1
        if not 0 < start < len(tools):
            raise McpError(types.ErrorData(code=types.INVALID_PARAMS, message="Invalid cursor"))
    end = start + size
    next_cursor = (
        base64.urlsafe_b64encode(str(end).encode("ascii")).decode("ascii") if end < len(tools) else None
    )
    return list(tools[start:end]), next_cursor


def build_server(clock: Clock, *, page_size: int = TOOLS_PAGE_SIZE) -> Server[Any, Request]:
    """The MCP server: `tools/list` and `tools/call` for the caller in the request context."""
    server: Server[Any, Request] = Server("linkyard", version=__version__, instructions=_INSTRUCTIONS)

    async def list_tools(request: types.ListToolsRequest) -> types.ServerResult:
        caller = _caller(server)
        try:
            actions = await account_actions(caller.platform, caller.project, caller.account_id)
        except Exception as exc:
            raise protocol_error(exc, clock) from None
        cursor = request.params.cursor if request.params is not None else None
        page, next_cursor = tools_page(tool_definitions(actions, caller.style), cursor, page_size)
        tools = [types.Tool.model_validate(tool) for tool in to_mcp(page)]
        return types.ServerResult(types.ListToolsResult(tools=tools, nextCursor=next_cursor))

    async def call_tool(request: types.CallToolRequest) -> types.ServerResult:
        caller = _caller(server)
        try:
            grouped = group_arguments(request.params.arguments or {}, caller.style)
            arguments = services.flatten_arguments(path=grouped.path, query=grouped.query, body=grouped.body)
            result = await services.run_tool(
                caller.platform, caller.project, caller.account_id, request.params.name, arguments
            )
        except Exception as exc:
            entry = current_recording()
            if entry is not None:  # the call answers 200; its request log says how the action ended
                entry.failure = exc
                entry.status = status_of(exc)
            # A failed action is a tool result the model can read and act on, not a protocol error.
            return types.ServerResult(_failure(exc, clock))
        content: dict[str, Any] = {"data": result.data}
        if result.is_list:
            content["next"] = result.next
        text = orjson.dumps(content).decode()
        return types.ServerResult(
            types.CallToolResult(
                content=[types.TextContent(type="text", text=text)], structuredContent=content
            )
        )

    # Registered directly rather than through `@server.list_tools()` / `@server.call_tool()`: those keep one
    # server-wide cache of tool schemas for input validation, but tools here differ per project, account and
    # param style. `run_action` validates the arguments instead.
    server.request_handlers[types.ListToolsRequest] = list_tools
    server.request_handlers[types.CallToolRequest] = call_tool
    return server


class McpEndpoint:
    """The MCP server, the session manager that serves it (`run()` belongs in the app's lifespan), the route."""

    def __init__(self, clock: Clock, *, page_size: int = TOOLS_PAGE_SIZE) -> None:
        self.clock = clock
        self.server = build_server(clock, page_size=page_size)
        self._sessions: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Serve MCP requests for the length of the block."""
        # A session manager runs only once: a fresh one per lifespan lets the same app start again. It holds an
        # anyio task group, which must be left by the task that entered it, so it runs in a task of its own:
        # a host may enter and leave this block from different tasks (pytest-asyncio's fixtures do).
        _quiet_sdk_logger()
        sessions = StreamableHTTPSessionManager(self.server, stateless=True, json_response=True)
        running, stop = asyncio.Event(), asyncio.Event()

        async def serve() -> None:
            async with sessions.run():
                running.set()
                await stop.wait()

        task = asyncio.create_task(serve(), name="linkyard-mcp-sessions")
        started = asyncio.create_task(running.wait())
        await asyncio.wait((task, started), return_when=asyncio.FIRST_COMPLETED)
        if not running.is_set():
            started.cancel()
            await task  # raises what stopped it
        self._sessions = sessions
        try:
            yield
        finally:
            self._sessions = None
            stop.set()
            await task

    def add_routes(self, routes: APIRouter) -> None:
        endpoint = self

        @routes.post(
            "/mcp",
            response_class=Response,
            responses=MCP_RESPONSES,
            openapi_extra={
                "requestBody": {"required": True, "content": {"application/json": {"schema": _MESSAGE}}}
            },
        )
        async def mcp(
            request: Request,
            project: ProjectDep,
            platform: PlatformDep,
            param_style: Annotated[ParamStyle, Query(alias="param-style")] = DEFAULT_PARAM_STYLE,
            x_account_id: Annotated[str | None, Header()] = None,
            account_in_query: Annotated[str | None, Query(alias="x-account-id")] = None,
        ) -> Response:
            """MCP Streamable HTTP (stateless, JSON answers): `initialize`, `tools/list`, `tools/call`."""
            if endpoint._sessions is None:
                raise RuntimeError("the MCP session manager is not running (app lifespan not started)")
            content_type = request.headers.get("content-type") or ""
            if not content_type.lower().startswith("application/json"):
                # The SDK refuses it too, with a bare text answer that names no content type.
                return json_rpc_refusal(
                    BadRequest("The body must be JSON-RPC (Content-Type: application/json)"),
                    endpoint.clock,
                    code=types.INVALID_REQUEST,
                    message="Invalid Content-Type header",
                )
            body = await request.body()
            message: Any = None
            if body and declares_json(content_type):
                try:
                    message = parse_json(body)
                except BadRequest as unreadable:
                    return json_rpc_refusal(
                        unreadable,
                        endpoint.clock,
                        code=types.PARSE_ERROR,
                        message=f"Parse error: {unreadable.message}",
                    )
            try:
                account = await _account(platform, project, x_account_id, account_in_query)
            except LinkyardError as refused:
                return account_refusal(refused, message, endpoint.clock)
            if (problem := unanswerable_request(message)) is not None:
                # The SDK takes a message without a usable id for a notification, accepts it with 202 and never
                # answers: the client would wait for nothing (StackOne's client's message schema drops ids).
                return json_rpc_refusal(
                    BadRequest(problem),
                    endpoint.clock,
                    code=types.INVALID_REQUEST,
                    message="Invalid Request",
                )
            if message is not None and not is_message(message):
                # Checked with the SDK's own model before the SDK sees it: its refusal quotes the body back.
                return json_rpc_refusal(
                    BadRequest(
                        "The body is not a JSON-RPC 2.0 request, notification or response "
                        "(a request's id is a string or a number)"
                    ),
                    endpoint.clock,
                    code=types.INVALID_REQUEST,
                    message="Invalid Request",
                )
            return _Exchange(endpoint._sessions, McpCaller(platform, project, account.id, param_style), body)

        async def no_session(
            project: ProjectDep,
            mcp_session_id: Annotated[str | None, Header(max_length=_MAX_SESSION_ID)] = None,
        ) -> Response:
            # A stateless server has no stream to open and no session to end: 405, as the transport allows
            # (GET: "does not offer an SSE stream"; DELETE: "does not allow clients to terminate sessions").
            # A request naming a session names one this server never gave out, which the transport answers
            # with 404 (a session the server does not hold); StackOne's client always names one, and 404 is
            # an answer it declares (405 is not).
            if mcp_session_id is not None:
                raise NotFound(
                    "No such MCP session: this MCP server is stateless and gives out no session ids "
                    "(send each JSON-RPC message with POST /mcp, without mcp-session-id)"
                )
            raise StarletteHTTPException(405, headers={"Allow": "POST"})

        for method in ("GET", "DELETE"):
            routes.add_api_route(
                "/mcp",
                no_session,
                methods=[method],
                response_class=Response,
                responses=_NO_SESSION_RESPONSES,
                summary=f"MCP {method}: no stream, no sessions (405; 404 for a named session)",
                name=f"mcp_{method.lower()}",
            )


async def _account(platform: Platform, project: Project, header: str | None, query: str | None) -> Account:
    account_id = _account_id(header, query)
    try:
        return await services.get_account(platform, project, account_id)
    except NotFound:
        # The same words for an unknown id and another project's: the answer confirms nothing.
        raise NotFound("x-account-id names no linked account of this API key's project") from None


def _request(method: str, params: dict[str, Any] | None, *, notification: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {"jsonrpc": {"const": "2.0"}, "method": {"const": method}}
    required = ["jsonrpc", "method"]
    if not notification:
        properties["id"] = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]}
        required.append("id")
    if params is not None:
        properties["params"] = params
        if params.get("required"):
            required.append("params")
    return {"type": "object", "properties": properties, "required": required}


# The body the endpoint reads: one JSON-RPC message of the methods it serves (the document has no schema of
# its own for MCP; this one is what the SDK accepts of them).
_MESSAGE: dict[str, Any] = {
    "description": "One JSON-RPC 2.0 message (MCP Streamable HTTP)",
    "oneOf": [
        _request(
            "initialize",
            {
                "type": "object",
                "properties": {
                    "protocolVersion": {"type": "string"},
                    "capabilities": {"type": "object"},
                    "clientInfo": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
                        "required": ["name", "version"],
                    },
                },
                "required": ["protocolVersion", "capabilities", "clientInfo"],
            },
        ),
        _request("notifications/initialized", None, notification=True),
        _request("ping", None),
        _request("tools/list", {"type": "object", "properties": {"cursor": {"type": "string"}}}),
        _request(
            "tools/call",
            {
                "type": "object",
                "properties": {"name": {"type": "string"}, "arguments": {"type": "object"}},
                "required": ["name"],
            },
        ),
    ],
}
_JSON_RPC = {"application/json": {"schema": {"type": "object", "description": "A JSON-RPC 2.0 message"}}}
MCP_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(404, 412),
    200: {
        "description": "The JSON-RPC answer (a `tools/call` failure is a result with `isError`)",
        "content": _JSON_RPC,
    },
    202: {"description": "A notification or response, accepted (no body)"},
    # The MCP SDK's refusals are JSON-RPC errors (a parse error, an invalid message), with the platform's
    # envelope in the error's `data` when the platform refused the body.
    400: {
        "description": "The body is not a JSON-RPC message the endpoint can read, or a notification names no "
        "account (a request is answered with a JSON-RPC error instead)",
        "content": _JSON_RPC,
    },
    404: {
        "description": "A notification names no account of the project (a request is answered with a JSON-RPC "
        "error instead)",
        "content": _JSON_RPC,
    },
    406: {"description": "The client does not accept `application/json`", "content": _JSON_RPC},
    415: {"description": "The body is not `application/json`", "content": _JSON_RPC},
}
_NO_SESSION_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(404, 405),
    404: {
        "description": "The request names an MCP session (this server gives out none)",
        "model": ErrorEnvelope,
    },
    405: {
        "description": "No SSE stream to open (GET), no session to end (DELETE): the server is stateless",
        "model": ErrorEnvelope,
        "headers": {"Allow": {"schema": {"type": "string"}, "description": "POST"}},
    },
}


class _Exchange(Response):
    """Hands the request, with the body the route already read, to the SDK's session manager, which writes the
    answer itself."""

    def __init__(self, sessions: StreamableHTTPSessionManager, caller: McpCaller, body: bytes) -> None:
        super().__init__()
        self.sessions = sessions
        self.caller = caller
        self.request_body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_CALLER] = self.caller
        await self.sessions.handle_request(scope, replay(self.request_body, receive), send)


def _quiet_sdk_logger() -> None:
    """Clamp the MCP SDK's logger to WARNING: at DEBUG it logs whole messages (tool arguments: people's data),
    at INFO a line per request."""
    logger = logging.getLogger("mcp")
    if logger.level < logging.WARNING:
        logger.setLevel(logging.WARNING)


def _account_id(header: str | None, query: str | None) -> str:
    if header and query and header != query:
        raise BadRequest("The x-account-id header and query parameter disagree")
    account_id = header or query
    if not account_id:
        raise BadRequest("Name the account: send the x-account-id header (the id of a linked account)")
    if len(account_id) > _MAX_ACCOUNT_ID:
        raise BadRequest(
            f"x-account-id is longer than {_MAX_ACCOUNT_ID} characters: no account has such an id"
        )
    return account_id


def _caller(server: Server[Any, Request]) -> McpCaller:
    request = server.request_context.request
    caller = request.scope.get(_CALLER) if request is not None else None
    if not isinstance(caller, McpCaller):
        raise McpError(types.ErrorData(code=types.INTERNAL_ERROR, message="Internal error"))
    return caller


def _failure(exc: BaseException, clock: Clock) -> types.CallToolResult:
    """The platform's error envelope for `exc` (the one error table decides status and wording)."""
    body = bytes(error_response(exc, clock).body)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=body.decode())],
        structuredContent=orjson.loads(body),
        isError=True,
    )
