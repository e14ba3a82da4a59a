"""Reading the facts file into the typed model, once per process (on first use, never at import)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any, cast

from linkyard.factorial_facts.model import Body, Endpoint, Facts, Field, Model, Response

FACTS_FILE = "endpoints.json"


@functools.cache
def load_facts() -> Facts:
    """The facts shipped with Linkyard, parsed on the first call and shared afterwards."""
    text = resources.files("linkyard.factorial_facts").joinpath(FACTS_FILE).read_text(encoding="utf-8")
    return parse_facts(json.loads(text))


def parse_facts(data: dict[str, Any]) -> Facts:
    """The typed facts of a decoded facts file (a KeyError or TypeError names what is missing or wrong)."""
    return Facts(
        client_distribution=data["client"]["distribution"],
        client_version=data["client"]["version"],
        api_versions=tuple(data["api_versions"]),
        endpoints=tuple(_endpoint(item) for item in data["endpoints"]),
        models={
            name: Model(name=name, fields=_fields(item["fields"])) for name, item in data["models"].items()
        },
    )


def _endpoint(item: dict[str, Any]) -> Endpoint:
    body = item["body"]
    return Endpoint(
        operation=item["operation"],
        group=item["group"],
        namespace=item["namespace"],
        resource=item["resource"],
        method=item["method"],
        path=item["path"],
        kind=item["kind"],
        action=item["action"],
        path_parameters=_fields(item["path_parameters"]),
        query_parameters=_fields(item["query_parameters"]),
        body=None if body is None else Body(**body),
        response=Response(**item["response"]),
        pages=item["pages"],
    )


def _fields(items: list[dict[str, Any]]) -> tuple[Field, ...]:
    return tuple(_field(item) for item in items)


def _field(item: dict[str, Any]) -> Field:
    values = dict(item)
    enum = values.pop("enum", None)
    return Field(enum=None if enum is None else tuple(cast(list[str], enum)), **values)
