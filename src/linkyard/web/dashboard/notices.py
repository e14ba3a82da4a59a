"""The one-line notices a page shows after a change (`?notice=profile_created`): fixed texts, so that a link
cannot make the dashboard say anything else."""

from __future__ import annotations

NOTICES: dict[str, str] = {
    "signed_out": "You are signed out.",
    "project_created": "Project created.",
    "api_key_revoked": "The API key is revoked: requests with it now get 401.",
    "profile_created": "Connector profile created. It is ready to link accounts.",
    "profile_updated": "Connector profile saved.",
    "profile_disabled": "Connector profile disabled: linking and actions through it stop until it is enabled.",
    "profile_enabled": "Connector profile enabled.",
    "profile_deleted": "Connector profile deleted.",
    "account_updated": "Linked account saved.",
    "account_unlinked": "Account unlinked: its tokens were revoked at the provider and wiped here.",
    "account_suspended": "Account suspended: actions on it answer 412 until you resume it.",
    "account_resumed": "Account resumed: actions run on it again.",
    "origins_updated": "Allowed origins saved.",
    "webhook_test_sent": "Test event queued: it arrives within seconds.",
    "webhook_enabled": "Webhook turned on: events are sent to it again.",
    "webhook_disabled": "Webhook turned off: no events are sent to it.",
    "webhook_replayed": "Events queued again: they are sent with their original webhook-id.",
    "webhook_replay_empty": "No event to replay in that range.",
    "webhook_deleted": "Webhook deleted.",
}


def notice_text(code: str | None) -> str | None:
    return NOTICES.get(code) if code else None
