"""The generic engine: every endpoint of the facts file that no hand-written resource serves.

Resources the emulator models by hand keep their semantics; the engine adds the writes and actions they lack.
Every other resource becomes a `Resource` whose rows are seeded on first use, listed with Factorial's pagination
and its declared filters, and written with request bodies checked against the facts' models.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from linkyard.factorial_facts import Endpoint, load_facts

from ..caller import Caller
from ..resources import Action, Create, Delete, Resource, Update
from ..state import Row
from .engine import GenericEngine
from .filters import list_filters
from .scopes import scope_of
from .shapes import ResourceShape, singular

__all__ = ["GenericEngine", "complete_resources"]


def complete_resources(handwritten: Mapping[str, Resource]) -> dict[str, Resource]:
    """`handwritten` with the writes and actions the facts add, and a generic resource for every other path."""
    engine = GenericEngine(load_facts(), frozenset(handwritten))
    resources: dict[str, Resource] = {}
    for path, shape in engine.shapes.items():
        known = handwritten.get(path)
        resources[path] = _generic(engine, shape) if known is None else _completed(engine, shape, known)
    for path, known in handwritten.items():
        resources.setdefault(path, known)
    return resources


def _generic(engine: GenericEngine, shape: ResourceShape) -> Resource:
    multipart_create = shape.creating is not None and _multipart(shape.creating)
    return Resource(
        shape.path,
        scope_of(shape.namespace, shape.resource),
        f"{shape.namespace}/{singular(shape.resource)}",
        filters=list_filters(shape),
        gettable=shape.getting is not None,
        listable=shape.listing is not None,
        prepare=lambda caller: engine.ensure_seeded(caller.world, caller.company_id, shape.path),
        create=_create(engine, shape, shape.creating) if shape.creating else None,
        update=_update(engine, shape, shape.updating) if shape.updating else None,
        delete=_delete(engine, shape) if shape.deleting else None,
        actions={name: _action(engine, shape, endpoint) for name, endpoint in shape.actions.items()},
        multipart=multipart_create,
        multipart_update=shape.updating is not None and _multipart(shape.updating),
    )


def _completed(engine: GenericEngine, shape: ResourceShape, known: Resource) -> Resource:
    """A hand-written resource with the endpoints of the facts it does not serve itself."""
    actions = dict(known.actions)
    for name, endpoint in shape.actions.items():
        actions.setdefault(name, _action(engine, shape, endpoint))
    changes: dict[str, Any] = {"actions": actions}
    if known.create is None and shape.creating is not None:
        changes["create"] = _create(engine, shape, shape.creating)
        changes["multipart"] = _multipart(shape.creating)
    if known.update is None and shape.updating is not None:
        changes["update"] = _update(engine, shape, shape.updating)
        changes["multipart_update"] = _multipart(shape.updating)
    if known.delete is None and shape.deleting is not None:
        changes["delete"] = _delete(engine, shape)
    if not known.gettable and known.listing is None and shape.getting is not None:
        changes["gettable"] = True
    return dataclasses.replace(known, **changes)


def _multipart(endpoint: Endpoint) -> bool:
    return endpoint.body is not None and endpoint.body.content_type == "multipart/form-data"


def _create(engine: GenericEngine, shape: ResourceShape, endpoint: Endpoint) -> Create:
    def create(caller: Caller, payload: Any) -> Row:
        return engine.create(caller, shape, endpoint, payload)

    return create


def _update(engine: GenericEngine, shape: ResourceShape, endpoint: Endpoint) -> Update:
    def update(caller: Caller, row: Row, payload: Any) -> Row:
        return engine.update(caller, shape, endpoint, row, payload)

    return update


def _delete(engine: GenericEngine, shape: ResourceShape) -> Delete:
    def delete(caller: Caller, row: Row) -> Row:
        return engine.delete(caller, shape, row)

    return delete


def _action(engine: GenericEngine, shape: ResourceShape, endpoint: Endpoint) -> Action:
    def act(caller: Caller, payload: Any) -> Row | list[Row]:
        return engine.act(caller, shape, endpoint, payload)

    return act
