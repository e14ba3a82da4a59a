"""StackOne's TypeScript client on the unified list conventions served since the first slice: `proxy` passed
through to Factorial's list call (the client sends `proxy[<name>]`), and refused naming it where it would
override the call's own parameters."""

from __future__ import annotations

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script


def test_the_clients_proxy_reaches_factorials_list_call(
    stackone_server: Sandbox, linked_account: str
) -> None:
    employees = stackone_server.emulator_records("employees/employees")
    wanted = employees[7]
    report = run_script(
        "unified_query.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        companyIdentifier=wanted["company_identifier"],
    )

    proxied = report["proxied"].expect_ok()["employeesPaginated"]["data"]
    assert [employee["id"] for employee in proxied] == [wanted["id"]]
    refused = report["proxiedOwnParameter"].expect_error("UnprocessableEntityResponse", 422)
    assert "proxy[limit]" in refused["body"]
