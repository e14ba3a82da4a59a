"""`POST /actions/search`: the catalogue ranked by BM25 against a request in words (StackOne's search shape)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from stackone_ai import StackOneToolSet

from tests.api.conftest import ALL_SCOPES, Harness, Tenant
from tests.mcp.conftest import link_account

EMPLOYEE_LISTS = {"factorialhr_list_employees", "hris_list_employees"}


async def _search(harness: Harness, tenant: Tenant, **body: Any) -> dict[str, Any]:
    answer = await harness.api.post("/actions/search", json=body, headers=tenant.auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _names(found: dict[str, Any]) -> list[str]:
    return [result["action_name"] for result in found["results"]]


async def test_approving_a_vacation_ranks_the_approve_action_first(harness: Harness) -> None:
    tenant = await harness.tenant()
    found = await _search(harness, tenant, query="approve vacation request")
    assert _names(found)[0] == "factorialhr_approve_time_off_request"
    first = found["results"][0]
    assert first["id"] == first["action_name"]
    assert first["connector_key"] == "factorialhr"
    assert first["label"] == "Approve time-off request"
    assert first["description"]
    assert found["query"] == "approve vacation request"


async def test_words_the_catalogue_does_not_use_still_find_their_actions(harness: Harness) -> None:
    tenant = await harness.tenant()
    # The action and the unified operation over it (`hris_list_employees`) answer it alike: one of them leads,
    # and both are near the top (StackOne's `hris_list_employee_categories`, the employees' document categories,
    # shares the words).
    for query in ("list staff", "show me all people"):
        names = _names(await _search(harness, tenant, query=query))
        assert names[0] in EMPLOYEE_LISTS, (query, names)
        assert set(names[:5]) >= EMPLOYEE_LISTS, (query, names)
    assert (
        _names(await _search(harness, tenant, query="hire a new person"))[0] == "factorialhr_create_employee"
    )
    assert (
        _names(await _search(harness, tenant, query="open vacancies"))[0] == "factorialhr_list_job_postings"
    )


async def test_scores_lie_in_zero_to_one_best_first_and_a_query_matching_nothing_finds_nothing(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    for query in ("approve vacation request", "list staff", "employee", "clock in at the office"):
        found = await _search(harness, tenant, query=query, top_k=50)
        scores = [result["similarity_score"] for result in found["results"]]
        assert scores, query
        assert all(0 < score <= 1 for score in scores)
        assert scores == sorted(scores, reverse=True)
    exact = (await _search(harness, tenant, query="approve time off request"))["results"][0]
    loose = (await _search(harness, tenant, query="approve xylophone quasar"))["results"][0]
    assert exact["similarity_score"] > loose["similarity_score"]
    assert await _search(harness, tenant, query="xylophone quasar") == {
        "results": [],
        "total_count": 0,
        "query": "xylophone quasar",
    }


async def test_top_k_min_similarity_and_the_connector_filter_are_honoured(harness: Harness) -> None:
    tenant = await harness.tenant()
    everything = await _search(harness, tenant, query="list", top_k=100)
    # Some 200 of the ~670 tools list something: `total_count` counts them all, `results` holds the best 100.
    assert everything["total_count"] > len(everything["results"]) == 100
    three = await _search(harness, tenant, query="list", top_k=3)
    assert _names(three) == _names(everything)[:3]
    assert three["total_count"] == everything["total_count"]
    floor = everything["results"][2]["similarity_score"]
    assert all(
        result["similarity_score"] >= floor
        for result in (await _search(harness, tenant, query="list", min_similarity=floor))["results"]
    )
    filtered = await _search(harness, tenant, query="list employees", connector="FactorialHR")
    assert {result["connector_key"] for result in filtered["results"]} == {"factorialhr"}
    assert _names(filtered)[0] in EMPLOYEE_LISTS
    assert set(_names(filtered)[:3]) >= EMPLOYEE_LISTS


async def test_bad_input_is_a_422_that_does_not_echo_it(harness: Harness) -> None:
    tenant = await harness.tenant()
    for body, field in (
        ({"query": "   "}, "query"),
        ({}, "query"),
        ({"query": "list", "top_k": 0}, "top_k"),
        ({"query": "list", "top_k": "5"}, "top_k"),
        ({"query": "list", "min_similarity": 2}, "min_similarity"),
        ({"query": "list", "connector": "workday-secret-name"}, "connector"),
    ):
        answer = await harness.api.post("/actions/search", json=body, headers=tenant.auth)
        assert answer.status_code == 422, body
        envelope = answer.json()
        assert envelope["statusCode"] == 422
        assert [error["field"] for error in envelope["errors"]] == [field]
        assert "workday-secret-name" not in answer.text
    not_json = await harness.api.post(
        "/actions/search", content=b"{", headers={**tenant.auth, "content-type": "application/json"}
    )
    assert not_json.status_code == 400
    anonymous = await harness.api.post("/actions/search", json={"query": "list"})
    assert anonymous.status_code == 401


async def test_stackone_ai_searches_an_accounts_tools_through_actions_search(
    harness: Harness, live_url: str
) -> None:
    linked = await link_account(harness, scopes=ALL_SCOPES)
    toolset = StackOneToolSet(api_key=linked.tenant.key, base_url=live_url, search={"method": "semantic"})
    found = await asyncio.to_thread(
        toolset.search_tools, "approve vacation request", account_ids=[linked.account_id], top_k=3
    )
    assert next(tool.name for tool in found) == "factorialhr_approve_time_off_request"
    async with httpx.AsyncClient(base_url=live_url) as http:  # what the SDK posted, answered for real
        answer = await http.post(
            "/actions/search",
            json={"query": "approve vacation request", "connector": "factorialhr", "top_k": 3},
            headers=linked.tenant.auth,
        )
    assert [result["id"] for result in answer.json()["results"]] == [tool.name for tool in found]
