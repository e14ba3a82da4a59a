"""Checking, before the first of several provider calls, that every one of them may run: a unified operation
that reads a record to find another (an employee's access id, then its tasks) answers the 403 of a scope the
account lacks before anything reaches the provider, as a single action would."""

from __future__ import annotations

from collections.abc import Sequence

from linkyard.connectors import get_connector, is_enabled
from linkyard.domain import Project
from linkyard.errors import Forbidden
from linkyard.services.platform import Platform


async def check_steps(
    platform: Platform, project: Project, account_id: str, action_ids: Sequence[str]
) -> None:
    """403 when the account's profile does not enable one of `action_ids`, or naming every scope they need that
    the account did not grant; as `run_action` would answer for the first of them."""
    found = await platform.store.accounts.read_recent(project.id, account_id)
    account, profile = found.account, found.profile
    connector = get_connector(account.connector)
    missing: dict[str, None] = {}
    for action_id in action_ids:
        action = connector.action(action_id)
        if not is_enabled(action, profile.scopes, profile.actions):
            raise Forbidden(f"{action.id} is not enabled on the account's connector profile")
        missing.update(dict.fromkeys(action.missing_scopes(account.scopes or None)))
    if missing:
        raise Forbidden(
            f"{', '.join(action_ids)} need scope(s) the account did not grant: {', '.join(missing)}",
            missing_scopes=list(missing),
        )
