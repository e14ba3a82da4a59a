"""Evaluations of applicants: the company's evaluation form template, each open posting's form made from it, and
the feedback evaluators gave on the applications that reached an interview (a rating, a comment, a score for each
question of the posting's form)."""

from __future__ import annotations

from datetime import datetime

from ..state import Row
from .seeding import Seeding
from .timestamps import DAY_SECONDS

QUESTIONS = (
    ("Role skills", "How well the candidate masters the skills the role needs."),
    ("Communication", "How clearly the candidate explains their reasoning."),
    ("Team fit", "How the candidate would work with the team."),
    ("Motivation", None),
)
"""The template's questions (`text`, `description`)."""

COMMENTS = (
    "Strong hands-on experience, would move forward.",
    "Good answers, a few gaps in the role's core skills.",
    "Not convinced: the experience does not match the role.",
    "Great communicator, eager to learn.",
    "Solid profile; check references before an offer.",
)

EVALUATED_FROM = 2
"""The pipeline position (0: new, 1: screening, 2: interview) from which an application has been evaluated."""


def seed_evaluations(seeding: Seeding) -> None:
    """The template form, one form per posting that has applications, and one to three feedbacks on each
    application that is in an interview phase or later. Seeded last: no other row's id moves."""
    rng, time = seeding.rng, seeding.time
    made = time.stamp(time.start_of(time.today - 420) + 9 * 3600)
    template = _form(seeding, "Interview scorecard", None, None, made)
    phases = {row["id"]: row for row in seeding.world.table("ats/application_phases").rows(seeding.cid)}
    forms: dict[int, Row] = {}
    for application in list(seeding.world.table("ats/applications").rows(seeding.cid)):
        phase = phases.get(application["ats_application_phase_id"])
        if phase is None or phase["position"] < EVALUATED_FROM:
            continue
        posting_id = application["ats_job_posting_id"]
        applied = _seconds(application["created_at"])
        form = forms.get(posting_id)
        if form is None:
            form = forms[posting_id] = _form(
                seeding, "Interview scorecard", posting_id, template["id"], time.stamp(applied)
            )
        interview = next(
            row for row in phases.values() if row["ats_job_posting_id"] == posting_id and row["position"] == 2
        )
        for _ in range(rng.randint(1, 3)):
            answers = [
                {
                    "question_id": question["id"],
                    "score": rng.randint(1, 5),
                    "note": rng.choice(COMMENTS) if rng.random() < 0.3 else None,
                }
                for question in form["questions"]
            ]
            rating = round(sum(answer["score"] for answer in answers) / len(answers))
            seeding.insert(
                "ats/feedbacks",
                {
                    "created_at": time.stamp(applied + rng.randrange(DAY_SECONDS, 20 * DAY_SECONDS)),
                    "ats_candidate_id": application["ats_candidate_id"],
                    "rating": rating,
                    "description": rng.choice(COMMENTS),
                    "ats_application_id": application["id"],
                    "ats_application_phase_id": interview["id"],
                    "ats_evaluation_forms_id": form["id"],
                    "evaluation_form_answers": answers,
                    "_hiring_manager_ids": list(application.get("_hiring_manager_ids", ())),
                },
            )


def _form(seeding: Seeding, name: str, posting_id: int | None, based_on: int | None, made: str) -> Row:
    return seeding.insert(
        "ats/evaluation_forms",
        {
            "name": name,
            "questions": [
                {"id": str(seeding.world.next_id()), "text": text, "description": description}
                for text, description in QUESTIONS
            ],
            "created_at": made,
            "updated_at": made,
            "ats_job_posting_id": posting_id,
            "based_on_id": based_on,
        },
    )


def _seconds(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
