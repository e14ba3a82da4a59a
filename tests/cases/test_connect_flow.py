"""Linking an account end to end works the same for every connector: the hosted page, the provider's consent,
the callback, the identity the provider gives, and the connector's own token type and environment."""

from __future__ import annotations

from tests.cases.conftest import World


async def test_an_account_is_linked_end_to_end_through_the_providers_consent(world: World) -> None:
    _, key = await world.tenant()
    connector = world.case.connector
    profile = await world.profile(key)
    # Left out, the token type is the connector's first: `user` at Factorial, `member` at Tiny HR.
    assert profile["token_type"] == connector.token_types[0].name
    assert profile["environment"] == "sandbox"

    account = await world.link(key)

    assert account["status"] == "active"
    assert account["provider"] == world.case.key
    assert account["integration_id"] == profile["id"]
    assert account["origin_owner_id"] == "customer-1"
    # The identity action of the connector said who linked, in whatever shape its provider answers.
    assert account["provider_account"]["company_id"]
    assert account["provider_account"]["email"]
    assert "access_token" not in str(account)


async def test_a_connect_session_without_a_provider_uses_the_only_connector_the_project_has(
    world: World,
) -> None:
    _, key = await world.tenant()
    await world.profile(key)
    account = await world.link(key)  # `POST /connect_sessions` names neither provider nor profile
    assert account["provider"] == world.case.key
