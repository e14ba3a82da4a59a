"""Factorial's documents in the emulator, read and written with the official `factorial-api-client`, unchanged:
folders, documents (listed, got, uploaded as multipart), and their files through temporary download URLs."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from factorial_api_client import FactorialClient
from factorial_api_client.generated.errors import UnexpectedStatus
from factorial_api_client.generated.models import (
    PostApi20261001ResourcesDocumentsDocumentsBody,
    PostApi20261001ResourcesDocumentsDownloadUrlsBulkCreateBody,
)
from factorial_api_client.generated.types import File

FLAGS = {"by_trash_bin": False, "by_pending_assignment": False}
"""The two filters the SDK's documents list requires."""


def _upload(sdk: FactorialClient, employee_id: str, folder_id: str, content: bytes) -> Any:
    body = PostApi20261001ResourcesDocumentsDocumentsBody.from_dict(
        {
            "public": False,
            "space": "employee_my_documents",
            "is_pending_assignment": False,
            "file": content,
            "author_id": sdk.employees.employees.list().data[0].access_id,
            "company_id": sdk.api_public.credentials.list().data[0].company_id,
            "signee_ids[]": [],
            "request_esignature": False,
            "employee_id": employee_id,
            "folder_id": folder_id,
            "file_filename": "visa.pdf",
        }
    )
    body.file = File(payload=io.BytesIO(content), file_name="scan.pdf", mime_type="application/pdf")
    return sdk.documents.documents.create(body=body)


def test_folders_and_documents_are_listed_and_got(sdk: FactorialClient) -> None:
    folders = sdk.documents.folders.list().data
    assert [f.name for f in folders][:4] == ["Contracts", "Payslips", "Identity documents", "Certificates"]
    assert sdk.documents.folders.get(id=folders[1].id).name == "Payslips"
    documents = list(sdk.documents.documents.paginate(limit=30, **FLAGS))
    assert len(documents) > 30
    assert len({d.id for d in documents}) == len(documents)
    assert {d.folder_id for d in documents} <= {f.id for f in folders}
    one = sdk.documents.documents.get(id=documents[5].id)
    assert (one.filename, one.employee_id, one.file_size) == (
        documents[5].filename,
        documents[5].employee_id,
        documents[5].file_size,
    )
    employee = documents[0].employee_id
    theirs = sdk.documents.documents.list(employee_ids=[employee], **FLAGS).data
    assert theirs and all(d.employee_id == employee for d in theirs)
    assert sdk.documents.documents.list(by_trash_bin=True, by_pending_assignment=False).data == []


def test_an_uploaded_document_is_read_back_and_its_file_downloaded(sdk: FactorialClient) -> None:
    employee = sdk.employees.employees.list(only_active=True).data[4]
    folder = sdk.documents.folders.list().data[2]
    content = b"%PDF-1.4\n% a visa\n%%EOF\n"
    created = _upload(sdk, employee.id, folder.id, content)
    assert (created.filename, created.extension, created.content_type) == (
        "visa.pdf",
        "pdf",
        "application/pdf",
    )
    assert (created.employee_id, created.folder_id, created.file_size) == (
        employee.id,
        folder.id,
        len(content),
    )
    assert sdk.documents.documents.get(id=created.id).filename == "visa.pdf"
    urls = sdk.documents.download_urls.bulk_create(
        body=PostApi20261001ResourcesDocumentsDownloadUrlsBulkCreateBody.from_dict({"ids": [created.id]})
    )
    assert [u.id for u in urls] == [created.id]
    file = httpx.get(urls[0].url)
    assert file.status_code == 200
    assert file.content == content
    assert file.headers["content-type"] == "application/pdf"
    # The URL is the permission: altered, it opens nothing.
    assert httpx.get(urls[0].url.replace("signature=", "signature=0")).status_code == 403


def test_an_upload_without_a_file_or_employee_is_422(sdk: FactorialClient, live_emulator: str) -> None:
    key = sdk._client._headers.get("x-api-key") or ""
    url = f"{live_emulator}/api/2026-10-01/resources/documents/documents"
    missing_file = httpx.post(
        url, headers={"x-api-key": key}, files={"space": (None, b"employee_my_documents")}
    )
    assert missing_file.status_code == 422
    assert "file" in missing_file.json()["errors"]
    no_employee = httpx.post(
        url,
        headers={"x-api-key": key},
        files={"space": (None, b"employee_my_documents"), "file": ("a.txt", b"hello", "text/plain")},
    )
    assert no_employee.status_code == 422
    assert "employee_id" in no_employee.json()["errors"]
    as_json = httpx.post(url, headers={"x-api-key": key}, json={"space": "company_internal"})
    assert as_json.status_code == 415
    with pytest.raises(UnexpectedStatus):
        _upload(sdk, "999999999", "1", b"x")
