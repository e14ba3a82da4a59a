"""Query strings: a parameter an API route does not take is refused naming it, never dropped.

A client that sends a filter the platform does not serve would otherwise read every object as if filtered
(`GET /accounts?account_ids=...` answering the whole project). The names a route takes are the query
parameters its signature and dependencies declare (their aliases: `filter[account_ids]`, `param-style`) and those
a route that reads its own query documents (`documented_query_names`), read once when the route is built;
`KeyFirstRoute` checks them on every route that takes the API key, after the key.

An unknown name is a 400 (`unknown_query_parameter`) naming it, StackOne's own kinds of parameter (`expand`,
`include`, `proxy[...]`, a `filter[...]`) included when the route does not take them: StackOne's client reads a
400 as a request to correct, and so does a developer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.dependencies.models import Dependant

from linkyard.errors import BadRequest

MAX_NAMED = 5
"""How many unknown names one answer lists (the rest are counted)."""
MAX_NAME_LENGTH = 64
"""An unknown name is shown cut to this length: it is the caller's text."""


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameter names a route takes: its own and its dependencies', by the name on the wire."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        names.update(param.alias for param in current.query_params)
        pending.extend(current.dependencies)
    return frozenset(names)


def documented_query_names(openapi_extra: Mapping[str, Any] | None) -> frozenset[str]:
    """The query parameters a route reads itself and documents in its `openapi_extra` (the request logs'
    filters), each also as `filter[<name>]`, the form StackOne's documentation gives; the route's own parser
    refuses what it does not take among them. A `deepObject` parameter (`proxy`) takes every `proxy[...]`,
    written `proxy[*]` here."""
    documented = [p for p in (openapi_extra or {}).get("parameters", ()) if p.get("in") == "query"]
    names = {str(p["name"]) for p in documented if p.get("style") != "deepObject"}
    objects = {f"{p['name']}[*]" for p in documented if p.get("style") == "deepObject"}
    return frozenset({*names, *(f"filter[{name}]" for name in names), *objects})


PROXY_PARAMETER: dict[str, Any] = {
    "name": "proxy",
    "in": "query",
    "style": "deepObject",
    "explode": True,
    "required": False,
    "description": "Query parameters passed through to the provider's list call (`proxy[name]=value`), under the "
    "proxy's rules; a parameter of the call itself is refused",
    "schema": {
        "type": "object",
        "propertyNames": {"pattern": r"^[A-Za-z0-9_.\-]{1,64}(\[\])?$"},
        "additionalProperties": {"type": "string", "maxLength": 1000},
        "maxProperties": 20,
    },
}
"""StackOne's `proxy` of a unified list, as its document gives it."""


def proxied_values(names_and_values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """`proxy[<name>]=<value>` pairs of a query string, by name (the last of a repeated name)."""
    return {
        name[len("proxy[") : -1]: value
        for name, value in names_and_values
        if name.startswith("proxy[") and name.endswith("]") and len(name) > len("proxy[]")
    }


def refuse_unknown_query(names: Iterable[str], allowed: frozenset[str]) -> None:
    """`BadRequest` (`unknown_query_parameter`) naming the parameters of `names` that are not in `allowed`."""
    unknown = sorted(name for name in names if name not in allowed and not _object_member(name, allowed))
    if not unknown:
        return
    shown = ", ".join(_shown(name) for name in unknown[:MAX_NAMED])
    more = f" and {len(unknown) - MAX_NAMED} more" if len(unknown) > MAX_NAMED else ""
    takes = f"it takes: {', '.join(sorted(allowed))}" if allowed else "it takes none"
    noun = "parameter" if len(unknown) == 1 else "parameters"
    raise BadRequest(f"Unknown query {noun}: {shown}{more} ({takes})", code="unknown_query_parameter")


def _object_member(name: str, allowed: frozenset[str]) -> bool:
    """Whether `name` is a member of a `deepObject` parameter the route takes (`proxy[x]` under `proxy[*]`)."""
    head, bracket, _ = name.partition("[")
    return bool(bracket) and name.endswith("]") and f"{head}[*]" in allowed


def _shown(name: str) -> str:
    printable = "".join(char if char.isprintable() else "?" for char in name[:MAX_NAME_LENGTH])
    return f"'{printable}'" + ("…" if len(name) > MAX_NAME_LENGTH else "")
