"""The sans-IO flow pieces (`linkyard.oauth.flow`): state, PKCE, the authorize URL, the binding cookie, the callback."""

from __future__ import annotations

import pytest

from linkyard.connectors import get_connector
from linkyard.oauth import endpoints_for
from linkyard.oauth.flow import (
    authorize_url,
    binding_cookie,
    binding_cookie_name,
    new_browser_binding,
    new_pkce_pair,
    new_state,
    parse_callback,
    pkce_challenge,
)

ENDPOINTS = endpoints_for(get_connector("factorialhr"), "sandbox", "http://factorial.test")


def test_states_and_bindings_carry_256_random_bits() -> None:
    states = {new_state() for _ in range(100)}
    assert len(states) == 100
    assert all(len(state) >= 43 for state in states)
    assert len(new_browser_binding()) >= 43


def test_a_pkce_challenge_is_the_s256_of_its_verifier() -> None:
    # RFC 7636 appendix B.
    assert (
        pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    pair = new_pkce_pair()
    assert 43 <= len(pair.verifier) <= 128
    assert pair.challenge == pkce_challenge(pair.verifier)
    assert pair.method == "S256"
    assert pair.verifier not in repr(pair)


def test_the_authorize_url_has_every_parameter_of_the_flow() -> None:
    url = authorize_url(
        ENDPOINTS,
        client_id="client 1",
        redirect_uri="https://linkyard.example/connect/oauth2/factorialhr/callback",
        scopes=["employees", "time_off"],
        state="s-1",
        code_challenge="c-1",
        extra_params={"resource_owner_type": "company"},
    )
    assert url == (
        "http://factorial.test/oauth/authorize?response_type=code&client_id=client+1"
        "&redirect_uri=https%3A%2F%2Flinkyard.example%2Fconnect%2Foauth2%2Ffactorialhr%2Fcallback"
        "&scope=employees+time_off&state=s-1&code_challenge=c-1&code_challenge_method=S256"
        "&resource_owner_type=company"
    )


def test_no_scopes_means_no_scope_parameter() -> None:
    url = authorize_url(
        ENDPOINTS, client_id="c", redirect_uri="https://x/cb", scopes=None, state="s", code_challenge="c"
    )
    assert "scope=" not in url


def test_extra_parameters_cannot_override_the_flow() -> None:
    with pytest.raises(ValueError, match="redirect_uri"):
        authorize_url(
            ENDPOINTS,
            client_id="c",
            redirect_uri="https://x/cb",
            scopes=None,
            state="s",
            code_challenge="c",
            extra_params={"redirect_uri": "https://evil.example/cb"},
        )


def test_the_binding_cookie_is_named_per_state_and_locked_down() -> None:
    cookie = binding_cookie("state-a", "binding", max_age=600, secure=True)
    assert cookie.name == binding_cookie_name("state-a") != binding_cookie_name("state-b")
    assert "state-a" not in cookie.name
    assert cookie.httponly and cookie.samesite == "lax" and cookie.secure
    assert cookie.path == "/connect/oauth2/"
    assert "binding" not in repr(cookie)


def test_the_callback_query_is_read_defensively() -> None:
    params = parse_callback({"code": "c", "state": "", "error": 'bad"code', "error_description": "x" * 1000})
    assert params.code == "c"
    assert params.state is None
    assert params.error == "invalid_error"
    assert params.error_description == "x" * 300
    assert parse_callback({"state": "s" * 5000}).state is None
    assert "code-sentinel" not in repr(parse_callback({"code": "code-sentinel", "state": "code-sentinel"}))
