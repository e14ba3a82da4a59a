"""An upload as an MCP tool: its file is declared in the tool's input schema as StackOne's upload shape (a name
and base64 content), and the official MCP client uploads one that Factorial then holds, byte for byte."""

from __future__ import annotations

import base64

from tests.api.conftest import Harness
from tests.mcp.conftest import link_account
from tests.mcp.test_endpoint import _structured, mcp_client

UPLOAD = "factorialhr_upload_document"
DOWNLOAD_URLS = "factorialhr_create_document_download_urls"


async def test_the_official_mcp_client_uploads_a_file_as_base64_and_factorial_holds_its_bytes(
    harness: Harness, live_url: str
) -> None:
    application = await harness.application(scopes=["documents"])
    linked = await link_account(
        harness, application=application, scopes=["documents"], actions=[UPLOAD, DOWNLOAD_URLS]
    )
    content = b"a payslip for March\n" + bytes(range(200))
    async with mcp_client(f"{live_url}/mcp", linked.headers()) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        body = tools[UPLOAD].inputSchema["properties"]["body"]
        assert "file" in body["required"]
        assert body["properties"]["file"]["required"] == ["name", "content"]

        refused = await session.call_tool(
            UPLOAD, {"body": {"space": "company_internal", "file": {"name": "a.txt", "content": "!!"}}}
        )
        assert refused.isError
        assert _structured(refused)["errors"] == [{"field": "file.content", "message": "is not base64"}]

        file = {"name": "payslip.txt", "content": base64.b64encode(content).decode()}
        uploaded = await session.call_tool(UPLOAD, {"body": {"space": "company_internal", "file": file}})
        assert not uploaded.isError, uploaded.content
        document = _structured(uploaded)["data"]
        assert (document["filename"], document["file_size"]) == ("payslip.txt", len(content))
        urls = await session.call_tool(DOWNLOAD_URLS, {"body": {"ids": [document["id"]]}})
        [link] = _structured(urls)["data"]
    downloaded = await harness.factorial.get(link["url"])
    assert downloaded.status_code == 200 and downloaded.content == content
