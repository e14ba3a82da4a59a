"""Each resource of the facts file as the engine needs it: its endpoints by kind and the fields its rows hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from linkyard.factorial_facts import Endpoint, Facts, Field


@dataclass(frozen=True)
class ResourceShape:
    """One `namespace/resource` of the API: its endpoints and the fields of the rows it answers with."""

    path: str
    namespace: str
    resource: str
    listing: Endpoint | None = None
    getting: Endpoint | None = None
    creating: Endpoint | None = None
    updating: Endpoint | None = None
    deleting: Endpoint | None = None
    actions: dict[str, Endpoint] = field(default_factory=dict)
    row_models: tuple[str, ...] = ()  # the models a row of this resource is answered as
    row_fields: tuple[Field, ...] = ()  # their fields, merged by name (required when any model requires it)

    @property
    def stored(self) -> bool:
        """Whether the resource keeps rows (it lists them or gets them by id), not only answers actions."""
        return self.listing is not None or self.getting is not None


def resource_shapes(facts: Facts) -> dict[str, ResourceShape]:
    """Every resource of the facts, keyed by `namespace/resource`."""
    grouped: dict[str, list[Endpoint]] = {}
    for endpoint in facts.endpoints:
        grouped.setdefault(f"{endpoint.namespace}/{endpoint.resource}", []).append(endpoint)
    return {path: _shape(facts, path, endpoints) for path, endpoints in sorted(grouped.items())}


def _shape(facts: Facts, path: str, endpoints: list[Endpoint]) -> ResourceShape:
    by_kind = {endpoint.kind: endpoint for endpoint in endpoints if endpoint.kind != "action"}
    actions = {endpoint.action: endpoint for endpoint in endpoints if endpoint.action is not None}
    models: list[str] = []
    listing = by_kind.get("list")
    if listing is not None and listing.response.model is not None:
        data = facts.model(listing.response.model).field("data")
        if data is not None and data.model is not None:
            models.append(data.model)
    for kind in ("get", "create", "update", "delete"):
        endpoint = by_kind.get(kind)
        if endpoint is not None and endpoint.response.model and not endpoint.response.array:
            models.append(endpoint.response.model)
    row_models = tuple(dict.fromkeys(models))
    namespace, resource = path.split("/")
    return ResourceShape(
        path=path,
        namespace=namespace,
        resource=resource,
        listing=listing,
        getting=by_kind.get("get"),
        creating=by_kind.get("create"),
        updating=by_kind.get("update"),
        deleting=by_kind.get("delete"),
        actions={name: endpoint for name, endpoint in actions.items() if name is not None},
        row_models=row_models,
        row_fields=merged_fields(facts, row_models),
    )


def merged_fields(facts: Facts, models: tuple[str, ...]) -> tuple[Field, ...]:
    """The fields of `models` by name, in first-seen order; a field is required when any model requires it."""
    merged: dict[str, Field] = {}
    for name in models:
        for candidate in facts.model(name).fields:
            known = merged.get(candidate.name)
            if known is None or (candidate.required and not known.required):
                merged[candidate.name] = candidate
    return tuple(merged.values())


def singular(word: str) -> str:
    """`shifts` -> `shift`, `policies` -> `policy`, `statuses` -> `status` (enough for Factorial's names)."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "uses", "xes")):
        return word[:-2]
    if word.endswith("data"):
        return word[:-4] + "datum"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
