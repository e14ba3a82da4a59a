"""Every catalogue action, built by the connector and sent to the Factorial emulator, lands on a real route."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from linkyard.connectors import Connector, FilePart
from tests.connectors.conftest import EMPLOYEES, Factorial


async def _walk(factorial: Factorial, action_id: str, **filters: Any) -> tuple[list[Any], int]:
    """Every item of a list action, following `next` and sending the same filters each time."""
    items: list[Any] = []
    pages, cursor = 0, None
    while True:
        arguments = {**filters, **({"next": cursor} if cursor else {})}
        data, cursor = await factorial.call(action_id, **arguments)
        items += data
        pages += 1
        if cursor is None:
            return items, pages


async def test_every_action_reaches_a_real_emulator_route(
    factorial: Factorial, factorialhr: Connector
) -> None:
    call = factorial.call
    company_id = str(factorial.company["id"])
    admin_id = str(factorial.company["admin"]["employee_id"])

    me, _ = await call("factorialhr_get_credentials")
    assert isinstance(me, dict) and me["company_id"] == company_id

    # --- employees, teams, organisation ---------------------------------------------------------------------
    employees, cursor = await call("factorialhr_list_employees", page_size="10", only_active="true")
    assert len(employees) == 10 and cursor is not None
    assert all(employee["active"] for employee in employees)
    someone = next(e for e in employees if e["id"] != admin_id and e["email"])
    assert (await call("factorialhr_get_employee", id=someone["id"]))[0]["id"] == someone["id"]
    found, _ = await call(
        "factorialhr_list_employees", emails=someone["email"], full_text_name=someone["last_name"]
    )
    assert [e["id"] for e in found] == [someone["id"]]

    teams, _ = await call("factorialhr_list_teams")
    team = next(t for t in teams if t["employee_ids"])
    assert (await call("factorialhr_get_team", id=team["id"]))[0]["name"] == team["name"]
    members, _ = await _walk(factorial, "factorialhr_list_employees", team_ids=[team["id"]], page_size=100)
    assert {m["id"] for m in members} == set(team["employee_ids"])

    locations, _ = await call("factorialhr_list_locations")
    by_location, _ = await call("factorialhr_list_employees", location_ids=locations[0]["id"], page_size=100)
    assert by_location and all(e["location_id"] == locations[0]["id"] for e in by_location)
    main, _ = await call("factorialhr_list_locations", main=True)
    assert all(location["main"] for location in main)
    entities, _ = await call("factorialhr_list_legal_entities")
    assert entities
    roles, _ = await call("factorialhr_list_job_roles", archived=False)
    assert roles and not any(role["archived"] for role in roles)
    centers, _ = await call("factorialhr_list_cost_centers")
    assert centers and all(center["legal_entity_id"] == entities[0]["id"] for center in centers)

    # --- hiring, contracts, profile changes -----------------------------------------------------------------
    hired, _ = await call(
        "factorialhr_create_employee",
        first_name="Ada",
        last_name="Lovelace",
        email="ada.lovelace@example.test",
        team_id=team["id"],
        location_id=locations[0]["id"],
        contract_starts_on="2026-03-02",
        job_title="Analyst",
    )
    assert hired["full_name"] == "Ada Lovelace" and hired["company_id"] == company_id
    updated, _ = await call(
        "factorialhr_update_employee", id=hired["id"], city="London", preferred_name="Ada"
    )
    assert (updated["city"], updated["preferred_name"]) == ("London", "Ada")

    versions, _ = await call("factorialhr_list_contract_versions", employee_ids=[hired["id"]])
    assert [v["job_title"] for v in versions] == ["Analyst"]
    version, _ = await call("factorialhr_get_contract_version", id=versions[0]["id"])
    assert version["employee_id"] == hired["id"]
    raised, _ = await call(
        "factorialhr_create_contract_version",
        employee_id=hired["id"],
        effective_on="2026-09-01",
        starts_on="2026-03-02",
        job_title="Senior Analyst",
        salary_amount=5_200_000,
        salary_frequency="yearly",
    )
    assert (raised["employee_id"], raised["job_title"], raised["salary_amount"]) == (
        hired["id"],
        "Senior Analyst",
        5_200_000,
    )
    shorter, _ = await call("factorialhr_update_contract_version", id=raised["id"], working_hours=30)
    assert (shorter["id"], shorter["working_hours"]) == (raised["id"], 30)
    invited, _ = await call("factorialhr_invite_employee", id=hired["id"])
    assert invited["id"] == hired["id"]

    # --- time off -------------------------------------------------------------------------------------------
    leave_types, _ = await call("factorialhr_list_leave_types", active=True)
    leave_type = next(t for t in leave_types if t.get("approval_required", True))

    async def request_leave(start_on: str, finish_on: str) -> dict[str, Any]:
        leave, _ = await call(
            "factorialhr_create_time_off_request",
            employee_id=someone["id"],
            leave_type_id=leave_type["id"],
            start_on=start_on,
            finish_on=finish_on,
            description="Family trip",
        )
        assert leave["employee_id"] == someone["id"] and leave["approved"] is None
        return dict(leave)

    approved = await request_leave("2031-06-01", "2031-06-05")
    assert (await call("factorialhr_approve_time_off_request", id=approved["id"]))[0]["approved"] is True
    rejected = await request_leave("2031-07-01", "2031-07-02")
    answer, _ = await call("factorialhr_reject_time_off_request", id=rejected["id"], reason="Team offsite")
    assert (answer["approved"], answer["reason"]) == (False, "Team offsite")
    cancelled = await request_leave("2031-08-03", "2031-08-03")
    deleted, _ = await call("factorialhr_cancel_time_off_request", id=cancelled["id"])
    assert deleted["id"] == cancelled["id"] and deleted["deleted_at"]
    assert (
        await factorial.send("factorialhr_get_time_off_request", {"id": cancelled["id"]})
    ).status_code == 404
    got, _ = await call("factorialhr_get_time_off_request", id=approved["id"])
    assert got["approved"] is True
    moved, _ = await call(
        "factorialhr_update_time_off_request", id=rejected["id"], finish_on="2031-07-03", description="Longer"
    )
    assert (moved["finish_on"], moved["description"], moved["days_taken"]) == ("2031-07-03", "Longer", 3)

    window, _ = await call(
        "factorialhr_list_time_off_requests",
        employee_ids=someone["id"],
        leave_type_id=[leave_type["id"]],
        **{"from": "2031-01-01", "to": "2031-12-31"},
    )
    assert [leave["id"] for leave in window] == [approved["id"], rejected["id"]]
    only_approved, _ = await call(
        "factorialhr_list_time_off_requests", employee_ids=[someone["id"]], approved="true", page_size=100
    )
    assert approved["id"] in {leave["id"] for leave in only_approved}
    assert all(leave["approved"] is True for leave in only_approved)
    balances, _ = await call("factorialhr_list_time_off_balances", employee_ids=[someone["id"]])
    assert balances and all(balance["employee_id"] == someone["id"] for balance in balances)

    # --- time tracking: the context's `now` fills in the clock time ---------------------------------------
    start, end = datetime(2026, 3, 2, 9, 0, tzinfo=UTC), datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    shift, _ = await factorial.call_at(
        start, "factorialhr_clock_in", employee_id=hired["id"], location_type="office"
    )
    assert shift["clock_in"] == "09:00"
    shift, _ = await factorial.call_at(end, "factorialhr_clock_out", employee_id=hired["id"])
    assert (shift["clock_out"], shift["minutes"]) == ("17:30", 510)
    shifts, _ = await call(
        "factorialhr_list_shifts", employee_ids=[hired["id"]], start_on="2026-03-01", end_on="2026-03-31"
    )
    assert [s["id"] for s in shifts] == [shift["id"]]
    got, _ = await call("factorialhr_get_shift", id=shift["id"])
    assert got == shift

    # --- documents: folders, documents, an upload and its file ---------------------------------------------
    folders, _ = await call("factorialhr_list_document_folders", active=True)
    folder = (await call("factorialhr_get_document_folder", id=folders[1]["id"]))[0]
    assert folder == folders[1]
    documents, _ = await call("factorialhr_list_documents", by_trash_bin=False, page_size=5)
    assert (await call("factorialhr_get_document", id=documents[0]["id"]))[0] == documents[0]
    content = b"%PDF-1.4\n% a contract\n%%EOF\n"
    uploaded = await factorial.upload(
        "factorialhr_upload_document",
        {"file": FilePart("scan.pdf", "application/pdf", content)},
        space="employee_my_documents",
        employee_id=hired["id"],
        folder_id=folder["id"],
        file_filename="contract.pdf",
    )
    assert (uploaded["filename"], uploaded["file_size"]) == ("contract.pdf", len(content))
    theirs, _ = await call("factorialhr_list_documents", employee_ids=[hired["id"]])
    assert [d["id"] for d in theirs] == [uploaded["id"]]
    urls, _ = await call("factorialhr_create_document_download_urls", ids=[uploaded["id"]])
    assert [u["id"] for u in urls] == [uploaded["id"]]
    assert (await factorial.http.get(urls[0]["url"])).content == content

    # --- custom fields --------------------------------------------------------------------------------------
    (sizes,), _ = await call("factorialhr_list_custom_fields", slug="t_shirt_size")
    assert (await call("factorialhr_get_custom_field", id=sizes["id"]))[0] == sizes
    options, _ = await call("factorialhr_list_custom_field_options", field_ids=[sizes["id"]])
    assert [o["label"] for o in options] == ["XS", "S", "M", "L", "XL"]
    values, _ = await _walk(factorial, "factorialhr_list_custom_field_values", field_id=sizes["id"])
    assert values and all(value["field_id"] == sizes["id"] for value in values)
    wearer = values[0]["valuable_id"]
    theirs_only, _ = await call("factorialhr_list_custom_field_values", employee_ids=[wearer])
    assert theirs_only and {value["valuable_id"] for value in theirs_only} == {wearer}

    # --- tasks ----------------------------------------------------------------------------------------------
    tasks, _ = await call("factorialhr_list_tasks", task_status="done")
    assert tasks and all(task["status"] == "done" for task in tasks)
    assignee = tasks[0]["assignee_ids"][0]
    theirs, _ = await call("factorialhr_list_tasks", assignee_id=assignee)
    assert theirs and all(assignee in task["assignee_ids"] for task in theirs)
    assert (await call("factorialhr_get_task", id=tasks[0]["id"]))[0] == tasks[0]
    reopened = (await call("factorialhr_update_task", id=tasks[0]["id"], status="in_progress"))[0]
    assert (reopened["id"], reopened["status"]) == (tasks[0]["id"], "in_progress")

    # --- recruitment ----------------------------------------------------------------------------------------
    postings, _ = await call("factorialhr_list_job_postings", status="published")
    assert postings and all(posting["status"] == "published" for posting in postings)
    candidate, _ = await call(
        "factorialhr_create_candidate",
        first_name="Grace",
        last_name="Hopper",
        email="grace@example.test",
        talent_pool="true",
    )
    assert candidate["full_name"] == "Grace Hopper" and candidate["talent_pool"] is True
    created, _ = await call("factorialhr_list_candidates", emails=["grace@example.test"])
    assert [c["id"] for c in created] == [candidate["id"]]
    applicants, _ = await call("factorialhr_list_candidates", job_posting_ids=[postings[0]["id"]])
    applications, _ = await call("factorialhr_list_applications", ats_job_posting_id=postings[0]["id"])
    assert {a["ats_candidate_id"] for a in applications} <= {c["id"] for c in applicants}
    assert applications
    assert (await call("factorialhr_get_job_posting", id=postings[0]["id"]))[0] == postings[0]
    opened = (
        await call(
            "factorialhr_create_job_posting",
            title="Payroll specialist",
            status="draft",
            cv_requirement="mandatory",
            cover_letter_requirement="optional",
            phone_requirement="optional",
            photo_requirement="do_not_ask",
            personal_url_requirement="optional",
        )
    )[0]
    assert (opened["title"], opened["status"], opened["cv_requirement"]) == (
        "Payroll specialist",
        "draft",
        "mandatory",
    )
    published = (await call("factorialhr_update_job_posting", id=opened["id"], status="published"))[0]
    assert (published["id"], published["status"]) == (opened["id"], "published")
    assert (await call("factorialhr_get_application", id=applications[0]["id"]))[0] == applications[0]
    changed, _ = await call("factorialhr_update_candidate", id=candidate["id"], last_name="Murray Hopper")
    assert changed["full_name"] == "Grace Murray Hopper"
    assert (await call("factorialhr_get_candidate", id=candidate["id"]))[0] == changed

    stages, _ = await call("factorialhr_list_hiring_stages")
    assert (await call("factorialhr_get_hiring_stage", id=stages[1]["id"]))[0] == stages[1]
    phases, _ = await call("factorialhr_list_application_phases", ats_job_posting_ids=[postings[0]["id"]])
    assert [phase["ats_hiring_stage_id"] for phase in phases] == [stage["id"] for stage in stages]
    assert (await call("factorialhr_get_application_phase", id=phases[0]["id"]))[0]["name"] == phases[0][
        "name"
    ]
    reasons, _ = await call("factorialhr_list_rejection_reasons")
    assert (await call("factorialhr_get_rejection_reason", id=reasons[0]["id"]))[0] == reasons[0]
    feedbacks, _ = await call("factorialhr_list_feedbacks")
    assert (await call("factorialhr_get_feedback", id=feedbacks[0]["id"]))[0] == feedbacks[0]
    on_it, _ = await call(
        "factorialhr_list_feedbacks", ats_application_ids=[feedbacks[0]["ats_application_id"]]
    )
    assert feedbacks[0] in on_it and {f["ats_application_id"] for f in on_it} == {
        feedbacks[0]["ats_application_id"]
    }
    forms, _ = await call("factorialhr_list_evaluation_forms", ids=[feedbacks[0]["ats_evaluation_forms_id"]])
    assert [form["id"] for form in forms] == [feedbacks[0]["ats_evaluation_forms_id"]]

    applied, _ = await call(
        "factorialhr_create_application",
        ats_job_posting_id=postings[0]["id"],
        ats_candidate_id=candidate["id"],
    )
    assert applied["ats_application_phase_id"] == phases[0]["id"]
    moved, _ = await call(
        "factorialhr_move_application", id=applied["id"], ats_application_phase_id=phases[1]["id"]
    )
    assert moved["ats_application_phase_id"] == phases[1]["id"]
    rejected, _ = await call(
        "factorialhr_update_application", id=applied["id"], ats_rejection_reason_id=reasons[0]["id"]
    )
    assert rejected["ats_rejection_reason_id"] == reasons[0]["id"]

    # --- and the employee leaves ----------------------------------------------------------------------------
    left, _ = await call(
        "factorialhr_terminate_employee",
        id=hired["id"],
        terminated_on="2026-03-03",
        termination_reason="Moved",
    )
    assert (left["terminated_on"], left["termination_reason"]) == ("2026-03-03", "Moved")

    assert factorial.called == {action.id for action in factorialhr.declared_actions}


async def test_walking_next_returns_every_employee_once_in_order(factorial: Factorial) -> None:
    everyone, pages = await _walk(factorial, "factorialhr_list_employees", page_size="50")
    ids = [employee["id"] for employee in everyone]
    assert pages == 3
    assert len(ids) == len(set(ids)) == EMPLOYEES
    assert ids == sorted(ids, key=int)


async def test_walking_a_filtered_list_matches_one_big_page(factorial: Factorial) -> None:
    employees, _ = await factorial.call("factorialhr_list_employees", page_size=5)
    filters = {"employee_ids": [e["id"] for e in employees], "from": "2000-01-01"}
    whole, cursor = await factorial.call("factorialhr_list_time_off_requests", page_size=100, **filters)
    assert cursor is None and len(whole) > 3
    walked, pages = await _walk(factorial, "factorialhr_list_time_off_requests", page_size=2, **filters)
    assert walked == whole
    assert pages == -(-len(whole) // 2)


async def test_the_last_page_has_no_next(factorial: Factorial) -> None:
    data, cursor = await factorial.call("factorialhr_list_employees", page_size=100)
    assert len(data) == 100 and cursor is not None
    data, cursor = await factorial.call("factorialhr_list_employees", page_size=100, next=cursor)
    assert len(data) == EMPLOYEES - 100 and cursor is None
