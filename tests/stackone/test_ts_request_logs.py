"""StackOne's TypeScript client, `requestLogs` namespace: every method succeeds and its zod schemas accept what
Linkyard answers (filters, order, include and keyset paging as the client sends them), and the error paths come
back as the client's typed errors: 404 for an unknown log, 400 for a bad filter, cursor or page size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.harness.sandbox import Sandbox
from tests.stackone.ts_client import run_script

CREDENTIALS = "factorialhr_get_credentials"


def test_every_request_logs_method_of_the_client_succeeds_and_validates(
    stackone_server: Sandbox, linked_account: str
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    with httpx.Client(
        base_url=stackone_server.api_url, auth=(stackone_server.api_key, ""), trust_env=False
    ) as api:
        headers = {"x-account-id": linked_account}
        for _ in range(2):
            assert api.post("/actions/rpc", json={"action": CREDENTIALS}, headers=headers).status_code == 200
        missing = api.post("/actions/rpc", json={"action": "factorialhr_no_such_action"}, headers=headers)
        assert missing.status_code == 404
        assert api.get(f"/accounts/{linked_account}").status_code == 200
        mine = {"actions": CREDENTIALS, "account_ids": linked_account}
        [resource] = {log["resource"] for log in api.get("/requests/logs", params=mine).json()["data"]}

    report = run_script(
        "requestLogs.mjs",
        url=stackone_server.api_url,
        api_key=stackone_server.api_key,
        accountId=linked_account,
        action=CREDENTIALS,
        since=since.isoformat(),
        resource=resource,
    )

    listed = report["listLogs"].expect_ok()
    assert listed["statusCode"] == 200
    assert {log["action"] for log in listed["unifiedLogsPaginated"]["data"]} >= {CREDENTIALS}

    filtered = report["listLogsFiltered"].expect_ok()["unifiedLogsPaginated"]["data"]
    assert [log["action"] for log in filtered] == [CREDENTIALS, CREDENTIALS]
    assert all(log["accountId"] == linked_account and log["status"] == 200 for log in filtered)
    assert filtered[0]["eventDatetime"] <= filtered[1]["eventDatetime"]
    [step] = filtered[0]["stepRequests"]
    assert (step["httpMethod"], step["status"]) == ("GET", 200)

    failed = report["listLogsFailed"].expect_ok()["unifiedLogsPaginated"]["data"]
    assert [(log["action"], log["status"], log["success"]) for log in failed][:1] == [
        ("factorialhr_no_such_action", 404, False)
    ]
    durations = [
        log["duration"] for log in report["listLogsByDuration"].expect_ok()["unifiedLogsPaginated"]["data"]
    ]
    assert durations == sorted(durations, reverse=True)

    pages = report["pagedFirst"].expect_ok()["pages"]
    walked = [page[0] for page in pages if page]
    assert len(walked) == len(set(walked)) >= 3

    detail = report["getLog"].expect_ok()
    assert detail["statusCode"] == 200
    log = detail["unifiedLogResult"]["data"]
    assert (
        log["action"] == CREDENTIALS
        and log["stepRequests"][0]["request"]["headers"]["authorization"] == "[REDACTED]"
    )
    assert report["getLogAdvanced"].expect_ok()["unifiedLogResult"]["data"]["requestId"] == log["requestId"]

    steps = report["listStepLogs"].expect_ok()["stepLogsPaginated"]["data"]
    assert [step["requestId"] for step in steps] == [log["requestId"]]

    platform = report["listPlatformLogs"].expect_ok()["platformLogsPaginated"]["data"]
    assert platform and all(entry["category"] == "accounts" for entry in platform)
    assert f"/accounts/{linked_account}" in {entry["path"] for entry in platform}

    # Every filter field of each list at once, as the client encodes them.
    every = report["listLogsEveryFilter"].expect_ok()["unifiedLogsPaginated"]["data"]
    assert [entry["requestId"] for entry in every] == [log["requestId"]]
    assert report["listLogsUnfilledFilters"].expect_ok()["unifiedLogsPaginated"]["data"] == []
    every_step = report["listStepLogsEveryFilter"].expect_ok()["stepLogsPaginated"]["data"]
    assert [step["requestId"] for step in every_step] == [log["requestId"]]
    every_platform = report["listPlatformLogsEveryFilter"].expect_ok()["platformLogsPaginated"]["data"]
    assert [entry["path"] for entry in every_platform] == [f"/accounts/{linked_account}"]

    report["getUnknownLog"].expect_error("NotFoundResponse", 404)
    for name in ("badStatusFilter", "badCursor", "badPageSize"):
        report[name].expect_error("BadRequestResponse", 400)
