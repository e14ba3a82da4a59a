"""Random bearer secrets (API keys, session tokens, OAuth states) and the SHA-256 digests stored instead."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_BYTES = 32  # 256 bits


def new_secret(prefix: str) -> str:
    """A fresh bearer secret with 256 random bits, such as `lk_...`."""
    return f"{prefix}{secrets.token_urlsafe(SECRET_BYTES)}"


def digest(secret: str) -> str:
    """The SHA-256 hex digest stored in place of a high-entropy secret (no salt needed at 256 bits)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def digests_match(stored: str, secret: str) -> bool:
    """Compare a stored digest with a presented secret in constant time."""
    return hmac.compare_digest(stored.encode("ascii"), digest(secret).encode("ascii"))
