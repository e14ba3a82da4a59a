"""StackOne's TypeScript client's `proxy.proxyRequest` against `linkyard up --sandbox`: its calls reach Factorial
and come back as the client accepts them; every refusal is the client's typed error, validated by its schema."""

from __future__ import annotations

import httpx

from linkyard.connectors import get_connector
from tests.harness.sandbox import Sandbox
from tests.stackone.conftest import link_account
from tests.stackone.ts_client import run_script


def test_the_clients_proxy_request_reaches_factorial_and_its_refusals_are_typed(
    stackone_server: Sandbox, linked_account: str
) -> None:
    suspended = link_account(stackone_server)
    with httpx.Client(
        base_url=stackone_server.api_url, auth=(stackone_server.api_key, ""), trust_env=False
    ) as api:
        paused = api.patch(f"/accounts/{suspended}", json={"status": "suspended"})
        assert paused.status_code == 200, paused.text
        company_id = api.get(f"/accounts/{linked_account}").json()["provider_account"]["company_id"]

    report = run_script(
        "proxy.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        suspendedId=suspended,
        companyId=company_id,
        apiVersion=get_connector("factorialhr").api_version,
    )

    for name, status in (("getEmployees", 200), ("defaultMethod", 200), ("createCandidate", 201)):
        answer = report[name].expect_ok()
        assert answer["statusCode"] == status, (name, answer)
        assert answer["contentType"].startswith("application/json"), (name, answer)
        assert answer["rawResponse"] == {"status": status}
    missing = report["providerNotFound"].expect_error("NotFoundResponse", 404)
    assert "Factorial answered 404" in missing["message"]
    for name in ("absoluteUrl", "otherHost", "authorizationHeader"):
        refused = report[name].expect_error("BadRequestResponse", 400)
        assert "127.0.0.1" not in refused["message"] and "stolen" not in refused.get("body", ""), refused
    report["unknownAccount"].expect_error("NotFoundResponse", 404)
    report["suspendedAccount"].expect_error("PreconditionFailedResponse", 412)
