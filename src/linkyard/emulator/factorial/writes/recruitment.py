"""Recruitment writes: add a candidate."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..caller import Caller
from ..state import Row, timestamp
from .bodies import Body, EmailStr, parse_body, require_admin


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
