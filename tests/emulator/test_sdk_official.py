"""The official `factorial-api-client` 3.0.0, unchanged, against the emulator served on loopback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factorial_api_client import FactorialClient
from factorial_api_client.generated.errors import UnexpectedStatus
from factorial_api_client.generated.models import (
    PostApi20261001ResourcesAtsApplicationsBody,
    PostApi20261001ResourcesAtsApplicationsMoveToPhaseBody,
    PostApi20261001ResourcesAtsCandidatesBody,
    PostApi20261001ResourcesTimeoffLeavesApproveBody,
    PostApi20261001ResourcesTimeoffLeavesBody,
    PutApi20261001ResourcesAtsApplicationsIdBody,
    PutApi20261001ResourcesAtsCandidatesIdBody,
)


def test_paginate_yields_every_seeded_employee_exactly_once(sdk: FactorialClient) -> None:
    employees = list(sdk.employees.employees.paginate(limit=37))
    ids = [employee.id for employee in employees]
    assert len(ids) == 250
    assert len(set(ids)) == 250
    assert all(isinstance(i, str) for i in ids)
    assert ids == sorted(ids, key=int)


def test_get_one_employee_returns_the_same_person(sdk: FactorialClient) -> None:
    first = sdk.employees.employees.list().data[0]
    one = sdk.employees.employees.get(id=first.id)
    assert one.id == first.id
    assert one.full_name == first.full_name


def test_leave_types_list(sdk: FactorialClient) -> None:
    leave_types = sdk.timeoff.leave_types.list().data
    assert len(leave_types) >= 3
    assert all(isinstance(t.name, str) and t.name for t in leave_types)


def test_create_a_leave_then_approve_it(sdk: FactorialClient) -> None:
    employee = sdk.employees.employees.list(only_active=True).data[3]
    leave_type = sdk.timeoff.leave_types.list().data[0]
    start = date(2030, 3, 4)
    created = sdk.timeoff.leaves.create(
        body=PostApi20261001ResourcesTimeoffLeavesBody.from_dict(
            {
                "employee_id": employee.id,
                "leave_type_id": leave_type.id,
                "start_on": start.isoformat(),
                "finish_on": (start + timedelta(days=4)).isoformat(),
                "description": "Family trip",
            }
        )
    )
    assert created.employee_id == employee.id
    assert created.days_taken == 5
    approved = sdk.timeoff.leaves.approve(
        body=PostApi20261001ResourcesTimeoffLeavesApproveBody.from_dict({"id": created.id})
    )
    assert approved.id == created.id
    assert approved.approved is True
    assert sdk.timeoff.leaves.get(id=created.id).approved is True


def test_credentials_describe_the_company_for_an_api_key(sdk: FactorialClient) -> None:
    credential = sdk.api_public.credentials.list().data[0]
    assert credential.company_id
    assert credential.name


def test_job_postings_list(sdk: FactorialClient) -> None:
    postings = sdk.ats.job_postings.list().data
    assert postings
    assert all(posting.title for posting in postings)


def test_unknown_id_raises_the_sdks_unexpected_status(sdk: FactorialClient) -> None:
    with pytest.raises(UnexpectedStatus) as raised:
        sdk.employees.employees.get(id="999999999")
    assert raised.value.status_code == 404


def test_recruitment_pipeline_stages_phases_and_reasons(sdk: FactorialClient) -> None:
    stages = sdk.ats.hiring_stages.list().data
    assert [stage.name.value for stage in stages] == [
        "new",
        "screening",
        "interview",
        "assessment",
        "offer",
        "hired",
    ]
    posting = sdk.ats.job_postings.list().data[0]
    phases = sdk.ats.application_phases.list(ats_job_posting_ids=[posting.id]).data
    assert [phase.ats_hiring_stage_id for phase in phases] == [stage.id for stage in stages]
    assert {phase.ats_job_posting_id for phase in phases} == {posting.id}
    assert sdk.ats.hiring_stages.list(ats_application_phase_id=phases[2].id).data == [stages[2]]
    reasons = sdk.ats.rejection_reasons.list().data
    assert {reason.decision_maker.value for reason in reasons} == {"company", "candidate"}
    assert sdk.ats.rejection_reasons.get(id=reasons[1].id).reason == reasons[1].reason


def test_apply_a_new_candidate_move_the_application_and_reject_it(sdk: FactorialClient) -> None:
    posting = next(p for p in sdk.ats.job_postings.list().data if p.status.value == "published")
    phases = sdk.ats.application_phases.list(ats_job_posting_ids=[posting.id]).data
    candidate = sdk.ats.candidates.create(
        body=PostApi20261001ResourcesAtsCandidatesBody.from_dict(
            {
                "first_name": "Noa",
                "last_name": "Pardo",
                "email": "noa.pardo@example.com",
                "company_id": sdk.api_public.credentials.list().data[0].company_id,
            }
        )
    )
    changed = sdk.ats.candidates.update(
        id=candidate.id,
        body=PutApi20261001ResourcesAtsCandidatesIdBody.from_dict(
            {"id": candidate.id, "phone_number": "+34 600000001", "last_name": "Pardo Gil"}
        ),
    )
    assert (changed.full_name, changed.phone_number) == ("Noa Pardo Gil", "+34 600000001")

    application = sdk.ats.applications.create(
        body=PostApi20261001ResourcesAtsApplicationsBody.from_dict(
            {"ats_job_posting_id": posting.id, "ats_candidate_id": candidate.id}
        )
    )
    assert application.ats_application_phase_id == phases[0].id
    assert sdk.ats.candidates.get(id=candidate.id).ats_job_posting_ids == [posting.id]
    moved = sdk.ats.applications.move_to_phase(
        body=PostApi20261001ResourcesAtsApplicationsMoveToPhaseBody.from_dict(
            {"id": application.id, "ats_application_phase_id": phases[2].id}
        )
    )
    assert moved.ats_application_phase_id == phases[2].id
    reason = sdk.ats.rejection_reasons.list().data[0]
    rejected = sdk.ats.applications.update(
        id=application.id,
        body=PutApi20261001ResourcesAtsApplicationsIdBody.from_dict(
            {"id": application.id, "ats_rejection_reason_id": reason.id}
        ),
    )
    assert rejected.ats_rejection_reason_id == reason.id
    assert sdk.ats.applications.get(id=application.id).ats_rejection_reason_id == reason.id

    # A phase of another posting, and a second application of the same candidate, are Factorial's 422s.
    other = next(p for p in sdk.ats.job_postings.list().data if p.id != posting.id)
    elsewhere = sdk.ats.application_phases.list(ats_job_posting_ids=[other.id]).data[0]
    with pytest.raises(UnexpectedStatus) as raised:
        sdk.ats.applications.move_to_phase(
            body=PostApi20261001ResourcesAtsApplicationsMoveToPhaseBody.from_dict(
                {"id": application.id, "ats_application_phase_id": elsewhere.id}
            )
        )
    assert raised.value.status_code == 422
    with pytest.raises(UnexpectedStatus) as twice:
        sdk.ats.applications.create(
            body=PostApi20261001ResourcesAtsApplicationsBody.from_dict(
                {"ats_job_posting_id": posting.id, "ats_candidate_id": candidate.id}
            )
        )
    assert twice.value.status_code == 422
