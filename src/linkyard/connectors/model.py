"""A connector as validated data: its OAuth flavour, environments, scopes and actions (the catalogue's schema)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, Field, model_validator

from linkyard.connectors.envelope import ArrayStyle, Envelope
from linkyard.connectors.pagination import NoPagination, Pagination
from linkyard.connectors.parameters import Parameter
from linkyard.errors import NotFound, ValidationFailed

Method = Literal["GET", "POST", "PUT", "DELETE"]
Result = Literal["list", "object", "first"]
"""`list`: the records of a list answer (where the envelope says); `object`: the bare object; `first`: the
first record of a list answer (or the bare object, when the provider answers with it)."""

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_NAME = r"^[a-z][a-z0-9_]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Action(_Frozen):
    """One operation on the provider, named `<connector>_<verb>_<noun>`."""

    id: str = Field(pattern=r"^[a-z][a-z0-9]*_[a-z]+_[a-z0-9_]*[a-z0-9]$", max_length=64)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    method: Method
    path: str = Field(pattern=r"^/")
    required_scopes: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    pagination: Pagination = NoPagination()
    result: Result = "object"
    envelope: Envelope | None = None
    """Where a list answer keeps its records; None: the connector's (which fills it in)."""
    arrays: ArrayStyle | None = None
    """How list arguments travel in the query; None: the connector's (which fills it in)."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = [parameter.name for parameter in self.all_parameters]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"{self.id}: parameter names collide: {', '.join(duplicates)}")
        placeholders = _PLACEHOLDER.findall(self.path)
        in_path = [p.name for p in self.parameters if p.location == "path"]
        if sorted(placeholders) != sorted(in_path):
            raise ValueError(
                f"{self.id}: path placeholders {placeholders} differ from path parameters {in_path}"
            )
        if self.method in ("GET", "DELETE") and any(p.location == "body" for p in self.parameters):
            raise ValueError(f"{self.id}: {self.method} sends no body")
        if not isinstance(self.pagination, NoPagination) and (self.method != "GET" or self.result != "list"):
            raise ValueError(f"{self.id}: only a GET list pages")
        return self

    @property
    def idempotent(self) -> bool:
        """Safe to resend when the outcome is unknown (GET, PUT, DELETE); a POST is not."""
        return self.method != "POST"

    @cached_property
    def all_parameters(self) -> tuple[Parameter, ...]:
        """The action's own parameters, then those its pagination adds (`page_size`, `next`)."""
        return (*self.parameters, *self.pagination.parameters())

    @cached_property
    def parameters_by_name(self) -> Mapping[str, Parameter]:
        return {parameter.name: parameter for parameter in self.all_parameters}

    def input_schema(self) -> dict[str, Any]:
        """A flat JSON schema whose property names are the parameter names (StackOne's `to_openai()` keeps
        only `type`, `description`, `enum` and one level of `items`, so nothing nests deeper). Every string,
        array and number in it is bounded, and `build_request` checks arguments against it."""
        return {
            "type": "object",
            "properties": {p.name: p.json_schema() for p in self.all_parameters},
            "required": [p.name for p in self.all_parameters if p.required],
        }

    @cached_property
    def input_validator(self) -> Draft202012Validator:
        """A JSON Schema validator of `input_schema()`, built once per action."""
        schema = self.input_schema()
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema)

    def missing_scopes(self, granted: Iterable[str] | None) -> tuple[str, ...]:
        """Required scopes not in `granted`; `None` means unrestricted (the provider granted the app's scopes)."""
        if granted is None:
            return ()
        have = set(granted)
        return tuple(scope for scope in self.required_scopes if scope not in have)

    def describe(self) -> dict[str, Any]:
        """The action as `GET /connectors/{key}` and `GET /actions` show it."""
        return {
            "id": self.id,
            "label": self.label,
            "description": self.description,
            "required_scopes": list(self.required_scopes),
            "input_schema": self.input_schema(),
        }


class Scope(_Frozen):
    """A provider scope and what it lets the application do, in words a person understands."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_:.]*$")
    description: str = Field(min_length=1)


class TokenTypeOption(_Frozen):
    """A kind of token the provider issues, and the extra authorize parameters that ask for it."""

    name: str = Field(pattern=_NAME, max_length=16)  # the store's column is 16 wide
    description: str = Field(min_length=1)
    authorize_params: Mapping[str, str] = Field(default_factory=dict)


class OAuth2(_Frozen):
    """OAuth 2.0 authorization code flow; paths are relative to the environment's base URL."""

    mode: Literal["oauth2"] = "oauth2"
    authorize_path: str = Field(pattern=r"^/")
    token_path: str = Field(pattern=r"^/")
    revoke_path: str | None = Field(None, pattern=r"^/")
    scope_separator: str = " "
    pkce: bool = True
    client_auth: Literal["body", "basic"] = "body"
    applications_path: str | None = Field(None, pattern=r"^/")
    """Where, on the environment's site, an admin registers an OAuth application (the dashboard links it)."""


class Identity(_Frozen):
    """How to learn who linked an account: the action that answers with the token's owner, and the fields of
    its answer that hold each fact (the first one present wins)."""

    action: str
    company_id: tuple[str, ...] = Field(min_length=1)
    employee_id: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    name: tuple[str, ...] = ()

    def facts(self, answer: Mapping[str, Any]) -> dict[str, str | None]:
        """Each fact as text, or None where the answer has none of its fields (`company_id` included)."""

        def first(names: tuple[str, ...]) -> str | None:
            for name in names:
                value = answer.get(name)
                if value not in (None, ""):
                    return str(value)
            return None

        return {
            "company_id": first(self.company_id),
            "employee_id": first(self.employee_id),
            "email": first(self.email),
            "name": first(self.name),
        }


# One member today; another auth mode is another member of this union, discriminated by `mode`.
Auth = Annotated[OAuth2, Field(discriminator="mode")]


class Connector(_Frozen):
    """The definition of a provider: how to link an account and what can be done with it."""

    key: str = Field(pattern=r"^[a-z][a-z0-9]*$", max_length=64)
    name: str = Field(min_length=1)
    auth: Auth
    environments: Mapping[Annotated[str, Field(pattern=_NAME, max_length=32)], str | None]
    """Base URL per environment, the first being the usual one; `None` means the operator's configured URL
    (`LINKYARD_SANDBOX_<KEY>_URL`: a local emulator)."""
    token_types: tuple[TokenTypeOption, ...]
    """The kinds of token the provider issues, the first being the default."""
    scopes: tuple[Scope, ...]
    categories: tuple[str, ...] = ()
    api_version: str | None = None
    envelope: Envelope = Envelope()
    """Where the provider's list answers keep their records (an action may say otherwise)."""
    arrays: ArrayStyle = "repeat"
    """How the provider reads a list in a query string (an action may say otherwise)."""
    actions: tuple[Action, ...]
    identity: Identity

    @model_validator(mode="before")
    @classmethod
    def _inherit(cls, data: Any) -> Any:
        """Give each action the connector's envelope and array style unless it declares its own."""
        if not isinstance(data, Mapping) or not isinstance(data.get("actions"), list | tuple):
            return data
        inherited = {
            "envelope": Envelope.model_validate(data.get("envelope", Envelope())),
            "arrays": data.get("arrays", "repeat"),
        }
        actions = []
        for action in data["actions"]:
            if isinstance(action, Action):
                missing = {name: value for name, value in inherited.items() if getattr(action, name) is None}
                action = action.model_copy(update=missing)
            elif isinstance(action, Mapping):
                action = {**inherited, **{k: v for k, v in action.items() if v is not None}}
            actions.append(action)
        return {**data, "actions": actions}

    @model_validator(mode="after")
    def _check(self) -> Self:
        scope_names = [scope.name for scope in self.scopes]
        if len(set(scope_names)) != len(scope_names):
            raise ValueError(f"{self.key}: duplicate scopes")
        ids = [action.id for action in self.actions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.key}: duplicate action ids")
        for action in self.actions:
            if not action.id.startswith(f"{self.key}_"):
                raise ValueError(f"{action.id}: action ids start with {self.key}_")
            unknown = set(action.required_scopes) - set(scope_names)
            if unknown:
                raise ValueError(f"{action.id}: unknown required scopes {sorted(unknown)}")
        if self.identity.action not in ids:
            raise ValueError(
                f"{self.key}: the identity action {self.identity.action} is not in the catalogue"
            )
        if len({t.name for t in self.token_types}) != len(self.token_types) or not self.token_types:
            raise ValueError(f"{self.key}: token types must be distinct and at least one")
        return self

    @property
    def auth_types(self) -> tuple[str, ...]:
        return (self.auth.mode,)

    @cached_property
    def scope_names(self) -> frozenset[str]:
        return frozenset(scope.name for scope in self.scopes)

    @cached_property
    def _actions_by_id(self) -> Mapping[str, Action]:
        return {action.id: action for action in self.actions}

    def find_action(self, action_id: str) -> Action | None:
        return self._actions_by_id.get(action_id)

    def action(self, action_id: str) -> Action:
        """The action with this id; `NotFound` otherwise (the message does not repeat the id)."""
        found = self._actions_by_id.get(action_id)
        if found is None:
            raise NotFound(f"{self.name} has no such action", code="action_not_found")
        return found

    def actions_for_scopes(self, scopes: Iterable[str] | None) -> tuple[Action, ...]:
        """Actions whose required scopes are all in `scopes`, in catalogue order; `None` means unrestricted."""
        if scopes is None:
            return self.actions
        have = set(scopes)
        return tuple(a for a in self.actions if have.issuperset(a.required_scopes))

    def base_url(self, environment: str, *, sandbox_url: str | None = None) -> str:
        """The provider's base URL in `environment`; a `None` entry is the operator's `sandbox_url`.

        Raises `ValidationFailed` (field `environment`) for an unknown environment, and for the sandbox when
        the operator configured no URL for it: profile creation calls this to refuse such a profile early.
        """
        for name, url in self.environments.items():
            if name != environment:
                continue
            url = url or sandbox_url
            if not url:
                raise ValidationFailed(
                    "Environment not available",
                    errors=[{"field": "environment", "message": "is not enabled on this server"}],
                )
            return url.rstrip("/")
        raise ValidationFailed(
            "Unknown environment",
            errors=[{"field": "environment", "message": f"must be one of: {', '.join(self.environments)}"}],
        )
