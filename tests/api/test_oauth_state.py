"""Security item 1: the state is random, single-use, short-lived and bound to the browser that started the flow.

Each refused callback costs Factorial nothing: the emulator counts no token request for it.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta

import httpx

from linkyard.oauth.flow import binding_cookie_name
from tests.api.conftest import ON_BOTH_BACKENDS, REDIRECT_URI, Flow, Harness, Tenant

pytestmark = ON_BOTH_BACKENDS


async def _consented(harness: Harness) -> tuple[Tenant, Flow]:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    flow = await harness.open_link(await harness.session(tenant))
    await harness.consent(flow, await harness.basic_user_email())
    return tenant, flow


async def _accounts(harness: Harness, tenant: Tenant) -> list[dict[str, object]]:
    return list((await harness.api.get("/accounts", headers=tenant.auth)).json())


async def test_a_callback_without_state_is_refused_before_any_token_request(harness: Harness) -> None:
    tenant, flow = await _consented(harness)
    code = flow.code
    page = await harness.callback(flow, httpx.URL(REDIRECT_URI, params={"code": code}))
    assert page.status_code == 400
    assert await harness.code_exchanges() == 0
    assert await _accounts(harness, tenant) == []


async def test_a_random_state_is_refused_before_any_token_request(harness: Harness) -> None:
    tenant, flow = await _consented(harness)
    code = flow.code
    forged = httpx.URL(REDIRECT_URI, params={"code": code, "state": secrets.token_urlsafe(32)})
    page = await harness.callback(flow, forged)
    assert page.status_code == 400
    assert "could not be completed" in page.text
    assert await harness.code_exchanges() == 0
    assert await _accounts(harness, tenant) == []


async def test_a_replayed_callback_is_refused_even_with_the_binding_cookie(harness: Harness) -> None:
    tenant, flow = await _consented(harness)
    state = flow.state
    cookie_name = binding_cookie_name(state)
    binding = flow.browser.cookies.get(cookie_name)
    assert binding
    first = await harness.callback(flow)
    assert first.status_code == 200
    assert await harness.code_exchanges() == 1
    replay = await flow.browser.get(
        flow.callback_path,
        headers={"cookie": f"{cookie_name}={binding}"},
    )
    assert replay.status_code == 400
    assert await harness.code_exchanges() == 1
    assert len(await _accounts(harness, tenant)) == 1


async def test_an_expired_state_is_refused_before_any_token_request(harness: Harness) -> None:
    tenant, flow = await _consented(harness)
    harness.advance(timedelta(minutes=10, seconds=1))
    page = await harness.callback(flow)
    assert page.status_code == 400
    assert await harness.code_exchanges() == 0
    assert await _accounts(harness, tenant) == []


async def test_a_callback_opened_in_another_browser_is_refused_and_leaves_the_state_usable(
    harness: Harness,
) -> None:
    tenant, flow = await _consented(harness)
    stranger = harness.browser()
    page = await stranger.get(flow.callback_path)
    assert page.status_code == 400
    assert await harness.code_exchanges() == 0
    assert await _accounts(harness, tenant) == []
    # The browser that started the flow still completes it: a refused attempt does not use the state up.
    final = await harness.callback(flow)
    assert final.status_code == 200
    assert len(await _accounts(harness, tenant)) == 1


async def test_a_cookie_of_another_flow_does_not_unlock_a_state(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    email = await harness.basic_user_email()
    mine = await harness.open_link(await harness.session(tenant, origin_owner_id="me"))
    theirs = await harness.open_link(await harness.session(tenant, origin_owner_id="them"))
    await harness.consent(theirs, email)
    # The attacker's browser holds a binding of its own; it is not the binding of the victim's state.
    attacker_binding = mine.browser.cookies.get(binding_cookie_name(mine.state))
    forged = await mine.browser.get(
        theirs.callback_path,
        headers={"cookie": f"{binding_cookie_name(theirs.state)}={attacker_binding}"},
    )
    assert forged.status_code == 400
    assert await harness.code_exchanges() == 0


async def test_two_concurrent_callbacks_with_one_state_make_exactly_one_account(harness: Harness) -> None:
    tenant, flow = await _consented(harness)
    url = flow.callback_path
    first, second = await asyncio.gather(flow.browser.get(url), flow.browser.get(url))
    assert sorted([first.status_code, second.status_code]) == [200, 400]
    assert await harness.code_exchanges() == 1  # the loser never reached Factorial
    assert len(await _accounts(harness, tenant)) == 1
