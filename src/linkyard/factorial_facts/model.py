"""Typed, immutable shapes of the Factorial API facts: endpoints, their parameters, bodies, responses and models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EndpointKind = Literal["list", "get", "create", "update", "delete", "action"]
ValueType = Literal["string", "integer", "number", "boolean", "object", "any", "file"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """A model field or a parameter: its wire name, its type and whether it must be given."""

    name: str
    type: ValueType
    required: bool = False
    array: bool = False
    nullable: bool = False
    model: str | None = None  # the nested model when `type` is "object" and the client names one
    enum: tuple[str, ...] | None = None  # the allowed values when the type is an enumeration


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """A schema of the API: the fields an object of it has."""

    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((candidate for candidate in self.fields if candidate.name == name), None)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(candidate for candidate in self.fields if candidate.required)


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """The request body of a write: its model and how it is sent."""

    model: str
    required: bool
    content_type: Literal["application/json", "multipart/form-data"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """The successful answer of an endpoint: its status and the model it parses into (an array of it or one)."""

    status: int
    type: ValueType
    model: str | None = None
    array: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One operation of the API, e.g. GET /api/<version>/resources/attendance/shifts."""

    operation: str  # the operation's name in the official client
    group: str  # the client's package for the resource, e.g. "attendance_shift"
    namespace: str  # "attendance"
    resource: str  # "shifts"
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str  # with its path parameters in braces, e.g. ".../shifts/{id}"
    kind: EndpointKind
    action: str | None  # the last path segment of an action endpoint, e.g. "clock_in"
    path_parameters: tuple[Field, ...]
    query_parameters: tuple[Field, ...]
    body: Body | None
    response: Response
    pages: bool  # a list paged with Factorial's cursor (`after_id`, `limit`, `meta.end_cursor`)

    @property
    def area(self) -> str:
        return f"{self.namespace}/{self.resource}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Everything the data file holds, with look-ups by model name and by resource."""

    client_distribution: str
    client_version: str
    api_versions: tuple[str, ...]
    endpoints: tuple[Endpoint, ...]
    models: dict[str, Model] = field(default_factory=dict)

    def model(self, name: str) -> Model:
        return self.models[name]

    def resources(self) -> tuple[tuple[str, str], ...]:
        """Every (namespace, resource) pair, sorted."""
        return tuple(sorted({(endpoint.namespace, endpoint.resource) for endpoint in self.endpoints}))

    def endpoints_of(self, namespace: str, resource: str) -> tuple[Endpoint, ...]:
        return tuple(
            endpoint
            for endpoint in self.endpoints
            if endpoint.namespace == namespace and endpoint.resource == resource
        )
