"""Arguments are checked against the action's input schema before any upstream call (security property 26): an
id that is not Factorial's form, a string over its length, a number out of its range or a list over its size is
a 422 naming the field (never echoing the value), and nothing reaches Factorial: not the wire, not the
emulator's counters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette

from linkyard.connectors import Action, get_connector
from tests.actions.conftest import Linked, Wire, link_admin
from tests.api.conftest import Harness

GET_EMPLOYEE = "factorialhr_get_employee"
FIVE_THOUSAND_DIGITS = "1" * 5000
ACTIONS = get_connector("factorialhr").actions


async def _rpc(
    harness: Harness, linked: Linked, action: str, **groups: dict[str, Any]
) -> tuple[int, dict[str, Any], str]:
    response = await harness.api.post(
        "/actions/rpc",
        json={"action": action, **groups},
        headers={**linked.tenant.auth, "x-account-id": linked.account_id},
    )
    return response.status_code, response.json(), response.text


async def _api_requests(harness: Harness) -> int:
    """What the emulator counted: every REST request that reached it, whatever it answered."""
    stats = await harness.factorial.get("/_emulator/stats")
    assert stats.status_code == 200
    return int(stats.json()["api_requests"])


@pytest.fixture
async def everything(harness: Harness, emulator: Starlette) -> AsyncIterator[Linked]:
    """An account whose profile enables every action (those generated from Factorial's API by name)."""
    found = await link_admin(harness, emulator, every_action=True)
    yield found
    await found.provider.aclose()


def _hostile_values(prop: dict[str, Any]) -> list[Any]:
    """Values just past each bound of one property of an input schema, and far past it."""
    kind = prop["type"]
    if kind == "object":
        return [{f"k{n}": n for n in range(prop["maxProperties"] + 1)}, "x" * 300]
    if kind == "array" and prop["items"]["type"] == "object":
        return [[{}] * (prop["maxItems"] + 1), ["x"]]
    if kind in ("integer", "number"):
        return [prop["maximum"] + 1, prop["minimum"] - 1, FIVE_THOUSAND_DIGITS]
    if kind == "boolean":
        return [FIVE_THOUSAND_DIGITS]
    if kind == "array":
        item = _valid_item(prop["items"])
        return [[item] * (prop["maxItems"] + 1), [item, *_hostile_values(prop["items"])[:1]]]
    if "enum" in prop:
        return ["x" * 300]
    if prop.get("format") == "date":
        return ["2026-01-01" + "0" * 5000]
    if prop.get("format") == "date-time":
        return ["2026-01-01T00:00:00" + "0" * 5000]
    if prop.get("format") == "email":
        return ["a" * 250 + "@example.com"]
    if "pattern" in prop:  # a Factorial id
        return [FIVE_THOUSAND_DIGITS, "9" * (prop["maxLength"] + 1), "-1", "٣"]
    return ["x" * (prop["maxLength"] + 1)]


def _valid_item(items: dict[str, Any]) -> str:
    if "enum" in items:
        return str(items["enum"][0])
    return "7" if "pattern" in items else "x"


def _cases(action: Action) -> list[tuple[str, str, Any]]:
    schema = action.input_schema()["properties"]
    return [
        (parameter.location, parameter.name, value)
        for parameter in action.all_parameters
        for value in _hostile_values(schema[parameter.name])
    ]


async def test_a_5000_digit_employee_id_is_refused_with_422_and_never_reaches_factorial(
    harness: Harness, linked: Linked, wire: Wire
) -> None:
    before, sent = await _api_requests(harness), len(wire.attempts)
    for given in (FIVE_THOUSAND_DIGITS, int("9" * 4000)):
        status, body, text = await _rpc(harness, linked, GET_EMPLOYEE, path={"id": given})
        assert status == 422, text
        assert body["statusCode"] == 422 and body["code"] == "validation_failed"
        assert body["errors"] == [{"field": "id", "message": "must be an id: a string of 1 to 19 digits"}]
        assert "1111111111" not in text and "9999999999" not in text
    assert await _api_requests(harness) == before  # not sent, so not retried either
    assert len(wire.attempts) == sent

    # A real id still works, as a string or as a number.
    employee = (await linked.provider.get("/employees/employees", params={"limit": 1})).json()["data"][0]
    before = await _api_requests(harness)
    for given in (employee["id"], int(employee["id"])):
        status, body, text = await _rpc(harness, linked, GET_EMPLOYEE, path={"id": given})
        assert status == 200, text
        assert body["data"]["id"] == employee["id"]
    assert await _api_requests(harness) == before + 2


async def test_every_argument_past_its_bound_is_refused_before_anything_is_sent(
    harness: Harness, everything: Linked, wire: Wire
) -> None:
    linked = everything
    before, sent = await _api_requests(harness), len(wire.attempts)
    calls = 0
    for action in ACTIONS:  # one linked account for the whole catalogue: linking is the slow part
        for location, name, value in _cases(action):
            status, body, text = await _rpc(harness, linked, action.id, **{location: {name: value}})
            calls += 1
            assert status == 422, (action.id, name, text[:300])
            assert name in [error["field"] for error in body["errors"]], (action.id, name, body["errors"])
            assert "0" * 100 not in text and "x" * 100 not in text and "a" * 100 not in text
            assert "1" * 100 not in text and "9999999999" not in text
    assert calls > 5000  # every parameter of every action (615 of them), each past several bounds
    assert await _api_requests(harness) == before
    assert len(wire.attempts) == sent


async def test_the_bounds_are_what_get_actions_shows(harness: Harness, linked: Linked) -> None:
    listed = await harness.api.get("/actions", headers=linked.tenant.auth)
    assert listed.status_code == 200
    actions = {action["id"]: action for entry in listed.json()["data"] for action in entry["actions"]}
    employee = actions[GET_EMPLOYEE]["input_schema"]["properties"]["id"]
    assert (employee["pattern"], employee["maxLength"]) == ("^[0-9]{1,19}$", 19)
    listing = actions["factorialhr_list_employees"]["input_schema"]["properties"]
    assert (listing["page_size"]["minimum"], listing["page_size"]["maximum"]) == (1, 100)
    assert listing["ids"]["maxItems"] == 100 and listing["ids"]["items"]["pattern"] == "^[0-9]{1,19}$"
    assert listing["full_text_name"]["maxLength"] == 255
