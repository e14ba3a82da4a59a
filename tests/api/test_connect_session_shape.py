"""Connect sessions in the shape StackOne's client validates: `id` a number, `organization_id`, `project_id`;
`POST /connect_sessions/authenticate` answers 201 (the only status the client accepts)."""

from __future__ import annotations

from tests.api.conftest import ON_BOTH_BACKENDS, Harness

pytestmark = ON_BOTH_BACKENDS


async def test_a_created_session_is_numbered_and_names_its_organization_and_project(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    first = await harness.session(tenant, provider="factorialhr", type="production", multiple=False)
    second = await harness.session(tenant, origin_owner_id="customer-2")
    for created in (first, second):
        assert isinstance(created["id"], int) and not isinstance(created["id"], bool)
        assert 1 <= created["id"] < 2**53  # a JavaScript number holds it exactly
        assert created["organization_id"] == 1
        assert created["project_id"] == tenant.project_id
        assert created["token"].startswith("lkcs_")
        assert created["auth_link_url"].endswith(created["token"])
    assert first["id"] != second["id"]


async def test_authenticating_answers_201_with_the_same_session_and_no_token(harness: Harness) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    created = await harness.session(tenant, label="Payroll")
    answer = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": created["token"]}, headers=tenant.auth
    )
    assert answer.status_code == 201, answer.text
    session = answer.json()
    assert session["id"] == created["id"]
    assert session["organization_id"] == 1
    assert session["project_id"] == tenant.project_id
    assert session["label"] == "Payroll"
    assert "token" not in session and created["token"] not in answer.text
    unknown = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": "lkcs_unknown"}, headers=tenant.auth
    )
    assert unknown.status_code == 404
    # The hosted page still finds the session by its token, and the link completes it.
    flow = await harness.open_link(created)
    await harness.consent(flow, await harness.basic_user_email())
    assert (await harness.callback(flow)).status_code in (200, 303)
    done = await harness.api.post(
        "/connect_sessions/authenticate", json={"token": created["token"]}, headers=tenant.auth
    )
    assert (done.json()["id"], done.json()["status"]) == (created["id"], "completed")
