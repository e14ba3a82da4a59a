"""`GET /accounts` by keyset: `Link: <...>; rel="next"` walks every account once, in order, with the filters; a
page deep in the list is read by the keyset predicate, never `OFFSET`; `page` is bounded; a bad cursor is a 400."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from linkyard.config import Settings
from linkyard.domain import TokenSet
from tests.api.conftest import ON_BOTH_BACKENDS, Harness, Tenant
from tests.harness.bulk import link_accounts
from tests.harness.round_trips import rows_read, watched, without_background_queries

pytestmark = ON_BOTH_BACKENDS
_NEXT = re.compile(r'^<([^>]+)>; rel="next"$')


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # A page's cost is SQLite's steps on every connection while it is read: a background write would count.
    return without_background_queries(settings)


async def _accounts(harness: Harness, count: int, *, prefix: str = "bulk") -> tuple[Tenant, list[str]]:
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    now = harness.clock()
    token = TokenSet(
        access_token="AT", refresh_token="RT", expires_at=now + timedelta(hours=1), issued_at=now
    )
    ids = await link_accounts(
        harness.store, tenant.project_id, profile["id"], count, token=token, now=now, prefix=prefix
    )
    return tenant, ids


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _next_url(answer: httpx.Response) -> str | None:
    link = answer.headers.get("link")
    if link is None:
        return None
    found = _NEXT.match(link)
    assert found is not None, link
    return found.group(1)


async def _walk(
    harness: Harness, tenant: Tenant, params: list[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """Every id the list gives following its `Link` headers, and the URLs followed."""
    answer = await harness.api.get("/accounts", params=tuple(params), headers=tenant.auth)
    seen: list[str] = []
    followed: list[str] = []
    while True:
        assert answer.status_code == 200, answer.text
        seen += [account["id"] for account in answer.json()]
        url = _next_url(answer)
        if url is None:
            return seen, followed
        followed.append(url)
        answer = await harness.api.get(url, headers=tenant.auth)


async def test_next_links_walk_every_account_once_in_order_with_the_filters(harness: Harness) -> None:
    tenant, ids = await _accounts(harness, 23)

    seen, followed = await _walk(harness, tenant, [("page_size", "5")])
    assert seen == ids and len(followed) == 4  # 5+5+5+5+3: the last page has no Link

    wanted = [ids[n] for n in (1, 2, 3, 5, 8, 13, 21)]
    owners = [f"bulk-{n}" for n in (1, 2, 3, 5, 8, 13, 21, 22)]  # 22 is not among `wanted`'s ids
    params = [
        *(("account_ids", account_id) for account_id in wanted),
        *(("origin_owner_ids", owner) for owner in owners),
        ("status", "active"),
        ("page_size", "2"),
    ]
    seen, followed = await _walk(harness, tenant, params)
    assert seen == wanted and len(followed) == 3
    for url in followed:
        query = parse_qs(urlsplit(url).query)
        assert query["account_ids"] == wanted and query["origin_owner_ids"] == owners
        assert query["status"] == ["active"] and query["page_size"] == ["2"] and "page" not in query

    # `page` (StackOne's client sends it) leads into the keyset walk: its Link drops `page`.
    second = await harness.api.get("/accounts", params={"page": 2, "page_size": 5}, headers=tenant.auth)
    assert [account["id"] for account in second.json()] == ids[5:10]
    onward = _next_url(second)
    assert onward is not None and "page=" not in onward.replace("page_size=", "")
    third = await harness.api.get(onward, headers=tenant.auth)
    assert [account["id"] for account in third.json()] == ids[10:15]


async def test_a_deep_page_is_a_keyset_read_costing_what_the_first_does(harness: Harness) -> None:
    tenant, ids = await _accounts(harness, 1200)
    await harness.store.refresh_statistics()
    url: str | None = "/accounts?page_size=100"
    urls: list[str] = []
    while url is not None:
        urls.append(url)
        answer = await harness.api.get(url, headers=tenant.auth)
        url = _next_url(answer)
    assert len(urls) == 12

    costs = []
    for url in (urls[0], urls[-1]):
        async with watched(harness.store) as sent:
            answer = await harness.api.get(url, headers=tenant.auth)
        assert answer.status_code == 200
        [(statement, parameters)] = [
            (s, p) for s, p in sent.statements if "FROM accounts" in s and "ORDER BY accounts.created_at" in s
        ]
        if harness.store.backend == "sqlite":
            # SQLite's dialect writes `LIMIT ? OFFSET ?` for any LIMIT: the offset it binds is 0.
            assert statement.rstrip().endswith("LIMIT ? OFFSET ?") and parameters[-1] == 0, parameters
        else:
            assert "OFFSET" not in statement.upper(), statement
        if url != urls[0]:
            assert re.search(r"\(accounts\.created_at, accounts\.id\) >", statement), statement
            assert [account["id"] for account in answer.json()] == ids[-100:]
        costs.append(
            sent.vm_steps
            if harness.store.backend == "sqlite"
            else await rows_read(harness.store, statement, parameters)
        )
    first, last = costs
    if harness.store.backend == "sqlite":
        # OFFSET 1100 would step over every row before the page; SQLite's steps are the same for any plan.
        assert last <= first * 1.5 + 50, costs
    else:
        # OFFSET 1100 would read the 1,100 rows before the page and then the page's 100. PostgreSQL's rows
        # read depend on the plan it picks for so small a table (202 and 400 rows were both seen for a keyset
        # page): the bound is what no offset read can stay under.
        assert last < 1100, costs


async def test_page_is_bounded_and_names_next(harness: Harness) -> None:
    tenant, _ = await _accounts(harness, 3)
    deepest = await harness.api.get("/accounts", params={"page": 100, "page_size": 100}, headers=tenant.auth)
    assert deepest.status_code == 200 and deepest.json() == []
    for page, size in ((101, 100), (401, 25), (10_001, 1)):
        answer = await harness.api.get(
            "/accounts", params={"page": page, "page_size": size}, headers=tenant.auth
        )
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert body["code"] == "page_too_deep"
        assert "`page`" in body["message"] and "`next`" in body["message"]


async def test_a_cursor_that_is_not_this_lists_is_a_400(harness: Harness) -> None:
    tenant, ids = await _accounts(harness, 6)
    first = await harness.api.get("/accounts", params={"page_size": 2}, headers=tenant.auth)
    url = _next_url(first)
    assert url is not None
    cursor = parse_qs(urlsplit(url).query)["next"][0]
    good = await harness.api.get("/accounts", params={"page_size": 2, "next": cursor}, headers=tenant.auth)
    assert [account["id"] for account in good.json()] == ids[2:4]

    filtered = await harness.api.get(
        "/accounts", params={"page_size": 2, "status": "active"}, headers=tenant.auth
    )
    other = parse_qs(urlsplit(_next_url(filtered) or "").query)["next"][0]
    for params in (
        {"next": "nonsense"},
        {"next": _encoded("2026-01-01T00:00:00+00:00 usr_abc")},  # not an account's id
        {"next": _encoded("2026-01-01T00:00:00 acc_abc")},  # no time zone
        {"next": _encoded("2026-01-01T00:00:00+00:00 acc_abc 0123456789abcdef x")},
        {"next": cursor + "AAAA"},
        {"next": other},  # another filter set's cursor
        {"next": cursor, "status": "active"},
        {"next": cursor, "origin_owner_ids": "bulk-1"},
    ):
        answer = await harness.api.get("/accounts", params=params, headers=tenant.auth)
        assert answer.status_code == 400, (params, answer.text)
        assert answer.json()["code"] == "invalid_cursor", params
        assert cursor not in answer.text

    both = await harness.api.get("/accounts", params={"next": cursor, "page": 1}, headers=tenant.auth)
    assert both.status_code == 400
    assert "`page`" in both.json()["message"] and "`next`" in both.json()["message"]
