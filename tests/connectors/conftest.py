"""Fixtures for connector tests: the Factorial catalogue, and an in-process emulator reached through real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.connectors import CallContext, Connector, FilePart, build_request, extract_result, get_connector
from linkyard.emulator.factorial import create_app

BASE = "http://factorial.test"
EMPLOYEES = 120


@pytest.fixture
def factorialhr() -> Connector:
    return get_connector("factorialhr")


@dataclass
class Factorial:
    """Calls actions the way the platform will: build the request, send it, extract the result."""

    http: httpx.AsyncClient
    api_key: str
    company: dict[str, Any]
    connector: Connector
    called: set[str] = field(default_factory=set)

    async def send(
        self,
        action_id: str,
        arguments: dict[str, Any],
        *,
        at: datetime | None = None,
        files: dict[str, FilePart] | None = None,
    ) -> httpx.Response:
        action = self.connector.action(action_id)
        context = CallContext(company_id=str(self.company["id"]), now=at or datetime.now(UTC))
        request = build_request(action, arguments, context=context, files=files)
        parts = [
            (
                name,
                (None, value)
                if isinstance(value, str)
                else (value.filename, value.content, value.content_type),
            )
            for name, value in request.multipart or ()
        ]
        return await self.http.request(
            request.method,
            request.path,
            params=request.query,
            json=request.json,
            files=parts or None,
            headers={"x-api-key": self.api_key},
        )

    async def call(self, action_id: str, /, **arguments: Any) -> tuple[Any, str | None]:
        return await self.call_at(None, action_id, **arguments)

    async def upload(self, action_id: str, files: dict[str, FilePart], /, **arguments: Any) -> Any:
        """A multipart action's answer: its `files` sent beside the arguments."""
        response = await self.send(action_id, arguments, files=files)
        assert response.status_code == 201, f"{action_id}: {response.status_code} {response.text}"
        self.called.add(action_id)
        return response.json()

    async def call_at(
        self, at: datetime | None, action_id: str, /, **arguments: Any
    ) -> tuple[Any, str | None]:
        """Call with the platform's clock reading `at` (it fills parameters such as clock_in's `now`)."""
        response = await self.send(action_id, arguments, at=at)
        assert 200 <= response.status_code < 300, f"{action_id}: {response.status_code} {response.text}"
        self.called.add(action_id)
        return extract_result(self.connector.action(action_id), response.json())


@pytest.fixture
async def emulator() -> AsyncIterator[Starlette]:
    app = create_app(seed=5, employees=EMPLOYEES)
    yield app
    await app.state.webhooks.aclose()


@pytest.fixture
async def factorial(emulator: Starlette, factorialhr: Connector) -> AsyncIterator[Factorial]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url=BASE) as http:
        company = (await http.get("/_emulator/companies")).json()[0]
        response = await http.post("/_emulator/api_keys", json={"company_id": company["id"]})
        assert response.status_code == 201, response.text
        yield Factorial(http, str(response.json()["api_key"]), company, factorialhr)
