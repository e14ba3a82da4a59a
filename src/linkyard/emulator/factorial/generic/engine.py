"""The generic engine: rows seeded on first use and the writes of any resource, driven by the facts file."""

from __future__ import annotations

import zlib
from typing import Any

from linkyard.factorial_facts import Endpoint, Facts, Field

from ..caller import Caller
from ..errors import forbidden, invalid, not_found
from ..seed.seeded_random import SeededRandom
from ..state import Row, World, timestamp
from .fabricate import Fabricator, is_reference
from .shapes import ResourceShape, resource_shapes, singular
from .validate import validate_body

SEEDED_ROWS = 5
"""Rows a generic resource starts with in each company: enough to page through and to filter."""

# Field stems that name the hand-written tables (`manager_id` is an employee's id, `workplace_id` a location's).
KNOWN_REFERENCES = {
    "employee": "employees/employees",
    "manager": "employees/employees",
    "author": "employees/employees",
    "owner": "employees/employees",
    "team": "teams/teams",
    "location": "locations/locations",
    "workplace": "locations/locations",
    "legal_entity": "companies/legal_entities",
    "leave_type": "timeoff/leave_types",
    "leave": "timeoff/leaves",
}
CHECKED_REFERENCES = ("employees/employees", "teams/teams", "locations/locations", "companies/legal_entities")
"""Tables whose ids a write must name truly (a 422 otherwise): the seeded core a caller can list first."""


class GenericEngine:
    """Serves the resources the emulator has no hand-written semantics for, and the missing writes of the rest."""

    def __init__(self, facts: Facts, handwritten: frozenset[str]) -> None:
        self.facts = facts
        self.shapes = resource_shapes(facts)
        self.handwritten = handwritten
        self._cascade: list[ResourceShape] = []  # resources seeded by the running `ensure_seeded`, in order
        self._by_stem: dict[str, list[str]] = {}
        for path, shape in self.shapes.items():
            if not shape.stored:
                continue
            for stem in (singular(shape.resource), f"{shape.namespace}_{singular(shape.resource)}"):
                self._by_stem.setdefault(stem, []).append(path)

    # --- rows ---------------------------------------------------------------------------------------------

    def reference(self, namespace: str, stem: str) -> str | None:
        """The table a `<stem>_id` field names, preferring the resource's own namespace."""
        stem = stem.removeprefix("parent_")
        if stem in KNOWN_REFERENCES:
            return KNOWN_REFERENCES[stem]
        if stem.endswith("employee"):
            return "employees/employees"
        candidates = self._by_stem.get(stem, [])
        for path in candidates:
            if path.startswith(f"{namespace}/"):
                return path
        return candidates[0] if candidates else None

    def ensure_seeded(self, world: World, company_id: int, path: str) -> None:
        """Seed a generic resource's rows in a company on its first use (start-up stays cheap)."""
        key = (company_id, path)
        shape = self.shapes.get(path)
        if key in world.lazily_seeded or path in self.handwritten or shape is None or not shape.stored:
            return
        world.lazily_seeded.add(key)
        outermost = not self._cascade
        self._cascade.append(shape)
        fabricator = self.fabricator(world, company_id, shape.namespace, path)
        table = world.table(path)
        for index in range(SEEDED_ROWS):
            table.insert(company_id, fabricator.row(shape.row_fields, index))
        if outermost:
            seeded, self._cascade = self._cascade, []
            for done in seeded:
                self._repair_references(world, company_id, done)

    def _repair_references(self, world: World, company_id: int, shape: ResourceShape) -> None:
        """Point the references made while a cycle was still being seeded (its table then empty) at rows that
        exist now, the first row at the first rows as everywhere else."""
        references = [
            (field.name, table)
            for field in shape.row_fields
            if field.name.endswith("_id")
            and not field.array
            and field.name != "company_id"
            and (table := self.reference(shape.namespace, field.name.removesuffix("_id"))) is not None
        ]
        for index, row in enumerate(world.table(shape.path).rows(company_id)[:SEEDED_ROWS]):
            for name, table in references:
                target = world.table(table)
                if isinstance(row.get(name), int) and target.get(company_id, row[name]) is None:
                    existing = target.rows(company_id)
                    if existing:
                        row[name] = existing[0 if index == 0 else index % len(existing)]["id"]

    def ids_of(self, world: World, company_id: int, path: str) -> list[int]:
        self.ensure_seeded(world, company_id, path)
        return [row["id"] for row in world.table(path).rows(company_id)[:50]]

    def fabricator(self, world: World, company_id: int, namespace: str, salt: str) -> Fabricator:
        seed = zlib.crc32(f"{company_id}/{salt}".encode())
        return Fabricator(
            self.facts,
            rng=SeededRandom(seed),
            now=world.clock.now(),
            company_id=company_id,
            reference=lambda stem: self.reference(namespace, stem),
            ids_of=lambda path: self.ids_of(world, company_id, path),
        )

    # --- writes -------------------------------------------------------------------------------------------

    def create(self, caller: Caller, shape: ResourceShape, endpoint: Endpoint, payload: Any) -> Row:
        _require_admin(caller)
        clean, request_fields = self._body(caller, shape, endpoint, payload)
        return self._insert(caller, shape, clean, request_fields)

    def update(self, caller: Caller, shape: ResourceShape, endpoint: Endpoint, row: Row, payload: Any) -> Row:
        _require_admin(caller)
        clean, request_fields = self._body(caller, shape, endpoint, payload)
        clean.pop("id", None)
        _overlay(row, clean, shape.row_fields, request_fields)
        return _touch(caller, row)

    def delete(self, caller: Caller, shape: ResourceShape, row: Row) -> Row:
        _require_admin(caller)
        caller.world.table(shape.path).delete(caller.company_id, row["id"])
        return row

    def act(self, caller: Caller, shape: ResourceShape, endpoint: Endpoint, payload: Any) -> Row | list[Row]:
        """`POST <resource>/<action>`: on the rows the body names when the answer is one of the resource's rows
        (deleting them for a delete action), else an answer of the endpoint's model made from the body."""
        _require_admin(caller)
        clean, request_fields = self._body(caller, shape, endpoint, payload)
        answer = endpoint.response
        if answer.model is None:
            return {}
        if answer.model not in shape.row_models:
            fabricator = self.fabricator(caller.world, caller.company_id, shape.namespace, endpoint.path)
            made = fabricator.model(answer.model, 0)
            _overlay(made, clean, self.facts.model(answer.model).fields, request_fields)
            return [made] if answer.array else made
        rows = self._named_rows(caller, shape, clean)
        deleting = "delete" in (endpoint.action or "") or "destroy" in (endpoint.action or "")
        if not rows:
            if deleting:
                return []
            created = self._insert(caller, shape, clean, request_fields)
            return [created] if answer.array else created
        changes = {key: value for key, value in clean.items() if key not in ("id", "ids")}
        for row in rows:
            if deleting:
                caller.world.table(shape.path).delete(caller.company_id, row["id"])
            else:
                _overlay(row, changes, shape.row_fields, request_fields)
                _touch(caller, row)
        return rows if answer.array else rows[0]

    # --- steps ----------------------------------------------------------------------------------------------

    def _body(
        self, caller: Caller, shape: ResourceShape, endpoint: Endpoint, payload: Any
    ) -> tuple[dict[str, Any], tuple[Field, ...]]:
        if endpoint.body is None:
            return {}, ()
        model = self.facts.model(endpoint.body.model)
        multipart = endpoint.body.content_type == "multipart/form-data"
        clean = validate_body(self.facts, model, payload, multipart=multipart)
        self._check_references(caller, shape, clean)
        return clean, model.fields

    def _check_references(self, caller: Caller, shape: ResourceShape, clean: dict[str, Any]) -> None:
        for name, value in clean.items():
            if not is_reference(name) or name in ("id", "ids") or value is None:
                continue
            table = self.reference(shape.namespace, name.rsplit("_", 1)[0])
            if table not in CHECKED_REFERENCES:
                continue
            wanted = value if isinstance(value, list) else [value]
            for item in wanted:
                if caller.world.table(table).get(caller.company_id, item) is None:
                    raise invalid(name, "does not exist")

    def _named_rows(self, caller: Caller, shape: ResourceShape, clean: dict[str, Any]) -> list[Row]:
        ids = clean.get("ids") if isinstance(clean.get("ids"), list) else None
        if ids is None:
            single = clean.get("id", clean.get(f"{singular(shape.resource)}_id"))
            ids = [single] if isinstance(single, int) else []
        table = caller.world.table(shape.path)
        rows = []
        for row_id in ids:
            row = table.get(caller.company_id, row_id)
            if row is None:
                raise not_found()
            rows.append(row)
        return rows

    def _insert(
        self, caller: Caller, shape: ResourceShape, clean: dict[str, Any], request_fields: tuple[Field, ...]
    ) -> Row:
        world = caller.world
        self.ensure_seeded(world, caller.company_id, shape.path)
        table = world.table(shape.path)
        fabricator = self.fabricator(
            world, caller.company_id, shape.namespace, f"{shape.path}/{world.next_id()}"
        )
        row = fabricator.row(shape.row_fields, table.count(caller.company_id))
        now = timestamp(world.clock.now())
        for stamp in ("created_at", "updated_at"):
            if stamp in row:
                row[stamp] = now
        _overlay(row, {k: v for k, v in clean.items() if k != "id"}, shape.row_fields, request_fields)
        return table.insert(caller.company_id, row)


def _require_admin(caller: Caller) -> None:
    if not caller.admin:
        raise forbidden("Only company admins can change this resource")


def _touch(caller: Caller, row: Row) -> Row:
    if "updated_at" in row:
        row["updated_at"] = timestamp(caller.world.clock.now())
    return row


def _overlay(
    target: dict[str, Any],
    clean: dict[str, Any],
    fields: tuple[Field, ...],
    request_fields: tuple[Field, ...],
) -> None:
    """Copy the body's values onto `target` where the answer's field holds the same kind of value."""
    answer_fields = {field.name: field for field in fields}
    sent_fields = {field.name: field for field in request_fields}
    for name, value in clean.items():
        answer, sent = answer_fields.get(name), sent_fields.get(name)
        if answer is None or sent is None or (value is None and answer.required):
            continue
        if _compatible(answer, sent, value):
            target[name] = value


def _compatible(answer: Field, sent: Field, value: Any) -> bool:
    if answer.array != sent.array:
        return False
    if is_reference(answer.name):
        return True
    if answer.type != sent.type or answer.model is not None:
        return False
    if answer.enum is not None:
        values = value if isinstance(value, list) else [value]
        return all(item in answer.enum for item in values)
    return True
