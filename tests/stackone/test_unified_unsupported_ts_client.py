"""StackOne's TypeScript client over every unified operation Linkyard does not serve: each call ends in the
client's own `NotImplementedResponse` (501, StackOne's "not supported by this provider"), naming the operation
and the provider. The served operations are read from the running app's routes (its OpenAPI document, where the
refusals have a tag of their own), so the walk stays right as resources are served."""

from __future__ import annotations

import httpx

from linkyard.api.routes.unified_unsupported import TAG
from linkyard.connectors.unified.operations import OPERATIONS, operation_at
from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script


def _served(sandbox: Sandbox) -> set[str]:
    with httpx.Client(base_url=sandbox.api_url, trust_env=False) as api:
        document = api.get("/openapi.json").json()
    found = (
        operation_at(method, path)
        for path, item in document["paths"].items()
        for method, described in item.items()
        if TAG not in described.get("tags", ())
    )
    return {operation.name for operation in found if operation is not None}


def test_every_operation_not_served_is_the_clients_not_implemented_error(
    stackone_server: Sandbox, linked_account: str
) -> None:
    served = _served(stackone_server)
    assert {"hris_list_employees", "hris_get_employee"} <= served
    assert {"ats_list_application_scorecards", "ats_get_application_scorecard"} <= served
    unserved = [operation.name for operation in OPERATIONS if operation.name not in served]
    report = run_script(
        "unsupported.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        operations=unserved,
    )

    assert report.pop("clientOperations").expect_ok() == len(OPERATIONS) == 148
    assert set(report) == set(unserved)
    for name, outcome in report.items():
        error = outcome.expect_error("NotImplementedResponse", 501)
        assert name in error["message"] and "Factorial" in error["message"], error
