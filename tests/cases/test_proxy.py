"""`POST /unified/proxy` works the same for every connector that declares a proxy: a path under its base path
reaches the provider with the account's token, one outside it (the OAuth endpoints) never does."""

from __future__ import annotations

from tests.cases.conftest import World
from tests.harness.platform import basic


async def test_the_list_actions_path_answers_through_the_proxy_and_the_token_endpoint_is_out_of_reach(
    world: World,
) -> None:
    _, key = await world.tenant()
    await world.profile(key)
    account_id = str((await world.link(key))["id"])
    connector = world.case.connector
    action = connector.action(world.case.reading.list_action)
    headers = {**basic(key), "x-account-id": account_id}

    listed = await world.api.post("/unified/proxy", json={"path": action.path}, headers=headers)
    token = await world.api.post(
        "/unified/proxy",
        json={"method": "post", "path": connector.auth.token_path, "body": {}},
        headers=headers,
    )

    assert listed.status_code == 200, listed.text
    records = (
        listed.json()
        if action.envelope is None or action.envelope.records is None
        else listed.json()[action.envelope.records]
    )
    assert isinstance(records, list) and records, "the provider's own answer, records and all"
    assert token.status_code == 400 and token.json()["code"] == "proxy_path_refused", token.text
