"""The key ring: AES-256-GCM bound to row and column, parse errors that never echo key material."""

from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from linkyard.errors import DecryptionFailed, KeyRingError
from linkyard.store import KeyRing, generate_key_entry

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(100, 132))).decode()
CONTEXT = "account|prj_a|acc_a|refresh_token"


def test_a_secret_round_trips_and_the_ciphertext_names_its_key() -> None:
    ring = KeyRing.parse(f"k1:{KEY_A}")
    sealed = ring.encrypt("refresh-me", CONTEXT)
    assert sealed.startswith("v1.k1.")
    assert "refresh-me" not in sealed
    assert ring.decrypt(sealed, CONTEXT) == "refresh-me"


def test_the_same_secret_encrypts_differently_each_time() -> None:
    ring = KeyRing.parse(f"k1:{KEY_A}")
    assert ring.encrypt("same", CONTEXT) != ring.encrypt("same", CONTEXT)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "account|prj_a|acc_b|refresh_token",  # another account
        "account|prj_b|acc_a|refresh_token",  # another project
        "account|prj_a|acc_a|access_token",  # another column
    ],
)
def test_a_ciphertext_moved_to_another_row_or_column_does_not_decrypt(elsewhere: str) -> None:
    ring = KeyRing.parse(f"k1:{KEY_A}")
    sealed = ring.encrypt("refresh-me", CONTEXT)
    with pytest.raises(DecryptionFailed):
        ring.decrypt(sealed, elsewhere)


def test_a_tampered_ciphertext_does_not_decrypt() -> None:
    ring = KeyRing.parse(f"k1:{KEY_A}")
    sealed = ring.encrypt("refresh-me", CONTEXT)
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    for bad in (flipped, sealed[:-4], "v2" + sealed[2:], "garbage"):
        with pytest.raises(DecryptionFailed):
            ring.decrypt(bad, CONTEXT)


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old = KeyRing.parse(f"old:{KEY_A}")
    sealed_old = old.encrypt("s", CONTEXT)
    both = KeyRing.parse(f"new:{KEY_B},old:{KEY_A}")
    assert both.encrypt("s", CONTEXT).startswith("v1.new.")
    assert both.decrypt(sealed_old, CONTEXT) == "s"
    with pytest.raises(DecryptionFailed, match="'old'"):
        KeyRing.parse(f"new:{KEY_B}").decrypt(sealed_old, CONTEXT)


def test_a_key_under_the_right_id_but_wrong_material_does_not_decrypt() -> None:
    sealed = KeyRing.parse(f"k1:{KEY_A}").encrypt("s", CONTEXT)
    with pytest.raises(DecryptionFailed):
        KeyRing.parse(f"k1:{KEY_B}").decrypt(sealed, CONTEXT)


def test_generated_entries_parse_and_are_distinct() -> None:
    first, second = generate_key_entry(), generate_key_entry("k2")
    assert first != second
    assert second.startswith("k2:")
    ring = KeyRing.parse(SecretStr(f"{second},{first}"))
    assert ring.primary_kid == "k2"
    assert len(ring.kids) == 2


def test_urlsafe_and_unpadded_base64_keys_are_accepted() -> None:
    raw = bytes([251] * 32)
    urlsafe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert "-" in urlsafe or "_" in urlsafe
    ring = KeyRing.parse(f"k1:{urlsafe}")
    assert ring.decrypt(ring.encrypt("x", CONTEXT), CONTEXT) == "x"


SHORT = base64.b64encode(b"sixteen-byte-key").decode()


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (None, None),
        ("", None),
        (" , ", None),
        (f"{KEY_A}", 1),  # no key id
        (f"k1:{KEY_A},:{KEY_B}", 2),  # empty key id
        (f"k1:{KEY_A},k2:", 2),  # no key
        (f"k1:{KEY_A},k2:not*base64*{KEY_B[:10]}", 2),
        (f"k1:{SHORT}", 1),
        (f"k1:{KEY_A},k1:{KEY_B}", 2),  # repeated id
        (f"bad id!:{KEY_A}", 1),
    ],
)
def test_key_ring_errors_name_the_entry_and_never_echo_key_material(
    text: str | None, entry: int | None
) -> None:
    with pytest.raises(KeyRingError) as caught:
        KeyRing.parse(text)
    message = str(caught.value)
    if entry is None:
        assert "no encryption key" in message
    else:
        assert f"entry {entry}" in message
    for material in (KEY_A, KEY_B, SHORT, KEY_A[:12], KEY_B[:10], SHORT[:12], "sixteen-byte-key"):
        assert material not in message
        assert material not in repr(caught.value)


def test_the_key_ring_repr_shows_key_ids_only() -> None:
    ring = KeyRing.parse(f"k1:{KEY_A}")
    assert repr(ring) == "KeyRing(kids=('k1',))"
    assert KEY_A not in repr(ring)
