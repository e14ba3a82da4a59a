"""Pagination kinds and query styles as data: each turns the platform's `page_size` and opaque `next` into the
provider's own parameters, and reads the next position back from the provider's answer."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from linkyard.connectors import Action, Connector, build_request, extract_result, get_connector
from linkyard.errors import ValidationFailed


def _connector(pagination: dict[str, Any], **extra: Any) -> Connector:
    return Connector.model_validate(
        {
            "key": "acme",
            "name": "Acme",
            "auth": {"mode": "oauth2", "authorize_path": "/authorize", "token_path": "/token"},
            "environments": {"production": "https://acme.example"},
            "token_types": [{"name": "user", "description": "A user token."}],
            "scopes": [],
            "actions": [
                {
                    "id": "acme_list_things",
                    "label": "List things",
                    "description": "Things.",
                    "method": "GET",
                    "path": "/things",
                    "parameters": [
                        {"name": "tag", "location": "query", "type": "array", "description": "Tags."}
                    ],
                    "pagination": pagination,
                    "result": "list",
                },
                {"id": "acme_get_me", "label": "Me", "description": "Me.", "method": "GET", "path": "/me"},
            ],
            "categories": ["hris"],
            "identity": {"action": "acme_get_me", "company_id": ["org"]},
            **extra,
        }
    )


def _list(connector: Connector) -> Action:
    return connector.action("acme_list_things")


def test_an_offset_list_counts_items_and_stops_at_a_short_page() -> None:
    action = _list(_connector({"kind": "offset", "size_param": "limit"}, envelope={"records": "items"}))
    first = build_request(action, {"page_size": "10"})
    assert first.query == (("limit", "10"), ("offset", "0"))
    data, cursor = extract_result(action, {"items": list(range(10))}, arguments=dict(first.paging))
    assert data == list(range(10)) and cursor is not None
    second = build_request(action, {"page_size": 10, "next": cursor})
    assert second.query == (("limit", "10"), ("offset", "10"))
    assert extract_result(action, {"items": [1, 2]}, arguments=dict(second.paging)) == ([1, 2], None)


def test_a_page_numbered_list_follows_the_answers_more_marker() -> None:
    action = _list(_connector({"kind": "page", "more_path": "paging.more", "first_page": 0}))
    first = build_request(action, {})
    assert first.query == (("per_page", "25"), ("page", "0"))
    _, cursor = extract_result(action, [{"id": 1}], arguments=dict(first.paging))
    assert cursor is None, "a bare list has no `paging.more`: the last page"
    wrapped = _list(
        _connector({"kind": "page", "more_path": "paging.more"}, envelope={"records": "data.rows"})
    )
    answer = {"data": {"rows": [{"id": 1}]}, "paging": {"more": True}}
    data, cursor = extract_result(wrapped, answer, arguments={})
    assert data == [{"id": 1}]
    assert build_request(wrapped, {"next": cursor}).query == (("per_page", "25"), ("page", "2"))


@pytest.mark.parametrize(
    ("style", "query"),
    [
        ("repeat", (("tag", "a"), ("tag", "b"))),
        ("brackets", (("tag[]", "a"), ("tag[]", "b"))),
        ("comma", (("tag", "a,b"),)),
    ],
)
def test_arrays_travel_in_the_connectors_style(style: str, query: tuple[tuple[str, str], ...]) -> None:
    action = _list(_connector({"kind": "none"}, arrays=style))
    assert build_request(action, {"tag": ["a", "b"]}).query == query


def test_a_cursor_not_made_by_the_platform_is_refused_for_counted_styles() -> None:
    action = _list(_connector({"kind": "offset"}))
    forged = base64.urlsafe_b64encode(json.dumps({"action": action.id, "at": "-5"}).encode()).decode()
    with pytest.raises(ValidationFailed) as refused:
        build_request(action, {"next": forged.rstrip("=")})
    assert refused.value.errors == [
        {
            "field": "next",
            "message": "is not a cursor of this action: pass the `next` of the previous page unchanged",
        }
    ]


def test_a_cursor_handed_out_before_the_upgrade_still_pages() -> None:
    action = get_connector("factorialhr").action("factorialhr_list_employees")
    old = base64.urlsafe_b64encode(json.dumps({"action": action.id, "after_id": "MTc="}).encode()).decode()
    assert build_request(action, {"next": old.rstrip("=")}).query == (("limit", "25"), ("after_id", "MTc="))
