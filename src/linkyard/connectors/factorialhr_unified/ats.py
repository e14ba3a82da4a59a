"""StackOne's ATS models over Factorial's recruitment: jobs and job postings, candidates, applications, the
pipeline's stages, rejection reasons, departments, locations and users.

Factorial has no jobs apart from its job postings, so StackOne's jobs and job postings are both Factorial's job
postings (same ids). Its pipeline has two levels: the company's hiring stages (new, screening, interview, ...),
StackOne's application stages, and each job posting's application phases, one per hiring stage, which are what
an application is in and is moved between: StackOne's interview stages. StackOne's departments are Factorial's
teams, as the HRIS groups are, and its users (the recruiters and hiring managers) are Factorial's employees.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read
from linkyard.connectors.factorialhr_unified.fields import same as _same

JOB_STATUSES = {
    "published": "published",
    "draft": "draft",
    "unlisted": "internal",
    "archived": "archived",
    "cancelled": "closed",
    "deleted": "deleted",
}
"""An unlisted posting is open but only reachable by its link, not on the careers page: StackOne's `internal`."""

POSTING_STATUSES = {
    "published": "live",
    "draft": "draft",
    "unlisted": "internal",
    "archived": "archived",
    "cancelled": "closed",
}
"""StackOne's postings have no deleted status: a deleted posting is `unmapped_value`."""

SCHEDULE_TYPES = {"full_time": "full_time", "part_time": "part_time"}

CONTRACT_TYPES = {
    "indefinite": "permanent",
    "sem_termo": "permanent",
    "clt": "permanent",
    "temporary": "temporary",
    "a_termo_certo": "temporary",
    "a_termo_incerto": "temporary",
    "de_curta_duracao": "temporary",
    "interim": "temporary",
    "fixed_discontinued": "seasonal",
    "intern": "intern",
    "estagio": "intern",
    "werkstudent": "intern",
    "alternant": "apprentice",
    "apprendistato": "apprentice",
    "apprenticeship": "apprentice",
    "apprentissage": "apprentice",
    "jovem_aprendiz": "apprentice",
    "training": "apprentice",
    "freelance": "freelance",
    "recibos_verdes": "freelance",
    "pj": "contractor",
    "vendor_contractor": "contractor",
    "volunteer": "volunteer",
}
"""Factorial's contract types (several countries' own) by their meaning; the others (`minijob`, `per_hour`,
`other`, ...) have no StackOne equivalent and are `unmapped_value`."""

APPLICATION_STATUSES = {"active": "active", "rejected": "rejected"}
"""Factorial records no status on an application: it is rejected once it has a rejection reason."""

REJECTION_DECIDERS = {"candidate": "rejected_by_candidate", "company": "rejected_by_organization"}


def _present(field: str) -> dict[str, Any]:
    """A list of the one id in `field`, or no id when it is null."""
    return _read(f"[{field}][?@ != null]")


NEW_POSTING = {
    "status": "draft",
    "cv_requirement": "optional",
    "cover_letter_requirement": "optional",
    "phone_requirement": "optional",
    "photo_requirement": "do_not_ask",
    "personal_url_requirement": "optional",
}
"""What Factorial requires of a new posting and StackOne's job has no field for: a job created without a
`job_status` is a draft, and candidates are asked for a CV, a cover letter, a phone and a link as optional, no
photo. `job_status` and `passthrough` (`{"cv_requirement": "mandatory"}`) override them."""


def _one_of(field: str) -> dict[str, Any]:
    """A list of the one id in `field`, written back as that id (Factorial keeps one)."""
    return {**_present(field), "write": field, "write_as": "one"}


def _job(get_action: str) -> dict[str, Any]:
    return {
        "resource": "ats/jobs",
        "list_action": "factorialhr_list_job_postings",
        "get_action": get_action,
        "create_action": "factorialhr_create_job_posting",
        "create_arguments": NEW_POSTING,
        "update_action": "factorialhr_update_job_posting",
        "fields": {
            **_ids(),
            "title": _same("title"),
            "description": _same("description"),
            "status": _read("status"),
            "job_status": _read("status", enum=JOB_STATUSES, write="status"),
            "department_ids": _one_of("team_id"),
            "remote_department_ids": _present("team_id"),
            "location_ids": _one_of("location_id"),
            "remote_location_ids": _present("location_id"),
            "created_at": _read("created_at"),
        },
        # A job's interview stages: its posting's application phases, which name the posting.
        "expands": {
            "interview_stages": {
                "resource": "ats/job_application_stages",
                "back": "ats_job_posting_id",
                "param": "ats_job_posting_ids",
            }
        },
    }


def _stages(resource: str, list_action: str, get_action: str, name: str) -> dict[str, Any]:
    return {
        "resource": resource,
        "list_action": list_action,
        "get_action": get_action,
        "fields": {**_ids(), "name": _read(name), "order": _read("position")},
    }


def resources() -> list[dict[str, Any]]:
    """The ATS resources' mappings."""
    return [
        _job("factorialhr_get_job_posting"),
        {
            "resource": "ats/job_postings",
            "list_action": "factorialhr_list_job_postings",
            "get_action": "factorialhr_get_job_posting",
            "fields": {
                **_ids(),
                "title": _read("title"),
                "job_id": _read("id"),
                "remote_job_posting_id": _read("id"),
                "status": _read("status", enum=POSTING_STATUSES),
                "employment_type": _read("schedule_type", enum=SCHEDULE_TYPES),
                "employment_contract_type": _read("contract_type", enum=CONTRACT_TYPES),
                "external_url": _read("url"),
                "created_at": _read("created_at"),
            },
        },
        {
            "resource": "ats/candidates",
            "list_action": "factorialhr_list_candidates",
            "get_action": "factorialhr_get_candidate",
            # Factorial has no update-time parameter for candidates: the platform compares `updated_at` alone.
            "updated_after": {},
            "filters": {"email": {"field": "email", "param": "emails"}},
            "create_action": "factorialhr_create_candidate",
            "update_action": "factorialhr_update_candidate",
            "fields": {
                **_ids(),
                "name": _read("full_name"),
                "first_name": _same("first_name"),
                "last_name": _same("last_name"),
                "email": _same("email"),
                "phone": _read("phone_number", write="phone_number"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
        {
            "resource": "ats/applications",
            "list_action": "factorialhr_list_applications",
            "get_action": "factorialhr_get_application",
            "filters": {"job_id": {"field": "job_id", "param": "ats_job_posting_id"}},
            "create_action": "factorialhr_create_application",
            "update_action": "factorialhr_update_application",
            "fields": {
                **_ids(),
                "candidate_id": _read("ats_candidate_id", write="ats_candidate_id"),
                "remote_candidate_id": _read("ats_candidate_id"),
                "job_id": _read("ats_job_posting_id", write="ats_job_posting_id"),
                "remote_job_id": _read("ats_job_posting_id"),
                "interview_stage_id": _read("ats_application_phase_id"),
                "remote_interview_stage_id": _read("ats_application_phase_id"),
                "rejected_reason_ids": _present("ats_rejection_reason_id"),
                "remote_rejected_reason_ids": _present("ats_rejection_reason_id"),
                "application_status": _read(
                    'ats_rejection_reason_id && `"rejected"` || `"active"`', enum=APPLICATION_STATUSES
                ),
                "created_at": _read("created_at"),
            },
            "operations": {
                "move": {
                    "action": "factorialhr_move_application",
                    "fields": {"interview_stage_id": "ats_application_phase_id"},
                },
                "reject": {
                    "action": "factorialhr_update_application",
                    "fields": {"rejected_reason_id": "ats_rejection_reason_id"},
                },
            },
        },
        _stages(
            "ats/application_stages",
            "factorialhr_list_hiring_stages",
            "factorialhr_get_hiring_stage",
            "label",
        ),
        _stages(
            "ats/interview_stages",
            "factorialhr_list_application_phases",
            "factorialhr_get_application_phase",
            "name",
        ),
        {
            # A job's application stages: its posting's phases (the interview stages of its applications).
            **_stages(
                "ats/job_application_stages",
                "factorialhr_list_application_phases",
                "factorialhr_get_application_phase",
                "name",
            ),
            "parent": {"param": "ats_job_posting_ids", "source": "ats_job_posting_id"},
        },
        {
            "resource": "ats/rejected_reasons",
            "list_action": "factorialhr_list_rejection_reasons",
            "get_action": "factorialhr_get_rejection_reason",
            "fields": {
                **_ids(),
                "label": _read("reason"),
                "type": _read("decision_maker"),
                "rejected_reason_type": _read("decision_maker", enum=REJECTION_DECIDERS),
            },
        },
        {
            "resource": "ats/departments",
            "list_action": "factorialhr_list_teams",
            "get_action": "factorialhr_get_team",
            "fields": {**_ids(), "name": _read("name")},
        },
        {
            "resource": "ats/locations",
            "list_action": "factorialhr_list_locations",
            "get_by": "ids",
            "fields": {**_ids(), "name": _read("name")},
        },
        {
            "resource": "ats/users",
            "list_action": "factorialhr_list_employees",
            "get_action": "factorialhr_get_employee",
            "updated_after": {"param": "updated_at_gteq", "precision": "date"},
            "fields": {
                **_ids(),
                "name": _read("full_name"),
                "email": _read("email"),
                "phone_number": _read("phone_number"),
                "active": _read("active"),
                "created_at": _read("created_at"),
                "updated_at": _read("updated_at"),
            },
        },
    ]
