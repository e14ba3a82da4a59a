"""The redaction every request log goes through, against a table of hostile inputs: credentials by name (any
casing and separator), by value (wherever the value reappears) and by shape (API keys, bearer and basic
credentials, JWTs, URL credentials)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from linkyard.services.redaction import REDACTED, Redactor

KEY = "lk_" + "a1B2c3D4e5" * 4
TOKEN = "tok-9f8e7d6c5b4a"
BASIC = "Basic " + base64.b64encode(b"client-id-1:client-secret-2").decode()

BODIES: list[tuple[str, Any, list[str]]] = [
    ("access_token field", {"access_token": "s3cr3t-at"}, ["s3cr3t-at"]),
    ("refresh-token dashed", {"Refresh-Token": "s3cr3t-rt"}, ["s3cr3t-rt"]),
    ("client secret nested", {"a": [{"b": {"clientSecret": "s3cr3t-cs"}}]}, ["s3cr3t-cs"]),
    ("password upper", {"PASSWORD": "hunter22"}, ["hunter22"]),
    ("api key in free text", {"note": f"use {KEY} please"}, [KEY]),
    ("bearer in free text", {"note": "Authorization: Bearer abc.def-ghi"}, ["abc.def-ghi"]),
    ("jwt", {"id": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"}, ["eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"]),
    ("oauth code", {"code": "auth-code-123", "state": "state-456"}, ["auth-code-123", "state-456"]),
    ("url credentials", {"url": "https://user:pa55word@example.com/x"}, ["pa55word"]),
    ("a known token echoed back", {"echo": f"prefix{TOKEN}suffix"}, [TOKEN]),
    ("a known token as a key", {TOKEN: 1}, [TOKEN]),
    ("a basic credential's parts", {"who": "client-secret-2"}, ["client-secret-2"]),
]


@pytest.mark.parametrize(("case", "body", "hidden"), BODIES, ids=[case for case, _, _ in BODIES])
def test_json_bodies_lose_every_credential(case: str, body: Any, hidden: list[str]) -> None:
    redactor = Redactor([TOKEN])
    redactor.headers([("Authorization", BASIC)])
    kept = str(redactor.body(_json(body), "application/json"))
    for secret in hidden:
        assert secret not in kept, case


def test_headers_by_name_in_any_casing_and_their_values_everywhere_after() -> None:
    redactor = Redactor()
    kept = redactor.headers(
        [
            ("AUTHORIZATION", f"Bearer {TOKEN}"),
            ("Cookie", "sid=cookie-value-1"),
            ("Set-Cookie", "sid=cookie-value-2; HttpOnly"),
            ("X-Api-Key", "header-key-3"),
            ("X-Auth-Token", "header-token-4"),
            ("Content-Type", "application/json"),
            ("X-Account-Id", "acc_123"),
        ]
    )
    assert kept["authorization"] == kept["cookie"] == kept["set-cookie"] == REDACTED
    assert kept["x-api-key"] == kept["x-auth-token"] == REDACTED
    assert (kept["content-type"], kept["x-account-id"]) == ("application/json", "acc_123")
    assert TOKEN not in redactor.text(f"the token was {TOKEN}")
    assert "cookie-value-1" not in redactor.text("sid=cookie-value-1")


def test_urls_keep_no_query_secret_or_credentials() -> None:
    redactor = Redactor()
    url, query = redactor.url(
        f"https://admin:pw-123456@api.example.com/v1/x?api_key={KEY}&access_token=at-1&page=2&Key=k-99"
    )
    assert url == "https://api.example.com/v1/x"
    assert query == {"api_key": REDACTED, "access_token": REDACTED, "page": "2", "Key": REDACTED}


def test_forms_and_text_bodies() -> None:
    redactor = Redactor()
    form = redactor.body(
        b"grant_type=refresh_token&refresh_token=rt-abcdef&client_secret=cs-abcdef",
        "application/x-www-form-urlencoded",
    )
    assert form == {"grant_type": "refresh_token", "refresh_token": REDACTED, "client_secret": REDACTED}
    text = redactor.body(b"error: refresh token rt-abcdef was revoked", "text/plain")
    assert "rt-abcdef" not in str(text)
    assert redactor.value({"client_secret": "cs-abcdef", "other": "cs-abcdef"}) == {
        "client_secret": REDACTED,
        "other": REDACTED,
    }


def _json(value: Any) -> bytes:
    import orjson

    return orjson.dumps(value)
