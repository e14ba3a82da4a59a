"""StackOne's application scorecards over Factorial's feedbacks (`ats/feedbacks`): an evaluator's rating of an
application, with a score for each question of the evaluation form (`ats/evaluation_forms`) it was given on.

A scorecard's label and sections are its form's: the form's name, and one section (the form) whose fields are
its questions, each scored (StackOne's `score` fields). StackOne's fields describe the questions, not the
answers: each question's score is in the feedback itself (`raw=true`). The overall recommendation is the
feedback's rating, one to five stars. Factorial does not say who wrote a feedback, nor records interviews or
when a feedback changed: `author_id`, `interview_id` and `updated_at` are left out, and `filter[updated_after]`
is refused.
"""

from __future__ import annotations

from typing import Any

from linkyard.connectors.factorialhr_unified.fields import ids as _ids
from linkyard.connectors.factorialhr_unified.fields import read as _read

RECOMMENDATIONS = {"1": "strong_no", "2": "no", "3": "no_decision", "4": "yes", "5": "strong_yes"}
"""A feedback's rating (stars) as StackOne's overall recommendation: three stars decide nothing."""

FORM = "_evaluation_form"
"""Where the feedback's evaluation form is put in the feedback before it is mapped (`lookups`)."""

SECTIONS = (
    f"{FORM} && [{{"
    f"id: to_string({FORM}.id), remote_id: to_string({FORM}.id), label: {FORM}.name, "
    f"fields: {FORM}.questions[].{{id: to_string(id), remote_id: to_string(id), label: text, type: 'score'}}"
    "}] || null"
)
"""The form as StackOne's one section, its questions as the section's scored fields."""


def resources() -> list[dict[str, Any]]:
    """The scorecards mapping (`/applications/{id}/scorecards`, `/applications/{id}/scorecards/{id}`)."""
    return [
        {
            "resource": "ats/application_scorecards",
            "list_action": "factorialhr_list_feedbacks",
            "get_action": "factorialhr_get_feedback",
            "parent": {"param": "ats_application_ids", "field": "application_id"},
            "lookups": {
                FORM: {"action": "factorialhr_list_evaluation_forms", "key": "ats_evaluation_forms_id"}
            },
            "fields": {
                **_ids(),
                "label": _read(f"{FORM}.name"),
                "sections": _read(SECTIONS),
                "candidate_id": _read("ats_candidate_id"),
                "remote_candidate_id": _read("ats_candidate_id"),
                "application_id": _read("ats_application_id"),
                "remote_application_id": _read("ats_application_id"),
                "overall_recommendation": _read("rating", enum=RECOMMENDATIONS),
                "created_at": _read("created_at"),
            },
        },
    ]
