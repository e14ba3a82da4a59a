"""An action call as HTTP: validated arguments in, a prepared request out; the provider's answer back to data."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from linkyard.connectors.checks import schema_errors
from linkyard.connectors.envelope import ArrayStyle, Envelope
from linkyard.connectors.files import FilePart
from linkyard.connectors.model import Action
from linkyard.connectors.pagination import Page
from linkyard.connectors.parameters import ArgumentError, Parameter
from linkyard.errors import FieldError, ProviderError, ValidationFailed

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.\-\[\]]")


@dataclass(frozen=True, slots=True, kw_only=True)
class CallContext:
    """What the platform knows about a call, for parameters the caller may leave out (`from_context`)."""

    company_id: str | None = None
    now: datetime | None = None

    def value(self, name: str) -> object:
        if name == "now":
            return None if self.now is None else self.now.isoformat()
        return self.company_id if name == "company_id" else None


FormField = tuple[str, "str | FilePart"]
"""One field of a multipart body: its name and its text, or a file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedRequest:
    """The request to send to the environment's base URL: `path` is already URL-quoted."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    json: dict[str, Any] | None = None
    multipart: tuple[FormField, ...] | None = None
    """The body of a multipart action (`Action.body`), instead of `json`: fields in order, files last."""
    headers: tuple[tuple[str, str], ...] = ()
    """Headers of the caller's own to send (the proxy's, checked by `connectors.proxying`); never credentials."""
    paging: tuple[tuple[str, Any], ...] = ()
    """The checked `page_size` and `next` of the call, for `extract_result` to work out the next page."""


def build_request(
    action: Action,
    arguments: Mapping[str, Any],
    *,
    context: CallContext | None = None,
    files: Mapping[str, FilePart] | None = None,
    passthrough: Sequence[tuple[str, str]] = (),
) -> PreparedRequest:
    """Validate and coerce flat `arguments` (parameter name → value) and place each where the action says.

    `None` counts as absent. Values are coerced (`"5"` for an integer), then checked against the action's
    input schema (`Action.input_validator`). Unknown names, missing required ones and bad values raise one
    `ValidationFailed` whose `errors` name every culprit (never its value), before anything is sent. Arrays
    go to the query in the connector's style (`Action.arrays`), booleans as `true`/`false`; `page_size` and
    `next` become the provider's paging parameters (`Action.pagination`). A multipart action's files
    (`Action.files`) come as arguments in StackOne's upload shape (base64 `content`, checked and decoded here),
    or as bytes in `files` from an in-process caller; none other is taken. `passthrough` is query pairs sent as they
    are after the action's own (StackOne's `proxy[...]`, checked by the caller); one that names a parameter of the
    action or of its paging is refused (422 `proxy[<name>]`): it would override what the call checked.
    """
    if not isinstance(arguments, Mapping):
        raise ValidationFailed(
            f"The arguments of {action.id} must be an object",
            errors=[{"field": "arguments", "message": "must be an object"}],
        )
    errors: list[FieldError] = []
    known = action.parameters_by_name
    slots = {slot.name: slot for slot in action.files}
    for name in arguments:
        if name not in known and name not in slots:
            errors.append({"field": _safe_name(name), "message": "is not an argument of this action"})
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    context = context or CallContext()
    for parameter in action.all_parameters:
        raw = arguments.get(parameter.name)
        if raw is None and parameter.from_context is not None:
            raw = context.value(parameter.from_context)
        if raw is None:
            if parameter.required:
                problems[parameter.name] = "is required"
            continue
        try:
            values[parameter.name] = parameter.coerce(raw)
        except ArgumentError as error:
            problems[parameter.name] = error.message
    # Coercion made the types right; the schema holds the bounds (ids, lengths, ranges, list sizes, enums).
    for problem in schema_errors(action, values):
        problems.setdefault(problem["field"], problem["message"])
    errors += [
        {"field": p.name, "message": problems[p.name]} for p in action.all_parameters if p.name in problems
    ]
    given = dict(files or {})
    errors += [
        {"field": _safe_name(name), "message": "is not a file of this action"}
        for name in given
        if name not in slots
    ]
    parts: list[FormField] = []
    for slot in action.files:
        raw = given.get(slot.name, arguments.get(slot.name))
        if raw is None:
            if slot.required:
                errors.append({"field": slot.name, "message": "is required: a file"})
            continue
        found, unreadable = slot.read([raw] if slot.many and isinstance(raw, FilePart) else raw)
        errors += unreadable
        parts += [(slot.part_name, part) for part in found]
    paging: list[tuple[str, str]] = []
    if not errors:
        try:
            paging = action.pagination.query(action.id, values)
        except ArgumentError as error:
            errors.append({"field": error.field, "message": error.message})
    if errors:
        raise ValidationFailed(f"The arguments of {action.id} are invalid", errors=errors)
    request = _place(action, values, paging)
    request = _with_passthrough(action, request, paging, known, passthrough)
    if action.body != "multipart":
        return request
    fields: list[FormField] = [
        (f"{name}[]" if isinstance(value, list) else name, _form_text(item))
        for name, value in (request.json or {}).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    fields += parts
    return PreparedRequest(
        method=request.method,
        path=request.path,
        query=request.query,
        multipart=tuple(fields),
        paging=request.paging,
    )


def _with_passthrough(
    action: Action,
    prepared: PreparedRequest,
    paging: Sequence[tuple[str, str]],
    known: Mapping[str, Any],
    passthrough: Sequence[tuple[str, str]],
) -> PreparedRequest:
    """The request with StackOne's `proxy[...]` pairs added to its query (422 for one the call already sets)."""
    if not passthrough:
        return prepared
    taken = {name.removesuffix("[]") for name, _ in (*prepared.query, *paging)}
    taken |= set(known) | action.pagination.provider_names()
    clashes = sorted({name for name, _ in passthrough if name.removesuffix("[]") in taken})
    if clashes:
        raise ValidationFailed(
            "A proxied parameter is the call's own",
            errors=[
                {"field": f"proxy[{_safe_name(name)}]", "message": "is a parameter of the call: not proxied"}
                for name in clashes
            ],
        )
    return replace(prepared, query=(*prepared.query, *passthrough))


def _form_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _place(action: Action, values: Mapping[str, Any], paging: list[tuple[str, str]]) -> PreparedRequest:
    own = action.parameters  # paging parameters were turned into `paging` already
    path = _PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), action.path)
    query: list[tuple[str, str]] = []
    body: dict[str, Any] = {}
    arrays = action.arrays or "repeat"
    for parameter in own:
        if parameter.name not in values:
            continue
        value = values[parameter.name]
        if parameter.location == "query":
            query.extend(_query_pairs(parameter, value, arrays))
        elif parameter.location == "body" or parameter.also_in_body:
            body[parameter.name] = value
    # A next-page link repeats the filters; the caller sends them again too, and the caller's copy is kept.
    own_names = {name for name, _ in query}
    query.extend(pair for pair in paging if pair[0] not in own_names)
    json = body if action.method in ("POST", "PUT", "PATCH") else None
    paged = action.all_parameters[len(own) :]  # cached on the action, unlike `pagination.parameters()`
    asked = tuple((p.name, values[p.name]) for p in paged if p.name in values)
    return PreparedRequest(method=action.method, path=path, query=tuple(query), json=json, paging=asked)


def _query_pairs(parameter: Parameter, value: Any, arrays: ArrayStyle) -> list[tuple[str, str]]:
    if isinstance(value, list):
        if arrays == "comma":
            return [(parameter.name, ",".join(str(item) for item in value))]
        name = f"{parameter.name}[]" if arrays == "brackets" else parameter.name
        return [(name, str(item)) for item in value]
    if isinstance(value, bool):
        return [(parameter.name, "true" if value else "false")]
    return [(parameter.name, str(value))]


def _safe_name(name: object) -> str:
    """An unknown argument's name, fit to show back: printable, short, never a long pasted value."""
    text = _SAFE_NAME.sub("?", str(name))
    return text if len(text) <= 64 else f"{text[:61]}..."


def extract_result(
    action: Action,
    response: Any,
    *,
    arguments: Mapping[str, Any] | None = None,
    links: Mapping[str, str] | None = None,
) -> tuple[Any, str | None]:
    """The data to hand back and the platform's `next` cursor (or `None` on the last page or a single object).

    `arguments` are the call's `PreparedRequest.paging` (styles that count pages need the page asked for);
    `links` are the
    answer's `Link` header targets by relation. Raises `ProviderError` when the provider's answer does not
    have the shape the action expects.
    """
    if action.result == "object":
        if not isinstance(response, dict):
            raise _unexpected(action)
        return response, None
    envelope = action.envelope or Envelope()
    if action.result == "first" and isinstance(response, dict) and not envelope.wraps(response):
        return response, None  # a provider that answered with the bare object
    records = envelope.find_records(response)
    if records is None:
        raise _unexpected(action)
    if action.result == "first":
        return (records[0] if records else None), None
    page = Page(answer=response, records=records, links=links or {})
    return records, action.pagination.next_cursor(action.id, arguments or {}, page)


def _unexpected(action: Action) -> ProviderError:
    return ProviderError(f"The provider's answer to {action.id} has an unexpected shape")
