"""What a connector profile's scopes and actions enable, and the 422 problems that name each culprit."""

from __future__ import annotations

from collections.abc import Iterable

from linkyard.connectors import Action, Connector, enabled_actions, validate_profile_selection


def _ids(actions: Iterable[Action]) -> set[str]:
    return {action.id for action in actions}


def test_scopes_enable_the_actions_they_cover(factorialhr: Connector) -> None:
    enabled = _ids(factorialhr.actions_for_scopes(["time_off"]))
    assert "factorialhr_list_time_off_requests" in enabled
    assert "factorialhr_cancel_time_off_request" in enabled
    assert "factorialhr_get_credentials" in enabled  # needs no scope
    assert "factorialhr_list_employees" not in enabled
    # Besides the credentials, what needs no scope is what Factorial's scope table leaves out (its webhooks,
    # procurement, ...): actions generated from its API, which a profile enables only by name.
    unscoped = factorialhr.actions_for_scopes([])
    assert [a.id for a in unscoped if a.default_enabled] == ["factorialhr_get_credentials"]
    assert {a.area for a in unscoped} == {
        "api_public",
        "approvals",
        "compensations",
        "it_management",
        "processes",
        "procurement",
    }


def test_no_scopes_means_not_restricted(factorialhr: Connector) -> None:
    assert factorialhr.actions_for_scopes(None) == factorialhr.actions
    # The standard actions (written by hand), then the unified operations its mapping offers as tools; the
    # hundreds generated from Factorial's API are enabled by name only.
    standard = tuple(tool for tool in factorialhr.tools if tool.default_enabled)
    assert enabled_actions(factorialhr, None, None) == standard
    assert standard == (*factorialhr.declared_actions, *factorialhr.unified_actions)
    assert factorialhr.tools[: len(factorialhr.actions)] == factorialhr.actions
    # An empty list is sent to Factorial as no `scope` at all: the app's scopes are granted.
    assert enabled_actions(factorialhr, [], None) == standard
    # Named, a generated action is enabled like any other.
    named = ["factorialhr_list_budget_strategies", "factorialhr_list_employees"]
    assert [a.id for a in enabled_actions(factorialhr, None, named)] == [
        "factorialhr_list_employees",
        "factorialhr_list_budget_strategies",
    ]


def test_a_profile_enables_its_actions_or_what_its_scopes_allow(factorialhr: Connector) -> None:
    chosen = ["factorialhr_list_shifts", "factorialhr_get_credentials"]
    # Catalogue order, whatever the profile's order; a removed action is skipped rather than breaking.
    assert [a.id for a in enabled_actions(factorialhr, ["time_tracking"], [*chosen, "factorialhr_gone"])] == [
        "factorialhr_get_credentials",
        "factorialhr_list_shifts",
    ]
    recruiting = _ids(enabled_actions(factorialhr, ["recruitment"], None))
    # The unified ATS operations read through recruitment's actions: its scope enables them too.
    assert {"ats_list_candidates", "ats_get_application"} <= recruiting
    assert {tool for tool in recruiting if tool.startswith("factorialhr_")} == {
        "factorialhr_get_credentials",
        "factorialhr_list_job_postings",
        "factorialhr_list_candidates",
        "factorialhr_create_candidate",
        "factorialhr_list_applications",
        "factorialhr_get_job_posting",
        "factorialhr_create_job_posting",
        "factorialhr_update_job_posting",
        "factorialhr_get_candidate",
        "factorialhr_update_candidate",
        "factorialhr_get_application",
        "factorialhr_create_application",
        "factorialhr_update_application",
        "factorialhr_move_application",
        "factorialhr_list_application_phases",
        "factorialhr_get_application_phase",
        "factorialhr_list_hiring_stages",
        "factorialhr_get_hiring_stage",
        "factorialhr_list_rejection_reasons",
        "factorialhr_get_rejection_reason",
        "factorialhr_list_feedbacks",
        "factorialhr_get_feedback",
        "factorialhr_list_evaluation_forms",
    }


def test_a_consistent_selection_has_no_problems(factorialhr: Connector) -> None:
    assert validate_profile_selection(factorialhr, ["employees", "time_off"], None) == []
    assert (
        validate_profile_selection(
            factorialhr,
            ["employees", "time_off"],
            [
                "factorialhr_list_employees",
                "factorialhr_approve_time_off_request",
                "factorialhr_get_credentials",
            ],
        )
        == []
    )
    assert validate_profile_selection(factorialhr, None, None) == []


def test_an_action_whose_scope_is_not_selected_is_named(factorialhr: Connector) -> None:
    problems = validate_profile_selection(
        factorialhr, ["employees"], ["factorialhr_list_employees", "factorialhr_list_time_off_requests"]
    )
    assert problems == [
        {"field": "actions[1]", "message": "factorialhr_list_time_off_requests needs time_off"}
    ]


def test_without_scopes_any_action_may_be_enabled(factorialhr: Connector) -> None:
    # Factorial then grants the application's scopes, which Linkyard cannot see: a 403 at call time tells.
    assert validate_profile_selection(factorialhr, None, ["factorialhr_list_time_off_requests"]) == []
    assert validate_profile_selection(factorialhr, [], ["factorialhr_clock_in"]) == []


def test_unknown_scopes_and_actions_are_named_by_position_with_a_suggestion(factorialhr: Connector) -> None:
    problems = validate_profile_selection(
        factorialhr,
        ["employees", "timeoff", "<script>"],
        ["factorialhr_list_employes", "factorialhr_list_employees"],
    )
    assert problems == [
        {"field": "scopes[1]", "message": "unknown scope (did you mean time_off?)"},
        {"field": "scopes[2]", "message": "unknown scope"},
        {"field": "actions[0]", "message": "unknown action (did you mean factorialhr_list_employees?)"},
    ]
    # The submitted text is never echoed back.
    assert "<script>" not in str(problems)


def test_the_missing_scopes_of_an_action_at_call_time(factorialhr: Connector) -> None:
    action = factorialhr.action("factorialhr_clock_in")
    assert action.missing_scopes(["employees"]) == ("time_tracking",)
    assert action.missing_scopes(["time_tracking"]) == ()
    assert action.missing_scopes(None) == ()
