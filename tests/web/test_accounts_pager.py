"""The Linked Accounts list pages by `next` cursors: every account once, in order, and the filters kept."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from linkyard.domain import TokenSet
from tests.harness.bulk import link_accounts
from tests.web.conftest import Harness, sign_in

_NEXT = re.compile(r'<a href="([^"]+)" rel="next">Next page')
_ACCOUNT = re.compile(r'href="/projects/[^/]+/accounts/(acc_[a-z0-9]+)"')


async def test_next_page_links_walk_every_account_once_in_creation_order(harness: Harness) -> None:
    tenant = await harness.tenant()
    profile = await harness.store.connector_profiles.create(
        tenant.project_id,
        connector="factorialhr",
        client_id="client",
        client_secret="client-secret-0123456789",
        environment="sandbox",
    )
    now = harness.clock()
    token = TokenSet(
        access_token="AT", refresh_token="RT", expires_at=now + timedelta(hours=1), issued_at=now
    )
    ids = await link_accounts(harness.store, tenant.project_id, profile.id, 60, token=token, now=now)
    dashboard = await sign_in(harness, tenant.key)

    url = f"/projects/{tenant.project_id}/accounts?status=active"
    seen: list[str] = []
    pages = 0
    while True:
        page = await dashboard.get(url)
        assert page.status_code == 200
        pages += 1
        seen += list(dict.fromkeys(_ACCOUNT.findall(page.text)))
        assert ('rel="first"' in page.text) == (pages > 1)
        found = _NEXT.search(page.text)
        if found is None:
            break
        url = html.unescape(found.group(1))
        query = parse_qs(urlsplit(url).query)
        assert query["status"] == ["active"] and "next" in query and "page" not in query

    assert pages == 3
    assert seen == ids
