"""The Tiny HR connector as data: what a connector author writes, and all they write, to join the catalogue.

Tiny HR differs from Factorial wherever a provider may: OAuth with HTTP Basic client authentication at its own
token endpoint, environments named `live` and `sandbox`, one token type (`member`), lists in a `results`
envelope paged by page number (`{"results": [...], "next": <url or null>}`), a bare list paged by a `Link`
header, arrays in the query as repeated names (`team=a&team=b`), and no API version in its paths.
"""

from __future__ import annotations

from functools import cache

from linkyard.connectors import Connector

KEY = "tinyhr"
_ID = {"pattern": {"regex": "^p_[0-9]{1,9}$", "meaning": "a person id such as p_7"}, "max_length": 11}


@cache
def tinyhr() -> Connector:
    """Built once: `add_connectors` sees the same declaration in every app a test process opens."""
    return Connector.model_validate(
        {
            "key": KEY,
            "name": "Tiny HR",
            "auth": {
                "mode": "oauth2",
                "authorize_path": "/oauth2/auth",
                "token_path": "/oauth2/token",
                "client_auth": "basic",
                "pkce": False,
                "applications_path": "/developers/apps",
            },
            "environments": {"live": "https://api.tinyhr.example", "sandbox": None},
            "token_types": [
                {
                    "name": "member",
                    "description": "Member token: acts as the person who links; it expires hourly.",
                }
            ],
            "scopes": [
                {"name": "people:read", "description": "people: read the directory"},
                {"name": "people:write", "description": "people: add people to the directory"},
                {"name": "teams:read", "description": "teams: read the teams"},
            ],
            "categories": ["hris"],
            "envelope": {"records": "results"},
            "arrays": "repeat",
            "actions": [
                {
                    "id": "tinyhr_get_me",
                    "label": "Who am I",
                    "description": "The person and organisation the token acts for.",
                    "method": "GET",
                    "path": "/v1/me",
                },
                {
                    "id": "tinyhr_list_people",
                    "label": "List people",
                    "description": "People in the directory, a page at a time.",
                    "method": "GET",
                    "path": "/v1/people",
                    "required_scopes": ["people:read"],
                    "parameters": [
                        {
                            "name": "team",
                            "location": "query",
                            "type": "array",
                            "description": "Only people in these teams (team names).",
                            "max_length": 40,
                        }
                    ],
                    "pagination": {"kind": "page", "more_path": "next", "max_page_size": 50},
                    "result": "list",
                },
                {
                    "id": "tinyhr_get_person",
                    "label": "Get a person",
                    "description": "One person of the directory by id.",
                    "method": "GET",
                    "path": "/v1/people/{id}",
                    "model": "people",  # the id's noun would be `person`: one model with the list
                    "required_scopes": ["people:read"],
                    "parameters": [
                        {
                            "name": "id",
                            "location": "path",
                            "description": "The person's id.",
                            "required": True,
                        }
                        | _ID
                    ],
                },
                {
                    "id": "tinyhr_create_person",
                    "label": "Add a person",
                    "description": "Add a person to the directory.",
                    "method": "POST",
                    "path": "/v1/people",
                    "model": "people",
                    "required_scopes": ["people:write"],
                    "parameters": [
                        {"name": "name", "location": "body", "description": "Full name.", "required": True},
                        {"name": "team", "location": "body", "description": "Team name.", "required": True},
                    ],
                },
                {
                    "id": "tinyhr_list_teams",
                    "label": "List teams",
                    "description": "The organisation's teams, a page at a time.",
                    "method": "GET",
                    "path": "/v1/teams",
                    "required_scopes": ["teams:read"],
                    # Teams come as a bare list, paged by the `Link` header.
                    "envelope": {"records": None},
                    "pagination": {"kind": "link_header", "size_param": "per_page", "max_page_size": 10},
                    "result": "list",
                },
            ],
            # `POST /unified/proxy` reaches the API under /v1/ only (not the OAuth endpoints); each path needs
            # the scope of what it reads.
            "proxy": {
                "base_path": "/v1/",
                "rules": [
                    {"prefix": "/v1/me", "scopes": []},
                    {"prefix": "/v1/people", "scopes": ["people:read"]},
                    {"prefix": "/v1/teams", "scopes": ["teams:read"]},
                ],
            },
            "identity": {
                "action": "tinyhr_get_me",
                "company_id": ["organisation_id"],
                "employee_id": ["person_id"],
                "email": ["email"],
                "name": ["display_name"],
            },
        }
    )
