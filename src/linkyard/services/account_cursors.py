"""The opaque `next` cursor of account lists: where the next page starts, as text a client hands back.

Lists are read by keyset (the accounts after the last one shown, in creation order), so the last of 100,000
accounts costs what the first page does, where `OFFSET` read every row before it. The cursor is the last shown
account's creation time and id, and, for a filtered list, a digest of its filters (`filters_scope`): a cursor
only continues the list it came from, since under other filters the position it names means another page. It
is opaque to clients (its shape may change) and checked when it comes back.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Collection, Mapping
from datetime import datetime

from linkyard.domain import Account
from linkyard.errors import BadRequest

MAX_CURSOR = 200
_ACCOUNT_ID = re.compile(r"acc_[a-z2-7]{1,36}")
_SCOPE = re.compile(r"[0-9a-f]{16}")


def filters_scope(filters: Mapping[str, Collection[str]]) -> str:
    """A short digest of a list's filters (each one's set of values; an empty filter is no filter), the same
    whatever the order the values came in; `""` for the unfiltered list."""
    wanted = {name: sorted(set(values)) for name, values in sorted(filters.items()) if values}
    if not wanted:
        return ""
    return hashlib.sha256(json.dumps(wanted, separators=(",", ":")).encode()).hexdigest()[:16]


def next_cursor(account: Account, scope: str = "") -> str:
    """The cursor of the page after the one that ends with `account`, in the list `scope` names."""
    raw = f"{account.created_at.isoformat()} {account.id}" + (f" {scope}" if scope else "")
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_cursor(cursor: str, scope: str = "") -> tuple[datetime, str]:
    """The `(created_at, id)` a cursor of the list `scope` names; a clear 400 for anything that is not one of
    ours, or one of another list's (other filters)."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, account_id, *rest = raw.split(" ")
        when = datetime.fromisoformat(created)
        shaped = _ACCOUNT_ID.fullmatch(account_id) and all(_SCOPE.fullmatch(part) for part in rest)
        if when.tzinfo is None or not shaped or len(rest) > 1:
            raise ValueError("not a cursor")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(
            "Invalid `next` cursor: pass the `next` of the previous page unchanged", code="invalid_cursor"
        ) from None
    if (rest[0] if rest else "") != scope:
        raise BadRequest(
            "This `next` cursor belongs to a list with other filters: repeat the filters of the page that gave it",
            code="invalid_cursor",
        )
    return when, account_id
