"""Actions through `POST /actions/rpc` work the same for every connector: a list pages through the platform's
opaque `next` whatever the provider's style (a cursor, page numbers), a lookup and a write reach the provider."""

from __future__ import annotations

from typing import Any

from tests.cases.conftest import World


async def _linked(world: World) -> tuple[str, str]:
    _, key = await world.tenant()
    await world.profile(key)
    account = await world.link(key)
    return key, str(account["id"])


async def test_a_list_pages_through_next_to_exactly_what_one_big_page_holds(world: World) -> None:
    key, account_id = await _linked(world)
    action = world.case.connector.action(world.case.reading.list_action)
    biggest = action.parameters_by_name["page_size"].maximum
    whole = await world.rpc(key, account_id, action.id, query={"page_size": biggest})
    assert whole.status_code == 200, whole.text
    expected = [record["id"] for record in whole.json()["data"]]
    assert whole.json()["next"] is None and len(expected) > 14, "the provider holds it all in one page"

    walked: list[Any] = []
    query: dict[str, Any] = {"page_size": "7"}  # a string, as SDKs send it
    pages = 0
    while True:
        page = await world.rpc(key, account_id, action.id, query=query)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["data"]) <= 7
        walked.extend(record["id"] for record in body["data"])
        pages += 1
        if body["next"] is None:
            break
        assert isinstance(body["next"], str)
        query = {"page_size": 7, "next": body["next"]}
    assert walked == expected
    assert pages == -(-len(expected) // 7)


async def test_a_next_of_another_action_is_refused_before_the_provider_is_called(world: World) -> None:
    key, account_id = await _linked(world)
    reading = world.case.reading
    first = await world.rpc(key, account_id, reading.list_action, query={"page_size": 2})
    cursor = first.json()["next"]
    assert cursor
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for bad in (tampered, "not-a-cursor"):
        refused = await world.rpc(key, account_id, reading.list_action, query={"next": bad})
        assert refused.status_code == 422, refused.text
        assert [error["field"] for error in refused.json()["errors"]] == ["next"]


async def test_a_lookup_and_a_write_reach_the_provider(world: World) -> None:
    key, account_id = await _linked(world)
    reading = world.case.reading
    listed = await world.rpc(key, account_id, reading.list_action, query={"page_size": 3})
    wanted = listed.json()["data"][1]["id"]
    one = await world.rpc(key, account_id, reading.get_action, path={"id": str(wanted)})
    assert one.status_code == 200, one.text
    assert one.json()["data"]["id"] == wanted
    assert "next" not in one.json() or one.json()["next"] is None

    written = await world.rpc(key, account_id, reading.write_action, body=reading.write_arguments)
    assert written.status_code == 200, written.text
    assert written.json()["data"]["id"]
