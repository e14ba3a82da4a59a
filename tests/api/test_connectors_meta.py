"""StackOne's connector meta: `GET /connectors/meta` and `/connectors/meta/{provider}` (routed before
`/connectors/{key}`), built from the connector's declaration; `active` says whether the project can link with it."""

from __future__ import annotations

from linkyard.connectors import get_connector
from tests.api.conftest import ON_BOTH_BACKENDS, Harness

pytestmark = ON_BOTH_BACKENDS


async def test_the_meta_of_every_connector_is_built_from_its_declaration(harness: Harness) -> None:
    tenant = await harness.tenant()
    listed = await harness.api.get("/connectors/meta", headers=tenant.auth)
    assert listed.status_code == 200, listed.text
    [meta] = [item for item in listed.json() if item["provider"] == "factorialhr"]
    assert meta["provider_name"] == "Factorial"
    assert (meta["category"], meta["categories"]) == ("hris", ["hris", "ats"])
    assert meta["resources"] == {"images": {"logo_url": None, "original_logo_horizontal_url": None}}
    connector = get_connector("factorialhr")
    listed_ids = [action_id for model in meta["models"].values() for action_id in model["actions"]]
    assert sorted(listed_ids) == sorted(action.id for action in connector.actions)  # each action once
    grouped = dict.fromkeys(listed_ids, "")
    grouped.update(
        {action_id: name for name, model in meta["models"].items() for action_id in model["actions"]}
    )
    for model in meta["models"].values():  # within a model, in catalogue order
        order = [action.id for action in connector.actions if action.id in model["actions"]]
        assert model["actions"] == order
    assert all(connector.action(action_id).model_key == name for action_id, name in grouped.items())
    assert meta["models"]["leaves"]["actions"][0] == "factorialhr_list_time_off_requests"
    one = await harness.api.get("/connectors/meta/factorialhr", headers=tenant.auth)
    assert one.status_code == 200
    assert one.json() == meta


async def test_a_connector_is_active_while_the_project_has_an_enabled_profile_of_it(harness: Harness) -> None:
    tenant = await harness.tenant()

    async def active() -> bool:
        return bool(
            (await harness.api.get("/connectors/meta/factorialhr", headers=tenant.auth)).json()["active"]
        )

    assert not await active()
    profile = await harness.profile(tenant)
    assert await active()
    disabled = await harness.api.patch(
        f"/connector_profiles/{profile['id']}", json={"disabled": True}, headers=tenant.auth
    )
    assert disabled.status_code == 200, disabled.text
    assert not await active()


async def test_meta_is_not_read_as_a_connector_named_meta_and_unknown_providers_are_404(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    assert (await harness.api.get("/connectors/meta/personio", headers=tenant.auth)).status_code == 404
    assert (await harness.api.get("/connectors/meta", headers=tenant.auth)).status_code == 200
    assert (await harness.api.get("/connectors/factorialhr", headers=tenant.auth)).json()[
        "key"
    ] == "factorialhr"


async def test_include_adds_the_actions_and_scopes_and_refuses_what_it_cannot_add(harness: Harness) -> None:
    tenant = await harness.tenant()
    plain = (await harness.api.get("/connectors/meta/factorialhr", headers=tenant.auth)).json()
    assert "actions" not in plain and "scopes" not in plain
    fuller = await harness.api.get(
        "/connectors/meta/factorialhr", params={"include": "actions, scopes"}, headers=tenant.auth
    )
    assert fuller.status_code == 200, fuller.text
    detail = (await harness.api.get("/connectors/factorialhr", headers=tenant.auth)).json()
    assert fuller.json()["actions"] == detail["actions"]
    assert fuller.json()["scopes"] == detail["scopes"]
    bad = await harness.api.get("/connectors/meta", params={"include": "field_path"}, headers=tenant.auth)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "include"
