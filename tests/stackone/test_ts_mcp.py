"""MCP from TypeScript: StackOne's client's `mcp` namespace gets the answers it declares, and the MCP SDK's client
tells the developer why a call was refused (against `linkyard up --sandbox` on loopback)."""

from __future__ import annotations

import json

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script

UNKNOWN_ACCOUNT = "x-account-id names no linked account of this API key's project"


def test_the_clients_mcp_namespace_gets_the_typed_answers_it_declares(
    stackone_server: Sandbox, linked_account: str
) -> None:
    report = run_script(
        "mcp.mjs", url=stackone_server.api_url, api_key=stackone_server.api_key, accountId=linked_account
    )
    for name in ("mcpGet", "mcpDelete"):
        # No session was ever given out: 404, as the transport answers a session it does not hold.
        error = report[name].expect_error("NotFoundResponse", 404)
        assert "this MCP server is stateless" in error["message"]
    for name in ("mcpGetBadKey", "mcpDeleteBadKey", "mcpPostBadKey"):
        error = report[name].expect_error("UnauthorizedResponse", 401)
        assert "lk_not_a_key" not in error.get("body", "")
    # The client's message schema keeps no id (`{}`): its `initialize` is no request; refused, saying why.
    refused = report["mcpPost"].expect_error("BadRequestResponse", 400)
    assert refused["message"] == "The id of a JSON-RPC request is a string or a number"
    unknown = report["mcpPostUnknownAccount"].expect_error("NotFoundResponse", 404)
    assert unknown["message"] == UNKNOWN_ACCOUNT
    assert json.loads(unknown["body"])["error"]["message"] == UNKNOWN_ACCOUNT  # and MCP clients read the same
    # A notification is accepted with 202 and no body, as the transport requires (the client declares only 200).
    assert report["mcpPostNotification"].expect_error("SDKError", 202)["body"] == ""


def test_the_mcp_sdks_client_shows_why_each_call_was_refused(
    stackone_server: Sandbox, linked_account: str
) -> None:
    report = run_script(
        "mcp_sdk.mjs", url=stackone_server.api_url, api_key=stackone_server.api_key, accountId=linked_account
    )
    assert "factorialhr_list_employees" in report["listTools"].expect_ok()
    unknown = report["unknownAccount"].expect_error("McpError")
    assert UNKNOWN_ACCOUNT in unknown["message"]
    missing = report["missingAccount"].expect_error("McpError")
    assert "Name the account: send the x-account-id header" in missing["message"]
    refused = report["badKey"].expect_error("StreamableHTTPError")
    assert "The API key is not valid: it is unknown or was revoked" in refused["message"]
    assert "lk_not_a_key" not in refused["message"]
