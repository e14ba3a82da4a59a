"""The API's response shapes as typed models: what `/openapi.json` promises and each route answers.

They mirror what `linkyard.services.views` builds (the shapes the CLI prints too), field for field: a route
returns the view and FastAPI checks it against its model. StackOne's wire names (`provider`, `integration_id`,
`statusCode`) live here and in the views, nowhere below. Models allow no field the view does not give, so a
field added to a view without its model fails the API tests rather than vanishing from answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from linkyard.connectors import list_connectors
from linkyard.connectors.unified import CUSTOM_FIELDS, MODELS, UnifiedModel, model_of
from linkyard.domain import AccountStatus, ConnectSessionStatus


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors -----------------------------------------------------------------------------------------------------


class FieldProblem(_Shape):
    """One culprit of a 422: where it is and what is wrong (never the submitted value)."""

    field: str
    message: str


class ProviderAnswer(_Shape):
    """What the provider answered, secrets removed (StackOne's `provider_errors` item)."""

    status: int | None
    url: str
    raw: Any
    headers: dict[str, str]


class ErrorEnvelope(_Shape):
    """StackOne's error envelope: every 4xx and 5xx of the API."""

    statusCode: int  # StackOne's wire name
    message: str
    timestamp: str
    code: str
    errors: list[FieldProblem] | None = Field(None, description="A 422's culprits")
    missing_scopes: list[str] | None = Field(None, description="A 403's scopes the account lacks")
    provider_errors: list[ProviderAnswer] | None = Field(None, description="What the provider answered")


_DESCRIPTIONS = {
    400: "Bad request (malformed JSON, a credential in the URL, a call that names no account)",
    401: "No valid API key",
    403: "The action is not enabled, or a required scope was not granted",
    404: "No such object in the API key's project",
    405: "Method not allowed (or, through the proxy, the provider's refusal of the method)",
    408: "The provider did not answer within the request budget",
    409: "Conflicts with the current state",
    412: "The account is not active: it needs a re-link or the integrator",
    422: "Invalid input; `errors` names each culprit",
    429: "Too many requests: a rate limit, a share of calls in progress, failed authentication (`Retry-After`)",
    501: "Not supported by this provider: the account's provider cannot back this unified operation",
    502: "The provider answered with an error after the retries that were safe",
}
# What any authenticated route may answer: a credential in the URL or a malformed body, no valid key (or too many
# failed tries), invalid input, a spent rate limit.
_COMMON = (400, 401, 422, 429)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route: its error statuses (and the common ones), each with the envelope."""
    return {
        status: {"model": ErrorEnvelope, "description": _DESCRIPTIONS[status]}
        for status in sorted({*_COMMON, *statuses})
    }


# --- connectors ---------------------------------------------------------------------------------------------------


class ActionDescription(_Shape):
    id: str
    label: str
    description: str
    required_scopes: list[str]
    input_schema: dict[str, Any]


class ConnectorSummary(_Shape):
    key: str
    name: str
    auth_types: list[str]
    categories: list[str]


class ConnectorList(_Shape):
    data: list[ConnectorSummary]


class ScopeDescription(_Shape):
    name: str
    description: str


class ConnectorDetail(ConnectorSummary):
    environments: list[str]
    token_types: list[str]
    scopes: list[ScopeDescription]
    actions: list[ActionDescription]


class ModelActions(_Shape):
    """One of StackOne's `models`: the actions that work on that kind of object."""

    actions: list[str]


class ConnectorImages(_Shape):
    logo_url: str | None
    original_logo_horizontal_url: str | None


class ConnectorResources(_Shape):
    images: ConnectorImages


class ConnectorMeta(_Shape):
    """StackOne's connector meta (`ConnectorsMeta`), from the connector's declaration."""

    provider: str
    provider_name: str
    category: str = Field(description="The connector's main category")
    categories: list[str]
    active: bool = Field(description="The project has an enabled connector profile of it")
    models: dict[str, ModelActions] = Field(description="Each kind of object the actions work on, with them")
    resources: ConnectorResources
    actions: list[ActionDescription] | None = Field(None, description="With `include=actions`")
    scopes: list[ScopeDescription] | None = Field(None, description="With `include=scopes`")


# --- connector profiles ------------------------------------------------------------------------------------------


class Profile(_Shape):
    """A connector profile; `client_secret_hint` is all that is ever shown of its secret."""

    id: str
    connector: str
    label: str | None
    auth_type: str
    environment: str
    client_id: str
    client_secret_hint: str | None
    confidential: bool
    scopes: list[str] | None
    token_type: str
    actions: list[str] | None
    enabled_actions: list[str]
    redirect_uri: str
    default: bool
    disabled: bool
    created_at: str
    updated_at: str


class ProfileList(_Shape):
    data: list[Profile]
    next: str | None


class AuthConfig(_Shape):
    """A profile in StackOne's auth config (integration) read shape."""

    id: str
    provider: str
    label: str | None
    auth_type: str
    environment: str
    status: Literal["enabled", "disabled"]
    default: bool
    created_at: str
    updated_at: str


class AuthConfigList(_Shape):
    data: list[AuthConfig]
    next_page: int | None
    next: str | None


# --- connect sessions ----------------------------------------------------------------------------------------


class ConnectSession(_Shape):
    """A connect session (StackOne's shape); `integration_id` is the connector profile's id."""

    id: int = Field(description="The session's number (an integer below 2^53)")
    organization_id: int = Field(description="The server's one organization (1)")
    project_id: str
    provider: str
    integration_id: str
    origin_owner_id: str
    origin_owner_name: str
    origin_username: str | None
    account_id: str | None
    label: str | None
    metadata: dict[str, Any] | None
    redirect_url: str | None
    categories: list[str] | None
    status: ConnectSessionStatus
    linked_account_id: str | None
    expires_at: str
    created_at: str
    updated_at: str


class CreatedConnectSession(ConnectSession):
    """At creation only: the token, and the hosted page that carries it."""

    token: str
    auth_link_url: str


# --- accounts ---------------------------------------------------------------------------------------------------


class StatusReason(_Shape):
    code: str
    description: str
    timestamp: str


class ProviderAccount(_Shape):
    company_id: str
    employee_id: str | None
    email: str | None
    name: str | None


class Account(_Shape):
    """A linked account as StackOne shows one (never a token)."""

    id: str
    provider: str
    provider_name: str
    type: Literal["production", "test"] = Field(
        description="`production` on the connector's usual environment, `test` on the others"
    )
    environment: str = Field(description="The environment of the account's connector profile")
    status: AccountStatus
    status_reasons: list[StatusReason]
    origin_owner_id: str
    origin_owner_name: str
    origin_username: str | None
    integration_id: str
    token_type: str
    scopes: list[str]
    provider_account: ProviderAccount
    label: str | None
    metadata: dict[str, Any] | None
    created_at: str
    updated_at: str


class AccountMeta(_Shape):
    account_id: str
    provider: str
    provider_name: str
    category: str
    categories: list[str]
    integration_id: str
    environment: str
    token_type: str
    scopes: list[str]
    status: AccountStatus
    enabled_actions: list[str]
    models: dict[str, ModelActions] = Field(
        description="The models the account's runnable actions work on (enabled and allowed by its scopes)"
    )


# --- actions ------------------------------------------------------------------------------------------------------


class OperationDetails(_Shape):
    """How an action calls the provider (`GET /actions?include=operation_details`)."""

    method: str
    path: str = Field(description="Under the provider's base URL")
    result: Literal["list", "object", "first"]
    pagination: str = Field(description="The provider's paging kind: none, cursor, page, offset, link_header")


class ActionMeta(ActionDescription):
    operation_details: OperationDetails | None = Field(None, description="With `include=operation_details`")


class ConnectorActions(_Shape):
    key: str
    name: str
    actions: list[ActionMeta]


class ActionList(_Shape):
    data: list[ConnectorActions]
    next: str | None = Field(description="The cursor of the next page of connectors (`next=`), if any")


class ActionResult(BaseModel):
    """`{data, next}` for a list, `{data}` for one object: the provider's own data, passed through as is."""

    model_config = ConfigDict(extra="forbid")

    data: Any
    next: str | None = Field(None, description="Lists only: the cursor of the next page, if any")


class ProxyResult(RootModel[Any]):
    """`POST /unified/proxy`: the provider's own answer, passed on as it came (its status, content type and
    body); StackOne's client reads it raw."""


def proxy_successes() -> dict[int | str, dict[str, Any]]:
    """The statuses a proxied call's success answers with besides 200: the provider's own."""
    return {
        201: {"model": ProxyResult, "description": "The provider created something"},
        202: {"model": ProxyResult, "description": "The provider accepted the request"},
        204: {"description": "The provider answered without a body"},
    }


class SearchMatch(_Shape):
    id: str
    action_name: str
    connector_key: str
    label: str
    description: str
    similarity_score: float


class SearchResults(_Shape):
    results: list[SearchMatch]
    total_count: int
    query: str


class Health(_Shape):
    status: Literal["ok"]


# --- request logs (StackOne's UnifiedLogs, StepLog, PlatformLog) ----------------------------------------------------


class LogUrl(_Shape):
    url: str | None
    hostname: str | None
    path: str | None
    query_params: dict[str, Any] = Field(description="The query's parameters, credentials redacted")


class LogRequest(_Shape):
    id: str
    method: str | None
    url: LogUrl
    headers: dict[str, Any] = Field(description="Credentials redacted")
    body: Any = Field(None, description="Kept only when the project keeps bodies; credentials redacted")


class LogResponse(_Shape):
    status_code: int | None
    headers: dict[str, Any] = Field(description="Credentials redacted")
    body: Any = Field(None, description="Kept only when the project keeps bodies; credentials redacted")


class _LogFields(_Shape):
    project_id: str
    account_id: str | None
    action: str | None
    resource: str | None
    sub_resource: None
    child_resource: None
    http_method: str | None
    path: str | None
    url: str | None
    success: bool
    duration: float = Field(description="Milliseconds")
    start_time: str
    end_time: str
    error: str | None = Field(description="Why the call failed, in the API's words; null when it succeeded")


class StepLogEntry(_LogFields):
    """One provider HTTP call a request made (StackOne's `StepLog`)."""

    id: str
    request_id: str = Field(description="The request log the step belongs to")
    provider: str | None
    service: str | None
    http_method: str
    url: str
    status: int | None = Field(description="The provider's status; null when no answer came")
    is_worker: bool
    request: LogRequest | None = None
    response: LogResponse | None = None


class RequestLogEntry(_LogFields):
    """A call that ran an action or refreshed a token (StackOne's `UnifiedLogs`)."""

    request_id: str
    provider: str | None
    service: str | None
    status: int
    event_datetime: str
    source_type: str
    source_value: str | None
    source_id: None
    source_ip: str | None
    is_worker: bool
    step_count: int
    step_requests: list[StepLogEntry] | None = None
    request: LogRequest | None = None
    response: LogResponse | None = None


class RequestLogPage(_Shape):
    data: list[RequestLogEntry]
    next: str | None


class RequestLogResult(_Shape):
    data: RequestLogEntry


class StepLogPage(_Shape):
    data: list[StepLogEntry]
    next: str | None


class PlatformLogEntry(_LogFields):
    """A call to the platform's own API (StackOne's `PlatformLog`)."""

    request_id: str
    category: str | None
    status: int
    event_datetime: str
    source_type: str
    source_value: str | None
    source_id: None
    source_ip: str | None


class PlatformLogPage(_Shape):
    data: list[PlatformLogEntry]
    next: str | None


class FeedbackReceipt(_Shape):
    """The answer to `POST /ai/tool-feedback`: the report was kept (`key` is its id)."""

    message: str
    key: str
    submitted_at: str


# --- what requests may name ---------------------------------------------------------------------------------


def _catalogue_values(kind: str) -> list[str]:
    """The values the registered connectors accept for one kind of field, in catalogue order, without repeats."""
    found: dict[str, None] = {}
    for connector in list_connectors():
        values: Iterable[str]
        if kind == "connector":
            values = (connector.key,)
        elif kind == "environment":
            values = connector.environments
        elif kind == "token_type":
            values = (option.name for option in connector.token_types)
        elif kind == "auth_type":
            values = connector.auth_types
        elif kind == "scope":
            values = (scope.name for scope in connector.scopes)
        else:
            values = (action.id for action in connector.actions)
        found.update(dict.fromkeys(values))
    return list(found)


def _set_enum(schema: dict[str, Any], values: list[str]) -> None:
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            if branch.get("type") != "null":
                _set_enum(branch, values)
    elif schema.get("type") == "array":
        _set_enum(schema["items"], values)
    else:
        schema["enum"] = values


def catalogue_fields(fields: dict[str, str]) -> Callable[[dict[str, Any]], None]:
    """A request model's `json_schema_extra`: the document lists, for each named field, the values the
    connector catalogue accepts (`{field name: "connector" | "environment" | "token_type" | "auth_type" |
    "scope" | "action"}`). Read when `/openapi.json` is first built, so a connector registered before then is listed;
    the services still check every value and name the culprit of a 422."""

    def document(schema: dict[str, Any]) -> None:
        for name, kind in fields.items():
            _set_enum(schema["properties"][name], _catalogue_values(kind))

    return document


# --- the unified API ----------------------------------------------------------------------------------------------


class EnumValue(_Shape):
    """StackOne's enum object: the unified `value` and the provider's own `source_value`."""

    value: str | None = None
    source_value: Any = None


class RawCall(_Shape):
    """StackOne's `raw` item (`raw=true`): one call made to the provider and its answer."""

    method: str
    url: str
    response: Any = None


_KIND_TYPES: dict[str, Any] = {
    "string": str | None,
    "strings": list[str] | None,
    "number": float | None,
    "boolean": bool | None,
    "enum": EnumValue | None,
    "choice": str | None,
    "objects": list[dict[str, Any]] | None,
}


class CustomFieldValue(_Shape):
    """StackOne's `custom_fields` item (`include=custom_fields`): one custom field's value on a record."""

    id: str | None = None
    remote_id: str | None = None
    name: str | None = None
    value: Any = None
    value_id: str | None = None
    remote_value_id: str | None = None


def _unified_shape(model: UnifiedModel, made: dict[str, type[BaseModel]]) -> type[BaseModel]:
    """The record of a unified model: each field optional (a mapping fills some), as StackOne's schemas are; the
    objects `expand` embeds (records of other models), `custom_fields` where `include` adds it, and
    `unified_custom_fields` (`raw=true`). `made`: the shapes made so far, each model's made once."""
    if model.key in made:
        return made[model.key]
    fields: dict[str, Any] = {}
    for name, field in model.fields.items():
        if field.kind == "datetime":
            fields[name] = (str | None, Field(None, json_schema_extra={"format": "date-time"}))
        else:
            fields[name] = (_KIND_TYPES[field.kind], None)
    for name, nested in model.expands.items():
        if nested.resource is None:
            continue
        related = _unified_shape(model_of(nested.resource), made)
        fields[name] = ((list[related] if nested.many else related) | None, None)  # type: ignore[valid-type]
    if CUSTOM_FIELDS in model.includes:
        fields[CUSTOM_FIELDS] = (list[CustomFieldValue] | None, None)
    fields["unified_custom_fields"] = (dict[str, Any] | None, None)
    title = "Unified" + "".join(part.title() for part in model.key.replace("/", "_").split("_"))
    shape: type[BaseModel] = create_model(title, __base__=_Shape, **fields)
    made[model.key] = shape
    return shape


def _unified_shapes(
    model: UnifiedModel, made: dict[str, type[BaseModel]]
) -> tuple[type[BaseModel], type[BaseModel]]:
    """A unified resource's page (`{data, next, raw}`) and result (`{data, raw}`) shapes."""
    record = _unified_shape(model, made)
    page: type[BaseModel] = create_model(
        f"{record.__name__}Page",
        __base__=_Shape,
        data=(list[record], ...),  # type: ignore[valid-type]
        next=(str | None, None),
        raw=(list[RawCall] | None, None),
    )
    result: type[BaseModel] = create_model(
        f"{record.__name__}Result",
        __base__=_Shape,
        data=(record, ...),
        raw=(list[RawCall] | None, None),
    )
    return page, result


def _all_unified_shapes() -> dict[str, tuple[type[BaseModel], type[BaseModel]]]:
    made: dict[str, type[BaseModel]] = {}
    return {model.key: _unified_shapes(model, made) for model in MODELS}


UNIFIED_SHAPES: dict[str, tuple[type[BaseModel], type[BaseModel]]] = _all_unified_shapes()
"""Each unified resource's page and result shapes, by `hris/employees`."""


class WrittenRecord(_Shape):
    """StackOne's `CreateResultDataApiModel`: the written record's unified `id` and the provider's `remote_id`."""

    id: str | None = None
    remote_id: str | None = None


class CreateResult(_Shape):
    """StackOne's answer to a unified create (201) or a record operation such as an invite (200)."""

    statusCode: int  # StackOne's name
    message: str
    timestamp: str = Field(json_schema_extra={"format": "date-time"})
    data: WrittenRecord


class UpdateResult(_Shape):
    """StackOne's answer to a unified update."""

    statusCode: int  # StackOne's name
    message: str
    timestamp: str = Field(json_schema_extra={"format": "date-time"})
