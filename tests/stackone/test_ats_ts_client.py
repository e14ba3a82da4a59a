"""StackOne's TypeScript client on the unified ATS API: every method Factorial backs succeeds, its zod schema
accepts the answer, the values are the emulator's own, and the writes (a candidate, an application moved and
rejected, a job created and changed) are read back through Factorial's own API."""

from __future__ import annotations

from typing import Any

from tests.harness.sandbox import Sandbox
from tests.stackone.test_hris_ts_client import _client_time
from tests.stackone.ts_client import run_script


def _records(pages: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [record for page in pages for record in page[key]["data"]]


def _enum(value: str | None, source: Any) -> dict[str, Any]:
    return {"value": value, "sourceValue": source}


JOB_STATUSES = {"published": "published", "draft": "draft", "unlisted": "internal", "archived": "archived"}
POSTING_STATUSES = {"published": "live", "draft": "draft", "unlisted": "internal", "archived": "archived"}
JOB_STATUSES["cancelled"] = POSTING_STATUSES["cancelled"] = "closed"
CONTRACTS = {"indefinite": "permanent", "temporary": "temporary", "intern": "intern"}


def _ids(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "remoteId": record["id"]}


def _listed(value: Any) -> list[Any]:
    return [] if value is None else [value]


def _job(posting: dict[str, Any]) -> dict[str, Any]:
    return {
        **_ids(posting),
        "title": posting["title"],
        "description": posting["description"],
        "status": posting["status"],
        "jobStatus": _enum(JOB_STATUSES[posting["status"]], posting["status"]),
        "departmentIds": _listed(posting["team_id"]),
        "remoteDepartmentIds": _listed(posting["team_id"]),
        "locationIds": _listed(posting["location_id"]),
        "remoteLocationIds": _listed(posting["location_id"]),
        "createdAt": _client_time(posting["created_at"]),
    }


def _posting(posting: dict[str, Any]) -> dict[str, Any]:
    return {
        **_ids(posting),
        "title": posting["title"],
        "jobId": posting["id"],
        "remoteJobPostingId": posting["id"],
        "status": _enum(POSTING_STATUSES[posting["status"]], posting["status"]),
        "employmentType": _enum(posting["schedule_type"], posting["schedule_type"]),
        "employmentContractType": _enum(CONTRACTS[posting["contract_type"]], posting["contract_type"]),
        "externalUrl": posting["url"],
        "createdAt": _client_time(posting["created_at"]),
    }


def _candidate(candidate: dict[str, Any]) -> dict[str, Any]:
    return {
        **_ids(candidate),
        "name": candidate["full_name"],
        "firstName": candidate["first_name"],
        "lastName": candidate["last_name"],
        "email": candidate["email"],
        "phone": candidate["phone_number"],
        "createdAt": _client_time(candidate["created_at"]),
        "updatedAt": _client_time(candidate["updated_at"]),
    }


def _application(application: dict[str, Any]) -> dict[str, Any]:
    reasons = _listed(application["ats_rejection_reason_id"])
    status = "rejected" if reasons else "active"
    return {
        **_ids(application),
        "candidateId": application["ats_candidate_id"],
        "remoteCandidateId": application["ats_candidate_id"],
        "jobId": application["ats_job_posting_id"],
        "remoteJobId": application["ats_job_posting_id"],
        "interviewStageId": application["ats_application_phase_id"],
        "remoteInterviewStageId": application["ats_application_phase_id"],
        "rejectedReasonIds": reasons,
        "remoteRejectedReasonIds": reasons,
        "applicationStatus": _enum(status, status),
        "createdAt": _client_time(application["created_at"]),
    }


def _user(employee: dict[str, Any]) -> dict[str, Any]:
    return {
        **_ids(employee),
        "name": employee["full_name"],
        "email": employee["email"],
        "phoneNumber": employee["phone_number"],
        "active": employee["active"],
        "createdAt": _client_time(employee["created_at"]),
        "updatedAt": _client_time(employee["updated_at"]),
    }


def test_the_clients_ats_methods_answer_the_emulators_data_and_its_writes_land_in_factorial(
    stackone_server: Sandbox, linked_account: str
) -> None:
    postings = stackone_server.emulator_records("ats/job_postings")
    candidates = stackone_server.emulator_records("ats/candidates")
    applications = stackone_server.emulator_records("ats/applications")
    stages = stackone_server.emulator_records("ats/hiring_stages")
    phases = stackone_server.emulator_records("ats/application_phases")
    reasons = stackone_server.emulator_records("ats/rejection_reasons")
    teams = stackone_server.emulator_records("teams/teams")
    offices = stackone_server.emulator_records("locations/locations")
    employees = stackone_server.emulator_records("employees/employees")
    job = next(p for p in postings if p["status"] == "published")
    job_phases = [phase for phase in phases if phase["ats_job_posting_id"] == job["id"]]
    times = sorted(candidate["updated_at"] for candidate in candidates)
    since = times[len(times) // 2]
    report = run_script(
        "ats.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        jobId=job["id"],
        candidateId=candidates[1]["id"],
        candidateEmail=candidates[2]["email"].upper(),
        updatedAfter=since,
        applicationId=applications[1]["id"],
        stageId=stages[3]["id"],
        phaseIds=[phase["id"] for phase in job_phases],
        otherPhaseId=next(p["id"] for p in phases if p["ats_job_posting_id"] != job["id"]),
        reasonId=reasons[1]["id"],
        teamId=teams[2]["id"],
        locationId=offices[0]["id"],
        userId=employees[9]["id"],
    )

    # Jobs and job postings are both Factorial's job postings, walked through `next` in its order.
    jobs = report["listJobs"].expect_ok()
    assert len(jobs) == -(-len(postings) // 2) > 1
    assert _records(jobs, "atsJobsPaginated") == [_job(p) for p in postings]
    got = report["getJob"].expect_ok()["atsJobResult"]
    assert got["data"] == _job(job)
    assert got["raw"][0]["response"] == job
    listed = _records(report["listJobPostings"].expect_ok(), "jobPostingsPaginated")
    assert [p["id"] for p in listed] == [p["id"] for p in postings]
    assert [p for p in listed if p["id"] == job["id"]] == [_posting(job)]
    assert report["getJobPosting"].expect_ok()["jobPostingResult"]["data"] == _posting(job)

    # Small pages, so that each list is walked through `next` (the sandbox's company has a few candidates).
    for name, size, total in (
        ("listCandidates", 3, len(candidates)),
        ("listApplications", 3, len(applications)),
        ("listInterviewStages", 5, len(phases)),
    ):
        assert len(report[name].expect_ok()) == -(-total // size) > 1, name
    assert _records(report["listCandidates"].expect_ok(), "candidatesPaginated") == [
        _candidate(c) for c in candidates
    ]
    by_email = report["listCandidatesByEmail"].expect_ok()["candidatesPaginated"]["data"]
    assert by_email == [_candidate(candidates[2])]
    recent = _records(report["listCandidatesUpdatedAfter"].expect_ok(), "candidatesPaginated")
    assert [c["id"] for c in recent] == [c["id"] for c in candidates if c["updated_at"] >= since]
    assert report["getCandidate"].expect_ok()["candidateResult"]["data"] == _candidate(candidates[1])

    assert _records(report["listApplications"].expect_ok(), "applicationsPaginated") == [
        _application(a) for a in applications
    ]
    sparse = report["listApplicationsSparse"].expect_ok()["applicationsPaginated"]["data"]
    assert sparse == [
        {
            "id": a["id"],
            "jobId": a["ats_job_posting_id"],
            "applicationStatus": _application(a)["applicationStatus"],
        }
        for a in applications[:3]
    ]
    of_job = _records(report["listApplicationsOfJob"].expect_ok(), "applicationsPaginated")
    assert [a["id"] for a in of_job] == [
        a["id"] for a in applications if a["ats_job_posting_id"] == job["id"]
    ]
    assert report["getApplication"].expect_ok()["applicationResult"]["data"] == _application(applications[1])
    report["getApplicationMissing"].expect_error("NotFoundResponse", 404)

    # The company's hiring stages are StackOne's application stages; each posting's phases, its interview stages.
    assert _records(report["listApplicationStages"].expect_ok(), "interviewStagesPaginated") == [
        {**_ids(s), "name": s["label"], "order": s["position"]} for s in stages
    ]
    assert report["getApplicationStage"].expect_ok()["interviewStageResult"]["data"] == {
        **_ids(stages[3]),
        "name": stages[3]["label"],
        "order": 3,
    }
    assert _records(report["listInterviewStages"].expect_ok(), "interviewStagesPaginated") == [
        {**_ids(p), "name": p["name"], "order": p["position"]} for p in phases
    ]
    assert (
        report["getInterviewStage"].expect_ok()["interviewStageResult"]["data"]["id"] == job_phases[1]["id"]
    )
    # A job's application stages are its posting's phases.
    job_stages = report["listJobApplicationStages"].expect_ok()
    assert len(job_stages) == 2
    assert _records(job_stages, "applicationStagesPaginated") == [
        {**_ids(p), "name": p["name"], "order": p["position"]} for p in job_phases
    ]
    assert report["getJobApplicationStage"].expect_ok()["applicationStageResult"]["data"] == {
        **_ids(job_phases[3]),
        "name": job_phases[3]["name"],
        "order": job_phases[3]["position"],
    }
    report["getJobApplicationStageOfAnotherJob"].expect_error("NotFoundResponse", 404)
    deciders = {"candidate": "rejected_by_candidate", "company": "rejected_by_organization"}
    assert _records(report["listRejectedReasons"].expect_ok(), "rejectedReasonsPaginated") == [
        {
            **_ids(r),
            "label": r["reason"],
            "type": r["decision_maker"],
            "rejectedReasonType": _enum(deciders[r["decision_maker"]], r["decision_maker"]),
        }
        for r in reasons
    ]
    assert (
        report["getRejectedReason"].expect_ok()["rejectedReasonResult"]["data"]["label"]
        == reasons[1]["reason"]
    )

    assert _records(report["listDepartments"].expect_ok(), "departmentsPaginated") == [
        {**_ids(t), "name": t["name"]} for t in teams
    ]
    assert report["getDepartment"].expect_ok()["departmentResult"]["data"] == {
        **_ids(teams[2]),
        "name": teams[2]["name"],
    }
    assert _records(report["listLocations"].expect_ok(), "atsLocationsPaginated") == [
        {**_ids(o), "name": o["name"]} for o in offices
    ]
    assert report["getLocation"].expect_ok()["atsLocationResult"]["data"] == {
        **_ids(offices[0]),
        "name": offices[0]["name"],
    }
    users = _records(report["listUsers"].expect_ok(), "usersPaginated")
    assert users == [_user(e) for e in employees]
    assert report["getUser"].expect_ok()["userResult"]["data"] == _user(employees[9])

    # The writes, read back through Factorial's own API.
    created = report["createCandidate"].expect_ok()["createResult"]
    assert created["statusCode"] == 201 and created["data"]["remoteId"] == created["data"]["id"]
    [candidate] = [
        c for c in stackone_server.emulator_records("ats/candidates") if c["id"] == created["data"]["id"]
    ]
    assert (candidate["full_name"], candidate["email"], candidate["phone_number"]) == (
        "Lucía Ferreiro Vidal",
        "lucia.ferreiro@example.com",
        "+34 611 444 555",
    )
    assert report["updateCandidate"].expect_ok()["createResult"]["data"]["id"] == candidate["id"]
    applied = report["createApplication"].expect_ok()["createResult"]["data"]["id"]
    assert report["moveApplication"].expect_ok()["moveApplicationResult"]["data"]["id"] == applied
    assert report["rejectApplication"].expect_ok()["rejectApplicationResult"]["data"]["id"] == applied
    assert report["updateApplication"].expect_ok()["updateResult"]["statusCode"] == 200
    [application] = [a for a in stackone_server.emulator_records("ats/applications") if a["id"] == applied]
    assert (application["ats_candidate_id"], application["ats_job_posting_id"]) == (
        candidate["id"],
        job["id"],
    )
    assert application["ats_application_phase_id"] == job_phases[2]["id"]
    assert application["ats_rejection_reason_id"] == reasons[1]["id"]
    assert application["qualified"] is True
    assert candidate["ats_job_posting_ids"] == [job["id"]]
    written = report["getWrittenApplication"].expect_ok()["applicationResult"]["data"]
    assert written == _application(application)
    assert written["applicationStatus"] == _enum("rejected", "rejected")
    # A field of StackOne's that Factorial has no place for is refused naming it, in StackOne's envelope.
    refused = report["createApplicationRefused"].expect_error("UnprocessableEntityResponse", 422)
    assert "job_posting_id" in refused["body"]

    # A job is a posting in Factorial: created (a draft unless a status is given, the CV asked for as
    # `passthrough` says, the rest as the mapping's defaults), changed, and read back through Factorial's API.
    opened = report["createJob"].expect_ok()["createResult"]
    assert opened["statusCode"] == 201 and opened["data"]["remoteId"] == opened["data"]["id"]
    updated = report["updateJob"].expect_ok()["createResult"]
    assert updated["statusCode"] == 200 and updated["data"]["id"] == opened["data"]["id"]
    [posting] = [
        p for p in stackone_server.emulator_records("ats/job_postings") if p["id"] == opened["data"]["id"]
    ]
    assert (posting["title"], posting["description"], posting["status"]) == (
        "Senior payroll specialist",
        "Runs the monthly payroll of three legal entities.",
        "unlisted",
    )
    assert (posting["team_id"], posting["location_id"]) == (teams[2]["id"], offices[0]["id"])
    assert (posting["cv_requirement"], posting["photo_requirement"]) == ("mandatory", "do_not_ask")
    assert report["getWrittenJob"].expect_ok()["atsJobResult"]["data"] == _job(posting)
    # What Factorial cannot keep is refused, naming each field, before anything is sent.
    refused_job = report["createJobRefused"].expect_error("UnprocessableEntityResponse", 422)
    for name in ("department_ids", "hiring_team", "job_status"):
        assert name in refused_job["body"], name
    assert [p["title"] for p in stackone_server.emulator_records("ats/job_postings")].count("Two teams") == 0
    report["updateJobMissing"].expect_error("NotFoundResponse", 404)
