"""`POST /actions/rpc` reads its input by hand (no FastAPI body model at request time), and answers bad input
exactly as the body model and header parameter did: the same statuses, fields and messages, in the same order
of checks as every other route (the API key before the body is read, then malformed JSON, then the header and
the body), and the route stays documented."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.actions.conftest import Linked, Wire
from tests.api.conftest import Harness

GET_EMPLOYEE = "factorialhr_get_employee"
JSON = {"content-type": "application/json"}
NOT_AN_OBJECT = "Input should be a valid dictionary or object to extract fields from"


def _errors(response: Any) -> list[dict[str, str]]:
    body = response.json()
    assert body["statusCode"] == response.status_code
    assert body["timestamp"].endswith("Z")
    assert response.headers["cache-control"] == "no-store"
    return list(body.get("errors", []))


async def _post(harness: Harness, linked: Linked, content: bytes, headers: dict[str, str]) -> Any:
    return await harness.api.post(
        "/actions/rpc",
        content=content,
        headers={**linked.tenant.auth, "x-account-id": linked.account_id, **headers},
    )


async def test_malformed_json_without_a_key_is_401_the_body_unread(harness: Harness) -> None:
    """The key is checked first (security property 20): an anonymous caller makes the platform parse nothing."""
    response = await harness.api.post("/actions/rpc", content=b'{"action": ', headers=JSON)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


async def test_malformed_json_with_a_key_is_400(harness: Harness, linked: Linked) -> None:
    response = await _post(harness, linked, b'{"action": ', JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert response.json()["message"] == "The request body is not valid JSON"


async def test_a_well_formed_call_without_a_key_is_401(harness: Harness) -> None:
    response = await harness.api.post(
        "/actions/rpc", json={"action": GET_EMPLOYEE, "path": {"id": "1"}, "headers": {"x-account-id": "a"}}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="linkyard", Bearer realm="linkyard"'
    assert response.json()["code"] == "unauthenticated"


async def test_a_key_in_the_query_string_is_400(harness: Harness, linked: Linked) -> None:
    response = await harness.api.post(
        "/actions/rpc?api_key=x", json={"action": GET_EMPLOYEE}, headers=linked.tenant.auth
    )
    assert response.status_code == 400
    assert response.json()["code"] == "credentials_in_query"


@pytest.mark.parametrize(
    ("content", "headers", "expected"),
    [
        (b"", JSON, [{"field": "body", "message": "Field required"}]),
        (b"", {}, [{"field": "body", "message": "Field required"}]),
        (b"[]", JSON, [{"field": "body", "message": NOT_AN_OBJECT}]),
        (b"null", JSON, [{"field": "body", "message": NOT_AN_OBJECT}]),
        # A body not declared JSON is not parsed at all.
        (b'{"action": "x"}', {}, [{"field": "body", "message": NOT_AN_OBJECT}]),
        (b'{"action": "x"}', {"content-type": "text/plain"}, [{"field": "body", "message": NOT_AN_OBJECT}]),
        (b"{}", JSON, [{"field": "action", "message": "Field required"}]),
        (
            b'{"action": ""}',
            JSON,
            [{"field": "action", "message": "String should have at least 1 character"}],
        ),
        (
            json.dumps({"action": "a" * 101}).encode(),
            JSON,
            [{"field": "action", "message": "String should have at most 100 characters"}],
        ),
        (
            b'{"action": 5, "path": "x", "query": [], "body": 1, "headers": "h"}',
            JSON,
            [
                {"field": "action", "message": "Input should be a valid string"},
                {"field": "path", "message": "Input should be a valid dictionary"},
                {"field": "query", "message": "Input should be a valid dictionary"},
                {"field": "body", "message": "Input should be a valid dictionary"},
                {"field": "headers", "message": "Input should be a valid dictionary"},
            ],
        ),
    ],
)
async def test_a_bad_body_is_422_naming_each_field(
    harness: Harness, linked: Linked, content: bytes, headers: dict[str, str], expected: list[dict[str, str]]
) -> None:
    response = await _post(harness, linked, content, headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    assert _errors(response) == expected


async def test_a_long_account_header_and_a_bad_body_are_named_together_header_first(
    harness: Harness, linked: Linked
) -> None:
    response = await _post(harness, linked, b'{"action": 5}', {**JSON, "x-account-id": "a" * 65})
    assert response.status_code == 422
    assert _errors(response) == [
        {"field": "x-account-id", "message": "String should have at most 64 characters"},
        {"field": "action", "message": "Input should be a valid string"},
    ]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/vnd.api+json"])
async def test_any_json_content_type_is_read(harness: Harness, linked: Linked, content_type: str) -> None:
    employee = (await linked.provider.get("/employees/employees", params={"limit": 1})).json()["data"][0]
    call = {"action": GET_EMPLOYEE, "path": {"id": str(employee["id"])}, "unknown": "ignored"}
    response = await _post(harness, linked, json.dumps(call).encode(), {"content-type": content_type})
    assert response.status_code == 200, response.text
    assert response.json() == {"data": employee}


async def test_a_large_integer_reaches_the_provider_unchanged(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    huge = 2**62 + 1  # beyond 2^53: a JSON parser that reads it as a float would change it
    response = await _post(
        harness, linked, b'{"action": "%s", "path": {"id": %d}}' % (GET_EMPLOYEE.encode(), huge), JSON
    )
    assert response.status_code == 404, response.text  # the provider's own 404, passed on
    assert wire.attempts[-1][1].endswith(f"/employees/employees/{huge}")
    sent = len(wire.attempts)
    # Beyond 64 bits it names no Factorial object: refused before anything is sent.
    response = await _post(
        harness, linked, b'{"action": "%s", "path": {"id": %d}}' % (GET_EMPLOYEE.encode(), 2**70), JSON
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "id", "message": "must be an id: a string of 1 to 19 digits"}
    ]
    assert len(wire.attempts) == sent


async def test_the_route_is_documented_with_its_body_and_header(harness: Harness) -> None:
    schema = (await harness.api.get("/openapi.json")).json()
    operation = schema["paths"]["/actions/rpc"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ActionCall"
    }
    assert [(p["name"], p["in"]) for p in operation["parameters"]] == [("x-account-id", "header")]
    assert schema["components"]["schemas"]["ActionCall"]["required"] == ["action"]
