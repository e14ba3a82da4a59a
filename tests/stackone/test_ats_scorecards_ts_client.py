"""StackOne's TypeScript client on an application's scorecards: each call succeeds, its zod schema accepts the
answer, and the values are the emulator's own Factorial feedbacks on that application, with their evaluation
forms' names and questions (every scorecard walked through `next` once, in order)."""

from __future__ import annotations

from typing import Any

from tests.harness.sandbox import Sandbox
from tests.stackone.test_hris_ts_client import _client_time, _records
from tests.stackone.ts_client import run_script

RECOMMENDATIONS = {1: "strong_no", 2: "no", 3: "no_decision", 4: "yes", 5: "strong_yes"}


def _scorecard(feedback: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
    """What the client gives for one of the emulator's feedbacks as a StackOne scorecard."""
    return {
        "id": feedback["id"],
        "remoteId": feedback["id"],
        "label": form["name"],
        "sections": [
            {
                "id": form["id"],
                "remoteId": form["id"],
                "label": form["name"],
                "fields": [
                    {"id": q["id"], "remoteId": q["id"], "label": q["text"], "type": "score"}
                    for q in form["questions"]
                ],
            }
        ],
        "candidateId": feedback["ats_candidate_id"],
        "remoteCandidateId": feedback["ats_candidate_id"],
        "applicationId": feedback["ats_application_id"],
        "remoteApplicationId": feedback["ats_application_id"],
        "overallRecommendation": RECOMMENDATIONS[feedback["rating"]],
        "createdAt": _client_time(feedback["created_at"]),
    }


def test_the_clients_scorecard_methods_answer_the_emulators_feedbacks(
    stackone_server: Sandbox, linked_account: str
) -> None:
    feedbacks = stackone_server.emulator_records("ats/feedbacks")
    forms = {form["id"]: form for form in stackone_server.emulator_records("ats/evaluation_forms")}
    applications = stackone_server.emulator_records("ats/applications")
    evaluated: dict[str, list[dict[str, Any]]] = {}
    for feedback in feedbacks:
        evaluated.setdefault(feedback["ats_application_id"], []).append(feedback)
    busiest = max(evaluated, key=lambda application: len(evaluated[application]))
    assert len(evaluated[busiest]) > 1  # walked over more than one page of 1
    unevaluated = next(a["id"] for a in applications if a["id"] not in evaluated)
    chosen = evaluated[busiest][-1]
    other = next(application for application in evaluated if application != busiest)
    report = run_script(
        "ats_scorecards.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        applicationIds=[busiest, unevaluated],
        scorecard=[busiest, chosen["id"], other],
    )

    pages = report[f"listApplicationScorecards:{busiest}"].expect_ok()
    assert len(pages) == len(evaluated[busiest])
    expected = [_scorecard(f, forms[f["ats_evaluation_forms_id"]]) for f in evaluated[busiest]]
    assert _records(pages, "scorecardsPaginated") == expected
    assert {scorecard["overallRecommendation"] for scorecard in expected} <= set(RECOMMENDATIONS.values())
    none = report[f"listApplicationScorecards:{unevaluated}"].expect_ok()
    assert _records(none, "scorecardsPaginated") == []

    got = report["getApplicationScorecard"].expect_ok()["scorecardsResult"]["data"]
    assert got == _scorecard(chosen, forms[chosen["ats_evaluation_forms_id"]])
    raw = report["getApplicationScorecardRaw"].expect_ok()["scorecardsResult"]["raw"]
    # The feedback (with each question's score), then the evaluation form it was given on.
    assert raw[0]["response"] == chosen
    assert raw[1]["response"]["data"] == [forms[chosen["ats_evaluation_forms_id"]]]
    sparse = report["getApplicationScorecardSparse"].expect_ok()["scorecardsResult"]["data"]
    assert sparse == {"id": chosen["id"], "overallRecommendation": RECOMMENDATIONS[chosen["rating"]]}
    report["getScorecardOfAnotherApplication"].expect_error("NotFoundResponse", 404)
