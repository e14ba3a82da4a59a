"""The Connect links page's Embed section and its preview: the snippet names this platform; the preview makes a
fresh session and hosts the web component from where the operator said (a URL, or a local copy Linkyard serves),
under a Content-Security-Policy that lets in that script and nothing else; without either, it says how to set one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkyard.config import Settings
from tests.api.conftest import PUBLIC_URL
from tests.web.conftest import Harness, page_text, sign_in

SCRIPT_TEXT = b"/* stands in for @stackone/hub's dist/webcomponent.js */\n"


async def the_preview(harness: Harness, owner: str = "org-preview") -> tuple[str, str, str]:
    """The Demo-like project's preview page: its HTML, its CSP, and the session token the page holds."""
    tenant = await harness.tenant()
    profile = await harness.profile(tenant)
    dashboard = await sign_in(harness)
    base = f"/projects/{tenant.project_id}/connect-links"
    page = await dashboard.get(base)
    assert page.status_code == 200
    assert f'base-url="{PUBLIC_URL}"' in page.text
    preview = await dashboard.submit(
        f"{base}/preview",
        {"preview_owner_id": owner, "preview_owner_name": "Preview", "preview_integration_id": profile["id"]},
    )
    assert preview.status_code == 200, preview.text
    found = re.search(r'<stackone-hub token="([^"]+)"', preview.text)
    token = found.group(1) if found else ""
    return preview.text, preview.headers["content-security-policy"], token


async def test_without_a_script_the_preview_says_how_to_set_one(harness: Harness) -> None:
    html, policy, token = await the_preview(harness)
    assert "LINKYARD_HUB_SCRIPT_PATH" in page_text(html)
    assert token == ""
    assert "unsafe-inline" not in policy
    assert (await harness.api.get("/static/stackone-hub.js")).status_code == 404


@pytest.fixture
def script_file(tmp_path: Path) -> Path:
    path = tmp_path / "webcomponent.js"
    path.write_bytes(SCRIPT_TEXT)
    return path


class TestWithALocalCopy:
    @pytest.fixture
    def settings(self, settings: Settings, script_file: Path) -> Settings:
        return settings.model_copy(update={"hub_script_path": script_file})

    async def test_the_preview_hosts_the_component_for_a_fresh_session_from_the_local_copy(
        self, harness: Harness
    ) -> None:
        html, policy, token = await the_preview(harness, owner="org-local")
        assert '<script src="/static/stackone-hub.js" defer></script>' in html
        assert f'base-url="{PUBLIC_URL}"' in html
        assert token.startswith("lkcs_")
        assert "script-src 'self';" in policy
        assert "connect-src 'self'" in policy
        served = await harness.api.get("/static/stackone-hub.js")
        assert served.status_code == 200
        assert served.content == SCRIPT_TEXT
        assert served.headers["content-type"].startswith("text/javascript")
        hub = await harness.api.get("/hub/settings", headers={"x-hub-session-token": token})
        assert hub.status_code == 200  # a fresh, pending session


class TestWithAUrl:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"hub_script_url": "https://cdn.example.com/hub/webcomponent.js"})

    async def test_the_preview_loads_the_component_from_the_url_and_only_that_origin_is_let_in(
        self, harness: Harness
    ) -> None:
        html, policy, _ = await the_preview(harness)
        assert '<script src="https://cdn.example.com/hub/webcomponent.js" defer></script>' in html
        assert "script-src 'self' https://cdn.example.com;" in policy
        assert (await harness.api.get("/static/stackone-hub.js")).status_code == 404
