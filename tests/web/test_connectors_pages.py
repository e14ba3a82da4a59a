"""The Connectors pages: the catalogue, and what a connector offers a profile (scopes, token types,
environments, actions with their required scopes)."""

from __future__ import annotations

from linkyard.connectors import get_connector
from tests.api.conftest import FACTORIAL
from tests.web.conftest import Harness, page_text, sign_in


async def test_the_connectors_page_lists_factorial_with_its_auth_types_and_categories(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    page = await dashboard.get(f"/projects/{tenant.project_id}/connectors")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Connectors" in text
    assert "Factorial" in text
    assert "OAuth 2.0" in text
    assert "HRIS" in text and "ATS" in text
    assert f'href="/projects/{tenant.project_id}/connectors/factorialhr"' in page.text


async def test_the_factorial_page_shows_scopes_token_types_environments_and_every_action(
    harness: Harness,
) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    page = await dashboard.get(f"/projects/{tenant.project_id}/connectors/factorialhr")
    assert page.status_code == 200
    text = page_text(page.text)
    factorial = get_connector("factorialhr")
    for scope in factorial.scopes:
        assert scope.name in text
        assert scope.description in text
    assert "expires after about an hour and Linkyard refreshes it" in text
    assert "does not expire but can be revoked" in text
    assert "Production" in text and "Demo" in text and "Sandbox" in text
    assert FACTORIAL in text, "the sandbox shows the emulator this server runs"
    for action in factorial.actions:
        assert action.id in text
        assert action.label in text
        assert action.description in text
    time_off_row = text.split("factorialhr_list_time_off_requests", 1)[1].split("factorialhr_", 1)[0]
    assert "time_off" in time_off_row


async def test_an_unknown_connector_is_a_not_found_page(harness: Harness) -> None:
    tenant = await harness.tenant("Acme HR")
    dashboard = await sign_in(harness, tenant.key)
    page = await dashboard.get(f"/projects/{tenant.project_id}/connectors/salesforce")
    assert page.status_code == 404
    assert "Connector not found" in page_text(page.text)


async def test_an_api_key_session_cannot_open_another_projects_connectors(harness: Harness) -> None:
    mine = await harness.tenant("Acme HR")
    other = await harness.tenant("Globex")
    dashboard = await sign_in(harness, mine.key)
    for path in ("/connectors", "/connectors/factorialhr"):
        page = await dashboard.get(f"/projects/{other.project_id}{path}")
        assert page.status_code == 404
        assert "Globex" not in page.text
