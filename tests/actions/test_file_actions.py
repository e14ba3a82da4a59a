"""Actions that upload files, called as JSON through `/actions/rpc`: each file goes as StackOne's upload shape
(a `name` and the bytes in base64 `content`), lands in Factorial as a multipart file part and reads back as the
same bytes; bad base64 and files over the cap are refused naming the field, before anything is sent; and the
request log shows a file's size, never its content."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.applications import Starlette

from linkyard.api import create_app
from linkyard.config import Settings
from linkyard.connectors.files import MAX_CONTENT
from linkyard.connectors.retry import RetryPolicy
from linkyard.domain import ManualClock
from linkyard.services.log_queries import set_body_logging
from linkyard.store import Store
from tests.actions.conftest import Linked, link_admin
from tests.harness.database import ON_BOTH_BACKENDS, dump_database
from tests.harness.platform import Harness
from tests.live_server import Served

pytestmark = ON_BOTH_BACKENDS

BODY_CAP = 3_000_000
"""The API's body cap here: above the cap on one file, so that the file's own cap is what refuses it."""
CONTENT = b"%PDF-1.4\n% a signed contract, not for the logs\n" + bytes(range(256)) + b"\n%%EOF\n"


@pytest.fixture
async def app(
    settings: Settings, store: Store, clock: ManualClock, upstream_server: Served, retry_policy: RetryPolicy
) -> AsyncIterator[FastAPI]:
    platform = create_app(
        settings,
        store=store,
        clock=clock,
        provider_pins=upstream_server.pins(),
        retry_policy=retry_policy,
        max_body_bytes=BODY_CAP,
    )
    async with platform.router.lifespan_context(platform):
        yield platform


@pytest.fixture
async def everything(harness: Harness, emulator: Starlette) -> AsyncIterator[Linked]:
    found = await link_admin(harness, emulator, every_action=True)
    yield found
    await found.provider.aclose()


def _file(name: str, content: bytes, **more: Any) -> dict[str, Any]:
    return {"name": name, "content": base64.b64encode(content).decode(), **more}


async def _documents(linked: Linked) -> list[dict[str, Any]]:
    answer = await linked.provider.get("/documents/documents", params={"limit": 100})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


async def _first_id(linked: Linked, path: str) -> int:
    answer = await linked.provider.get(path, params={"limit": 1})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["data"][0]["id"])


async def test_a_file_sent_as_base64_lands_in_factorial_and_downloads_as_the_same_bytes(
    harness: Harness, everything: Linked
) -> None:
    uploaded = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_upload_document",
        body={"space": "company_internal", "file": _file("contract", CONTENT, file_format="pdf")},
    )
    assert uploaded.status_code == 200, uploaded.text
    document = uploaded.json()["data"]
    assert (document["filename"], document["file_size"], document["content_type"]) == (
        "contract.pdf",
        len(CONTENT),
        "application/pdf",
    )
    urls = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_create_document_download_urls",
        body={"ids": [document["id"]]},
    )
    assert urls.status_code == 200, urls.text
    [link] = urls.json()["data"]
    downloaded = await everything.provider.get(link["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == CONTENT


async def test_an_action_of_the_generated_catalogue_takes_its_file_and_a_list_of_files(
    harness: Harness, everything: Linked
) -> None:
    task_id = await _first_id(everything, "/tasks/tasks")
    attached = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_create_task_file",
        body={
            "task_id": str(task_id),
            "file": _file("notes.txt", b"call the supplier", content_type="text/plain"),
        },
    )
    assert attached.status_code == 200, attached.text
    assert str(attached.json()["data"]["task_id"]) == str(task_id)

    project_id = await _first_id(everything, "/project_management/projects")
    created = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_create_project_task",
        body={
            "name": "Sign the lease",
            "project_id": str(project_id),
            "status": "todo",
            "files": [_file("lease.pdf", CONTENT), _file("annex.txt", b"annex")],
        },
    )
    assert created.status_code == 200, created.text
    assert str(created.json()["data"]["project_id"]) == str(project_id)


async def test_content_that_is_not_base64_is_refused_naming_the_field_and_nothing_lands(
    harness: Harness, everything: Linked
) -> None:
    before = len(await _documents(everything))
    refused = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_upload_document",
        body={"space": "company_internal", "file": {"name": "a.pdf", "content": "not base64 %%%"}},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [{"field": "file.content", "message": "is not base64"}]
    assert "%%%" not in refused.text

    project_id = await _first_id(everything, "/project_management/projects")
    listed = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_create_project_task",
        body={
            "name": "x",
            "project_id": str(project_id),
            "status": "todo",
            "files": [_file("fine.txt", b"fine"), {"content": "aGk="}, "a path"],
        },
    )
    assert listed.status_code == 422, listed.text
    assert [error["field"] for error in listed.json()["errors"]] == ["files[1].name", "files[2]"]

    missing = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_upload_document",
        body={"space": "company_internal"},
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "file", "message": "is required: a file"}]
    assert len(await _documents(everything)) == before


async def test_a_file_over_the_cap_is_refused_naming_the_field_and_a_body_over_the_apis_cap_is_413(
    harness: Harness, everything: Linked
) -> None:
    before = len(await _documents(everything))
    too_long = "A" * (MAX_CONTENT + 4)
    refused = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_upload_document",
        body={"space": "company_internal", "file": {"name": "big.bin", "content": too_long}},
    )
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == "file.content"
    assert str(MAX_CONTENT) in error["message"]

    huge = "A" * (BODY_CAP + 4)
    too_large = await harness.rpc(
        everything.tenant,
        everything.account_id,
        "factorialhr_upload_document",
        body={"space": "company_internal", "file": {"name": "huge.bin", "content": huge}},
    )
    assert too_large.status_code == 413
    assert "larger than" in too_large.json()["message"]
    assert len(await _documents(everything)) == before


async def test_the_request_log_shows_a_files_size_and_never_its_content(
    harness: Harness, everything: Linked
) -> None:
    tenant = everything.tenant
    await set_body_logging(harness.app.state.platform, tenant.project_id, True)
    content = base64.b64encode(CONTENT).decode()
    large = base64.b64encode(CONTENT * 300).decode()  # a body longer than a log keeps: cut, so not JSON
    calls = [("company_internal", content), ("no such space", content), ("company_internal", large)]
    for space, sent in calls:  # two that land, one refused before anything is sent
        await harness.rpc(
            tenant,
            everything.account_id,
            "factorialhr_upload_document",
            body={"space": space, "file": {"name": "contract.pdf", "content": sent}},
        )
    logs = (await harness.api.get("/requests/logs", headers=tenant.auth)).json()["data"]
    shown = [
        (await harness.api.get(f"/requests/logs/{log['request_id']}", headers=tenant.auth)).json()["data"]
        for log in logs
        if log["action"] == "factorialhr_upload_document"
    ]
    assert sorted(log["status"] for log in shown) == [200, 200, 422]
    small = [log for log in shown if isinstance(log["request"]["body"], dict)]
    cut = [log for log in shown if log not in small]
    assert len(small) == 2 and len(cut) == 1
    for log in small:
        assert log["request"]["body"]["body"]["file"] == {
            "name": "contract.pdf",
            "content": f"[FILE: {len(content)} base64 characters]",
        }
    assert cut[0]["request"]["body"] == "[a body that carries a file: not kept]"
    landed = [log for log in shown if log["status"] == 200]
    sizes = [log["step_requests"][0]["request"]["body"]["file"]["size"] for log in landed]
    assert sorted(sizes) == [len(CONTENT), len(CONTENT) * 300]
    for log in shown:
        assert content[:40] not in str(log)
    stored = await dump_database(harness.store)
    assert content[:40] not in stored and large[:40] not in stored
