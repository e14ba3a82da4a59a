"""The unified ATS API over Factorial, over ASGI: StackOne's models filled from the emulator's recruitment data,
writes that land in Factorial, and the enforcement of actions (the recruitment scope, bad input in StackOne's
envelope, never a call to Factorial for a request refused)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL_SCOPES, ON_BOTH_BACKENDS, Harness, Tenant

SCOPES = ALL_SCOPES

pytestmark = ON_BOTH_BACKENDS

FACTORIAL_API = "/api/2026-10-01/resources"


@pytest.fixture
def emulator_shape() -> tuple[int, int]:
    return 3, 60


async def _factorial_key(harness: Harness) -> dict[str, str]:
    company = await harness.company()
    created = await harness.factorial.post("/_emulator/api_keys", json={"company_id": company["id"]})
    return {"x-api-key": created.json()["api_key"]}


async def _factorial(harness: Harness, path: str, **params: Any) -> Any:
    """Factorial's own answer for `path`, read by the company's admin with an API key."""
    headers = await _factorial_key(harness)
    response = await harness.factorial.get(f"{FACTORIAL_API}/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _linked(harness: Harness) -> tuple[Tenant, str]:
    tenant = await harness.tenant()
    application = await harness.application(scopes=SCOPES)
    await harness.profile(tenant, application, token_type="company", scopes=SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    return tenant, str(account["id"])


async def _get(harness: Harness, tenant: Tenant, account_id: str, path: str, **params: Any) -> httpx.Response:
    return await harness.api.get(
        f"/unified/ats/{path}", params=params, headers={**tenant.auth, "x-account-id": account_id}
    )


async def _send(
    harness: Harness, tenant: Tenant, account_id: str, method: str, path: str, body: Any
) -> httpx.Response:
    return await harness.api.request(
        method, f"/unified/ats/{path}", json=body, headers={**tenant.auth, "x-account-id": account_id}
    )


async def test_applications_are_factorials_with_their_phase_and_rejection_and_filter_by_job(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    factorial = (await _factorial(harness, "ats/applications", limit="100"))["data"]
    response = await _get(harness, tenant, account_id, "applications", page_size="100")
    assert response.status_code == 200, response.text
    unified = response.json()["data"]
    assert [a["id"] for a in unified] == [a["id"] for a in factorial]
    for mine, theirs in zip(unified, factorial, strict=True):
        rejected = theirs["ats_rejection_reason_id"]
        assert mine == {
            "id": theirs["id"],
            "remote_id": theirs["id"],
            "candidate_id": theirs["ats_candidate_id"],
            "remote_candidate_id": theirs["ats_candidate_id"],
            "job_id": theirs["ats_job_posting_id"],
            "remote_job_id": theirs["ats_job_posting_id"],
            "interview_stage_id": theirs["ats_application_phase_id"],
            "remote_interview_stage_id": theirs["ats_application_phase_id"],
            "rejected_reason_ids": [rejected] if rejected else [],
            "remote_rejected_reason_ids": [rejected] if rejected else [],
            "application_status": {
                "value": "rejected" if rejected else "active",
                "source_value": "rejected" if rejected else "active",
            },
            "created_at": theirs["created_at"],
        }
    job = factorial[-1]["ats_job_posting_id"]
    by_job = await _get(harness, tenant, account_id, "applications", **{"filter[job_id]": job})
    assert [a["id"] for a in by_job.json()["data"]] == [
        a["id"] for a in factorial if a["ats_job_posting_id"] == job
    ]
    # Factorial records no update time for applications: the filter is refused rather than guessed.
    refused = await _get(
        harness, tenant, account_id, "applications", **{"filter[updated_after]": "2026-01-01T00:00:00Z"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "filter[updated_after]"


async def test_a_candidate_and_application_written_land_in_factorial_moved_and_rejected(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    posting = (await _factorial(harness, "ats/job_postings", status="published"))["data"][0]
    phases = (
        await _factorial(harness, "ats/application_phases", **{"ats_job_posting_ids[]": posting["id"]})
    )["data"]
    created = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        "candidates",
        {
            "first_name": "Iria",
            "last_name": "Souto",
            "email": "iria.souto@example.com",
            "phone_number": "+34 6",
        },
    )
    assert created.status_code == 201, created.text
    candidate_id = created.json()["data"]["id"]
    assert created.json()["data"]["remote_id"] == candidate_id
    theirs = await _factorial(harness, f"ats/candidates/{candidate_id}")
    assert (theirs["full_name"], theirs["email"], theirs["phone_number"]) == (
        "Iria Souto",
        "iria.souto@example.com",
        "+34 6",
    )

    updated = await _send(
        harness, tenant, account_id, "PATCH", f"candidates/{candidate_id}", {"last_name": "Vila"}
    )
    assert updated.status_code == 200, updated.text
    assert (await _factorial(harness, f"ats/candidates/{candidate_id}"))["full_name"] == "Iria Vila"

    applied = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        "applications",
        {"candidate_id": candidate_id, "job_id": posting["id"]},
    )
    assert applied.status_code == 201, applied.text
    application_id = applied.json()["data"]["id"]
    application = await _factorial(harness, f"ats/applications/{application_id}")
    assert (application["ats_candidate_id"], application["ats_job_posting_id"]) == (
        candidate_id,
        posting["id"],
    )
    assert application["ats_application_phase_id"] == phases[0]["id"]

    moved = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        f"applications/{application_id}/move",
        {"interview_stage_id": phases[3]["id"]},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["data"] == {"id": application_id, "remote_id": application_id}
    assert (await _factorial(harness, f"ats/applications/{application_id}"))[
        "ats_application_phase_id"
    ] == phases[3]["id"]

    reason = (await _factorial(harness, "ats/rejection_reasons"))["data"][2]
    rejected = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        f"applications/{application_id}/reject",
        {"rejected_reason_id": reason["id"]},
    )
    assert rejected.status_code == 200, rejected.text
    assert (await _factorial(harness, f"ats/applications/{application_id}"))[
        "ats_rejection_reason_id"
    ] == reason["id"]
    unified = (await _get(harness, tenant, account_id, f"applications/{application_id}")).json()["data"]
    assert unified["application_status"]["value"] == "rejected"
    assert unified["rejected_reason_ids"] == [reason["id"]]

    # StackOne's update has no field Factorial keeps; the provider's own fields go through `passthrough`.
    qualified = await _send(
        harness,
        tenant,
        account_id,
        "PATCH",
        f"applications/{application_id}",
        {"passthrough": {"qualified": True}},
    )
    assert qualified.status_code == 200, qualified.text
    assert set(qualified.json()) == {"statusCode", "message", "timestamp"}
    assert (await _factorial(harness, f"ats/applications/{application_id}"))["qualified"] is True


async def test_bad_write_input_is_refused_in_stackones_envelope_naming_the_field(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    posting = (await _factorial(harness, "ats/job_postings", status="published"))["data"][0]
    other = (await _factorial(harness, "ats/job_postings", status="archived"))["data"][0]
    elsewhere = (
        await _factorial(harness, "ats/application_phases", **{"ats_job_posting_ids[]": other["id"]})
    )["data"][0]
    application = (await _factorial(harness, "ats/applications", ats_job_posting_id=posting["id"]))["data"][0]
    before = (await harness.stats())["api_requests"]

    cases: list[tuple[str, str, Any, int, list[str]]] = [
        # A field of StackOne's the provider cannot take is named, never dropped.
        ("POST", "candidates", {"first_name": "A", "last_name": "B", "title": "Engineer"}, 422, ["title"]),
        # The action's own checks, named as the caller sent the field.
        (
            "POST",
            "candidates",
            {"first_name": "A", "last_name": "B", "email": "not-an-email"},
            422,
            ["email"],
        ),
        ("POST", "applications", {"candidate_id": "12"}, 422, ["job_id"]),
        ("POST", "applications", {"job_id": "x1", "candidate_id": "12"}, 422, ["job_id"]),
        ("POST", "applications", {"job_id": "1", "shoe_size": 44}, 422, ["shoe_size"]),
        (
            "PATCH",
            f"applications/{application['id']}",
            {"application_status": {"value": "hired"}},
            422,
            ["application_status"],
        ),
        ("POST", f"applications/{application['id']}/move", {}, 422, ["interview_stage_id"]),
        (
            "POST",
            f"applications/{application['id']}/reject",
            {"rejected_reason_id": "r"},
            422,
            ["rejected_reason_id"],
        ),
        (
            "POST",
            f"applications/{application['id']}/move",
            {"passthrough": {"colour": "red"}},
            422,
            ["interview_stage_id", "passthrough.colour"],
        ),
    ]
    for method, path, body, status, fields in cases:
        response = await _send(harness, tenant, account_id, method, path, body)
        assert response.status_code == status, (path, body, response.text)
        answer = response.json()
        assert answer["statusCode"] == status and answer["timestamp"] and answer["message"]
        assert sorted(error["field"] for error in answer["errors"]) == fields, (path, body, answer)
        assert "not-an-email" not in response.text
    assert (await harness.stats())["api_requests"] == before

    # What only Factorial can tell is its answer, in the same envelope: a phase of another job posting.
    moved = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        f"applications/{application['id']}/move",
        {"interview_stage_id": elsewhere["id"]},
    )
    assert moved.status_code == 422, moved.text
    assert moved.json()["statusCode"] == 422
    missing = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        "applications/999999999/move",
        {"interview_stage_id": elsewhere["id"]},
    )
    assert missing.status_code == 404


async def test_without_the_recruitment_scope_every_ats_operation_is_403_naming_it(harness: Harness) -> None:
    # The profile enables every action; the OAuth application was granted everything but recruitment.
    tenant = await harness.tenant()
    application = await harness.application(scopes=[scope for scope in SCOPES if scope != "recruitment"])
    await harness.profile(tenant, application, token_type="company", scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    account_id = str(account["id"])
    before = (await harness.stats())["api_requests"]
    for method, path, body in (
        ("GET", "jobs", None),
        ("GET", "candidates/1", None),
        ("GET", "interview_stages", None),
        ("POST", "candidates", {"first_name": "A", "last_name": "B"}),
        ("POST", "applications/1/move", {"interview_stage_id": "2"}),
        ("POST", "applications/1/reject", {"rejected_reason_id": "2"}),
        ("POST", "jobs", {"title": "Payroll specialist"}),
        ("PATCH", "jobs/1", {"title": "Payroll specialist"}),
    ):
        response = await _send(harness, tenant, account_id, method, path, body)
        assert response.status_code == 403, (path, response.text)
        assert response.json().get("missing_scopes") == ["recruitment"], (path, response.text)
    assert (await harness.stats())["api_requests"] == before
    # Departments, locations and users are Factorial's teams, offices and employees: other scopes.
    assert (await _get(harness, tenant, account_id, "departments")).status_code == 200
    assert (await _get(harness, tenant, account_id, "users", page_size="1")).status_code == 200


async def test_a_jobs_application_stages_are_its_postings_phases_and_no_other_jobs(harness: Harness) -> None:
    tenant, account_id = await _linked(harness)
    phases = (await _factorial(harness, "ats/application_phases", limit="100"))["data"]
    job = phases[0]["ats_job_posting_id"]
    mine = [p for p in phases if p["ats_job_posting_id"] == job]
    listed = await _get(harness, tenant, account_id, f"jobs/{job}/application_stages", fields="id,name")
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"data": [{"id": p["id"], "name": p["name"]} for p in mine], "next": None}
    one = await _get(harness, tenant, account_id, f"jobs/{job}/application_stages/{mine[2]['id']}")
    assert one.json()["data"] == _stage(mine[2])
    other = next(p for p in phases if p["ats_job_posting_id"] != job)
    assert (
        await _get(harness, tenant, account_id, f"jobs/{job}/application_stages/{other['id']}")
    ).status_code == 404
    # Ids Factorial could never have given name nothing: 404, as an id it does not have.
    assert (await _get(harness, tenant, account_id, "jobs/not-a-job/application_stages")).status_code == 404
    assert (await _get(harness, tenant, account_id, "candidates/not-a-candidate")).status_code == 404
    assert (await _get(harness, tenant, account_id, "interview_stages/999999999")).status_code == 404


def _stage(phase: dict[str, Any]) -> dict[str, Any]:
    return {"id": phase["id"], "remote_id": phase["id"], "name": phase["name"], "order": phase["position"]}


async def test_an_applications_scorecards_are_factorials_feedbacks_on_it_with_their_forms(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    feedbacks = (await _factorial(harness, "ats/feedbacks", limit="100"))["data"]
    forms = {form["id"]: form for form in (await _factorial(harness, "ats/evaluation_forms"))["data"]}
    application = feedbacks[0]["ats_application_id"]
    mine = [f for f in feedbacks if f["ats_application_id"] == application]
    listed = await _get(harness, tenant, account_id, f"applications/{application}/scorecards")
    assert listed.status_code == 200, listed.text
    assert listed.json()["next"] is None
    assert [card["id"] for card in listed.json()["data"]] == [f["id"] for f in mine]
    card = listed.json()["data"][0]
    form = forms[mine[0]["ats_evaluation_forms_id"]]
    assert card["label"] == form["name"]
    assert card["sections"] == [
        {
            "id": form["id"],
            "remote_id": form["id"],
            "label": form["name"],
            "fields": [
                {"id": q["id"], "remote_id": q["id"], "label": q["text"], "type": "score"}
                for q in form["questions"]
            ],
        }
    ]
    assert card["candidate_id"] == mine[0]["ats_candidate_id"]
    assert card["application_id"] == application
    stars = {1: "strong_no", 2: "no", 3: "no_decision", 4: "yes", 5: "strong_yes"}
    assert card["overall_recommendation"] == stars[mine[0]["rating"]]
    one = await _get(harness, tenant, account_id, f"applications/{application}/scorecards/{card['id']}")
    assert one.json()["data"] == card
    # Another application's feedback, and ids Factorial could never have given, name no scorecard of it.
    other = next(f for f in feedbacks if f["ats_application_id"] != application)
    for path in (
        f"applications/{application}/scorecards/{other['id']}",
        f"applications/{application}/scorecards/not-a-feedback",
        "applications/not-an-application/scorecards",
    ):
        assert (await _get(harness, tenant, account_id, path)).status_code == 404, path
    # Factorial records no update time of a feedback: the filter is refused, not guessed.
    refused = await _get(
        harness,
        tenant,
        account_id,
        f"applications/{application}/scorecards",
        **{"filter[updated_after]": "2026-01-01T00:00:00Z"},
    )
    assert refused.status_code == 422, refused.text


async def test_scorecards_need_the_recruitment_scope_and_are_tools_for_agents(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=[scope for scope in SCOPES if scope != "recruitment"])
    await harness.profile(tenant, application, token_type="company", scopes=None)
    _, account = await harness.link(tenant, await harness.admin_email())
    before = (await harness.stats())["api_requests"]
    for path in ("applications/1/scorecards", "applications/1/scorecards/2"):
        response = await _get(harness, tenant, str(account["id"]), path)
        assert response.status_code == 403, (path, response.text)
        assert response.json().get("missing_scopes") == ["recruitment"], (path, response.text)
    assert (await harness.stats())["api_requests"] == before

    tenant, account_id = await _linked(harness)
    listed = await harness.api.get(
        "/actions", params={"filter[account_ids]": account_id}, headers=tenant.auth
    )
    tools = {action["id"]: action for action in listed.json()["data"][0]["actions"]}
    listing = tools["ats_list_application_scorecards"]
    assert listing["required_scopes"] == ["recruitment"]
    assert set(listing["input_schema"]["properties"]) == {"id", "page_size", "next", "fields"}
    assert listing["input_schema"]["required"] == ["id"]
    getting = tools["ats_get_application_scorecard"]
    assert getting["input_schema"]["required"] == ["id", "sub_resource_id"]
    feedback = (await _factorial(harness, "ats/feedbacks", limit="1"))["data"][0]
    application_id = feedback["ats_application_id"]
    called = await harness.api.post(
        "/actions/rpc",
        json={
            "action": "ats_get_application_scorecard",
            "path": {"id": application_id, "sub_resource_id": feedback["id"]},
        },
        headers={**tenant.auth, "x-account-id": account_id},
    )
    assert called.status_code == 200, called.text
    unified = await _get(
        harness, tenant, account_id, f"applications/{application_id}/scorecards/{feedback['id']}"
    )
    assert called.json()["data"] == unified.json()["data"]
    listed_by_tool = await harness.api.post(
        "/actions/rpc",
        json={"action": "ats_list_application_scorecards", "path": {"id": application_id}},
        headers={**tenant.auth, "x-account-id": account_id},
    )
    assert listed_by_tool.status_code == 200, listed_by_tool.text
    page = await _get(harness, tenant, account_id, f"applications/{application_id}/scorecards")
    assert listed_by_tool.json()["data"] == page.json()["data"]


async def test_a_job_written_is_a_factorial_posting_with_the_mappings_defaults_and_bad_fields_named(
    harness: Harness,
) -> None:
    tenant, account_id = await _linked(harness)
    team, other_team = (await _factorial(harness, "teams/teams"))["data"][1:3]
    office = (await _factorial(harness, "locations/locations"))["data"][0]
    created = await _send(
        harness,
        tenant,
        account_id,
        "POST",
        "jobs",
        {"title": "Payroll specialist", "department_ids": [team["id"]], "location_ids": [office["id"]]},
    )
    assert created.status_code == 201, created.text
    job_id = created.json()["data"]["id"]
    posting = await _factorial(harness, f"ats/job_postings/{job_id}")
    # StackOne's job has no status given and no requirements: a draft, asking for the CV as optional.
    assert (posting["title"], posting["status"], posting["team_id"], posting["location_id"]) == (
        "Payroll specialist",
        "draft",
        team["id"],
        office["id"],
    )
    assert (posting["cv_requirement"], posting["photo_requirement"]) == ("optional", "do_not_ask")

    changed = await _send(
        harness,
        tenant,
        account_id,
        "PATCH",
        f"jobs/{job_id}",
        {
            "job_status": {"value": "closed"},
            "department_ids": [other_team["id"]],
            "passthrough": {"schedule_type": "part_time"},
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"] == {"id": job_id, "remote_id": job_id}
    posting = await _factorial(harness, f"ats/job_postings/{job_id}")
    assert (posting["status"], posting["team_id"], posting["schedule_type"]) == (
        "cancelled",
        other_team["id"],
        "part_time",
    )
    read = await _get(harness, tenant, account_id, f"jobs/{job_id}")
    assert read.json()["data"]["job_status"] == {"value": "closed", "source_value": "cancelled"}

    # Nothing Factorial cannot keep is dropped: each is named, and nothing is sent.
    before = (await harness.stats())["api_requests"]
    for method, path, body, named in (
        ("POST", "jobs", {"description": "No title"}, {"title"}),
        ("POST", "jobs", {"title": "T", "code": "J-7", "confidential": "true"}, {"code", "confidential"}),
        ("POST", "jobs", {"title": "T", "location_ids": ["1", "2"]}, {"location_ids"}),
        ("POST", "jobs", {"title": "T", "job_status": {"value": "on_hold"}}, {"job_status"}),
        (
            "POST",
            "jobs",
            {"title": "T", "passthrough": {"status": "published"}, "job_status": "draft"},
            {"passthrough.status"},
        ),
        ("PATCH", f"jobs/{job_id}", {"interview_stages": [{"name": "Call"}]}, {"interview_stages"}),
        ("PATCH", f"jobs/{job_id}", {"title": 7}, {"title"}),
    ):
        refused = await _send(harness, tenant, account_id, method, path, body)
        assert refused.status_code == 422, (body, refused.text)
        assert {error["field"] for error in refused.json()["errors"]} == named, refused.text
    assert (await harness.stats())["api_requests"] == before
    missing = await _send(harness, tenant, account_id, "PATCH", "jobs/999999999", {"title": "Nobody's"})
    assert missing.status_code == 404, missing.text
