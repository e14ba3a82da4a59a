"""Events and webhooks: endpoints per project, the deliverer every worker runs, and safe, signed sending."""

from linkyard.services.webhooks.deliverer import Deliverer
from linkyard.services.webhooks.endpoints import (
    create_webhook,
    delete_webhook,
    get_delivery,
    get_event,
    get_webhook,
    list_deliveries,
    list_events,
    list_webhooks,
    replay_events,
    rotate_webhook_secret,
    send_test_event,
    update_webhook,
)

__all__ = [
    "Deliverer",
    "create_webhook",
    "delete_webhook",
    "get_delivery",
    "get_event",
    "get_webhook",
    "list_deliveries",
    "list_events",
    "list_webhooks",
    "replay_events",
    "rotate_webhook_secret",
    "send_test_event",
    "update_webhook",
]
