"""Reading the platform's refusals in tests."""

from __future__ import annotations

import httpx


def unknown_parameters(response: httpx.Response) -> str:
    """The names a 400 `unknown_query_parameter` lists, as its message shows them (`'a', 'b'`)."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "unknown_query_parameter", body
    return str(body["message"]).split(": ", 1)[1].split(" (it takes", 1)[0]
