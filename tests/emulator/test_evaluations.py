"""Applicants' evaluations in the emulator, read with the official `factorial-api-client`, unchanged: each open
posting's evaluation form (made from the company's template) and the feedbacks on the applications that reached
an interview, each scoring every question of its posting's form."""

from __future__ import annotations

from factorial_api_client import FactorialClient


def test_feedbacks_evaluate_applications_with_their_postings_forms(sdk: FactorialClient) -> None:
    feedbacks = list(sdk.ats.feedbacks.paginate(limit=50))
    assert len(feedbacks) > 10
    applications = {a.id: a for a in sdk.ats.applications.paginate(limit=100)}
    forms = {form.id: form for form in sdk.ats.evaluation_forms.paginate(limit=100)}
    templates = [form for form in forms.values() if not form.ats_job_posting_id]
    assert len(templates) == 1
    for feedback in feedbacks:
        application = applications[feedback.ats_application_id]
        assert feedback.ats_candidate_id == application.ats_candidate_id
        form = forms[feedback.ats_evaluation_forms_id]
        assert form.ats_job_posting_id == application.ats_job_posting_id
        assert form.based_on_id == templates[0].id
        assert [answer.question_id for answer in feedback.evaluation_form_answers] == [
            question.id for question in form.questions
        ]
        assert all(1 <= answer.score <= 5 for answer in feedback.evaluation_form_answers)
        assert 1 <= feedback.rating <= 5 and feedback.created_at >= application.created_at

    first = feedbacks[0]
    theirs = sdk.ats.feedbacks.list(ats_application_ids=[first.ats_application_id]).data
    assert [f.id for f in theirs] == [
        f.id for f in feedbacks if f.ats_application_id == first.ats_application_id
    ]
    assert sdk.ats.feedbacks.get(id=first.id).description == first.description
    posting_forms = sdk.ats.evaluation_forms.list(template=False).data
    assert posting_forms and all(form.ats_job_posting_id for form in posting_forms)
