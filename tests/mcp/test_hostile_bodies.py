"""Security property 20 over real HTTP: `POST /mcp` and `POST /actions/rpc` served by uvicorn on loopback.

The in-process sweep (`tests/api/test_hostile_bodies.py`) covers every route; this runs the worst bodies through
uvicorn, whose own log is where an exception escaping the app lands (a traceback per request), with bodies that
arrive in pieces and chunked. The MCP transport answers what it cannot read as the MCP SDK does (400, a JSON-RPC
parse error), with the platform's envelope in the error's `data`; a missing key is 401 with `WWW-Authenticate`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from mcp import types

from linkyard.api.bodies import MAX_JSON_DEPTH
from linkyard.api.middleware import DEFAULT_MAX_BODY_BYTES
from tests.api.conftest import Harness
from tests.live_server import free_port
from tests.mcp.conftest import link_account

ACCEPT = "application/json, text/event-stream"
JSON = "application/json"


@pytest.fixture
async def logged_url(app: FastAPI) -> AsyncIterator[str]:
    """The platform on 127.0.0.1 from the test's event loop (as `live_url`), with uvicorn's loggers left to
    propagate (no `log_config`), so that the test's log capture sees what uvicorn logs."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), lifespan="off", ws="none", log_config=None, log_level="info"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task


async def chunked(body: bytes, size: int = 16 * 1024) -> AsyncIterator[bytes]:
    """`body` sent without a declared length (`Transfer-Encoding: chunked`)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


DEEP_ARRAY = b"[" * 1_500 + b"]" * 1_500
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
DEEP_PARAMS = (
    b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "factorialhr_list_employees", '
    b'"arguments": ' + b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1) + b"}}"
)
NOT_UTF8 = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"cursor": "\xff\xfe"}}'
UTF16_LOOKALIKE = b"\xff\xfe{\x00\xd8"
TRUNCATED = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/li'
UNREADABLE = {
    "array 1,500 deep": DEEP_ARRAY,
    "object 100,000 deep": DEEP_OBJECT,
    "arguments one level too deep": DEEP_PARAMS,
    "not UTF-8": NOT_UTF8,
    "UTF-16 lookalike": UTF16_LOOKALIKE,
    "truncated": TRUNCATED,
}
OVERSIZE = b"[" + b"1," * (DEFAULT_MAX_BODY_BYTES // 2) + b"1]"


def _loud(caplog: pytest.LogCaptureFixture, since: int) -> list[logging.LogRecord]:
    return [record for record in caplog.records[since:] if record.levelno >= logging.WARNING]


def _quiet_enough(caplog: pytest.LogCaptureFixture, since: int, what: str) -> None:
    loud = _loud(caplog, since)
    assert len(loud) <= 1, (what, [record.getMessage()[:120] for record in loud])
    assert not any(record.exc_info or record.exc_text for record in loud), (what, loud[0].getMessage())


async def test_unreadable_mcp_bodies_are_jsonrpc_parse_errors_over_real_http(
    harness: Harness, logged_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    linked = await link_account(harness)
    caplog.set_level(logging.WARNING)
    headers = {**linked.headers(), "accept": ACCEPT, "content-type": JSON}
    async with httpx.AsyncClient(base_url=logged_url, timeout=30) as http:
        for name, body in UNREADABLE.items():
            for content in (body, chunked(body)):
                since = len(caplog.records)
                answer = await http.post("/mcp", content=content, headers=headers)
                assert answer.status_code == 400, (name, answer.status_code, answer.text[:300])
                error = types.JSONRPCError.model_validate_json(answer.content).error
                assert error.code == types.PARSE_ERROR, name
                assert isinstance(error.data, dict)
                assert error.data["statusCode"] == 400
                assert error.data["code"] in ("bad_request", "json_too_deep"), name
                _quiet_enough(caplog, since, name)
        # The transport still serves a well-formed call after all that.
        listed = await http.post(
            "/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=headers
        )
        assert listed.status_code == 200, listed.text
        assert listed.json()["result"]["tools"]


async def test_hostile_bodies_without_a_key_are_401_over_real_http(
    harness: Harness, logged_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The 1,500-deep array that answered 500 with a traceback in uvicorn's log, without any API key."""
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient(base_url=logged_url, timeout=30) as http:
        for path in ("/actions/rpc", "/mcp"):
            headers = {"accept": ACCEPT, "content-type": JSON, "x-account-id": "acc_x"}
            for name, body in UNREADABLE.items():
                for content in (body, chunked(body)):
                    since = len(caplog.records)
                    answer = await http.post(path, content=content, headers=headers)
                    assert answer.status_code == 401, (path, name, answer.status_code, answer.text[:300])
                    assert (
                        answer.headers["www-authenticate"]
                        == 'Basic realm="linkyard", Bearer realm="linkyard"'
                    )
                    assert answer.json()["code"] == "unauthenticated"
                    _quiet_enough(caplog, since, f"{path} {name}")
            for content in (OVERSIZE, chunked(OVERSIZE)):
                since = len(caplog.records)
                answer = await http.post(path, content=content, headers=headers)
                assert answer.status_code == 413, (path, answer.status_code)
                assert answer.json()["code"] == "payload_too_large"
                _quiet_enough(caplog, since, f"{path} oversize")


async def test_hostile_action_calls_with_a_key_are_4xx_over_real_http(
    harness: Harness, logged_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    linked = await link_account(harness)
    caplog.set_level(logging.WARNING)
    headers = {**linked.headers(), "content-type": JSON}
    stats_before = (await harness.stats())["api_requests"]
    async with httpx.AsyncClient(base_url=logged_url, timeout=30) as http:
        for name, body in UNREADABLE.items():
            for content in (body, chunked(body)):
                since = len(caplog.records)
                answer = await http.post("/actions/rpc", content=content, headers=headers)
                assert answer.status_code == 400, (name, answer.status_code, answer.text[:300])
                assert answer.json()["statusCode"] == 400
                _quiet_enough(caplog, since, name)
        works = await http.post(
            "/actions/rpc", json={"action": "factorialhr_get_credentials"}, headers=linked.headers()
        )
        assert works.status_code == 200, works.text
    assert (await harness.stats())["api_requests"] == stats_before + 1
