"""StackOne's `proxy[...]` on a unified list: query parameters passed through to the provider's list call, under
the proxy's rules (`POST /unified/proxy`'s): the connector opens its proxy to the list's path, the profile enables
and the account granted the scopes the proxy asks there, and every name and value is plain text."""

from __future__ import annotations

import re
from collections.abc import Mapping

from linkyard.connectors import Connector
from linkyard.domain import Project
from linkyard.errors import FieldError, Forbidden, ValidationFailed
from linkyard.services.platform import Platform

MAX_PROXIED = 20
MAX_VALUE = 1000
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}(\[\])?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def proxied_query(
    platform: Platform,
    project: Project,
    account_id: str,
    connector: Connector,
    action_id: str,
    given: Mapping[str, str],
) -> tuple[tuple[str, str], ...]:
    """The query pairs to pass to `action_id`'s call; 422 naming `proxy[<name>]` for a name or value the proxy
    would not send, or `proxy` when the connector's proxy does not reach the list's path; 403 naming the scopes
    the proxy needs there that the profile does not enable or the account did not grant."""
    if not given:
        return ()
    problems: list[FieldError] = []
    if len(given) > MAX_PROXIED:
        problems.append({"field": "proxy", "message": f"takes at most {MAX_PROXIED} parameters"})
    for name, value in given.items():
        if not _NAME.match(name):
            problems.append(
                {"field": "proxy[?]", "message": "a name is letters, digits, _ . - (and [] last)"}
            )
        elif len(value) > MAX_VALUE or _CONTROL.search(value):
            problems.append({"field": f"proxy[{name}]", "message": "is too long or holds control characters"})
    declared = connector.proxy
    path = connector.action(action_id).path
    rule = declared.rule_for(tuple(path.strip("/").split("/"))) if declared is not None else None
    if rule is None:
        problems.append({"field": "proxy", "message": f"{connector.name}'s proxy does not reach this list"})
    if problems:
        raise ValidationFailed("Invalid proxied parameters", errors=problems)
    assert rule is not None
    found = await platform.store.accounts.read_recent(project.id, account_id)
    profile, account = found.profile, found.account
    not_enabled = [scope for scope in rule.scopes if profile.scopes and scope not in profile.scopes]
    missing = [scope for scope in rule.scopes if account.scopes and scope not in account.scopes]
    if not_enabled or missing:
        needed = not_enabled or missing
        raise Forbidden(
            f"Proxied parameters need scope(s) the account's profile or grant lacks: {', '.join(needed)}",
            missing_scopes=needed,
        )
    return tuple(given.items())
