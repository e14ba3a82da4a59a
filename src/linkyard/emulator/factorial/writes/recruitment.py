"""Recruitment writes: add and change candidates, apply them to job postings, move applications between the
posting's phases and reject them with one of the company's reasons."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..errors import forbidden, invalid, not_found
from ..state import Row, timestamp
from .bodies import Body, EmailStr, apply_fields, parse_body, require_admin, touch

NOTE_LENGTH = 10_000


class CandidateCreate(Body):
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    email: EmailStr | None = None
    phone_number: str | None = None
    personal_url: str | None = None
    gender: Literal["female", "male", "other", "unanswered"] | None = None
    talent_pool: bool = False
    source: str | None = None
    medium: str | None = None


class CandidateUpdate(Body):
    first_name: str | None = Field(None, min_length=1)
    last_name: str | None = Field(None, min_length=1)
    email: EmailStr | None = None
    phone_number: str | None = None
    personal_url: str | None = None
    talent_pool: bool | None = None


class ApplicationCreate(Body):
    ats_job_posting_id: int
    ats_candidate_id: int | None = None
    ats_application_phase_id: int | None = None
    phone: str | None = None
    cover_letter: str | None = Field(None, max_length=NOTE_LENGTH)
    source: str | None = None
    medium: str | None = None


class ApplicationUpdate(Body):
    qualified: bool | None = None
    ats_application_phase_id: int | None = None
    phone: str | None = None
    ats_rejection_reason_id: int | None = None


class PhaseMove(Body):
    id: int
    ats_application_phase_id: int


def create_candidate(caller: Caller, payload: Any) -> Row:
    body = parse_body(CandidateCreate, payload)
    require_admin(caller, "create candidates")
    now = timestamp(caller.world.clock.now())
    row: Row = {
        "first_name": body.first_name,
        "last_name": body.last_name,
        "full_name": f"{body.first_name} {body.last_name}",
        "email": str(body.email) if body.email else None,
        "phone_number": body.phone_number,
        "personal_url": body.personal_url,
        "gender": body.gender,
        "talent_pool": body.talent_pool,
        "medium": body.medium,
        "source_id": None,
        "consent_given_at": None,
        "inactive_since": None,
        "ats_job_posting_ids": [],
        "score": None,
        "created_at": now,
        "updated_at": now,
    }
    return caller.world.table("ats/candidates").insert(caller.company_id, row)


def update_candidate(caller: Caller, row: Row, payload: Any) -> Row:
    body = parse_body(CandidateUpdate, payload)
    require_admin(caller, "change candidates")
    apply_fields(row, body)
    row["full_name"] = f"{row['first_name']} {row['last_name']}"
    return touch(caller, row)


def create_application(caller: Caller, payload: Any) -> Row:
    """Apply a candidate to a job posting, in the posting's first phase unless one of its phases is named."""
    body = parse_body(ApplicationCreate, payload)
    require_admin(caller, "create applications")
    world, company = caller.world, caller.company_id
    posting = world.table("ats/job_postings").get(company, body.ats_job_posting_id)
    if posting is None:
        raise invalid("ats_job_posting_id", "does not exist")
    if body.ats_candidate_id is None:
        raise invalid("ats_candidate_id", "is required")
    candidate = world.table("ats/candidates").get(company, body.ats_candidate_id)
    if candidate is None:
        raise invalid("ats_candidate_id", "does not exist")
    applications = world.table("ats/applications")
    if any(
        application["ats_candidate_id"] == candidate["id"]
        and application["ats_job_posting_id"] == posting["id"]
        for application in applications.rows(company)
    ):
        raise invalid("ats_candidate_id", "has already applied to this job posting")
    phases = _phases(caller, posting["id"])
    if body.ats_application_phase_id is None:
        phase = phases[0] if phases else None
    else:
        phase = _phase_of(caller, posting["id"], body.ats_application_phase_id)
    now = timestamp(world.clock.now())
    # No `cv` key: the official client reads an absent CV, not a null one.
    row: Row = {
        "ats_job_posting_id": posting["id"],
        "ats_candidate_id": candidate["id"],
        "employee_id": None,
        "phone": body.phone if body.phone is not None else candidate.get("phone_number"),
        "qualified": None,
        "ats_application_phase_id": None if phase is None else phase["id"],
        "cover_letter": body.cover_letter,
        "ats_conversation_id": None,
        "medium": body.medium,
        "rating_average": None,
        "ats_rejection_reason_id": None,
        "source_id": None,
        "created_at": now,
        "_hiring_manager_ids": list(posting.get("_hiring_manager_ids", ())),
    }
    created = applications.insert(company, row)
    candidate["ats_job_posting_ids"] = [*(candidate.get("ats_job_posting_ids") or ()), posting["id"]]
    touch(caller, candidate)
    return created


def update_application(caller: Caller, row: Row, payload: Any) -> Row:
    """Change an application: its phase (one of its posting's), its rejection reason, its qualification."""
    body = parse_body(ApplicationUpdate, payload)
    _require_hiring(caller, row)
    fields = body.model_fields_set
    if "ats_application_phase_id" in fields and body.ats_application_phase_id is not None:
        _phase_of(caller, row["ats_job_posting_id"], body.ats_application_phase_id)
    if "ats_rejection_reason_id" in fields and body.ats_rejection_reason_id is not None:
        reasons = caller.world.table("ats/rejection_reasons")
        if reasons.get(caller.company_id, body.ats_rejection_reason_id) is None:
            raise invalid("ats_rejection_reason_id", "does not exist")
    apply_fields(row, body)
    return row


def move_application(caller: Caller, payload: Any) -> Row:
    """`POST ats/applications/move_to_phase`: the application into another phase of the same posting."""
    body = parse_body(PhaseMove, payload)
    row = caller.world.table("ats/applications").get(caller.company_id, body.id)
    if row is None or not _hiring(caller, row):
        raise not_found()
    _require_hiring(caller, row)
    phase = _phase_of(caller, row["ats_job_posting_id"], body.ats_application_phase_id)
    row["ats_application_phase_id"] = phase["id"]
    return row


def _phases(caller: Caller, posting_id: int) -> list[Row]:
    rows = caller.world.table("ats/application_phases").rows(caller.company_id)
    return sorted((p for p in rows if p["ats_job_posting_id"] == posting_id), key=lambda p: p["position"])


def _phase_of(caller: Caller, posting_id: int, phase_id: int) -> Row:
    phase = caller.world.table("ats/application_phases").get(caller.company_id, phase_id)
    if phase is None or phase["ats_job_posting_id"] != posting_id:
        raise invalid("ats_application_phase_id", "must be a phase of the application's job posting")
    return phase


def _hiring(caller: Caller, row: Row) -> bool:
    return caller.admin or caller.employee_id in row.get("_hiring_manager_ids", ())


def _require_hiring(caller: Caller, row: Row) -> None:
    if not _hiring(caller, row):
        raise forbidden("Only admins and the posting's hiring managers can change its applications")
