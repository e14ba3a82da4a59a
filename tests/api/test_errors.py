"""Bad input on every endpoint gets StackOne's error envelope, never echoes what was sent, and stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from linkyard.api.errors import status_of
from linkyard.errors import (
    BadRequest,
    Conflict,
    CredentialsWiped,
    Forbidden,
    LinkyardError,
    NotFound,
    OAuthFlowError,
    PreconditionFailed,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    StoreError,
    TokenRefreshError,
    Unauthenticated,
    ValidationFailed,
)
from tests.api.conftest import Harness, Tenant

SENTINEL = "SENTINEL-submitted-value-42"
BODY_ROUTES = [
    ("POST", "/connector_profiles"),
    ("PATCH", "/connector_profiles/{id}"),
    ("POST", "/connect_sessions"),
    ("POST", "/connect_sessions/authenticate"),
    ("PATCH", "/accounts/{id}"),
    ("POST", "/actions/rpc"),
]


def assert_envelope(body: dict[str, Any], status: int) -> None:
    assert body["statusCode"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert body["timestamp"].endswith("Z")


@pytest.fixture
async def seeded(harness: Harness) -> AsyncIterator[tuple[Tenant, dict[str, str]]]:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    yield tenant, {"profile": profile["id"], "account": account["id"]}


async def _snapshot(harness: Harness, tenant: Tenant) -> list[Any]:
    return [
        (await harness.api.get(path, headers=tenant.auth)).json()
        for path in ("/connector_profiles", "/accounts", "/auth_configs")
    ]


def _path(template: str, ids: dict[str, str]) -> str:
    return template.replace(
        "{id}", ids["profile"] if template.startswith("/connector_profiles") else ids["account"]
    )


@pytest.mark.parametrize(("method", "template"), BODY_ROUTES)
async def test_malformed_json_is_400_and_stores_nothing(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]], method: str, template: str
) -> None:
    tenant, ids = seeded
    before = await _snapshot(harness, tenant)
    response = await harness.api.request(
        method,
        _path(template, ids),
        content=b'{"client_secret": "' + SENTINEL.encode() + b'", ',
        headers={**tenant.auth, "content-type": "application/json", "x-account-id": ids["account"]},
    )
    assert response.status_code == 400, response.text
    assert_envelope(response.json(), 400)
    assert SENTINEL not in response.text
    assert await _snapshot(harness, tenant) == before


@pytest.mark.parametrize(("method", "template"), BODY_ROUTES)
async def test_wrong_types_are_422_naming_fields_without_their_values(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]], method: str, template: str
) -> None:
    tenant, ids = seeded
    before = await _snapshot(harness, tenant)
    body = {
        "connector": [SENTINEL],
        "environment": {"x": SENTINEL},
        "client_id": 7,
        "client_secret": [SENTINEL],
        "origin_owner_id": [SENTINEL],
        "origin_owner_name": 1,
        "token": [SENTINEL],
        "label": [SENTINEL],
        "metadata": SENTINEL,
        "action": [SENTINEL],
        "query": SENTINEL,
    }
    response = await harness.api.request(
        method, _path(template, ids), json=body, headers={**tenant.auth, "x-account-id": ids["account"]}
    )
    assert response.status_code == 422, response.text
    payload = response.json()
    assert_envelope(payload, 422)
    assert payload["errors"] and all(set(error) == {"field", "message"} for error in payload["errors"])
    assert SENTINEL not in response.text
    assert '"input"' not in response.text  # FastAPI's default body echoes it
    assert await _snapshot(harness, tenant) == before


async def test_an_empty_body_is_422(harness: Harness, seeded: tuple[Tenant, dict[str, str]]) -> None:
    tenant, _ = seeded
    response = await harness.api.post("/connect_sessions", headers=tenant.auth)
    assert response.status_code == 422
    assert_envelope(response.json(), 422)


@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/connector_profiles/cpr_unknown"),
        ("PATCH", "/connector_profiles/cpr_unknown"),
        ("DELETE", "/connector_profiles/cpr_unknown"),
        ("GET", "/accounts/acc_unknown"),
        ("PATCH", "/accounts/acc_unknown"),
        ("DELETE", "/accounts/acc_unknown"),
        ("GET", "/accounts/acc_unknown/meta"),
        ("GET", "/connectors/unknown"),
        ("GET", "/no/such/route"),
    ],
)
async def test_unknown_ids_are_404_with_the_envelope(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]], method: str, template: str
) -> None:
    tenant, _ = seeded
    before = await _snapshot(harness, tenant)
    body = {"label": "x"} if method == "PATCH" else None
    response = await harness.api.request(method, template, json=body, headers=tenant.auth)
    assert response.status_code == 404, response.text
    assert_envelope(response.json(), 404)
    assert await _snapshot(harness, tenant) == before


async def test_unknown_references_in_a_body_are_404_and_store_nothing(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, _ = seeded
    for body in ({"integration_id": "cpr_unknown"}, {"account_id": "acc_unknown"}):
        response = await harness.api.post(
            "/connect_sessions",
            json={"origin_owner_id": "o", "origin_owner_name": "O", **body},
            headers=tenant.auth,
        )
        assert response.status_code == 404
    unknown = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": "lkcs_x"}, headers=tenant.auth
    )
    assert unknown.status_code == 404


async def test_a_wrong_method_is_405_with_the_envelope(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, _ = seeded
    response = await harness.api.put("/accounts", headers=tenant.auth)
    assert response.status_code == 405
    assert_envelope(response.json(), 405)


@pytest.mark.parametrize(("method", "template"), BODY_ROUTES)
async def test_an_oversized_body_is_413_on_every_route_and_stores_nothing(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]], method: str, template: str
) -> None:
    tenant, ids = seeded
    before = await _snapshot(harness, tenant)
    payload = b'{"label": "' + b"x" * 1_100_000 + b'"}'
    response = await harness.api.request(
        method,
        _path(template, ids),
        content=payload,
        headers={**tenant.auth, "content-type": "application/json", "x-account-id": ids["account"]},
    )
    assert response.status_code == 413
    assert_envelope(response.json(), 413)
    assert await _snapshot(harness, tenant) == before


async def test_an_oversized_chunked_body_is_413_and_stores_nothing(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, _ = seeded
    before = await _snapshot(harness, tenant)
    payload = (
        b'{"origin_owner_id": "o", "origin_owner_name": "O", "metadata": {"blob": "'
        + b"x" * 1_100_000
        + b'"}}'
    )

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    response = await harness.api.post(
        "/connect_sessions", content=stream(), headers={**tenant.auth, "content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert_envelope(response.json(), 413)
    assert await _snapshot(harness, tenant) == before


async def test_a_body_under_the_cap_sent_in_chunks_is_read_whole(
    harness: Harness, seeded: tuple[Tenant, dict[str, str]]
) -> None:
    tenant, _ = seeded
    payload = (
        b'{"origin_owner_id": "o", "origin_owner_name": "O", "metadata": {"blob": "' + b"x" * 200_000 + b'"}}'
    )

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    response = await harness.api.post(
        "/connect_sessions", content=stream(), headers={**tenant.auth, "content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["metadata"]["blob"]) == 200_000


def test_the_error_table_gives_each_platform_error_its_status() -> None:
    refresh_terminal = TokenRefreshError("x", terminal=True)
    refresh_transient = TokenRefreshError("x", terminal=False)
    cases: list[tuple[LinkyardError, int]] = [
        (BadRequest("x"), 400),
        (OAuthFlowError("x", reason="state_invalid"), 400),
        (Unauthenticated("x"), 401),
        (Forbidden("x"), 403),
        (NotFound("x"), 404),
        (Conflict("x"), 409),
        (PreconditionFailed("x"), 412),
        (CredentialsWiped("x"), 412),
        (ValidationFailed("x"), 422),
        (RateLimited("x"), 429),
        (ProviderError("x"), 502),
        (ProviderTimeout("x"), 408),
        (refresh_terminal, 412),
        (refresh_transient, 502),
        (StoreError("x"), 500),
        (LinkyardError("x"), 500),
    ]
    for error, status in cases:
        assert status_of(error) == status, error
