"""StackOne's `proxy[...]` on a unified list: query parameters passed to the provider's list call as they are,
under the proxy's rules; one that names a parameter of the call itself, or that the proxy would not send, is
refused naming it, before Factorial is called."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant
from tests.harness.refusals import unknown_parameters

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"


async def _linked(harness: Harness, scopes: list[str] = ALL_SCOPES) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=scopes)
    await harness.profile(tenant, application, token_type="company", scopes=scopes)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _employees(harness: Harness, tenant: Tenant, account_id: str, **params: Any) -> httpx.Response:
    return await harness.api.get(
        "/unified/hris/employees", params=params, headers={**tenant.auth, "x-account-id": account_id}
    )


async def _factorial_employees(harness: Harness, **params: str) -> list[dict[str, Any]]:
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    answer = await harness.factorial.get(
        f"{FACTORIAL_API}/employees/employees",
        params={"limit": "100", **params},
        headers={"x-api-key": created.json()["api_key"]},
    )
    return list(answer.json()["data"])


async def test_a_proxied_parameter_reaches_factorials_list_call(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    everyone = await _factorial_employees(harness)
    wanted = everyone[len(everyone) // 2]
    # Factorial filters by company identifier; the connector's list action declares no such parameter.
    narrowed = await _employees(
        harness, tenant, account_id, **{"proxy[company_identifier]": wanted["company_identifier"]}
    )
    assert narrowed.status_code == 200, narrowed.text
    assert [e["id"] for e in narrowed.json()["data"]] == [wanted["id"]]
    initial = wanted["full_name"][:3]
    named = await _employees(
        harness, tenant, account_id, page_size="100", **{"proxy[name_starts_with]": initial}
    )
    assert named.status_code == 200, named.text
    assert [e["id"] for e in named.json()["data"]] == [
        e["id"] for e in await _factorial_employees(harness, name_starts_with=initial)
    ]
    assert wanted["id"] in {e["id"] for e in named.json()["data"]}


async def test_a_proxied_parameter_of_the_call_itself_or_unsendable_is_refused_naming_it(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    before = (await harness.stats())["api_requests"]
    for name in ("limit", "after_id", "emails", "updated_at_gteq", "emails[]", "only_active"):
        refused = await _employees(harness, tenant, account_id, **{f"proxy[{name}]": "1"})
        assert refused.status_code == 422, (name, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == [f"proxy[{name}]"]
    odd = await _employees(harness, tenant, account_id, **{"proxy[a b]": "1"})
    assert odd.status_code == 422
    assert [e["field"] for e in odd.json()["errors"]] == ["proxy[?]"]
    broken = await _employees(harness, tenant, account_id, **{"proxy[name_starts_with]": "A\nB"})
    assert [e["field"] for e in broken.json()["errors"]] == ["proxy[name_starts_with]"]
    # A get takes no proxy: refused as any parameter a route does not take is.
    one = await harness.api.get(
        "/unified/hris/employees/1",
        params={"proxy[x]": "1"},
        headers={**tenant.auth, "x-account-id": account_id},
    )
    assert unknown_parameters(one) == "'proxy[x]'"
    assert (await harness.stats())["api_requests"] == before
