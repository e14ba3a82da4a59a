"""Object ids: a type prefix and 130 random bits in lowercase base32 (`acc_...`), safe in URLs and logs."""

from __future__ import annotations

import base64
import secrets
from typing import Literal

IdPrefix = Literal[
    "prj", "key", "cpr", "cs", "acc", "ost", "tfb", "req", "ca", "whk", "evt", "dlv", "att", "esub"
]


def new_id(prefix: IdPrefix) -> str:
    """A fresh random id such as `acc_3wz7...`; ids are not secrets, only unguessable."""
    body = base64.b32encode(secrets.token_bytes(17)).decode("ascii").rstrip("=").lower()
    return f"{prefix}_{body}"
