"""Arguments become a request (coerced, placed, validated), and the provider's answer becomes data and `next`."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from linkyard.connectors import (
    Action,
    CallContext,
    Connector,
    PreparedRequest,
    build_request,
    encode_next,
    extract_result,
)
from linkyard.errors import FieldError, ProviderError, ValidationFailed

V = "/api/2026-10-01/resources"


def build(connector: Connector, action_id: str, arguments: dict[str, Any], **kw: Any) -> PreparedRequest:
    return build_request(connector.action(action_id), arguments, **kw)


def problems(connector: Connector, action_id: str, arguments: dict[str, Any]) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as caught:
        build(connector, action_id, arguments)
    return caught.value.errors


def test_a_list_call_sends_rails_arrays_booleans_and_a_page_size(factorialhr: Connector) -> None:
    request = build(
        factorialhr,
        "factorialhr_list_employees",
        {"team_ids": ["3", 4], "location_ids": "7, 8,", "only_active": "true", "full_text_name": "Ana"},
    )
    assert request.method == "GET" and request.path == f"{V}/employees/employees"
    assert request.json is None
    assert request.query == (
        ("team_ids[]", "3"),
        ("team_ids[]", "4"),
        ("location_ids[]", "7"),
        ("location_ids[]", "8"),
        ("only_active", "true"),
        ("full_text_name", "Ana"),
        ("limit", "25"),  # the platform's default page size
    )


def test_what_the_stackone_sdk_sends_is_understood(factorialhr: Connector) -> None:
    # tool.execute({"query_page_size": "25"}) and tool.call(path_id="7"), flattened by the platform.
    assert build(factorialhr, "factorialhr_list_employees", {"page_size": "25"}).query == (("limit", "25"),)
    assert build(factorialhr, "factorialhr_get_employee", {"id": "7"}).path == f"{V}/employees/employees/7"
    assert build(factorialhr, "factorialhr_get_employee", {"id": 7}).path == f"{V}/employees/employees/7"


def test_false_and_integers_are_coerced(factorialhr: Connector) -> None:
    request = build(
        factorialhr, "factorialhr_list_time_off_requests", {"approved": "False", "page_size": 10.0}
    )
    assert request.query == (("approved", "false"), ("limit", "10"))
    request = build(
        factorialhr, "factorialhr_create_candidate", {"first_name": "A", "last_name": "B", "talent_pool": 1}
    )
    assert request.json == {"first_name": "A", "last_name": "B", "talent_pool": True}


def test_none_counts_as_absent(factorialhr: Connector) -> None:
    request = build(factorialhr, "factorialhr_list_employees", {"only_active": None, "next": None})
    assert request.query == (("limit", "25"),)


def test_path_parameters_are_quoted() -> None:
    # An action whose path parameter is any text (Factorial's are ids, refused before this: see below).
    free = Action.model_validate(
        {
            "id": "factorialhr_get_thing",
            "label": "Get thing",
            "description": "Get a thing.",
            "method": "GET",
            "path": f"{V}/things/things/{{name}}",
            "parameters": [{"name": "name", "location": "path", "description": "Name.", "required": True}],
        }
    )
    request = build_request(free, {"name": "1/../../oauth/token?x=1"})
    assert request.path == f"{V}/things/things/1%2F..%2F..%2Foauth%2Ftoken%3Fx%3D1"
    with pytest.raises(ValidationFailed) as caught:
        build_request(free, {"name": ".."})
    assert caught.value.errors == [{"field": "name", "message": "must not be empty"}]


def test_numbers_too_long_to_write_are_refused_not_crashed_on(factorialhr: Connector) -> None:
    # int("1" * 5000) and str(10**5000) both raise ValueError in Python (the 4,300-digit limit).
    huge = 10**5000
    assert problems(factorialhr, "factorialhr_get_team", {"id": huge}) == [
        {"field": "id", "message": "is too long"}
    ]
    assert problems(factorialhr, "factorialhr_list_employees", {"team_ids": [7, huge]}) == [
        {"field": "team_ids", "message": "is too long"}
    ]
    assert problems(factorialhr, "factorialhr_list_employees", {"page_size": "1" * 5000}) == [
        {"field": "page_size", "message": "must be between 1 and 100"}
    ]


@pytest.mark.parametrize("hostile", ["1/../../oauth/token?x=1", "1" * 5000, "-1", "7 ", "٣", "0x1f"])
def test_a_factorial_id_is_digits_or_refused(factorialhr: Connector, hostile: str) -> None:
    assert problems(factorialhr, "factorialhr_get_team", {"id": hostile}) == [
        {"field": "id", "message": "must be an id: a string of 1 to 19 digits"}
    ]


def test_writes_send_a_json_body(factorialhr: Connector) -> None:
    request = build(
        factorialhr,
        "factorialhr_create_time_off_request",
        {"employee_id": 12, "start_on": "2026-05-04", "half_day": "end_of_day"},
    )
    assert (request.method, request.path, request.query) == ("POST", f"{V}/timeoff/leaves", ())
    assert request.json == {"employee_id": "12", "start_on": "2026-05-04", "half_day": "end_of_day"}
    approve = build(factorialhr, "factorialhr_approve_time_off_request", {"id": "9"})
    assert (approve.path, approve.json) == (f"{V}/timeoff/leaves/approve", {"id": "9"})
    cancel = build(factorialhr, "factorialhr_cancel_time_off_request", {"id": "9"})
    assert (cancel.method, cancel.path, cancel.json) == ("DELETE", f"{V}/timeoff/leaves/9", None)


def test_an_update_repeats_the_id_in_the_body_as_factorial_wants(factorialhr: Connector) -> None:
    request = build(factorialhr, "factorialhr_update_employee", {"id": "5", "city": "Lyon"})
    assert (request.method, request.path) == ("PUT", f"{V}/employees/employees/5")
    assert request.json == {"id": "5", "city": "Lyon"}


def test_the_context_fills_company_and_clock_unless_the_caller_did(factorialhr: Connector) -> None:
    context = CallContext(company_id="42", now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    hire = {"first_name": "Ada", "last_name": "L", "email": "ada@example.test"}
    assert build(factorialhr, "factorialhr_create_employee", hire, context=context).json == {
        **hire,
        "company_id": "42",
    }
    clock_in = build(factorialhr, "factorialhr_clock_in", {"employee_id": "3"}, context=context)
    assert clock_in.json == {"employee_id": "3", "now": "2026-03-02T09:00:00+00:00"}
    given = {"employee_id": "3", "now": "2026-03-02T10:15:00Z"}
    assert build(factorialhr, "factorialhr_clock_out", given, context=context).json == given
    assert build(factorialhr, "factorialhr_clock_out", {"employee_id": "3"}).json == {"employee_id": "3"}


def test_every_culprit_is_named_without_echoing_values(factorialhr: Connector) -> None:
    found = problems(
        factorialhr,
        "factorialhr_create_time_off_request",
        {"start_on": "next tuesday", "half_day": "lunch", "secret_field": "s3cr3t", "page_size": 5},
    )
    assert found == [
        {"field": "secret_field", "message": "is not an argument of this action"},
        {"field": "page_size", "message": "is not an argument of this action"},
        {"field": "employee_id", "message": "is required"},
        {"field": "start_on", "message": "must be a date (YYYY-MM-DD)"},
        {"field": "half_day", "message": "must be one of: beginning_of_day, end_of_day"},
    ]
    assert "s3cr3t" not in str(found) and "tuesday" not in str(found)


@pytest.mark.parametrize(
    ("action_id", "arguments", "field", "message"),
    [
        ("factorialhr_list_employees", {"only_active": "yes please"}, "only_active", "must be true or false"),
        ("factorialhr_list_employees", {"page_size": "ten"}, "page_size", "must be an integer"),
        ("factorialhr_list_employees", {"page_size": True}, "page_size", "must be an integer"),
        ("factorialhr_list_employees", {"page_size": 0}, "page_size", "must be between 1 and 100"),
        ("factorialhr_list_employees", {"page_size": "101"}, "page_size", "must be between 1 and 100"),
        ("factorialhr_list_employees", {"team_ids": [["1"]]}, "team_ids", "must be a list of strings"),
        ("factorialhr_list_employees", {"full_text_name": ["a"]}, "full_text_name", "must be a string"),
        (
            "factorialhr_list_employees",
            {"updated_at_gteq": "2026-02-30"},
            "updated_at_gteq",
            "must be a date",
        ),
        (
            "factorialhr_create_candidate",
            {"first_name": "A", "last_name": "B", "email": "nope"},
            "email",
            "email",
        ),
        ("factorialhr_clock_in", {"now": "9 o'clock"}, "now", "ISO 8601"),
        ("factorialhr_list_job_postings", {"status": "open"}, "status", "must be one of"),
        ("factorialhr_get_employee", {}, "id", "is required"),
    ],
)
def test_a_bad_argument_is_refused(
    factorialhr: Connector, action_id: str, arguments: dict[str, Any], field: str, message: str
) -> None:
    (problem,) = problems(factorialhr, action_id, arguments)
    assert problem["field"] == field and message in problem["message"]


def test_arguments_must_be_an_object(factorialhr: Connector) -> None:
    with pytest.raises(ValidationFailed):
        build_request(factorialhr.action("factorialhr_list_teams"), ["page_size"])  # type: ignore[arg-type]


def test_next_round_trips_into_after_id(factorialhr: Connector) -> None:
    action = factorialhr.action("factorialhr_list_teams")
    page = {"data": [{"id": "16"}, {"id": "17"}], "meta": {"has_next_page": True, "end_cursor": "MTc="}}
    data, cursor = extract_result(action, page)
    assert data == page["data"] and cursor is not None
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")  # URL-safe
    request = build_request(action, {"next": cursor, "page_size": "2"})
    assert request.query == (("limit", "2"), ("after_id", "MTc="))


def test_a_cursor_from_another_action_or_forged_is_refused(factorialhr: Connector) -> None:
    other = encode_next("factorialhr_list_employees", "MTc=")
    forged = base64.urlsafe_b64encode(json.dumps({"after_id": "1"}).encode()).decode()
    for cursor in (other, forged, "not a cursor!", "x" * 2000):
        (problem,) = problems(factorialhr, "factorialhr_list_teams", {"next": cursor})
        assert problem["field"] == "next"


def test_the_last_page_has_no_next(factorialhr: Connector) -> None:
    action = factorialhr.action("factorialhr_list_teams")
    assert extract_result(action, {"data": [], "meta": {"has_next_page": False, "end_cursor": None}}) == (
        [],
        None,
    )
    assert extract_result(action, {"data": [{"id": "1"}]}) == ([{"id": "1"}], None)


def test_an_offset_mode_answer_still_pages_by_the_last_id(factorialhr: Connector) -> None:
    action = factorialhr.action("factorialhr_list_teams")
    _, cursor = extract_result(action, {"data": [{"id": 5}, {"id": 9}], "meta": {"has_next_page": True}})
    assert cursor is not None
    assert build_request(action, {"next": cursor}).query == (("limit", "25"), ("after_id", "9"))


def test_credentials_come_back_as_one_object(factorialhr: Connector) -> None:
    action = factorialhr.action("factorialhr_get_credentials")
    me = {"id": "access_user_1", "company_id": "1", "employee_id": "7"}
    assert extract_result(action, {"data": [me], "meta": {"has_next_page": False}}) == (me, None)
    assert extract_result(action, {"data": []}) == (None, None)
    assert build_request(action, {}) == PreparedRequest(method="GET", path=f"{V}/api_public/credentials")


def test_single_objects_come_back_bare(factorialhr: Connector) -> None:
    employee = {"id": "7", "full_name": "Ana"}
    assert extract_result(factorialhr.action("factorialhr_get_employee"), employee) == (employee, None)


@pytest.mark.parametrize(
    ("action_id", "response"),
    [
        ("factorialhr_get_employee", [{"id": "7"}]),
        ("factorialhr_list_employees", {"data": {"id": "7"}}),
        ("factorialhr_list_employees", None),
        ("factorialhr_get_credentials", "hello"),
    ],
)
def test_an_unexpected_answer_is_a_provider_error(
    factorialhr: Connector, action_id: str, response: Any
) -> None:
    with pytest.raises(ProviderError):
        extract_result(factorialhr.action(action_id), response)
