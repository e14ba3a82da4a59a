"""Calls of every endpoint of the official `factorial-api-client` built from the facts file: valid arguments and
bodies from its request models, ids taken from what the emulator lists (as a user of the client would)."""

from __future__ import annotations

import enum
import importlib
import io
import time
import typing
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from factorial_api_client.generated.client import AuthenticatedClient
from factorial_api_client.generated.types import File, Response

from linkyard.emulator.factorial.state import Clock
from linkyard.factorial_facts import Endpoint, Facts, Field, Model

API = "factorial_api_client.generated.api"
SEEDED_AT = 1_796_623_200.0
"""2026-12-07 06:00 UTC, a Monday before anyone's shift: the moment the worlds that call every endpoint start at."""
START_DAY = "2031-03-03"
FILE_CONTENT = b"emulator test file"
TARGETS = {"documents/download_urls": "documents/documents"}  # download URLs are made for documents
END_DAY = "2031-03-07"
# Field stems naming the seeded core, then `<namespace>_<singular>` or `<singular>` of any listed resource.
CORE = {
    "employee": "employees/employees",
    "manager": "employees/employees",
    "team": "teams/teams",
    "location": "locations/locations",
    "workplace": "locations/locations",
    "legal_entity": "companies/legal_entities",
}


def steady_clock() -> Clock:
    """The emulator's clock for a world that calls every endpoint: it starts at `SEEDED_AT` and runs at real
    speed. The seed makes its data relative to "now" (today's shifts open or closed, a review process starting
    or under way), so with real time a case passed at one hour of the day and failed at another (a clock-in for
    an employee the seed had already clocked in, at 10:45 UTC)."""
    started = time.monotonic()
    return Clock(lambda: SEEDED_AT + time.monotonic() - started)


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "uses", "xes")):
        return word[:-2]
    if word.endswith("data"):
        return word[:-4] + "datum"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def operation_module(endpoint: Endpoint) -> ModuleType:
    return importlib.import_module(f"{API}.{endpoint.group}.{endpoint.operation}")


@dataclass
class OfficialCaller:
    """Calls endpoints with `asyncio_detailed`, finding the ids their arguments need by listing first."""

    facts: Facts
    client: AuthenticatedClient
    _looking: set[str] = field(default_factory=set)

    def endpoint(self, namespace: str, resource: str, kind: str) -> Endpoint | None:
        return next(
            (e for e in self.facts.endpoints_of(namespace, resource) if e.kind == kind),
            None,
        )

    async def first_id(self, path: str) -> str | None:
        """The first id the resource lists now (creating one when it lists none and can create)."""
        ids = await self.listed_ids(path)
        return ids[0] if ids else None

    async def target_of(self, path: str) -> str:
        """The row an update, a delete or an action works on: the last one listed (the first employee is the
        company's owner, whom some actions refuse)."""
        ids = await self.listed_ids(TARGETS.get(path, path))
        return ids[-1] if ids else "1"

    async def listed_ids(self, path: str) -> list[str]:
        if path in self._looking:
            return []
        self._looking.add(path)
        try:
            namespace, resource = path.split("/")
            listing = self.endpoint(namespace, resource, "list")
            if listing is not None:
                response = await self.call(listing)
                rows = getattr(response.parsed, "data", None) or []
                if rows:
                    return [str(row.id) for row in rows]
            creating = self.endpoint(namespace, resource, "create")
            if creating is not None:
                created = await self.call(creating)
                made = getattr(created.parsed, "id", None)
                return [str(made)] if made else []
            return []
        finally:
            self._looking.discard(path)

    async def reference(self, namespace: str, stem: str) -> str:
        """An id for a `<stem>_id` field: of the resource it names, else of an employee."""
        path = CORE.get(stem.removeprefix("parent_"))
        if path is None:
            candidates = [
                f"{n}/{r}"
                for n, r in self.facts.resources()
                if stem in (singular(r), f"{n}_{singular(r)}")
                and any(e.kind == "list" for e in self.facts.endpoints_of(n, r))
            ]
            own = [c for c in candidates if c.startswith(f"{namespace}/")]
            path = (own or candidates or ["employees/employees"])[0]
        if stem == "company":
            credentials = await self.call(self.endpoint("api_public", "credentials", "list"))  # type: ignore[arg-type]
            return str(credentials.parsed.data[0].company_id)  # type: ignore[union-attr]
        return await self.first_id(path) or "1"

    async def arguments(self, endpoint: Endpoint) -> dict[str, Any]:
        arguments: dict[str, Any] = {}
        for parameter in endpoint.path_parameters:
            arguments[parameter.name] = await self.target_id(endpoint)
        module = operation_module(endpoint)
        hints = typing.get_type_hints(module._get_kwargs)
        for parameter in endpoint.query_parameters:
            if parameter.required:
                name = parameter.name.removesuffix("[]")
                python_name = name if name in hints else f"{name}_"
                value = await self.field_value(endpoint.area, parameter, 0)
                arguments[python_name] = _typed(hints[python_name], value)
        if endpoint.body is not None:
            model = self.facts.model(endpoint.body.model)
            body = await self.body(endpoint, model)
            body_class = module.__dict__[endpoint.body.model]
            arguments["body"] = _body_instance(body_class, body, model)
        return arguments

    async def target_id(self, endpoint: Endpoint) -> str:
        path = f"{endpoint.namespace}/{endpoint.resource}"
        if endpoint.kind == "delete":
            creating = self.endpoint(endpoint.namespace, endpoint.resource, "create")
            if creating is not None:
                created = await self.call(creating)
                if getattr(created.parsed, "id", None):
                    return str(created.parsed.id)  # type: ignore[union-attr]
        return await self.target_of(path)

    async def body(self, endpoint: Endpoint, model: Model) -> dict[str, Any]:
        """The required fields of `model` (and the ids an action names), with values the emulator accepts."""
        body: dict[str, Any] = {}
        for item in model.fields:
            if item.name in ("id", "ids"):
                target = await self.target_of(endpoint.area)
                body[item.name] = [target] if item.array else target
            elif item.required or (item.name.endswith("_id") and not item.array):
                body[item.name] = await self.field_value(endpoint.area, item, 0)
        return body

    async def object(self, area: str, model: Model, depth: int) -> dict[str, Any]:
        return {
            item.name: await self.field_value(area, item, depth) for item in model.fields if item.required
        }

    async def field_value(self, area: str, item: Field, depth: int) -> Any:
        if item.array and item.model is not None and self._holds_files(item.model):
            return []  # the client cannot put a file into a JSON body: send none
        if item.array:
            return [await self.value(area, item, depth)]
        return await self.value(area, item, depth)

    def _holds_files(self, model: str) -> bool:
        return any(item.type == "file" for item in self.facts.model(model).fields)

    async def value(self, area: str, item: Field, depth: int) -> Any:
        name = item.name.removesuffix("[]")
        if item.enum:
            return item.enum[0]
        if item.type == "object":
            if item.model is not None and depth < 4:
                return await self.object(area, self.facts.model(item.model), depth + 1)
            return {}
        if item.type == "file":
            return FILE_CONTENT
        if item.type == "boolean":
            return False
        if name in ("id", "ids") and item.type in ("string", "integer"):
            reference = await self.target_of(area)
            return int(reference) if item.type == "integer" else reference
        # a provider's own code (`external_id`, `tax_id`) is text, not a reference to a row
        is_code = name.startswith("external") or name.endswith("tax_id")
        if name.endswith(("_id", "_ids")) and item.type in ("string", "integer") and not is_code:
            reference = await self.reference(area.split("/")[0], name.rsplit("_", 1)[0])
            return int(reference) if item.type == "integer" else reference
        if item.type == "integer":
            return 1
        if item.type == "number":
            return 1.5
        return _text(name)

    async def call(self, endpoint: Endpoint) -> Response[Any]:
        module = operation_module(endpoint)
        arguments = await self.arguments(endpoint)
        return await module.asyncio_detailed(client=self.client, **arguments)  # type: ignore[no-any-return]


def _typed(hint: Any, value: Any) -> Any:
    """A query argument as the client's signature types it (its enums are classes of their own)."""
    for member in typing.get_args(hint) or (hint,):
        if isinstance(member, type) and issubclass(member, enum.Enum):
            return member(value)
        if typing.get_origin(member) is list:
            (item,) = typing.get_args(member)
            if isinstance(item, type) and issubclass(item, enum.Enum):
                return [item(one) for one in value]
    return value


def _text(name: str) -> str:
    if name.endswith(("_at", "_gteq", "_lteq", "_after", "_before")) or "_at_" in name:
        return f"{START_DAY}T09:00:00Z"
    if name.startswith(("end", "finish", "to")) or name.endswith(("_to", "end_on", "finish_on", "end_date")):
        return END_DAY
    if name.endswith(("_on", "_date", "date")) or name in ("from", "day"):
        return START_DAY
    if name == "now":
        return f"{START_DAY}T09:00:00Z"
    if name == "subscription_type":
        return "timeoff/leave/create"
    if "email" in name:
        return "someone.new@example.com"
    if "url" in name:
        return "https://example.com/file"
    if "currency" in name:
        return "EUR"
    return f"{name.replace('_', ' ').capitalize()} from the official client"


def _body_instance(body_class: type, body: dict[str, Any], model: Model) -> Any:
    """The client's body model; its files named and typed as an upload would be."""
    instance = body_class.from_dict(body)  # type: ignore[attr-defined]
    for item in model.fields:
        if item.type == "file" and item.name in body:
            upload = File(payload=io.BytesIO(FILE_CONTENT), file_name="notes.txt", mime_type="text/plain")
            setattr(instance, item.name.removesuffix("[]"), [upload] if item.array else upload)
    return instance
