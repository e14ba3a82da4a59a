"""StackOne's TypeScript client on the platform API: every method of `accounts`, `connectSessions`, `connectors`
and `actions` succeeds and passes the client's zod validation, and each refusal reaches the caller as the
client's typed error (404, 400 for an unknown query parameter, 401, 422).

The scripts are `node/accounts.mjs`, `node/connectSessions.mjs`, `node/connectors.mjs` and `node/actions.mjs`;
an unknown query parameter is added through the client's own request hook (`node/extra_query.mjs`), since the
client sends only the parameters it declares.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from linkyard.connectors import get_connector
from tests.harness.sandbox import Sandbox
from tests.stackone.conftest import link_account
from tests.stackone.ts_client import Outcome, run_script


def _ids(outcome: Outcome) -> list[str]:
    return [account["id"] for account in outcome.expect_ok()["classes"]]


def _problems(outcome: Outcome, status: int = 422) -> list[str]:
    error = outcome.expect_error("UnprocessableEntityResponse", status)
    return [problem["field"] for problem in json.loads(error["body"])["errors"]]


def _unknown_parameter(outcome: Outcome, name: str) -> None:
    error = outcome.expect_error("BadRequestResponse", 400)
    assert f"'{name}'" in error["message"], error


def test_every_accounts_method_validates_and_refuses_in_typed_errors(stackone_server: Sandbox) -> None:
    owner = f"owner-{secrets.token_hex(4)}"
    first = link_account(stackone_server, owner_id=owner)
    second = link_account(stackone_server)
    doomed = link_account(stackone_server)
    report = run_script(
        "accounts.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=first,
        otherAccountId=second,
        ownerId=owner,
        deleteId=doomed,
    )
    assert {first, second} <= set(_ids(report["listAll"]))
    assert _ids(report["listByAccountIds"]) == [first]
    assert _ids(report["listByTwoAccountIds"]) == [first, second]
    assert _ids(report["listByProviders"]) == [first]
    assert _ids(report["listByOtherProvider"]) == []
    assert _ids(report["listByProvider"]) == [second]
    assert _ids(report["listByOriginOwnerIds"]) == [first]
    assert _ids(report["listByOriginOwnerId"]) == [first]
    assert _ids(report["listByStatus"]) == []  # it is active
    assert _ids(report["listPaged"]) == [second]

    account = report["getAccount"].expect_ok()["linkedAccount"]
    assert (account["id"], account["provider"], account["type"]) == (first, "factorialhr", "test")
    meta = report["getAccountMetaInfo"].expect_ok()["linkedAccountMeta"]
    assert (meta["provider"], meta["category"]) == ("factorialhr", "hris")
    # The sandbox profile names no actions: every standard one (hand-written or unified) is listed under its
    # model; those generated from Factorial's whole API are enabled by name only.
    listed = {action_id for model in meta["models"].values() for action_id in model["actions"]}
    assert listed == {action.id for action in get_connector("factorialhr").tools if action.default_enabled}

    updated = report["updateAccount"].expect_ok()["linkedAccount"]
    assert (updated["originOwnerName"], updated["originUsername"]) == ("Renamed Ltd", "ops@renamed.example")
    cleared = report["updateAccountClearingLabel"].expect_ok()["linkedAccount"]
    assert cleared["label"] is None and cleared["originOwnerName"] == "Renamed Ltd"
    assert report["deleteAccount"].expect_ok()["linkedAccount"]["id"] == doomed

    for refused in ("getUnknown", "metaUnknown", "deleteAgain"):
        report[refused].expect_error("NotFoundResponse", 404)
    assert _problems(report["updateWithTheClientsDefaultType"]) == ["type"]
    assert _problems(report["updateWithSecrets"]) == ["secrets"]
    _unknown_parameter(report["unknownQueryParameter"], "account_idz")
    report["badKey"].expect_error("UnauthorizedResponse", 401)


def test_every_connect_sessions_method_validates_and_refuses_in_typed_errors(
    stackone_server: Sandbox,
) -> None:
    owner = f"owner-{secrets.token_hex(4)}"
    relink_owner = f"owner-{secrets.token_hex(4)}"
    relinked = link_account(stackone_server, owner_id=relink_owner)
    report = run_script(
        "connectSessions.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        ownerId=owner,
        relinkOwnerId=relink_owner,
        relinkAccountId=relinked,
    )
    created: dict[str, Any] = report["createConnectSession"].expect_ok()["connectSessionTokenAuthLink"]
    assert report["createConnectSession"].value["statusCode"] == 201
    assert isinstance(created["id"], int) and created["organizationId"] == 1
    assert created["projectId"] == stackone_server.project_id
    assert created["authLinkUrl"].endswith(created["token"])
    other = report["createSecondConnectSession"].expect_ok()["connectSessionTokenAuthLink"]
    assert other["id"] != created["id"]
    authenticated = report["authenticateConnectSession"].expect_ok()
    assert authenticated["statusCode"] == 201
    session = authenticated["connectSession"]
    assert (session["id"], session["originOwnerId"], session["label"]) == (created["id"], owner, "Payroll")
    assert "token" not in session

    # Every field of the client's body at once: a session that re-links the account, for its categories.
    every = report["createWithEveryField"].expect_ok()
    assert every["statusCode"] == 201
    assert every["connectSessionTokenAuthLink"]["projectId"] == stackone_server.project_id

    report["authenticateUnknown"].expect_error("NotFoundResponse", 404)
    assert _problems(report["createForUnknownProvider"]) == ["provider"]
    assert _problems(report["createTooShort"]) == ["expires_in"]
    _unknown_parameter(report["unknownQueryParameter"], "dry_run")
    report["badKey"].expect_error("UnauthorizedResponse", 401)


def test_every_connectors_method_validates_and_refuses_in_typed_errors(stackone_server: Sandbox) -> None:
    report = run_script("connectors.mjs", url=stackone_server.api_url, api_key=stackone_server.api_key)
    [listed] = [
        meta
        for meta in report["listConnectorsMeta"].expect_ok()["classes"]
        if meta["provider"] == "factorialhr"
    ]
    assert (listed["providerName"], listed["category"], listed["active"]) == ("Factorial", "hris", True)
    assert listed["models"]["employees"]["actions"][0] == "factorialhr_list_employees"
    assert listed["resources"] == {"images": {"logoUrl": None, "originalLogoHorizontalUrl": None}}
    assert report["getConnectorMeta"].expect_ok()["connectorsMeta"] == listed
    report["listConnectorsMetaIncluding"].expect_ok()
    # The client's schema keeps only StackOne's fields: what `include` adds is Linkyard's (tested in tests/api).
    report["getConnectorMetaIncluding"].expect_ok()

    report["getUnknown"].expect_error("NotFoundResponse", 404)
    assert _problems(report["includeUnknown"]) == ["include"]
    _unknown_parameter(report["unknownQueryParameter"], "category")
    report["badKey"].expect_error("UnauthorizedResponse", 401)


def test_every_actions_method_validates_and_refuses_in_typed_errors(
    stackone_server: Sandbox, linked_account: str
) -> None:
    report = run_script(
        "actions.mjs", url=stackone_server.api_url, api_key=stackone_server.api_key, accountId=linked_account
    )
    [connector] = report["listActionsMeta"].expect_ok()["actionsMetaPaginated"]["data"]
    assert connector["key"] == "factorialhr"
    assert [action["id"] for action in connector["actions"]] == [
        action.id for action in get_connector("factorialhr").tools
    ]
    [paged] = report["listActionsMetaByPage"].expect_ok()["actionsMetaPaginated"]["data"]
    assert paged["key"] == "factorialhr"
    [filtered] = report["listActionsMetaFiltered"].expect_ok()["actionsMetaPaginated"]["data"]
    [employees] = filtered["actions"]
    assert employees["id"] == "factorialhr_list_employees"
    assert employees["operationDetails"]["method"] == "GET"
    assert report["listActionsMetaPastTheEnd"].expect_ok()["actionsMetaPaginated"] == {
        "data": [],
        "next": None,
    }
    assert report["rpcGetCredentials"].expect_ok()["statusCode"] == 200
    page = report["rpcListEmployees"].expect_ok()["actionsRpcResponse"]
    assert len(page["data"]) == 2 and page["next"]

    report["listForUnknownAccount"].expect_error("NotFoundResponse", 404)
    report["rpcUnknownAccount"].expect_error("NotFoundResponse", 404)
    assert _problems(report["rpcBadArgument"]) == ["page_size"]
    assert _problems(report["listGroupedOtherwise"]) == ["group_by"]
    _unknown_parameter(report["unknownQueryParameter"], "sort")
    _unknown_parameter(report["rpcUnknownQueryParameter"], "dry_run")
    report["badKey"].expect_error("UnauthorizedResponse", 401)
