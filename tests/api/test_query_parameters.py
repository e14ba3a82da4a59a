"""A query parameter an API route does not take is a 400 that names it, on every route that takes the API key:
never silently dropped (a dropped filter answers as if it had matched everything)."""

from __future__ import annotations

from fastapi.routing import APIRoute

from tests.api.conftest import ON_BOTH_BACKENDS, Harness
from tests.harness.refusals import unknown_parameters

pytestmark = ON_BOTH_BACKENDS

LIST_ROUTES = (
    "/accounts",
    "/connector_profiles",
    "/auth_configs",
    "/actions",
    "/connectors",
    "/connectors/meta",
)


async def test_every_list_route_refuses_a_parameter_it_does_not_take_naming_it(harness: Harness) -> None:
    tenant = await harness.tenant()
    for path in LIST_ROUTES:
        answer = await harness.api.get(path, params={"account_idz": "acc_1"}, headers=tenant.auth)
        assert answer.status_code == 400, (path, answer.text)
        body = answer.json()
        assert body["code"] == "unknown_query_parameter", path
        assert "'account_idz'" in body["message"], path
        assert "acc_1" not in body["message"]  # the name, never the value


async def test_every_route_that_takes_the_key_refuses_an_unknown_parameter(harness: Harness) -> None:
    """Walks the app's routes: one mechanism, so a route added later is covered without a line of its own."""
    tenant = await harness.tenant()
    await harness.profile(tenant)
    _, account = await harness.link(tenant, await harness.basic_user_email())
    values = {
        "account_id": account["id"],
        "key": "factorialhr",
        "provider": "factorialhr",
        "profile_id": "cp_x",
        "id": "1",
        "log_id": "log_x",
        "subResourceId": "2",
        "sub_id": "2",
        "webhook_id": "whk_x",
        "delivery_id": "dlv_x",
        "event_id": "evt_x",
    }
    checked = 0
    for route in harness.app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema or route.path == "/healthz":
            continue
        path = route.path.format(**values)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            answer = await harness.api.request(
                method,
                path,
                params={"unknown_zz": "1"},
                headers={**tenant.auth, "x-account-id": account["id"]},
            )
            assert answer.status_code == 400, (method, route.path, answer.text)
            assert answer.json()["code"] == "unknown_query_parameter", (method, route.path)
            assert "'unknown_zz'" in answer.json()["message"], (method, route.path)
            checked += 1
    assert checked >= 150  # 189 route methods on 2026-12-07: a walk that found far fewer lost routes
    # Nothing was changed by a refused request.
    assert (await harness.api.get(f"/accounts/{account['id']}", headers=tenant.auth)).status_code == 200


async def test_several_unknown_parameters_are_all_named_after_the_key_and_known_ones_still_work(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    answer = await harness.api.get(
        "/accounts", params={"b_zz": "1", "a_zz": "2", "page": "1"}, headers=tenant.auth
    )
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert "'a_zz', 'b_zz'" in message
    assert "page_size" in message  # what the route takes
    known = await harness.api.get(
        "/actions",
        params={
            "group_by": "connector",
            "include": "operation_details",
            "filter[connectors]": "factorialhr",
            "filter[action_key]": "factorialhr_list_employees",
            "page_size": "25",
        },
        headers=tenant.auth,
    )
    assert known.status_code == 200, known.text
    # StackOne's own kinds of parameter a route does not take are unknown there too, named the same way.
    stackones = await harness.api.get(
        "/accounts", params={"filter[status]": "active", "expand": "x", "zz": "1"}, headers=tenant.auth
    )
    assert unknown_parameters(stackones) == "'expand', 'filter[status]', 'zz'"
    # The key comes first: none is a 401, one in the URL is refused as a credential (both before the names).
    anonymous = await harness.api.get("/accounts", params={"unknown_zz": "1"})
    assert anonymous.status_code == 401
    leaked = await harness.api.get("/accounts", params={"api_key": tenant.key, "x": "1"}, headers=tenant.auth)
    assert (leaked.status_code, leaked.json()["code"]) == (400, "credentials_in_query")
