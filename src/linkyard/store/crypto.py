"""The encryption key ring: AES-256-GCM with associated data that binds each ciphertext to its row and column.

Ciphertext text format: `v1.<kid>.<base64url(nonce || ciphertext+tag)>`. The first key of the ring encrypts;
every key decrypts, so keys rotate by putting a new key first and running `linkyard.store.rotate`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from linkyard.errors import DecryptionFailed, KeyRingError

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
_KID = re.compile(r"^[A-Za-z0-9-]{1,32}$")
_HOW = "LINKYARD_ENCRYPTION_KEYS must be 'kid:base64key[,kid:base64key...]' with 32-byte keys"


class KeyRing:
    """Named AES-256 keys; the first encrypts, all decrypt. Its repr never shows key material."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyRingError(f"no encryption key configured: {_HOW}")
        self._aeads: dict[str, AESGCM] = {}
        for index, (kid, key) in enumerate(keys, start=1):
            if not _KID.match(kid):
                raise KeyRingError(
                    f"encryption key entry {index}: the key id must be 1-32 letters, digits or '-'"
                )
            if len(key) != KEY_BYTES:
                raise KeyRingError(
                    f"encryption key entry {index}: the key must be {KEY_BYTES} bytes, not {len(key)}"
                )
            if kid in self._aeads:
                raise KeyRingError(f"encryption key entry {index}: the key id repeats an earlier entry's")
            self._aeads[kid] = AESGCM(key)
        self.primary_kid = keys[0][0]

    @classmethod
    def parse(cls, text: SecretStr | str | None) -> KeyRing:
        """Parse `kid:base64key[,...]`; errors name the entry's position, never its content."""
        raw = text.get_secret_value() if isinstance(text, SecretStr) else (text or "")
        entries = [entry.strip() for entry in raw.split(",")]
        if not any(entries):
            raise KeyRingError(f"no encryption key configured: {_HOW}")
        keys: list[tuple[str, bytes]] = []
        for index, entry in enumerate(entries, start=1):
            kid, sep, encoded = entry.partition(":")
            if not sep or not kid.strip() or not encoded.strip():
                raise KeyRingError(f"encryption key entry {index} is malformed: {_HOW}")
            keys.append((kid.strip(), _decode_key(encoded.strip(), index)))
        return cls(keys)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._aeads)

    def prefix(self, kid: str | None = None) -> str:
        """The text every ciphertext under `kid` (default: the encrypting key) starts with."""
        return f"{VERSION}.{kid or self.primary_kid}."

    def encrypt(self, plaintext: str, context: str, *, kid: str | None = None) -> str:
        """Encrypt under the first key (or `kid`), bound to `context` (`account|prj|acc|refresh_token`)."""
        kid = kid or self.primary_kid
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aeads[kid].encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{VERSION}.{kid}.{body}"

    def decrypt(self, ciphertext: str, context: str) -> str:
        """Decrypt with the key named in the ciphertext; any mismatch (key, row, column, tampering) fails."""
        version, _, rest = ciphertext.partition(".")
        kid, _, body = rest.partition(".")
        if version != VERSION or not body:
            raise DecryptionFailed("stored secret is not in a known ciphertext format")
        aead = self._aeads.get(kid)
        if aead is None:
            raise DecryptionFailed(
                f"stored secret is encrypted under key id {kid!r}, which is not configured"
            )
        try:
            blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plaintext = aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8"))
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionFailed(
                "stored secret failed to decrypt (wrong key, or moved from its row)"
            ) from None
        return plaintext.decode("utf-8")

    def __repr__(self) -> str:
        return f"KeyRing(kids={self.kids!r})"


def _decode_key(encoded: str, index: int) -> bytes:
    try:
        if "-" in encoded or "_" in encoded:
            return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise KeyRingError(f"encryption key entry {index}: the key is not valid base64") from None


def generate_key_entry(kid: str | None = None) -> str:
    """A new `kid:base64key` entry with a fresh random 256-bit key, to put first in the key ring."""
    kid = kid or f"k{secrets.token_hex(4)}"
    if not _KID.match(kid):
        raise KeyRingError("a key id must be 1-32 letters, digits or '-'")
    return f"{kid}:{base64.b64encode(os.urandom(KEY_BYTES)).decode('ascii')}"
