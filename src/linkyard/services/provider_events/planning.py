"""Which subscriptions an account should have at its provider, by what it granted; planned when it is linked
and when a webhook of its project starts wanting HR data events."""

from __future__ import annotations

from collections.abc import Collection

from linkyard.connectors import Connector, get_connector
from linkyard.domain import Project
from linkyard.domain.events import DATA_EVENT_TYPES, EventSubscription, PlannedSubscription
from linkyard.services.platform import Platform

PAGE = 500


def planned_subscriptions(connector: Connector, scopes: Collection[str]) -> list[PlannedSubscription]:
    """One per kind of change the connector's provider pushes: to be made, or not for want of a scope (an
    account whose token named no scopes is unrestricted, as for actions: the provider decides)."""
    if connector.events is None:
        return []
    planned = []
    for source in connector.events.sources:
        missing = [scope for scope in source.scopes if scopes and scope not in scopes]
        planned.append(
            PlannedSubscription(
                subscription=source.subscription,
                event_type=source.event,
                status="missing_scope" if missing else "pending",
                detail=f"the account did not grant the scope {', '.join(missing)}" if missing else None,
            )
        )
    return planned


def wants_data_events(event_types: Collection[str]) -> bool:
    return any(event_type in DATA_EVENT_TYPES for event_type in event_types)


async def plan_project(platform: Platform, project: Project) -> None:
    """Plan the subscriptions every account of the project lacks (a webhook now wants HR data events)."""
    after = None
    while True:
        accounts = await platform.store.accounts.list(project.id, after=after, limit=PAGE)
        if not accounts:
            return
        await platform.store.event_subscriptions.plan(
            project.id,
            {
                account.id: planned_subscriptions(get_connector(account.connector), account.scopes)
                for account in accounts
            },
        )
        if len(accounts) < PAGE:
            return
        after = (accounts[-1].created_at, accounts[-1].id)


async def account_subscriptions(
    platform: Platform, project: Project, account_id: str
) -> list[EventSubscription]:
    """The account's subscriptions at its provider and where each stands (its page shows them)."""
    return await platform.store.event_subscriptions.of_account(project.id, account_id)
