"""Every action of the catalogue (the 615 of Factorial's API) runs through `POST /actions/rpc` against the emulator,
one area (Factorial's namespace) per case: each call's input is built from the action's own input schema (an id
the emulator holds for the object it names, the first value of an enum, a date for a date...), and the answer
must be what the emulator holds: a list for a list, the object asked for by id for a get, an update or a delete,
an object for a create or an action endpoint.

The calls of an area run in an order a caller would follow: lists first (their records are the ids the others
name; an id field names a record of the collection it stems from, listed first), then creates, reads, updates
and actions, and what destroys records last, each on a record of its own. Nested records get their required
members from the declaration (`members`, which the description says in words).

Every call must pass: an action that does not answer what the emulator holds fails its area's case, with its
input and the answer. A file is sent as StackOne's upload shape (a name and base64 content). The counts are
printed (`-rP`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.connectors import Action, get_connector
from linkyard.connectors.factorialhr_api import singular
from linkyard.connectors.parameters import Parameter
from tests.actions.conftest import Linked, link_admin
from tests.api.conftest import Harness

CONNECTOR = get_connector("factorialhr")
ACTIONS = CONNECTOR.actions
AREAS = list(dict.fromkeys(action.area or "other" for action in ACTIONS))
_ORDER = {"list": 0, "create": 1, "get": 2, "update": 3, "action": 4, "delete": 5}
_SAMPLE_DATE = "2026-03-02"
_DESTROYING = ("delete", "destroy", "terminate")


@pytest.fixture
async def everything(harness: Harness, emulator: Starlette) -> AsyncIterator[Linked]:
    found = await link_admin(harness, emulator, every_action=True)
    yield found
    await found.provider.aclose()


def kind_of(action: Action) -> str:
    """`list`, `get`, `create`, `update`, `delete` or `action`, from the method and the path."""
    if action.result == "list" and action.method == "GET":
        return "list"
    if action.method == "GET":
        return "get"
    if action.method in ("PUT", "DELETE"):
        return "update" if action.method == "PUT" else "delete"
    tail = action.path.rsplit("/", 1)[1]
    resource = action.path.split("/resources/")[1].split("/")
    return "create" if len(resource) == 2 and tail == resource[1] else "action"


def destroys(action: Action) -> bool:
    """A delete, or an action endpoint that removes or ends its records (`bulk_delete`, `terminate`)."""
    return action.method == "DELETE" or any(word in action.path.rsplit("/", 1)[1] for word in _DESTROYING)


def order_of(action: Action) -> tuple[int, int]:
    """Lists first (their records are the ids the others name), then creates, reads, updates and actions, and
    what destroys records last."""
    return destroys(action), _ORDER[kind_of(action)]


def _record_for(action: Action, kind: str, listed: list[str]) -> str | None:
    """The record a call names: the first one listed, or for what destroys records one of its own (the last
    listed or created, never the first, which the other calls read), so that each destroys a different one."""
    if kind not in ("get", "update", "delete", "action") or not listed:
        return None
    if destroys(action) and len(listed) > 1:
        return listed.pop()
    return listed[0]


def _collection_name(action: Action) -> str:
    """`timeoff/leaves`, from an action's path."""
    return collection_of(action).split("/resources/")[1]


def collection_of(action: Action) -> str:
    """The path of the collection an action works on (`.../timeoff/leaves`)."""
    base, _, rest = action.path.partition("/resources/")
    namespace, resource = rest.split("/")[:2]
    return f"{base}/resources/{namespace}/{resource}"


# Actions whose `ids` name the records of another collection than their path's (its description says which).
_IDS_OF = {"documents/download_urls": "documents/documents"}
# Fields that name an employee by their role in the record (`author_id`, `approver_id`), where no collection has
# the role's name.
_EMPLOYEE_ROLES = ("author", "manager", "owner", "approver", "reviewer", "requester", "assignee")
# The tables the core fields name, outside the resource's own namespace.
_CORE = {"legal_entity": "companies/legal_entities", "team": "teams/teams", "location": "locations/locations"}


def _catalogue_lists() -> dict[str, list[str]]:
    """Each stem a `<stem>_id` field may use (`leave_type`, `ats_job_posting`) → the collections of that name."""
    found: dict[str, list[str]] = {}
    for action in ACTIONS:
        if action.method != "GET" or action.result != "list" or "{" in action.path:
            continue
        namespace, resource = action.path.split("/resources/")[1].split("/")[:2]
        stems = {singular(resource), f"{namespace}_{singular(resource)}", singular(action.model or resource)}
        for stem in stems:
            found.setdefault(stem, []).append(f"{namespace}/{resource}")
    return found


LISTS = _catalogue_lists()


_EXAMPLE = re.compile(r"e\.g\. (\S+?)\.?$")
"""The example a text field of a fixed form ends its description with (`e.g. employees/employee/update.`)."""


def _is_id(name: str) -> bool:
    return name.endswith(("_id", "_ids")) and not any(
        word in name for word in ("uuid", "external", "identifier")
    )


def _declared_schema(parameter: Parameter) -> dict[str, Any]:
    """A parameter's schema with the members of the nested record it takes (the declaration's `members`, which
    its description says in words: input schemas stay one level deep)."""
    schema = parameter.json_schema()
    if parameter.members is not None and parameter.type == "object":
        schema.update(parameter.members)
    elif parameter.members is not None:
        schema["items"] = {**schema["items"], **parameter.members}
    return schema


class Inputs:
    """Arguments built from an action's input schema: the first value of an enum, a date for a date, nested records
    with their required members, and for each id the id of a record the emulator holds, found by listing the
    collection the field names (`leave_type_id` → `timeoff/leave_types`) first."""

    def __init__(self, provider: httpx.AsyncClient, area: str) -> None:
        self.provider = provider
        self.area = area
        self.listed: dict[str, list[str]] = {}  # collection → the ids of the records it lists
        self.own = ""  # the collection of the action being built
        self.creating = False  # whether the action being built creates a record
        self.created: dict[str, str] = {}  # collection → the record this test created in it last

    async def build(self, action: Action, record_id: str | None) -> dict[str, dict[str, Any]]:
        self.own = _IDS_OF.get(_collection_name(action), _collection_name(action))
        self.creating = kind_of(action) == "create"
        call: dict[str, dict[str, Any]] = {}
        for parameter in action.all_parameters:
            if parameter.name in ("page_size", "next"):
                continue
            if parameter.location == "path":
                call.setdefault("path", {})[parameter.name] = record_id or "1"
                continue
            wanted = parameter.required or (parameter.name == "id" and record_id)
            if not wanted and "required with a company token" not in parameter.description:
                continue
            value = await self.value(parameter.name, _declared_schema(parameter), record_id)
            call.setdefault(parameter.location, {})[parameter.name] = value
        for slot in action.files:  # a file as StackOne's upload shape: a name and the bytes in base64
            if slot.required:
                sample = {"name": "sample.txt", "content": "U2FtcGxl"}
                call.setdefault("body", {})[slot.name] = [sample] if slot.many else sample
        return call

    async def value(self, name: str, schema: dict[str, Any], record_id: str | None) -> Any:
        """A valid value of `schema` for the field `name` (a nested record's required members, each valid)."""
        kind = schema.get("type")
        if schema.get("enum"):
            return schema["enum"][0]
        if kind == "object":
            required = schema.get("required", [])
            properties = schema.get("properties", {})
            return {
                member: await self.value(member, properties[member], None)
                for member in required
                if member in properties
            }
        if kind == "array":
            return [await self.value(name.removesuffix("s"), schema["items"], record_id)]
        if kind == "boolean":
            return False
        if kind in ("integer", "number"):
            return 1
        if schema.get("format") == "date":
            return _SAMPLE_DATE
        if schema.get("format") == "date-time":
            return f"{_SAMPLE_DATE}T09:00:00Z"
        if schema.get("format") == "email":
            return "someone.new@example.com"
        if "url" in name:
            return "https://example.com/hook"
        example = _EXAMPLE.search(schema.get("description", ""))
        if "pattern" in schema and example is not None:
            return example.group(1)
        if "pattern" in schema or _is_id(name) or name == "id":
            return await self.id_for(name.removesuffix("_ids").removesuffix("_id"), record_id)
        return "Sample"

    async def id_for(self, stem: str, record_id: str | None) -> str:
        if stem == "id" and record_id:
            return record_id
        own = [self.own] if stem == "id" else []
        for collection in own + self.collections(stem.removeprefix("parent_")):
            found = await self.first_id(collection)
            if found is not None:
                return found
        return "1"

    def collections(self, stem: str) -> list[str]:
        """The collections a `<stem>_id` field may name, those of the action's own area first."""
        if stem == "employee" or stem.endswith("_employee"):
            return ["employees/employees"]
        if stem in _CORE:
            return [_CORE[stem]]
        if stem in LISTS:
            return sorted(LISTS[stem], key=lambda path: not path.startswith(f"{self.area}/"))
        return ["employees/employees"] if stem.endswith(_EMPLOYEE_ROLES) else []

    async def first_id(self, collection: str) -> str | None:
        if self.creating and collection in self.created:
            return self.created[collection]  # a new record refers to a new one (a new candidate applies)
        ids = await self.ids_of(collection)
        return ids[0] if ids else None

    async def ids_of(self, collection: str) -> list[str]:
        """The ids of the records a collection holds, as the emulator lists them with no filter."""
        if collection not in self.listed:
            answer = await self.provider.get(f"/{collection}")
            data = answer.json().get("data") if answer.status_code == 200 else None
            rows = data if isinstance(data, list) else []
            self.listed[collection] = [
                str(row["id"]) for row in rows if isinstance(row, dict) and "id" in row
            ]
        return list(self.listed[collection])


def _why(body: Any) -> Any:
    """What a refused call's answer says: Factorial's own errors when the platform passes them on."""
    if isinstance(body, dict) and body.get("provider_errors"):
        return body["provider_errors"][0].get("raw")
    return body.get("errors", body) if isinstance(body, dict) else body


async def _rpc(harness: Harness, linked: Linked, action: Action, call: dict[str, Any]) -> tuple[int, Any]:
    response = await harness.rpc(linked.tenant, linked.account_id, action.id, **call)
    return response.status_code, response.json() if response.content else None


def _holds(action: Action, kind: str, body: Any, record_id: str | None) -> bool:
    """Whether the answer is what the emulator holds for this call."""
    if not isinstance(body, dict) or "data" not in body:
        return False
    data = body["data"]
    if kind == "list":
        return isinstance(data, list) and "next" in body
    if kind in ("get", "update", "delete") and record_id is not None:
        return isinstance(data, dict) and str(data.get("id")) == record_id
    if action.result == "list":  # a bulk action answers the records it touched
        return isinstance(data, list)
    return isinstance(data, dict | list)


@pytest.mark.parametrize("area", AREAS)
async def test_every_action_of_an_area_runs_through_rpc_and_answers_what_the_emulator_holds(
    harness: Harness, everything: Linked, area: str
) -> None:
    actions = sorted((action for action in ACTIONS if (action.area or "other") == area), key=order_of)
    inputs = Inputs(everything.provider, area)
    held: dict[str, list[str]] = {}  # collection path → ids of records it lists (then those created)
    passed: list[str] = []
    failed: list[tuple[str, int, str]] = []
    for action in actions:
        kind = kind_of(action)
        collection = collection_of(action)
        record_id = _record_for(action, kind, held.get(collection, []))
        call = await inputs.build(action, record_id)
        status, body = await _rpc(harness, everything, action, call)
        if status == 200 and _holds(action, kind, body, record_id if kind != "action" else None):
            passed.append(action.id)
            if kind == "list" and collection not in held:
                listed = [str(row["id"]) for row in body["data"] if isinstance(row, dict) and "id" in row]
                # a list whose filters are all required may answer none: what the collection holds, unfiltered
                held[collection] = listed or await inputs.ids_of(_collection_name(action))
            if kind == "create" and isinstance(body["data"], dict) and "id" in body["data"]:
                held.setdefault(collection, []).append(str(body["data"]["id"]))
                inputs.created[_collection_name(action)] = str(body["data"]["id"])
        else:
            failed.append((action.id, status, f"{call} => {_why(body)}"[:400]))
    print(f"{area}: {len(passed)} of {len(actions)} actions answered what the emulator holds")
    for action_id, status, text in failed:
        print(f"  {action_id}: {status} {text}")
    assert not failed, failed
