"""The API's response shapes as typed models: what `/openapi.json` promises and each route answers.

They mirror what `linkyard.services.views` builds (the shapes the CLI prints too), field for field: a route
returns the view and FastAPI checks it against its model. StackOne's wire names (`provider`, `integration_id`,
`statusCode`) live here and in the views, nowhere below. Models allow no field the view does not give, so a
field added to a view without its model fails the API tests rather than vanishing from answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from linkyard.connectors import list_connectors
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
    405: "Method not allowed",
    408: "The provider did not answer within the request budget",
    409: "Conflicts with the current state",
    412: "The account is not active: it needs a re-link or the integrator",
    422: "Invalid input; `errors` names each culprit",
    429: "Too many requests: a rate limit, a share of calls in progress, failed authentication (`Retry-After`)",
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

    id: str
    provider: str
    integration_id: str
    origin_owner_id: str
    origin_owner_name: str
    origin_username: str | None
    account_id: str | None
    label: str | None
    metadata: dict[str, Any] | None
    redirect_url: str | None
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
    category: str | None
    categories: list[str]
    integration_id: str
    environment: str
    token_type: str
    scopes: list[str]
    status: AccountStatus
    enabled_actions: list[str]


# --- actions ------------------------------------------------------------------------------------------------------


class ConnectorActions(_Shape):
    key: str
    name: str
    actions: list[ActionDescription]


class ActionList(_Shape):
    data: list[ConnectorActions]
    next: str | None


class ActionResult(BaseModel):
    """`{data, next}` for a list, `{data}` for one object: the provider's own data, passed through as is."""

    model_config = ConfigDict(extra="forbid")

    data: Any
    next: str | None = Field(None, description="Lists only: the cursor of the next page, if any")


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
