"""The harness for StackOne's TypeScript client: it reaches `linkyard up` with the key and reports refusals."""

from __future__ import annotations

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script


def test_the_client_calls_an_action_on_a_linked_account_and_a_wrong_key_is_a_typed_401(
    stackone_server: Sandbox, linked_account: str
) -> None:
    report = run_script(
        "harness.mjs", url=stackone_server.api_url, api_key=stackone_server.api_key, accountId=linked_account
    )
    answer = report["rpcGetCredentials"].expect_ok()
    assert answer["statusCode"] == 200
    assert answer["rawResponse"] == {"status": 200}
    # The client's zod schema for an RPC answer is an empty object: it validates the envelope and drops the fields.
    assert answer["actionsRpcResponse"] == {"data": {}}
    error = report["badKey"].expect_error("UnauthorizedResponse", 401)
    assert "lk_not_a_key" not in error.get("body", "")
