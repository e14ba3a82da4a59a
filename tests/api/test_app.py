"""`create_app(settings)`: nothing built at import, the store opened (and refused without a key) in the lifespan."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.errors import KeyRingError
from linkyard.services import create_project
from tests.api.conftest import PUBLIC_URL, Harness, basic


async def test_the_app_opens_and_migrates_its_own_store_when_given_none(settings: Settings) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        platform = app.state.platform
        created = await create_project(platform.store, "Self-opened")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as api:
            assert (await api.get("/healthz")).status_code == 200
            assert (await api.get("/accounts", headers=basic(created.api_key.raw))).json() == []


@pytest.mark.parametrize("keys", [None, "", "k1:not-base64!"])
async def test_the_app_refuses_to_start_without_a_valid_encryption_key(
    settings: Settings, keys: str | None
) -> None:
    broken = settings.model_copy(update={"encryption_keys": None if keys is None else SecretStr(keys)})
    app = create_app(broken)
    with pytest.raises(KeyRingError):
        async with app.router.lifespan_context(app):
            pass


async def test_a_disabled_profile_stops_its_links_and_calls(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    session = await harness.session(tenant)
    disabled = await harness.api.patch(
        f"/connector_profiles/{profile['id']}", json={"disabled": True}, headers=tenant.auth
    )
    assert disabled.json()["disabled"] is True
    assert (await harness.rpc(tenant, account["id"], "factorialhr_get_credentials")).status_code == 412
    page = await harness.browser().get(httpx.URL(session["auth_link_url"]).raw_path.decode())
    assert page.status_code == 400 and "not available" in page.text
    refused = await harness.api.post(
        "/connect_sessions", json={"origin_owner_id": "o", "origin_owner_name": "O"}, headers=tenant.auth
    )
    assert refused.status_code == 422
