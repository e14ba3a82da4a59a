"""HR data events: accounts' subscriptions at their providers (planned on link, made in the background,
deleted on unlink) and the deliveries they bring, recorded as unified events."""

from linkyard.services.provider_events.inbound import receive_delivery
from linkyard.services.provider_events.planning import (
    account_subscriptions,
    plan_project,
    planned_subscriptions,
    wants_data_events,
)
from linkyard.services.provider_events.subscriber import Subscriber, unsubscribe_account

__all__ = [
    "Subscriber",
    "account_subscriptions",
    "plan_project",
    "planned_subscriptions",
    "receive_delivery",
    "unsubscribe_account",
    "wants_data_events",
]
