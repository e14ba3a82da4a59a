"""A connector as validated data: its OAuth flavour, environments, scopes and actions (the catalogue's schema)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator

from linkyard.connectors.envelope import ArrayStyle, Envelope
from linkyard.connectors.files import FileSlot
from linkyard.connectors.pagination import NoPagination, Pagination
from linkyard.connectors.parameters import Parameter
from linkyard.connectors.unified import ResourceMapping, UnifiedMapping
from linkyard.connectors.unified.tools import UnifiedCall, unified_action_specs
from linkyard.errors import NotFound, ValidationFailed

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
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
    model: str | None = Field(None, pattern=_NAME, max_length=64)
    """The kind of object the action works on (`employees`): the connector's and an account's `models` group
    actions by it. None: the words of the id after its verb (`tinyhr_list_people` → `people`)."""
    required_scopes: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    pagination: Pagination = NoPagination()
    result: Result = "object"
    envelope: Envelope | None = None
    """Where a list answer keeps its records; None: the connector's (which fills it in)."""
    arrays: ArrayStyle | None = None
    """How list arguments travel in the query; None: the connector's (which fills it in)."""
    body: Literal["json", "multipart"] = "json"
    """How the body parameters travel: a JSON object, or the fields of a `multipart/form-data` body (an upload)."""
    files: tuple[FileSlot, ...] = ()
    """The file parts a multipart action sends (`file`, or a list `attachments[]`; a bare name is one required
    file). A caller gives each as an argument of that name in StackOne's upload shape (base64 `content` and a
    `name`: `connectors.files`), or in process as bytes (`run_action(files=...)`)."""
    unified: UnifiedCall | None = None
    """A unified operation offered as a tool (`hris_list_employees`): it reads through the connector's mapping
    rather than calling `path` on the provider (`Connector.unified_actions`)."""
    area: str | None = Field(None, pattern=_NAME, max_length=64)
    """The part of the provider's API it belongs to (one of the connector's `areas`: Factorial's namespace,
    `timeoff`), by which the dashboard groups and search ranks; None: none named."""
    default_enabled: bool = True
    """Whether a profile that names no actions enables it (when its scopes allow). The hand-declared actions
    and the unified operations are; those generated from the provider's whole API are enabled only by name, so
    that an agent is not handed hundreds of tools it did not ask for."""

    @field_validator("files", mode="before")
    @classmethod
    def _named_files(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = [parameter.name for parameter in self.all_parameters] + [slot.name for slot in self.files]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"{self.id}: parameter names collide: {', '.join(duplicates)}")
        if self.files and (self.body != "multipart" or self.method not in ("POST", "PUT")):
            raise ValueError(f"{self.id}: only a multipart POST or PUT sends files")
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
    def model_key(self) -> str:
        """The model the action is grouped under (`model`, or the id's noun)."""
        return self.model or self.id.split("_", 2)[2]

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
        only `type`, `description`, `enum` and one level of `items`, so nothing nests deeper but a file, whose
        description spells out its members). Every string, array and number in it is bounded, and
        `build_request` checks arguments against it."""
        return {
            "type": "object",
            "properties": {
                **{p.name: p.json_schema() for p in self.all_parameters},
                **{slot.name: slot.json_schema() for slot in self.files},
            },
            "required": [
                *(p.name for p in self.all_parameters if p.required),
                *(slot.name for slot in self.files if slot.required),
            ],
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


_PROXY_SEGMENT = r"(\*|[A-Za-z0-9_~-][A-Za-z0-9._~-]*)"


class ProxyRule(_Frozen):
    """The scopes a call through the proxy needs under one path: `prefix` is matched segment by segment
    against the start of the path, `*` standing for any one segment (`/api/*/resources/employees`)."""

    prefix: str = Field(pattern=rf"^(/{_PROXY_SEGMENT})+$", max_length=200)
    scopes: tuple[str, ...] = ()
    """Every one of them is needed; none: the path needs no scope (the token's owner, say)."""

    @cached_property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.prefix.strip("/").split("/"))

    def matches(self, segments: tuple[str, ...]) -> bool:
        """Whether a path's `segments` start with this rule's."""
        if len(segments) < len(self.segments):
            return False
        return all(mine in ("*", theirs) for mine, theirs in zip(self.segments, segments, strict=False))


class Proxy(_Frozen):
    """What `POST /unified/proxy` may reach of the provider: paths under `base_path` (relative to the
    environment's base URL, so that the OAuth endpoints beside the API stay out of reach), each needing the
    scopes of the first rule whose prefix it starts with; a path no rule covers is refused."""

    base_path: str = Field(pattern=rf"^(/{_PROXY_SEGMENT})*/$", max_length=100)
    rules: tuple[ProxyRule, ...] = Field(min_length=1)

    def rule_for(self, segments: tuple[str, ...]) -> ProxyRule | None:
        """The first rule covering a path's `segments`; `None` when none does."""
        return next((rule for rule in self.rules if rule.matches(segments)), None)


class EventSource(_Frozen):
    """One kind of change the provider announces (`subscription`, its own name for it) and the unified event
    Linkyard sends for it: the record it carries is read with the unified mapping of `resource`."""

    subscription: str = Field(pattern=r"^[a-z0-9_]+(/[a-z0-9_]+)*$", max_length=128)
    event: str = Field(pattern=r"^[a-z_]+\.[a-z_]+\.[a-z_]+$", max_length=64)
    resource: str = Field(max_length=64)
    scopes: tuple[str, ...] = ()
    """The scopes the account must have granted for Linkyard to subscribe (the unified reads' scopes)."""


class Events(_Frozen):
    """How the provider pushes changes to Linkyard: a subscription per account and kind of change, created at
    `subscriptions_path` (listed there, deleted at `{subscriptions_path}/{id}`), each with its own target URL and
    a secret the provider echoes in `challenge_header` on every delivery (Factorial's webhook subscriptions)."""

    subscriptions_path: str = Field(pattern=r"^(/[A-Za-z0-9._~-]+)+$", max_length=200)
    challenge_header: str = Field(pattern=r"^[a-z0-9-]+$", max_length=64)
    sources: tuple[EventSource, ...] = Field(min_length=1)


# One member today; another auth mode is another member of this union, discriminated by `mode`.
Auth = Annotated[OAuth2, Field(discriminator="mode")]


class Connector(_Frozen):
    """The definition of a provider: how to link an account and what can be done with it."""

    # `actions` in a declaration and in a dump are the declared ones (the `declared_actions` field).
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9]*$", max_length=64)
    name: str = Field(min_length=1)
    auth: Auth
    environments: Mapping[Annotated[str, Field(pattern=_NAME, max_length=32)], str | None]
    """Base URL per environment, the first being the usual one; `None` means the operator's configured URL
    (`LINKYARD_SANDBOX_<KEY>_URL`: a local emulator)."""
    token_types: tuple[TokenTypeOption, ...]
    """The kinds of token the provider issues, the first being the default."""
    scopes: tuple[Scope, ...]
    categories: tuple[str, ...] = Field(min_length=1)
    """The kinds of provider it is (StackOne's categories: `hris`, `ats`, ...), the first being its main one
    (StackOne's meta answers require one)."""
    api_version: str | None = None
    envelope: Envelope = Envelope()
    """Where the provider's list answers keep their records (an action may say otherwise)."""
    arrays: ArrayStyle = "repeat"
    """How the provider reads a list in a query string (an action may say otherwise)."""
    declared_actions: tuple[Action, ...] = Field(alias="actions")
    """The actions written by hand in the declaration (validated with it); `actions` adds the generated ones."""
    generate_actions: Callable[[tuple[Action, ...]], Sequence[Mapping[str, Any]]] | None = None
    """Declares the rest of the provider's API as actions, given the declared ones (whose endpoints it leaves
    out); called on first use of `actions`, never when the connector is built, so that a lookup stays cheap."""
    areas: Mapping[Annotated[str, Field(pattern=_NAME, max_length=64)], str] = Field(default_factory=dict)
    """The parts of the provider's API (an action's `area`) and their titles, in the order the dashboard shows
    them."""
    identity: Identity
    unified: UnifiedMapping | None = None
    """The unified resources served over this connector's actions (`/unified/...`), as data."""
    proxy: Proxy | None = None
    """What `POST /unified/proxy` may call; `None`: the connector offers no proxy."""
    events: Events | None = None
    """The changes the provider pushes and the unified events they become; `None`: it pushes none."""

    @field_serializer("generate_actions", when_used="json")
    def _no_code_in_json(self, generate: object) -> None:
        """A JSON dump is data: it leaves the generator out (the declared actions stay)."""
        return None

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
        ids = [action.id for action in self.declared_actions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.key}: duplicate action ids")
        for action in self.declared_actions:
            self._check_action(action)
        if self.proxy is not None:
            for rule in self.proxy.rules:
                unknown = set(rule.scopes) - set(scope_names)
                if unknown:
                    raise ValueError(
                        f"{self.key}: proxy rule {rule.prefix}: unknown scopes {sorted(unknown)}"
                    )
                if not rule.prefix.startswith(self.proxy.base_path):
                    raise ValueError(
                        f"{self.key}: proxy rule {rule.prefix} is outside {self.proxy.base_path}"
                    )
        if self.events is not None:
            self._check_events(self.events, scope_names)
        if self.identity.action not in ids:
            raise ValueError(
                f"{self.key}: the identity action {self.identity.action} is not in the catalogue"
            )
        if len({t.name for t in self.token_types}) != len(self.token_types) or not self.token_types:
            raise ValueError(f"{self.key}: token types must be distinct and at least one")
        if self.unified is not None:
            self._check_unified(self.unified)
            clashing = sorted({tool.id for tool in self.unified_actions} & set(ids))
            if clashing:
                raise ValueError(f"{self.key}: actions named as unified operations: {', '.join(clashing)}")
        return self

    def _check_events(self, events: Events, scope_names: list[str]) -> None:
        """Each source's scopes are the connector's, its resource is mapped, and each subscription is named once."""
        names = [source.subscription for source in events.sources]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.key}: event subscriptions named twice")
        for source in events.sources:
            unknown = set(source.scopes) - set(scope_names)
            if unknown:
                raise ValueError(f"{self.key} event {source.subscription}: unknown scopes {sorted(unknown)}")
            if self.unified is None or self.unified.find(source.resource) is None:
                raise ValueError(f"{self.key} event {source.subscription}: no unified {source.resource}")

    def event_source(self, subscription: str) -> EventSource | None:
        """The source a provider subscription of this connector is for, if any."""
        if self.events is None:
            return None
        return next((s for s in self.events.sources if s.subscription == subscription), None)

    def _check_action(self, action: Action) -> None:
        if not action.id.startswith(f"{self.key}_"):
            raise ValueError(f"{action.id}: action ids start with {self.key}_")
        unknown = set(action.required_scopes) - self.scope_names
        if unknown:
            raise ValueError(f"{action.id}: unknown required scopes {sorted(unknown)}")
        if action.area is not None and action.area not in self.areas:
            raise ValueError(f"{action.id}: unknown area {action.area}")

    def _check_unified(self, unified: UnifiedMapping) -> None:
        """Every action and parameter a unified mapping names exists, as the mapping uses it."""
        by_id = {action.id: action for action in self.declared_actions}

        def action(resource: str, action_id: str, result: str) -> Action:
            found = by_id.get(action_id)
            if found is None:
                raise ValueError(f"{self.key} unified {resource}: no action {action_id}")
            if found.result != result:
                raise ValueError(f"{self.key} unified {resource}: {action_id} does not answer a {result}")
            return found

        for mapping in unified.resources:
            name = mapping.resource
            listing = action(name, mapping.list_action, "list")
            if mapping.get_by == "ids":
                if "ids" not in listing.parameters_by_name:
                    raise ValueError(
                        f"{self.key} unified {name}: {listing.id} takes no `ids` to get one record"
                    )
            elif mapping.get_action is not None:
                getter = action(name, mapping.get_action, "object")
                if "id" not in getter.parameters_by_name:
                    raise ValueError(f"{self.key} unified {name}: {getter.id} takes no `id`")
            params = [mapping.updated_after.param if mapping.updated_after else None]
            params += [list_filter.param for list_filter in mapping.filters.values()]
            params += [mapping.parent.param if mapping.parent else None, *mapping.list_arguments]
            for param in params:
                if param is not None and param not in listing.parameters_by_name:
                    raise ValueError(f"{self.key} unified {name}: {listing.id} has no parameter {param}")
            parent_lookup = mapping.parent.lookup if mapping.parent is not None else None
            if (
                parent_lookup is not None
                and "id" not in action(name, parent_lookup.action, "object").parameters_by_name
            ):
                raise ValueError(
                    f"{self.key} unified {name}: {parent_lookup.action} takes no `id` to look up"
                )
            if mapping.download is not None:
                fetcher = action(name, mapping.download.action, "list")
                if mapping.download.ids not in fetcher.parameters_by_name:
                    raise ValueError(
                        f"{self.key} unified {name}: {fetcher.id} takes no {mapping.download.ids}"
                    )
            for lookup in mapping.lookups.values():
                if lookup.param not in action(name, lookup.action, "list").parameters_by_name:
                    raise ValueError(
                        f"{self.key} unified {name}: {lookup.action} has no parameter {lookup.param}"
                    )
            if mapping.upload is not None:
                uploader = action(name, mapping.upload.action, "object")
                upload = mapping.upload
                named = [upload.filename, upload.parent, upload.category, *upload.arguments]
                if upload.file not in {slot.name for slot in uploader.files} or any(
                    param is not None and param not in uploader.parameters_by_name for param in named
                ):
                    raise ValueError(f"{self.key} unified {name}: {uploader.id} does not take the upload")
            writers = [by_id.get(a) for a in (mapping.create_action, mapping.update_action) if a is not None]
            if any(writer is None for writer in writers):
                raise ValueError(f"{self.key} unified {name}: a write action is not in the catalogue")
            if mapping.delete_action is not None:
                remover = by_id.get(mapping.delete_action)
                if remover is None or "id" not in remover.parameters_by_name:
                    raise ValueError(f"{self.key} unified {name}: no action {mapping.delete_action} by `id`")
            creator = by_id.get(mapping.create_action or "")
            taken = {p.name for p in creator.parameters if p.location == "body"} if creator else set()
            if set(mapping.create_arguments) - taken:
                raise ValueError(
                    f"{self.key} unified {name}: the create action takes not every create argument"
                )
            body = {p.name for writer in writers if writer for p in writer.parameters if p.location == "body"}
            for field_name, field in mapping.fields.items():
                if field.write is not None and field.write.split(".")[0] not in body:
                    raise ValueError(
                        f"{self.key} unified {name}.{field_name}: no write action takes {field.write}"
                    )
            for operation_name, operation in mapping.operations.items():
                runs = by_id.get(operation.action)
                if runs is None:
                    raise ValueError(
                        f"{self.key} unified {name} {operation_name}: no action {operation.action}"
                    )
                takes = {"id", *operation.fields.values()} - set(runs.parameters_by_name)
                if takes:
                    raise ValueError(
                        f"{self.key} unified {name} {operation_name}: {runs.id} takes no {', '.join(sorted(takes))}"
                    )
            self._check_expansions(unified, mapping, action)

    def _check_expansions(
        self, unified: UnifiedMapping, mapping: ResourceMapping, action: Callable[[str, str, str], Action]
    ) -> None:
        """Each expansion's related list takes what it is narrowed by; the custom field values' action its param."""
        name = mapping.resource
        for expand_name, expansion in mapping.expands.items():
            if expansion.fields is not None:
                continue
            related = unified.find(unified.related_resource(mapping, expand_name))
            listing = action(name, related.list_action, "list") if related is not None else None
            wanted = "ids" if expansion.key is not None else expansion.param
            if listing is not None and wanted is not None and wanted not in listing.parameters_by_name:
                raise ValueError(f"{self.key} unified {name} {expand_name}: {listing.id} has no {wanted}")
        values = mapping.custom_fields
        if values is not None and values.param not in action(name, values.action, "list").parameters_by_name:
            raise ValueError(
                f"{self.key} unified {name} custom fields: {values.action} has no {values.param}"
            )

    @property
    def auth_types(self) -> tuple[str, ...]:
        return (self.auth.mode,)

    @cached_property
    def scope_names(self) -> frozenset[str]:
        return frozenset(scope.name for scope in self.scopes)

    @cached_property
    def actions(self) -> tuple[Action, ...]:
        """Every action: the declared ones, then those `generate_actions` declares (built and validated here, on
        first use, with the connector's envelope and array style)."""
        if self.generate_actions is None:
            return self.declared_actions
        inherited = {"envelope": self.envelope, "arrays": self.arrays}
        generated = [
            Action.model_validate({**inherited, **spec})
            for spec in self.generate_actions(self.declared_actions)
        ]
        taken = {action.id for action in self.declared_actions} | {tool.id for tool in self.unified_actions}
        for action in generated:
            if action.id in taken:
                raise ValueError(f"{self.key}: a generated action repeats the id {action.id}")
            taken.add(action.id)
            self._check_action(action)
        return (*self.declared_actions, *generated)

    @cached_property
    def _actions_by_id(self) -> Mapping[str, Action]:
        return {action.id: action for action in self.actions}

    def find_action(self, action_id: str) -> Action | None:
        return self._actions_by_id.get(action_id)

    @cached_property
    def unified_actions(self) -> tuple[Action, ...]:
        """The unified operations its mapping serves, as tools for agents (`hris_list_employees`, ...): enabled
        on a profile, listed and called as its actions are, each needing the scopes of the actions it reads."""
        if self.unified is None:
            return ()
        scopes = {action.id: action.required_scopes for action in self.declared_actions}
        parameters = {action.id: action.all_parameters for action in self.declared_actions}
        specs = unified_action_specs(self.unified, self.name, scopes, parameters)
        return tuple(Action.model_validate({**spec, "envelope": Envelope()}) for spec in specs)

    @property
    def tools(self) -> tuple[Action, ...]:
        """What an agent may be offered: the actions, then the unified operations."""
        return (*self.actions, *self.unified_actions)

    @cached_property
    def _tools_by_id(self) -> Mapping[str, Action]:
        return {tool.id: tool for tool in self.tools}

    def find_tool(self, tool_id: str) -> Action | None:
        """An action or a unified operation by its id (`find_action` knows the provider's actions only)."""
        return self._tools_by_id.get(tool_id)

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
