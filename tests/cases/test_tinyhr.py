"""What only Tiny HR's declaration asks of the engine: a bare list paged by the `Link` header, arrays sent as
repeated names, and the seam that adds a connector declared outside Linkyard's package for an app's lifetime."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.applications import Starlette

from linkyard.connectors import add_connectors, get_connector
from linkyard.domain import ManualClock
from linkyard.errors import ConfigError, NotFound
from tests.api.conftest import basic
from tests.cases.conftest import ConnectorCase, World
from tests.tinyhr.declaration import tinyhr

TINYHR = pytest.mark.parametrize("connector_case", ["tinyhr"], indirect=True)


async def _linked(world: World, *scopes: str) -> tuple[str, str]:
    _, key = await world.tenant()
    await world.profile(key, scopes=list(scopes))
    return key, str((await world.link(key))["id"])


@TINYHR
async def test_a_bare_list_pages_by_the_link_header(world: World, provider: Starlette) -> None:
    key, account_id = await _linked(world, "teams:read")
    walked: list[Any] = []
    query: dict[str, Any] = {"page_size": 4}
    while True:
        page = await world.rpc(key, account_id, "tinyhr_list_teams", query=query)
        assert page.status_code == 200, page.text
        walked.extend(team["id"] for team in page.json()["data"])
        if page.json()["next"] is None:
            break
        query = {"next": page.json()["next"]}
    assert walked == [team["id"] for team in provider.state.tinyhr.teams]
    sent = [dict(parse_qsl(urlsplit(url).query)) for url in provider.state.tinyhr.api_calls[1:]]
    assert sent[0] == {"per_page": "4"}
    assert sent[1] == {"since": "4", "per_page": "4"}, "the next page is the query the Link header named"


@TINYHR
async def test_list_arguments_travel_as_repeated_names(world: World, provider: Starlette) -> None:
    key, account_id = await _linked(world, "people:read")
    answer = await world.rpc(key, account_id, "tinyhr_list_people", query={"team": ["design", "sales"]})
    assert answer.status_code == 200, answer.text
    assert {person["team"] for person in answer.json()["data"]} == {"design", "sales"}
    assert urlsplit(provider.state.tinyhr.api_calls[-1]).query == "team=design&team=sales&per_page=25&page=1"


@TINYHR
async def test_a_next_link_to_another_host_lends_only_its_query(
    world: World, provider: Starlette, connector_case: ConnectorCase
) -> None:
    key, account_id = await _linked(world, "teams:read")

    # The provider (or someone between) points the next page at a stranger's host and path.
    provider.state.tinyhr.teams_link_base = "http://evil.test/steal"
    first = await world.rpc(key, account_id, "tinyhr_list_teams", query={"page_size": 3})
    assert first.status_code == 200, first.text
    second = await world.rpc(key, account_id, "tinyhr_list_teams", query={"next": first.json()["next"]})
    assert second.status_code == 200, second.text
    assert [team["id"] for team in second.json()["data"]] == [4, 5, 6]
    followed = urlsplit(provider.state.tinyhr.api_calls[-1])
    assert (followed.netloc, followed.path) == ("tinyhr.test", "/v1/teams")


@TINYHR
async def test_an_expired_token_is_refreshed_at_the_connectors_own_sandbox(
    world: World, provider: Starlette, clock: ManualClock
) -> None:
    # The server runs two sandboxes (Factorial's and Tiny HR's): each connector's refresh goes to its own.
    key, account_id = await _linked(world, "people:read")
    clock.advance(timedelta(hours=2))
    answer = await world.rpc(key, account_id, "tinyhr_list_people", query={"page_size": 1})
    assert answer.status_code == 200, answer.text
    assert provider.state.tinyhr.token_calls == [
        "http://tinyhr.test/oauth2/token authorization_code",
        "http://tinyhr.test/oauth2/token refresh_token",
    ]


@TINYHR
async def test_the_connector_is_in_the_catalogue_only_while_the_app_that_added_it_runs(world: World) -> None:
    _, key = await world.tenant()
    listed = (await world.api.get("/connectors", headers=basic(key))).json()["data"]
    assert [connector["key"] for connector in listed] == ["factorialhr", "tinyhr"]
    assert get_connector("tinyhr") is tinyhr()
    with pytest.raises(ConfigError), add_connectors([tinyhr().model_copy(update={"name": "Other HR"})]):
        pass  # another declaration under a key already taken is refused
    with pytest.raises(ConfigError), add_connectors([tinyhr().model_copy(update={"key": "factorialhr"})]):
        pass  # and a built-in connector cannot be replaced


async def test_an_added_connector_leaves_with_the_block_that_added_it() -> None:
    with add_connectors([tinyhr()]):
        with add_connectors([tinyhr()]):
            assert get_connector("tinyhr").name == "Tiny HR"
        assert get_connector("tinyhr").name == "Tiny HR", "still held by the outer block"
    with pytest.raises(NotFound):
        get_connector("tinyhr")
