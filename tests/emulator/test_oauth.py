"""The emulator's OAuth server over HTTP: consent → code → token, rotation, revocation, PKCE, errors, stats.

Each test builds a tiny world by hand (one company, an admin, a basic user, one application) so every rule is
visible in the test; the full seeded emulator is exercised by the REST and SDK tests.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from linkyard.emulator.factorial.oauth import oauth_routes, principal_for_access_token
from linkyard.emulator.factorial.pages import page_routes
from linkyard.emulator.factorial.state import Clock, Company, OAuthApplication, Row, World
from linkyard.emulator.factorial.tokens import create_application, revoke_company_tokens, revoke_token

BASE = "http://factorial.test"
REDIRECT = "https://app.example/callback"
NOW = 1_750_000_000.0


@dataclass
class Env:
    world: World
    http: httpx.AsyncClient
    company: Company
    admin: Row
    basic: Row
    app: OAuthApplication


def add_employee(world: World, company: Company, email: str, *, role: str = "basic", **extra: Any) -> Row:
    first, _, last = email.split("@")[0].partition(".")
    row: Row = {
        "first_name": first.title(),
        "last_name": last.title() or "Doe",
        "full_name": f"{first.title()} {last.title() or 'Doe'}",
        "email": email,
        "login_email": email,
        "active": True,
        "_role": role,
        "_can_login": True,
        **extra,
    }
    world.table("employees/employees").insert(company.id, row)
    world.register_login(company.id, row)
    return row


def add_company(world: World, name: str) -> Company:
    return world.add_company(
        name=name,
        legal_name=f"{name} SL",
        tin="B00000000",
        locale="en",
        subscription_plan="business",
        onboarded_on="2020-01-01",
    )


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    world = World(clock=Clock(lambda: NOW))
    company = add_company(world, "Acme")
    admin = add_employee(world, company, "ana.lopez@acme.example", role="admin")
    basic = add_employee(world, company, "bob.smith@acme.example")
    company.admin_employee_id = admin["id"]
    app = create_application(
        world,
        company_id=company.id,
        name="Linkyard",
        redirect_uris=[REDIRECT],
        scopes=["employees", "time_off"],
        confidential=True,
    )
    asgi = Starlette(routes=[*oauth_routes(world), *page_routes(world)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=BASE) as http:
        yield Env(world, http, company, admin, basic, app)


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def consent(
    env: Env, email: str | None = None, app: OAuthApplication | None = None, /, **fields: str
) -> httpx.Response:
    """POST the consent form exactly as the consent page would (no cookie: the user is `login_email`)."""
    app = app or env.app
    form = {
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "",
        "state": "st-1",
        "resource_owner_type": "",
        "code_challenge": "",
        "code_challenge_method": "",
        "login_email": email or env.basic["login_email"],
        "decision": "approve",
    }
    form.update(fields)
    return await env.http.post("/oauth/authorize", data=form)


def redirect_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(REDIRECT)
    return dict(location.params)


async def code_for(env: Env, email: str | None = None, **fields: str) -> str:
    params = redirect_params(await consent(env, email, **fields))
    assert params["state"] == fields.get("state", "st-1")
    return params["code"]


async def exchange(
    env: Env, code: str, /, *, app: OAuthApplication | None = None, **fields: str | None
) -> httpx.Response:
    app = app or env.app
    form: dict[str, str | None] = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    form.update(fields)
    return await env.http.post("/oauth/token", data={k: v for k, v in form.items() if v is not None})


async def refresh(env: Env, refresh_token: str, **fields: str) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": env.app.client_id,
        "client_secret": env.app.client_secret,
        **fields,
    }
    return await env.http.post("/oauth/token", data=form)


async def user_token(env: Env, email: str | None = None) -> dict[str, Any]:
    response = await exchange(env, await code_for(env, email))
    assert response.status_code == 200, response.text
    return dict(response.json())


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]
    assert response.headers["cache-control"] == "no-store"


# --- authorization code → tokens ----------------------------------------------------------------


async def test_consent_then_code_exchange_returns_a_user_token_with_all_six_fields(env: Env) -> None:
    response = await exchange(env, await code_for(env))

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope", "created_at"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "employees time_off"
    assert body["created_at"] == int(NOW)
    assert len(body["access_token"]) == 64 and int(body["access_token"], 16) >= 0
    assert body["refresh_token"] != body["access_token"]


async def test_user_access_token_acts_as_the_consenting_employee_with_the_granted_scopes(env: Env) -> None:
    token = await user_token(env)

    principal = principal_for_access_token(env.world, token["access_token"])

    assert principal is not None
    assert principal.kind == "user"
    assert principal.company_id == env.company.id
    assert principal.employee_id == env.basic["id"]
    assert principal.is_admin is False
    assert principal.scopes == frozenset({"employees", "time_off"})
    assert principal_for_access_token(env.world, token["refresh_token"]) is None
    assert principal_for_access_token(env.world, "0" * 64) is None


async def test_user_access_token_expires_after_the_access_token_ttl(env: Env) -> None:
    token = await user_token(env)
    env.world.clock.advance(3599)
    assert principal_for_access_token(env.world, token["access_token"]) is not None

    env.world.clock.advance(2 * 3600)

    assert principal_for_access_token(env.world, token["access_token"]) is None


async def test_expires_in_follows_the_access_token_ttl_setting(env: Env) -> None:
    env.world.settings.access_token_ttl = 7200

    token = await user_token(env)

    assert token["expires_in"] == 7200


async def test_user_token_stops_working_once_its_employee_is_terminated(env: Env) -> None:
    token = await user_token(env)

    env.basic["active"] = False

    assert principal_for_access_token(env.world, token["access_token"]) is None
    assert_oauth_error(await refresh(env, token["refresh_token"]), 400, "invalid_grant")


async def test_company_token_has_no_expiry_and_no_refresh_token_and_lasts_thirty_days(env: Env) -> None:
    code = await code_for(env, env.admin["login_email"], resource_owner_type="company")
    response = await exchange(env, code)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "scope", "created_at"}
    env.world.clock.advance(30 * 86400)
    principal = principal_for_access_token(env.world, body["access_token"])
    assert principal is not None
    assert principal.kind == "company"
    assert principal.employee_id is None
    assert principal.company_id == env.company.id


async def test_company_token_is_dead_once_revoked(env: Env) -> None:
    code = await code_for(env, env.admin["login_email"], resource_owner_type="company")
    first = (await exchange(env, code)).json()["access_token"]
    code = await code_for(env, env.admin["login_email"], resource_owner_type="company")
    second = (await exchange(env, code)).json()["access_token"]

    assert revoke_token(env.world, first) is True
    assert principal_for_access_token(env.world, first) is None
    assert principal_for_access_token(env.world, second) is not None
    assert revoke_company_tokens(env.world, env.company.id) == 1
    assert principal_for_access_token(env.world, second) is None
    assert env.world.stats.revocations == 2


async def test_company_token_outlives_the_admin_who_granted_it(env: Env) -> None:
    code = await code_for(env, env.admin["login_email"], resource_owner_type="company")
    token = (await exchange(env, code)).json()["access_token"]

    env.admin["active"] = False

    assert principal_for_access_token(env.world, token) is not None


async def test_non_admin_cannot_grant_a_company_token(env: Env) -> None:
    params = redirect_params(await consent(env, env.basic["login_email"], resource_owner_type="company"))

    assert params["error"] == "access_denied"
    assert params["state"] == "st-1"
    assert "code" not in params
    assert env.world.codes == {}


# --- refresh and rotation -----------------------------------------------------------------------


async def test_strict_rotation_gives_a_working_new_pair_and_kills_the_old_pair(env: Env) -> None:
    old = await user_token(env)

    response = await refresh(env, old["refresh_token"])

    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"access_token", "token_type", "expires_in", "refresh_token", "scope", "created_at"}
    assert new["refresh_token"] != old["refresh_token"]
    assert principal_for_access_token(env.world, new["access_token"]) is not None
    assert principal_for_access_token(env.world, old["access_token"]) is None
    assert (await refresh(env, new["refresh_token"])).status_code == 200


async def test_strict_rotation_reuse_of_a_used_refresh_token_revokes_the_whole_grant(env: Env) -> None:
    old = await user_token(env)
    new = (await refresh(env, old["refresh_token"])).json()

    assert_oauth_error(await refresh(env, old["refresh_token"]), 400, "invalid_grant")

    assert principal_for_access_token(env.world, new["access_token"]) is None
    assert_oauth_error(await refresh(env, new["refresh_token"]), 400, "invalid_grant")


async def test_grace_rotation_keeps_the_old_refresh_token_until_the_new_access_token_is_used(
    env: Env,
) -> None:
    env.world.settings.rotation = "grace"
    old = await user_token(env)
    first = (await refresh(env, old["refresh_token"])).json()

    retry = await refresh(env, old["refresh_token"])  # e.g. the first answer was lost
    assert retry.status_code == 200
    second = retry.json()
    assert principal_for_access_token(env.world, old["access_token"]) is None
    assert principal_for_access_token(env.world, second["access_token"]) is not None

    assert_oauth_error(await refresh(env, old["refresh_token"]), 400, "invalid_grant")
    assert principal_for_access_token(env.world, second["access_token"]) is not None, "the grant survives"
    assert principal_for_access_token(env.world, first["access_token"]) is not None
    assert (await refresh(env, second["refresh_token"])).status_code == 200


async def test_refresh_token_expires_after_the_refresh_token_ttl(env: Env) -> None:
    token = await user_token(env)

    env.world.clock.advance(604800)

    assert_oauth_error(await refresh(env, token["refresh_token"]), 400, "invalid_grant")


async def test_refresh_token_of_another_client_is_invalid_grant(env: Env) -> None:
    token = await user_token(env)
    other = create_application(
        env.world, company_id=env.company.id, name="Other", redirect_uris=[REDIRECT], scopes=["employees"]
    )

    response = await refresh(
        env, token["refresh_token"], client_id=other.client_id, client_secret=other.client_secret
    )

    assert_oauth_error(response, 400, "invalid_grant")
    assert (await refresh(env, token["refresh_token"])).status_code == 200, "the owner's token is untouched"


# --- codes --------------------------------------------------------------------------------------


async def test_replayed_code_is_invalid_grant_and_revokes_the_tokens_it_issued(env: Env) -> None:
    code = await code_for(env)
    token = (await exchange(env, code)).json()

    assert_oauth_error(await exchange(env, code), 400, "invalid_grant")

    assert principal_for_access_token(env.world, token["access_token"]) is None
    assert_oauth_error(await refresh(env, token["refresh_token"]), 400, "invalid_grant")


async def test_code_expires_after_the_code_ttl(env: Env) -> None:
    code = await code_for(env)

    env.world.clock.advance(600)

    assert_oauth_error(await exchange(env, code), 400, "invalid_grant")


async def test_redirect_uri_must_be_byte_identical_at_the_token_endpoint(env: Env) -> None:
    code = await code_for(env)

    assert_oauth_error(await exchange(env, code, redirect_uri=REDIRECT + "/"), 400, "invalid_grant")
    assert (await exchange(env, code)).status_code == 200


async def test_code_issued_to_another_client_is_invalid_grant(env: Env) -> None:
    other = create_application(
        env.world, company_id=env.company.id, name="Other", redirect_uris=[REDIRECT], scopes=["employees"]
    )
    code = await code_for(env)

    assert_oauth_error(await exchange(env, code, app=other), 400, "invalid_grant")


async def test_missing_code_or_grant_type_is_invalid_request(env: Env) -> None:
    assert_oauth_error(await exchange(env, "", code=None), 400, "invalid_request")
    assert_oauth_error(await exchange(env, "x", grant_type=None), 400, "invalid_request")
    assert_oauth_error(await refresh(env, ""), 400, "invalid_request")


async def test_unknown_grant_type_is_unsupported_grant_type(env: Env) -> None:
    response = await env.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": env.app.client_id,
            "client_secret": env.app.client_secret,
        },
    )

    assert_oauth_error(response, 400, "unsupported_grant_type")
    assert env.world.stats.token_requests["client_credentials"] == 1


async def test_token_parameters_are_also_accepted_in_the_query_string(env: Env) -> None:
    code = await code_for(env)
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": env.app.client_id,
        "client_secret": env.app.client_secret,
    }

    response = await env.http.post("/oauth/token", params=params)

    assert response.status_code == 200, response.text


# --- client authentication ----------------------------------------------------------------------


async def test_wrong_secret_in_the_body_is_401_invalid_client(env: Env) -> None:
    code = await code_for(env)

    response = await exchange(env, code, client_secret="nope")

    assert_oauth_error(response, 401, "invalid_client")
    assert "www-authenticate" not in response.headers
    assert (await exchange(env, code)).status_code == 200, "a failed client auth does not burn the code"


async def test_wrong_secret_with_http_basic_is_401_invalid_client_with_www_authenticate(env: Env) -> None:
    code = await code_for(env)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}

    response = await env.http.post("/oauth/token", data=form, auth=(env.app.client_id, "nope"))

    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_http_basic_client_authentication_works(env: Env) -> None:
    code = await code_for(env)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}

    response = await env.http.post("/oauth/token", data=form, auth=(env.app.client_id, env.app.client_secret))

    assert response.status_code == 200, response.text


async def test_unknown_client_and_missing_secret_of_a_confidential_client_are_invalid_client(
    env: Env,
) -> None:
    code = await code_for(env)

    assert_oauth_error(await exchange(env, code, client_id="unknown"), 401, "invalid_client")
    assert_oauth_error(await exchange(env, code, client_secret=None), 401, "invalid_client")


# --- PKCE ---------------------------------------------------------------------------------------


async def test_pkce_require_refuses_an_authorize_request_without_a_challenge(env: Env) -> None:
    env.world.settings.pkce = "require"

    params = redirect_params(await consent(env))

    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


async def test_pkce_require_checks_the_verifier(env: Env) -> None:
    env.world.settings.pkce = "require"
    verifier = "v" * 50
    code = await code_for(env, code_challenge=s256(verifier), code_challenge_method="S256")

    assert_oauth_error(await exchange(env, code), 400, "invalid_request")
    assert_oauth_error(await exchange(env, code, code_verifier="w" * 50), 400, "invalid_grant")
    assert (await exchange(env, code, code_verifier=verifier)).status_code == 200


async def test_pkce_optional_verifies_only_when_a_challenge_was_sent(env: Env) -> None:
    assert env.world.settings.pkce == "optional"
    assert (await exchange(env, await code_for(env))).status_code == 200

    code = await code_for(env, code_challenge=s256("right-verifier-" * 3), code_challenge_method="S256")
    assert_oauth_error(await exchange(env, code, code_verifier="wrong-verifier-" * 3), 400, "invalid_grant")
    assert (await exchange(env, code, code_verifier="right-verifier-" * 3)).status_code == 200


async def test_pkce_plain_method_compares_the_verifier_as_is(env: Env) -> None:
    code = await code_for(env, code_challenge="p" * 43, code_challenge_method="plain")

    assert_oauth_error(await exchange(env, code, code_verifier=s256("p" * 43)), 400, "invalid_grant")
    assert (await exchange(env, code, code_verifier="p" * 43)).status_code == 200


async def test_pkce_ignore_never_verifies_for_a_confidential_client(env: Env) -> None:
    env.world.settings.pkce = "ignore"
    code = await code_for(env, code_challenge=s256("x" * 43), code_challenge_method="S256")

    assert (await exchange(env, code, code_verifier="not-it")).status_code == 200


async def test_unsupported_code_challenge_method_is_redirected_as_invalid_request(env: Env) -> None:
    params = redirect_params(await consent(env, code_challenge="c" * 43, code_challenge_method="S512"))

    assert params["error"] == "invalid_request"


async def test_public_client_authenticates_with_its_client_id_and_the_pkce_verifier(env: Env) -> None:
    public = create_application(
        env.world,
        company_id=env.company.id,
        name="SPA",
        redirect_uris=[REDIRECT],
        scopes=["employees"],
        confidential=False,
    )
    assert redirect_params(await consent(env, None, public))["error"] == "invalid_request"
    verifier = "public-verifier-" * 3
    params = redirect_params(
        await consent(env, None, public, code_challenge=s256(verifier), code_challenge_method="S256")
    )
    form = {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT}

    assert_oauth_error(
        await env.http.post("/oauth/token", data={**form, "client_id": public.client_id}),
        400,
        "invalid_request",
    )
    response = await env.http.post(
        "/oauth/token", data={**form, "client_id": public.client_id, "code_verifier": verifier}
    )

    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "employees"


# --- revocation (RFC 7009) ----------------------------------------------------------------------


async def revoke(
    env: Env, token: str, app: OAuthApplication | None = None, secret: str | None = None
) -> httpx.Response:
    app = app or env.app
    return await env.http.post(
        "/oauth/revoke",
        data={"token": token, "client_id": app.client_id, "client_secret": secret or app.client_secret},
    )


async def test_revoking_an_access_token_revokes_its_whole_grant(env: Env) -> None:
    token = await user_token(env)

    response = await revoke(env, token["access_token"])

    assert response.status_code == 200
    assert response.json() == {}
    assert principal_for_access_token(env.world, token["access_token"]) is None
    assert_oauth_error(await refresh(env, token["refresh_token"]), 400, "invalid_grant")
    assert env.world.stats.revocations == 1


async def test_revoking_a_refresh_token_kills_its_access_token(env: Env) -> None:
    token = await user_token(env)

    assert (await revoke(env, token["refresh_token"])).status_code == 200

    assert principal_for_access_token(env.world, token["access_token"]) is None


async def test_revoking_an_unknown_token_is_a_200_no_op(env: Env) -> None:
    token = await user_token(env)

    unknown = await revoke(env, "f" * 64)

    assert (unknown.status_code, unknown.json()) == (200, {})
    assert principal_for_access_token(env.world, token["access_token"]) is not None
    assert env.world.stats.revocations == 0


async def test_another_client_cannot_revoke_a_token_it_was_not_issued(env: Env) -> None:
    """RFC 7009 2.1: the server checks the token was issued to the authenticated client and refuses otherwise
    (Doorkeeper, Factorial's OAuth server, answers 403 `unauthorized_client`); the token lives on."""
    token = await user_token(env)
    rival_company = add_company(env.world, "Rival")
    rival = create_application(
        env.world, company_id=rival_company.id, name="Rival", redirect_uris=[REDIRECT], scopes=["employees"]
    )
    sibling = create_application(
        env.world, company_id=env.company.id, name="Other", redirect_uris=[REDIRECT], scopes=["employees"]
    )

    for attacker in (rival, sibling):
        for stolen in (token["access_token"], token["refresh_token"]):
            assert_oauth_error(await revoke(env, stolen, app=attacker), 403, "unauthorized_client")

    assert principal_for_access_token(env.world, token["access_token"]) is not None
    assert env.world.stats.revocations == 0
    refreshed = await refresh(env, token["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text


async def test_revoke_with_a_wrong_secret_is_401_invalid_client(env: Env) -> None:
    token = await user_token(env)

    assert_oauth_error(await revoke(env, token["access_token"], secret="nope"), 401, "invalid_client")
    assert principal_for_access_token(env.world, token["access_token"]) is not None


# --- counters and latency -----------------------------------------------------------------------


async def test_every_token_request_and_error_is_counted_exactly(env: Env) -> None:
    token = await user_token(env)  # authorization_code: ok
    await refresh(env, token["refresh_token"])  # refresh_token: ok
    await refresh(env, token["refresh_token"])  # refresh_token: reused → invalid_grant
    await exchange(env, "bogus", client_secret="nope")  # authorization_code: invalid_client
    await env.http.post("/oauth/token", data={"grant_type": "password"})  # password: unsupported_grant_type
    await env.http.post("/oauth/token", data={})  # no grant_type: invalid_request

    stats = env.world.stats
    assert stats.token_requests == {"authorization_code": 2, "refresh_token": 2, "password": 1, "missing": 1}
    assert stats.token_errors == {
        "invalid_grant": 1,
        "invalid_client": 1,
        "unsupported_grant_type": 1,
        "invalid_request": 1,
    }


async def test_authorize_requests_do_not_count_as_token_requests(env: Env) -> None:
    await code_for(env)

    assert sum(env.world.stats.token_requests.values()) == 0


async def test_token_endpoint_honours_the_token_latency_setting(env: Env) -> None:
    env.world.settings.token_latency_ms = 60
    code = await code_for(env)

    started = time.perf_counter()
    response = await exchange(env, code)

    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.055
