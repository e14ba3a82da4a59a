"""Running an action on a linked account: check it is allowed, call the provider with a live token, shape the answer.

Every check (the action enabled on the profile, its scopes granted, the account and its profile active, the
arguments valid) happens before any upstream call. Sending, retrying and mapping the provider's errors is
`linkyard.services.execution`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from linkyard.connectors import (
    Action,
    CallContext,
    Connector,
    FilePart,
    PreparedRequest,
    build_request,
    enabled_actions,
    extract_result,
    get_connector,
    is_enabled,
    list_connectors,
)
from linkyard.connectors.files import carried_contents
from linkyard.connectors.retry import DEFAULT_RETRY_POLICY, RetryPolicy
from linkyard.domain import Project
from linkyard.errors import Forbidden, NotFound, ProviderError, ValidationFailed
from linkyard.oauth.recording import Recording, current_recording, recording
from linkyard.oauth.transport import ProviderResponse
from linkyard.services.account_calls import base_url_of, check_callable, send_on_account
from linkyard.services.execution import Call
from linkyard.services.platform import Platform
from linkyard.services.request_logs import mark_account_call, mark_provider


@dataclass(frozen=True, slots=True)
class ActionResult:
    """`data` and, for a list, the opaque cursor of the next page (`None` on the last one)."""

    data: Any
    next: str | None
    is_list: bool
    response: ProviderResponse | None = field(default=None, repr=False, compare=False)
    """The provider's answer it came from (the unified API's `raw=true` shows it)."""


@dataclass(frozen=True, slots=True)
class ConnectorActions:
    """A connector and the actions of it that are listed (`GET /actions`)."""

    connector: Connector
    actions: tuple[Action, ...]


def flatten_arguments(
    *, path: Mapping[str, Any] | None, query: Mapping[str, Any] | None, body: Mapping[str, Any] | None
) -> dict[str, Any]:
    """StackOne's grouped arguments (`path`, `query`, `body`) as the flat names the connector's actions take."""
    flat: dict[str, Any] = {}
    clashes: list[str] = []
    for group in (path, query, body):
        for name, value in (group or {}).items():
            if name in flat:
                clashes.append(name)
            flat[name] = value
    if clashes:
        raise ValidationFailed(
            "An argument was given twice",
            errors=[
                {"field": _clip(name), "message": "is given in more than one of path, query and body"}
                for name in clashes
            ],
        )
    return flat


async def run_action(
    platform: Platform,
    project: Project,
    account_id: str,
    action_id: str,
    arguments: Mapping[str, Any],
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    files: Mapping[str, FilePart] | None = None,
    passthrough: Sequence[tuple[str, str]] = (),
) -> ActionResult:
    """Run `action_id` on an account of `project` with flat `arguments` (values may be strings, as SDKs send
    them: `"5"` for an integer, `"true"`, `"a,b"` for a list), and for an upload its `files`; `passthrough` is
    query pairs sent to the provider as they are (the unified API's `proxy[...]`, checked by
    `linkyard.services.unified.proxied`).

    404 for an unknown account or action; 403 when the action is not enabled on the account's profile or a
    required scope was not granted (naming the missing scopes); 412 when the account or its profile is not
    active; 422 for bad arguments (naming each field, never echoing a value). All of these are decided before
    any call to the provider. Then the provider is called as `send_call` describes, retried only where
    `policy` says it is safe, within the account's and the project's shares of the calls in progress (429
    `concurrency_limited` beyond them: `linkyard.services.fair_share`).
    """
    entry = current_recording()
    if entry is None:
        # Not inside a recorded API call (the CLI runs actions directly): the action is a log of its own.
        entry = Recording(started_at=platform.clock(), source_type="internal")
        try:
            with recording(entry):
                return await run_action(
                    platform,
                    project,
                    account_id,
                    action_id,
                    arguments,
                    policy=policy,
                    files=files,
                    passthrough=passthrough,
                )
        finally:
            entry.finish()
            platform.request_logs.submit(entry)
    # The call is a request log of the project's: the action, the account and how it ended.
    mark_account_call(entry, project, account_id, action_id)
    entry.files += carried_contents(arguments)
    try:
        return await _run(
            platform, project, account_id, action_id, arguments, policy, entry, files, passthrough
        )
    except Exception as exc:
        entry.failure = exc
        raise


async def _run(
    platform: Platform,
    project: Project,
    account_id: str,
    action_id: str,
    arguments: Mapping[str, Any],
    policy: RetryPolicy,
    entry: Recording,
    files: Mapping[str, FilePart] | None = None,
    passthrough: Sequence[tuple[str, str]] = (),
) -> ActionResult:
    # The account and its profile (cached; on a miss one joined read that brings the credentials for the keeper).
    found = await platform.store.accounts.read_recent(project.id, account_id)
    account, profile = found.account, found.profile
    connector = get_connector(account.connector)
    mark_provider(entry, connector, _resource_of(action_id, connector.key))
    action = connector.find_action(action_id)
    if action is None:
        raise NotFound(f"{connector.name} has no such action", code="action_not_found")
    if not is_enabled(action, profile.scopes, profile.actions):
        raise Forbidden(f"{action.id} is not enabled on the account's connector profile")
    # An account whose token response named no scopes is unrestricted: the provider decides (and may say 403).
    missing = action.missing_scopes(account.scopes or None)
    if missing:
        raise Forbidden(
            f"{action.id} needs scope(s) the account did not grant: {', '.join(missing)}",
            missing_scopes=missing,
        )
    check_callable(account, profile)
    context = CallContext(company_id=account.provider_account.company_id, now=platform.clock())
    request = build_request(action, arguments, context=context, files=files, passthrough=passthrough)
    base_url = base_url_of(platform, connector, profile.environment)
    call = Call(base_url=base_url, request=request, action_id=action.id, provider_name=connector.name)
    response = await send_on_account(platform, project.id, account_id, call, policy=policy, read=found)
    return _result(action, request, response, connector.name)


async def list_actions(
    platform: Platform,
    project: Project,
    *,
    account_ids: Sequence[str] = (),
    connectors: Sequence[str] = (),
    action_ids: Sequence[str] = (),
) -> list[ConnectorActions]:
    """The actions callers may run, per connector, in catalogue order, then the unified operations each
    connector's mapping offers as tools (`GET /actions`).

    `connectors` keeps only those connector keys, `action_ids` only those actions (unknown values match
    nothing; a connector left without actions is not listed). With `account_ids`, only the
    actions enabled on those accounts' connector profiles are listed (their union), and only connectors they
    belong to; an account that is not the project's is 404.
    """
    wanted = set(connectors)
    selected = [c for c in list_connectors() if not wanted or c.key in wanted]
    listed = await _enabled_actions(platform, project, selected, account_ids)
    if action_ids:
        keep = set(action_ids)
        listed = [
            ConnectorActions(entry.connector, tuple(a for a in entry.actions if a.id in keep))
            for entry in listed
        ]
        listed = [entry for entry in listed if entry.actions]
    return listed


async def _enabled_actions(
    platform: Platform, project: Project, selected: Sequence[Connector], account_ids: Sequence[str]
) -> list[ConnectorActions]:
    if not account_ids:
        return [ConnectorActions(connector, connector.tools) for connector in selected]
    enabled: dict[str, set[str]] = {}
    for account_id in dict.fromkeys(account_ids):
        account = await platform.store.accounts.get(project.id, account_id)
        profile = await platform.store.connector_profiles.get(project.id, account.profile_id)
        connector = get_connector(account.connector)
        ids = enabled.setdefault(connector.key, set())
        ids.update(action.id for action in enabled_actions(connector, profile.scopes, profile.actions))
    return [
        ConnectorActions(connector, tuple(a for a in connector.tools if a.id in enabled[connector.key]))
        for connector in selected
        if connector.key in enabled
    ]


def _result(
    action: Action, request: PreparedRequest, response: ProviderResponse, provider_name: str
) -> ActionResult:
    try:
        payload = response.json() if response.content else None
    except ValueError:
        raise ProviderError(f"{provider_name} answered with something that is not JSON") from None
    links = None
    if action.result == "list" and "link" in response.headers:
        links = {str(rel): str(link.get("url", "")) for rel, link in response.links.items()}
    data, next_cursor = extract_result(action, payload, arguments=dict(request.paging), links=links)
    return ActionResult(data, next_cursor, action.result == "list", response)


def _resource_of(action_id: str, connector_key: str) -> str | None:
    """`employees` of `factorialhr_list_employees`: what an action acts on, by the catalogue's naming rule."""
    _, _, rest = action_id.partition(f"{connector_key}_")
    _, _, noun = rest.partition("_")
    return noun or None


def _clip(name: str) -> str:
    text = "".join(ch if ch.isalnum() or ch in "_-." else "?" for ch in str(name))
    return text if len(text) <= 64 else f"{text[:61]}..."
