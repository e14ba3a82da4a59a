"""Counts on dashboard pages are bounded: past 1,000 linked accounts a page shows "1,000+"."""

from __future__ import annotations

from datetime import timedelta

from linkyard.domain import TokenSet
from tests.harness.bulk import link_accounts
from tests.web.conftest import Harness, page_text, sign_in


async def test_the_project_and_profile_pages_show_1000_plus_past_a_thousand_accounts(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    store = harness.store
    profile = await store.connector_profiles.create(
        tenant.project_id,
        connector="factorialhr",
        client_id="client",
        client_secret="client-secret-0123456789",
        environment="sandbox",
    )
    now = harness.clock()
    token = TokenSet(
        access_token="AT", refresh_token="RT", expires_at=now + timedelta(hours=1), issued_at=now, scopes=()
    )
    await link_accounts(store, tenant.project_id, profile.id, 1001, token=token, now=now)
    dashboard = await sign_in(harness)
    base = f"/projects/{tenant.project_id}"

    overview = page_text((await dashboard.get(base)).text)
    assert "1,000+ linked accounts" in overview
    assert "1001" not in overview and "1,001" not in overview
    shown = page_text((await dashboard.get(f"{base}/connector-profiles/{profile.id}")).text)
    assert "Linked accounts 1,000+" in shown
    deleting = page_text((await dashboard.get(f"{base}/connector-profiles/{profile.id}/delete")).text)
    assert "1,000+ linked accounts use this profile" in deleting
