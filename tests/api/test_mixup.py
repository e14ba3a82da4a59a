"""Security item 4 (mix-up): the callback uses only what was stored with the state; a state minted for one
connector or profile does not complete another's flow."""

from __future__ import annotations

from tests.api.conftest import Harness


async def test_a_state_at_another_connectors_callback_is_refused_before_any_token_request(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    flow = await harness.open_link(await harness.session(tenant))
    await harness.consent(flow, await harness.basic_user_email())
    elsewhere = flow.callback_path.replace("/connect/oauth2/factorialhr/", "/connect/oauth2/otherhr/")
    page = await flow.browser.get(elsewhere)
    assert page.status_code == 400
    assert await harness.code_exchanges() == 0
    # Refused there, the state still completes its own connector's flow.
    assert (await harness.callback(flow)).status_code == 200


async def test_a_code_from_another_profiles_application_does_not_link_with_this_profiles_state(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    first = await harness.profile(tenant, await harness.application())
    second = await harness.profile(tenant, await harness.application())
    email = await harness.basic_user_email()
    mine = await harness.open_link(
        await harness.session(tenant, integration_id=first["id"], origin_owner_id="a")
    )
    other = await harness.open_link(
        await harness.session(tenant, integration_id=second["id"], origin_owner_id="b")
    )
    await harness.consent(mine, email)
    await harness.consent(other, email)
    # The code the second application got, injected into the first flow's callback.
    assert mine.callback_url is not None
    swapped = mine.callback_url.copy_set_param("code", other.code)
    page = await harness.callback(mine, swapped)
    assert page.status_code == 400
    stats = await harness.stats()
    # Exchanged at the first profile's stored token endpoint with the first profile's client: refused.
    assert stats["token_errors"].get("invalid_grant", 0) == 1
    assert (await harness.api.get("/accounts", headers=tenant.auth)).json() == []


async def test_a_state_cannot_be_used_with_another_projects_session(harness: Harness) -> None:
    victim = await harness.tenant("Victim")
    attacker = await harness.tenant("Attacker")
    await harness.profile(victim)
    await harness.profile(attacker)
    email = await harness.basic_user_email()
    victim_flow = await harness.open_link(await harness.session(victim))
    attacker_flow = await harness.open_link(await harness.session(attacker))
    await harness.consent(attacker_flow, email)
    await harness.consent(victim_flow, email)
    # The attacker's callback (their own state and cookie) carrying the victim's code: exchanged with the
    # attacker's profile, it fails; nothing lands in either project.
    assert attacker_flow.callback_url is not None
    page = await harness.callback(
        attacker_flow, attacker_flow.callback_url.copy_set_param("code", victim_flow.code)
    )
    assert page.status_code == 400
    assert (await harness.api.get("/accounts", headers=attacker.auth)).json() == []
    assert (await harness.api.get("/accounts", headers=victim.auth)).json() == []
