"""Security item 5: a connect session's return URL must be on one of the project's allowed origins, exactly."""

from __future__ import annotations

import pytest

from tests.api.conftest import Harness

ALLOWED = ("https://app.example.com", "https://portal.example.com:8443")

REFUSED = [
    "//evil.com/done",
    "https://app.example.com@evil.com/done",
    "https://app.example.com:443@evil.com/",
    "https://app.example.com.evil.com/done",
    "https://evil.com/https://app.example.com",
    "javascript:alert(document.cookie)",
    "JavaScript://app.example.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://app.example.com/done\r\nSet-Cookie: a=b",
    "https://app.example.com/done\nx",
    "https://app.example.com\\@evil.com/",
    "http://app.example.com/done",  # a scheme downgrade
    "https://app.example.com:8443/done",  # a port that is not listed for this host
    "https://portal.example.com/done",  # the listed host without its listed port
    "/done",
    "https:app.example.com/done",
    "https:///app.example.com",
    "https://app.example.com:99999/",
    "https://ａpp.example.com/",
    " https://app.example.com/",
]


@pytest.mark.parametrize("url", REFUSED)
async def test_a_return_url_off_the_allowed_origins_is_refused_and_not_echoed(
    harness: Harness, url: str
) -> None:
    tenant = await harness.tenant(origins=ALLOWED)
    await harness.profile(tenant)
    response = await harness.api.post(
        "/connect_sessions",
        json={"origin_owner_id": "o", "origin_owner_name": "O", "redirect_url": url},
        headers=tenant.auth,
    )
    assert response.status_code == 422, url
    body = response.json()
    assert body["statusCode"] == 422
    assert body["errors"][0]["field"] == "redirect_url"
    assert url.strip() not in response.text
    assert "evil" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example.com/done",
        "https://APP.example.com/done?x=1#frag",
        "https://app.example.com:443/",
        "https://portal.example.com:8443/back",
    ],
)
async def test_a_return_url_on_an_allowed_origin_is_accepted(harness: Harness, url: str) -> None:
    tenant = await harness.tenant(origins=ALLOWED)
    await harness.profile(tenant)
    session = await harness.session(tenant, redirect_url=url)
    assert session["redirect_url"] == url


async def test_the_return_url_is_fixed_at_session_creation_not_read_from_the_callback(
    harness: Harness,
) -> None:
    tenant = await harness.tenant()
    await harness.profile(tenant)
    session = await harness.session(tenant, redirect_url="https://app.example.com/fixed")
    flow = await harness.open_link(session)
    await harness.consent(flow, await harness.basic_user_email())
    assert flow.callback_url is not None
    tampered = flow.callback_url.copy_merge_params(
        {
            "redirect_url": "https://evil.com/",
            "return_url": "https://evil.com/",
            "redirect_uri": "https://evil.com/",
        }
    )
    final = await harness.callback(flow, tampered)
    assert final.status_code == 303
    assert final.headers["location"].startswith("https://app.example.com/fixed?")
